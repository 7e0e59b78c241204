"""The generator on another plugin, in the real engine: test-echo's manifest with its echo
action marked read-only in the settings gives an _info module that never reports a change,
also in check mode, and its fail action maps error classes to rc."""
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ansible_support  # noqa: E402
import integration_support as support  # noqa: E402

sys.path.insert(0, os.path.join(support.INTEGRATIONS, "generate"))
import generate  # noqa: E402

ECHO_MANIFEST = os.environ["TEST_ECHO_MANIFEST"]
ECHO_PLUGIN_DIR = os.environ["TEST_PLUGIN_DIR"]


class GeneratedEchoCollectionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="echo-integrations-")
        shutil.copy(ECHO_MANIFEST, os.path.join(cls.tmp, "test-echo.json"))
        settings = {"manifest": "test-echo.json", "read_only_actions": ["echo"],
                    "ansible": {"out": "ansible/testing.echo", "namespace": "testing",
                                "name": "echo", "module_prefix": "test_echo",
                                "authors": ["tests"], "repository": "https://x.invalid"}}
        settings_path = os.path.join(cls.tmp, "test-echo.settings.json")
        with open(settings_path, "w", encoding="utf-8") as f:
            json.dump(settings, f)
        base, files, owned = generate.generate(settings_path)
        generate.write(base, files, owned)
        cls.collection = ansible_support.InstalledCollection(
            os.path.join(cls.tmp, "ansible", "testing.echo"), "testing", "echo")

    @classmethod
    def tearDownClass(cls):
        cls.collection.cleanup()
        shutil.rmtree(cls.tmp)

    def play(self, task, check_mode=False):
        step = {"name": "run", **task, "register": "result", "ignore_errors": True}
        if check_mode:
            step["check_mode"] = True
        defaults = {"group/testing.echo.echo": {"actionhost_path": support.BIN,
                                                "plugin_path": ECHO_PLUGIN_DIR,
                                                "greeting": "hello from the config"}}
        plays = [{"hosts": "localhost", "gather_facts": False, "module_defaults": defaults,
                  "tasks": [step, ansible_support.save_result()]}]
        proc, results = self.collection.playbook(plays)
        self.assertEqual(proc.returncode, 0, proc.stdout[-3000:])
        return results["localhost"]

    def test_the_read_only_action_is_an_info_module(self):
        modules = os.listdir(os.path.join(self.collection.root, "plugins", "modules"))
        self.assertEqual(sorted(modules), ["test_echo_block.py", "test_echo_fail.py",
                                           "test_echo_info.py", "test_echo_throw.py"])

    def test_info_module_reports_no_change_also_in_check_mode(self):
        for check_mode in (False, True):
            result = self.play({"testing.echo.test_echo_info": {}}, check_mode)
            self.assertFalse(result["changed"], result)
            self.assertFalse(result.get("failed", False), result)
            self.assertEqual(result["greeting"], "hello from the config")

    def test_error_classes_become_rc(self):
        for error_type, rc in (("EchoHiccup", 6), ("EchoNotReady", 4), ("EchoTooSlow", 7)):
            result = self.play({"testing.echo.test_echo_fail": {"type": error_type}})
            self.assertTrue(result["failed"], result)
            self.assertEqual(result["rc"], rc)
            self.assertEqual(result["error"]["type"], error_type)

    def test_an_action_without_dry_run_is_skipped_in_check_mode(self):
        result = self.play({"testing.echo.test_echo_fail": {"type": "EchoHiccup"}},
                           check_mode=True)
        self.assertTrue(result["skipped"], result)


if __name__ == "__main__":
    unittest.main()
