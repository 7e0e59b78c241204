"""integrations/generate: the committed outputs equal a fresh generation, a stale tree is
caught, and any manifest gets its integrations (new actions, a read-only action's _info
module) without the generator knowing the plugin."""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integration_support as support  # noqa: E402

GENERATOR_DIR = os.path.join(support.INTEGRATIONS, "generate")
GENERATOR = os.path.join(GENERATOR_DIR, "generate.py")
SETTINGS = os.path.join(support.INTEGRATIONS, "compshare-disk.settings.json")
PYTHON = "/usr/bin/python3"
sys.path.insert(0, GENERATOR_DIR)
import generate  # noqa: E402


def run_generator(*args):
    return subprocess.run([PYTHON, GENERATOR, *args], capture_output=True, text=True,
                          timeout=120)


def synthetic_plugin(tmp):
    """A plugin the generator has never seen: an attach action with a dry run and a read-only
    status action, and a class (precondition) that mixes retryable and final errors."""
    manifest = copy.deepcopy(support.MANIFEST)
    manifest["name"] = "demo-volumes"
    detach = manifest["actions"][0]
    attach = copy.deepcopy(detach)
    attach["name"] = "attach"
    attach["result_schema"]["properties"]["status"]["enum"] = ["attached", "would_attach"]
    status = {"name": "status", "description": "Reads a disk's state.",
              "params_schema": {"type": "object", "required": ["DiskId"],
                                "properties": {"DiskId": {"type": "string",
                                                          "description": "The disk."}}},
              "result_schema": {"type": "object", "required": ["ok"], "properties": {
                  "ok": {"type": "boolean"}, "changed": {"const": False},
                  "state": {"type": "string", "enum": ["free", "in_use"]}}}}
    manifest["actions"] = [detach, attach, status]
    manifest["errors"]["Busy"] = {"class": "precondition", "retryable": True,
                                  "description": "Busy."}
    with open(os.path.join(tmp, "demo-volumes.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f)
    settings = {
        "manifest": "demo-volumes.json", "config_env_fallbacks": {"private_key": "DEMO_KEY"},
        "ansible": {"out": "ansible/demo.volumes", "namespace": "demo", "name": "volumes",
                    "module_prefix": "volume", "authors": ["a"], "repository": "https://x.invalid"},
        "argo": {"out": "argo/demo.yaml", "template_name": "demo", "image": "demo:1",
                 "secret_name": "demo"},
        "stackstorm": {"out": "stackstorm/demo", "pack": "demo", "author": "a",
                       "email": "a@x.invalid"},
        "github": {"out": "github/actions", "action_dir_prefix": "demo-", "author": "a"}}
    path = os.path.join(tmp, "demo.settings.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(settings, f)
    return path


class FreshnessTest(unittest.TestCase):
    def test_committed_outputs_equal_a_fresh_generation(self):
        checked = run_generator("--check", SETTINGS)
        self.assertEqual(checked.returncode, 0, checked.stderr)

    def test_a_stale_tree_is_caught(self):
        with tempfile.TemporaryDirectory() as tmp:
            copy_dir = os.path.join(tmp, "integrations")
            shutil.copytree(support.INTEGRATIONS, copy_dir)
            manifests = os.path.join(tmp, "manifests")
            os.makedirs(manifests)
            shutil.copy(os.environ["COMPSHARE_MANIFEST"], manifests)
            settings = os.path.join(copy_dir, "compshare-disk.settings.json")
            self.assertEqual(run_generator("--check", settings).returncode, 0)
            module = os.path.join(copy_dir, "ansible", "actionhost.compshare", "plugins",
                                  "modules", "compshare_disk_detach.py")
            with open(module, "a", encoding="utf-8") as f:
                f.write("# edited by hand\n")
            stale = os.path.join(copy_dir, "stackstorm", "compshare_disk", "actions",
                                 "removed.yaml")
            open(stale, "w").close()
            os.unlink(os.path.join(copy_dir, "github", "actions", "compshare-disk-detach",
                                   "action.yml"))
            checked = run_generator("--check", settings)
            self.assertEqual(checked.returncode, 1)
            self.assertIn("differs: ansible/actionhost.compshare/plugins/modules/"
                          "compshare_disk_detach.py", checked.stderr)
            self.assertIn("not generated (stale): stackstorm/compshare_disk/actions/removed.yaml",
                          checked.stderr)
            self.assertIn("missing: github/actions/compshare-disk-detach/action.yml",
                          checked.stderr)
            # Regenerating repairs all three.
            self.assertEqual(run_generator(settings).returncode, 0)
            self.assertEqual(run_generator("--check", settings).returncode, 0)
            self.assertFalse(os.path.exists(stale))

    def test_the_generator_names_no_plugin(self):
        for root, _, names in os.walk(GENERATOR_DIR):
            for name in names:
                if name.endswith((".py", ".sh")):
                    with open(os.path.join(root, name), encoding="utf-8") as f:
                        self.assertFalse("compshare" in f.read().lower(), name)


class GenericManifestTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="generator-")
        cls.base, cls.files, _ = generate.generate(synthetic_plugin(cls.tmp))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_every_action_gets_an_ansible_module_and_the_read_only_one_is_info(self):
        modules = sorted(p for p in self.files if "/plugins/modules/" in p)
        self.assertEqual([os.path.basename(m) for m in modules],
                         ["volume_attach.py", "volume_detach.py", "volume_info.py"])
        info = self.files["ansible/demo.volumes/plugins/modules/volume_info.py"]
        self.assertIn("supports_check_mode=True", info)
        self.assertIn("'read_only': True", info)
        self.assertIn("'dry_run_param': None", info)
        attach = self.files["ansible/demo.volumes/plugins/modules/volume_attach.py"]
        self.assertIn("'would_change_statuses': ['would_attach']", attach)
        self.assertIn("'dry_run_param': 'DryRun'", attach)
        runtime = self.files["ansible/demo.volumes/meta/runtime.yml"]
        self.assertIn("- volume_attach\n    - volume_detach\n    - volume_info", runtime)

    def test_settings_may_mark_an_action_read_only(self):
        with open(os.path.join(self.tmp, "demo.settings.json"), encoding="utf-8") as f:
            settings = json.load(f)
        settings["read_only_actions"] = ["attach"]
        path = os.path.join(self.tmp, "marked.settings.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(settings, f)
        _, files, _ = generate.generate(path)
        self.assertIn("ansible/demo.volumes/plugins/modules/volume_attach_info.py", files)
        self.assertIn("ansible/demo.volumes/plugins/modules/volume_status_info.py", files)

    def test_every_action_gets_an_argo_template_a_pack_action_and_a_github_action(self):
        argo = self.files["argo/demo.yaml"]
        for name in ("attach", "detach", "status"):
            self.assertIn(f"  - name: {name}\n", argo)
            self.assertIn(f"stackstorm/demo/actions/{name}.yaml", self.files)
            self.assertIn(f"github/actions/demo-{name}/action.yml", self.files)

    def test_a_class_mixing_retryable_and_final_errors_is_not_retried(self):
        # precondition now holds Busy (retryable) and InstanceNotStopped (final): 4 is not retried.
        self.assertIn("asInt(lastRetry.exitCode) in [6, 7]", self.files["argo/demo.yaml"])

    def test_an_unusable_parameter_name_is_refused(self):
        manifest_path = os.path.join(self.tmp, "demo-volumes.json")
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
        manifest["actions"][0]["params_schema"]["properties"]["bad name"] = {"type": "string"}
        bad_dir = os.path.join(self.tmp, "bad")
        os.makedirs(bad_dir, exist_ok=True)
        with open(os.path.join(bad_dir, "demo-volumes.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f)
        shutil.copy(os.path.join(self.tmp, "demo.settings.json"), bad_dir)
        with self.assertRaisesRegex(ValueError, "'bad name' cannot be an environment variable"):
            generate.generate(os.path.join(bad_dir, "demo.settings.json"))


if __name__ == "__main__":
    unittest.main()
