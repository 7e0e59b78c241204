"""Each integration README's copy-paste example, run as written (only the emulator's address,
the build's actionhost and the secrets a real engine would supply are filled in)."""
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ansible_support  # noqa: E402
import engine_render as render  # noqa: E402
import engine_schemas as es  # noqa: E402
import integration_support as support  # noqa: E402

REPOSITORY = os.path.dirname(support.INTEGRATIONS)


def examples(engine):
    """{name: text} of the blocks marked <!-- tested example: name --> in the README."""
    with open(os.path.join(support.INTEGRATIONS, engine, "README.md"), encoding="utf-8") as f:
        text = f.read()
    found = dict(re.findall(r"<!-- tested example: (\w+) -->\n```\w*\n(.*?)```", text, re.S))
    assert found, f"{engine}/README.md has no tested example"
    return found


class ReadmeExampleTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="readme-example-")

    def tearDown(self):
        shutil.rmtree(self.tmp)


class AnsibleReadmeTest(ReadmeExampleTest):
    def test_playbook_in_check_mode_then_for_real_then_again(self):
        collection = ansible_support.InstalledCollection()
        self.addCleanup(collection.cleanup)
        book = os.path.join(self.tmp, "detach.yml")
        with open(book, "w", encoding="utf-8") as f:
            f.write(examples("ansible")["playbook"])
        with support.emulator() as emu:
            env = collection.env(COMPSHARE_PUBLIC_KEY=support.PUBLIC_KEY,
                                 COMPSHARE_PRIVATE_KEY=support.PRIVATE_KEY,
                                 COMPSHARE_BASE_URL=emu.url, ACTIONHOST_BIN=support.BIN,
                                 ACTIONHOST_PLUGIN_PATH=support.PLUGIN_DIR)
            runs = []
            for args in (["--check"], [], []):
                proc = support.run(["ansible-playbook", *args, book], env=env)
                self.assertEqual(proc.returncode, 0, proc.stdout[-3000:])
                runs.append((proc.stdout, support.accepted(emu)))
        (checked, after_check), (real, after_real), (again, after_again) = runs
        self.assertRegex(checked, r"localhost\s+: ok=2\s+changed=1")
        self.assertIn("would_detach: ", checked)
        self.assertEqual(after_check, 0)
        self.assertRegex(real, r"localhost\s+: ok=2\s+changed=1")
        self.assertIn("detached: ", real)
        self.assertEqual(after_real, 1)
        self.assertRegex(again, r"localhost\s+: ok=2\s+changed=0")
        self.assertIn("already_detached: ", again)
        self.assertEqual(after_again, 1)


class ArgoReadmeTest(ReadmeExampleTest):
    def test_workflow_is_valid_and_its_arguments_run_the_step(self):
        found = examples("argo")
        workflow = yaml.safe_load(found["workflow"])
        validator = es.argo_validator("io.argoproj.workflow.v1alpha1.Workflow")
        self.assertEqual([e.message for e in validator.iter_errors(workflow)], [])
        secret = yaml.safe_load(found["secret"])
        (path,) = es.generated("argo/*.workflowtemplate.yaml")
        template = es.load_yaml(path)
        self.assertEqual(template["spec"]["volumes"][0]["secret"]["secretName"],
                         secret["metadata"]["name"])
        step = workflow["spec"]["templates"][0]["steps"][0][0]
        target = next(t for t in template["spec"]["templates"]
                      if t["name"] == step["templateRef"]["template"])
        self.assertEqual(step["templateRef"]["name"], template["metadata"]["name"])
        values = {p["name"]: p["value"].replace("{{workflow.name}}", "detach-x7k2p")
                  for p in step["arguments"]["parameters"]}
        with support.emulator() as emu:
            config = json.loads(secret["stringData"]["config.json"])
            config["base_url"] = emu.url  # the cluster's service name, here the emulator
            config_file = os.path.join(self.tmp, "config.json")
            with open(config_file, "w", encoding="utf-8") as f:
                json.dump(config, f)
            proc = render.run_argo_step(target, dict(values, poll_interval_seconds="0.1"),
                                        config_file, self.tmp)
            self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
            result = json.loads(proc.stdout)
            self.assertEqual(result["status"], "detached")
            self.assertEqual(result["client_token"], "detach-x7k2p")
            self.assertEqual(support.accepted(emu), 1)


class GitHubReadmeTest(ReadmeExampleTest):
    def test_the_example_step_runs_the_action_with_its_inputs(self):
        workflow = yaml.safe_load(examples("github")["workflow"])
        step = next(s for s in workflow["jobs"]["detach"]["steps"]
                    if s.get("uses", "").startswith("./"))
        action = es.load_yaml(os.path.join(REPOSITORY, step["uses"], "action.yml"))
        with support.emulator() as emu:
            context = {"secrets.COMPSHARE_PUBLIC_KEY": support.PUBLIC_KEY,
                       "secrets.COMPSHARE_PRIVATE_KEY": support.PRIVATE_KEY,
                       "vars.COMPSHARE_BASE_URL": emu.url}
            inputs = {k: re.sub(r"\$\{\{ ([\w.]+) \}\}", lambda m: context[m.group(1)], str(v))
                      for k, v in step["with"].items()}
            inputs["actionhost_path"] = support.BIN
            proc, outputs = render.run_github_action(action, inputs, self.tmp)
            self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
            self.assertEqual((outputs["status"], outputs["changed"]), ("detached", "true"))
            self.assertEqual(support.accepted(emu), 1)


class StackStormReadmeTest(ReadmeExampleTest):
    def test_config_and_st2_run_parameters_run_the_entry_point(self):
        found = examples("stackstorm")
        config = yaml.safe_load(found["config"])
        words = shlex.split(found["run"])
        self.assertEqual(words[:2], ["st2", "run"])
        pack, action_name = words[2].split(".")
        values = dict(w.split("=", 1) for w in words[3:])
        metadata = es.load_yaml(os.path.join(support.INTEGRATIONS, "stackstorm", pack,
                                             "actions", action_name + ".yaml"))
        entry = render.stackstorm_entry_point(os.path.join(
            support.INTEGRATIONS, "stackstorm", pack, "actions", metadata["entry_point"]))
        with support.emulator() as emu:
            config.update(base_url=emu.url, actionhost_path=support.BIN,
                          plugin_path=support.PLUGIN_DIR)
            ok, result = render.run_stackstorm_action(
                entry, metadata, config, dict(values, poll_interval_seconds=0.1), self.tmp)
            self.assertTrue(ok, result)
            self.assertEqual(result["status"], "detached")
            self.assertEqual(support.accepted(emu), 1)


if __name__ == "__main__":
    unittest.main()
