"""The generated Ansible collection in the real engine: built and installed from its tarball,
run by ansible-playbook against compshare-emulator (Debian's ansible-core)."""
import json
import os
import py_compile
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ansible_support  # noqa: E402
import integration_support as support  # noqa: E402
from ansible_support import connection_vars, module_defaults, save_result  # noqa: E402

DETACH = "actionhost.compshare.compshare_disk_detach"
LOCAL = {"hosts": "localhost", "gather_facts": False}


def detach_play(variables, task, check_mode=False):
    step = {"name": "detach", DETACH: task, "ignore_errors": True, "register": "result"}
    if check_mode:
        step["check_mode"] = True
    return [dict(LOCAL, module_defaults=module_defaults(variables),
                 tasks=[step, save_result()])]


class AnsibleCollectionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.collection = ansible_support.InstalledCollection()

    @classmethod
    def tearDownClass(cls):
        cls.collection.cleanup()

    def test_integration_target_through_ansible_playbook(self):
        # The target's tasks: check mode, detach, again, a running instance.
        with support.emulator() as emu:
            tasks = os.path.join(self.collection.root, "tests", "integration", "targets",
                                 "compshare_disk_detach", "tasks", "main.yml")
            plays = [dict(LOCAL, tasks=[{"name": "target",
                                         "ansible.builtin.include_tasks": tasks}])]
            proc, _ = self.collection.playbook(plays, connection_vars(emu))
            self.assertEqual(proc.returncode, 0, proc.stdout[-4000:] + proc.stderr[-2000:])
            self.assertIn("ok=", proc.stdout)
            # Check mode, the repeat and the refused instance sent no write: one detach in all.
            self.assertEqual(support.accepted(emu), 1)

    def test_integration_target_through_ansible_test(self):
        # ansible-test integration --local runs offline: the target gets its variables from
        # tests/integration/integration_config.yml, as ansible-test intends.
        with support.emulator() as emu:
            config = os.path.join(self.collection.root, "tests", "integration",
                                  "integration_config.yml")
            with open(config, "w", encoding="utf-8") as f:
                json.dump(connection_vars(emu), f)
            proc = support.run(["ansible-test", "integration", "--local",
                                "--python-interpreter", ansible_support.PYTHON,
                                "compshare_disk_detach"],
                               env=self.collection.env(), cwd=self.collection.root)
            self.assertEqual(proc.returncode, 0, proc.stdout[-4000:] + proc.stderr[-2000:])
            self.assertIn("Running compshare_disk_detach integration test role", proc.stdout)
            self.assertEqual(support.accepted(emu), 1)

    def test_check_mode_writes_nothing(self):
        with support.emulator() as emu:
            variables = connection_vars(emu)
            proc, results = self.collection.playbook(detach_play(variables, {
                "region": "cn-wlcb", "uhost_id": support.STOPPED_HOST,
                "udisk_id": support.DATA_DISK}, check_mode=True), variables)
            result = results["localhost"]
            self.assertTrue(result["changed"], result)
            self.assertEqual(result["status"], "would_detach")
            self.assertEqual(support.accepted(emu), 0)
            self.assertGreater(emu.requests()["counts"].get("DescribeCompShareInstance", 0), 0)

    def test_detach_then_attach_then_info(self):
        # A disk moved back: detach, attach, then the read-only info module says where it is.
        with support.emulator() as emu:
            variables = connection_vars(emu)
            disk = {"region": "cn-wlcb", "uhost_id": support.STOPPED_HOST,
                    "udisk_id": support.DATA_DISK, "poll_interval_seconds": 0.1}
            tasks = [
                {"name": "detach", DETACH: disk, "register": "detached"},
                {"name": "attach", "actionhost.compshare.compshare_disk_attach": disk,
                 "register": "attached"},
                {"name": "info", "actionhost.compshare.compshare_disk_info": {
                    k: v for k, v in disk.items() if k != "poll_interval_seconds"},
                 "register": "result"},
                {"name": "moves changed, info did not", "ansible.builtin.assert": {"that": [
                    "detached.changed", "detached.status == 'detached'",
                    "attached.changed", "attached.status == 'attached'",
                    "not result.changed"]}},
                save_result()]
            plays = [dict(LOCAL, module_defaults=module_defaults(variables), tasks=tasks)]
            proc, results = self.collection.playbook(plays, variables)
            self.assertEqual(proc.returncode, 0, proc.stdout[-4000:] + proc.stderr[-2000:])
            info = results["localhost"]
            self.assertTrue(info["disk"]["attached"], info)
            self.assertTrue(info["disk"]["device"].startswith("/dev/"), info)
            self.assertEqual(support.accepted(emu), 1)
            self.assertEqual(support.accepted(emu, "AttachCompshareDisk"), 1)

    def test_wait_timeout_fails_with_exit_code_7(self):
        with support.emulator(detach_delay_ms=60000) as emu:
            variables = connection_vars(emu)
            proc, results = self.collection.playbook(detach_play(variables, {
                "region": "cn-wlcb", "uhost_id": support.STOPPED_HOST,
                "udisk_id": support.DATA_DISK, "wait_timeout_seconds": 0.5,
                "poll_interval_seconds": 0.1}), variables)
            result = results["localhost"]
            self.assertTrue(result["failed"], result)
            self.assertEqual(result["rc"], 7)
            self.assertEqual(result["error"]["type"], "WaitTimeout")
            self.assertTrue(result["error"]["retryable"])
            self.assertTrue(result["msg"].startswith("WaitTimeout: "), result["msg"])

    def test_missing_actionhost_fails_plainly(self):
        with support.emulator() as emu:
            variables = dict(connection_vars(emu), actionhost_path="/nonexistent/actionhost")
            proc, results = self.collection.playbook(detach_play(variables, {
                "region": "cn-wlcb", "uhost_id": support.STOPPED_HOST,
                "udisk_id": support.DATA_DISK}), variables)
            result = results["localhost"]
            self.assertTrue(result["failed"], result)
            self.assertIn("/nonexistent/actionhost", result["msg"])

    def test_invalid_parameter_is_rc_2(self):
        with support.emulator() as emu:
            variables = connection_vars(emu)
            proc, results = self.collection.playbook(detach_play(variables, {
                "region": "cn-wlcb", "uhost_id": "bad id\"", "udisk_id": support.DATA_DISK}),
                variables)
            result = results["localhost"]
            self.assertEqual(result["rc"], 2, result)
            self.assertEqual(result["error"]["type"], "InvalidParameter")
            self.assertEqual(support.accepted(emu), 0)

    def test_private_key_never_in_verbose_output(self):
        with support.emulator() as emu:
            variables = connection_vars(emu)
            plays = detach_play(variables, {"region": "cn-wlcb",
                                            "uhost_id": support.STOPPED_HOST,
                                            "udisk_id": support.DATA_DISK,
                                            "poll_interval_seconds": 0.1})
            proc, _ = self.collection.playbook(plays, variables, args=["-vvv"])
            self.assertEqual(proc.returncode, 0, proc.stdout[-3000:])
            self.assertIn('"status": "detached"', proc.stdout)
            self.assertIn("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", proc.stdout)
            self.assertNotIn(support.PRIVATE_KEY, proc.stdout + proc.stderr)

    def test_private_key_from_environment_fallback(self):
        with support.emulator() as emu:
            variables = connection_vars(emu)
            del variables["private_key"]
            env = self.collection.env(COMPSHARE_PRIVATE_KEY=support.PRIVATE_KEY)
            proc, results = self.collection.playbook(detach_play(variables, {
                "region": "cn-wlcb", "uhost_id": support.STOPPED_HOST,
                "udisk_id": support.DATA_DISK, "poll_interval_seconds": 0.1}), variables,
                env=env)
            result = results["localhost"]
            self.assertEqual(result.get("status"), "detached", result)
            self.assertNotIn(support.PRIVATE_KEY, proc.stdout)

    def test_24_hosts_8_forks_detach_48_disks(self):
        hosts, disks = 24, 2
        with support.emulator(state=support.fleet_state(hosts, disks)) as emu:
            variables = connection_vars(emu)
            inventory = "".join(
                f"gpu{h} ansible_connection=local uhost_id=uhost-fleet-{h}\n"
                for h in range(hosts))
            plays = [{"hosts": "all", "gather_facts": False,
                      "module_defaults": module_defaults(variables),
                      "tasks": [{"name": "detach", DETACH: {
                          "region": "cn-wlcb", "uhost_id": "{{ uhost_id }}",
                          "udisk_id": "udisk-fleet-{{ uhost_id.split('-')[-1] }}-{{ item }}",
                          "poll_interval_seconds": 0.1},
                          "loop": list(range(disks)), "register": "result"},
                          save_result()]}]
            start = time.monotonic()
            proc, results = self.collection.playbook(plays, variables, inventory=inventory,
                                                     args=["--forks", "8"])
            elapsed = time.monotonic() - start
            self.assertEqual(proc.returncode, 0, proc.stdout[-3000:] + proc.stderr[-2000:])
            items = [item for host in results.values() for item in host["results"]]
            self.assertEqual(len(items), hosts * disks)
            self.assertTrue(all(i["changed"] and i["status"] == "detached" for i in items))
            self.assertEqual(support.accepted(emu), hosts * disks)
            self.assertFalse(any(d["DiskId"].startswith("udisk-fleet")
                                 for i in emu.state()["Instances"] for d in i["DiskSet"]))
            self.assertLess(elapsed, 240)
            print(f"24 hosts, forks 8, 48 detaches: {elapsed:.1f} s", file=sys.stderr)


class SanityWithoutNetworkTest(unittest.TestCase):
    """What ansible-test sanity would check that runs offline: modules compile, documented
    options equal the argument spec."""

    @classmethod
    def setUpClass(cls):
        cls.collection = ansible_support.InstalledCollection()
        sys.path.insert(0, cls.collection.path)

    @classmethod
    def tearDownClass(cls):
        cls.collection.cleanup()

    def modules(self):
        folder = os.path.join(self.collection.root, "plugins", "modules")
        return sorted(n[:-3] for n in os.listdir(folder) if n.endswith(".py"))

    def test_every_python_file_compiles(self):
        count = 0
        for root, _, names in os.walk(os.path.join(self.collection.root, "plugins")):
            for name in names:
                if name.endswith(".py"):
                    py_compile.compile(os.path.join(root, name), doraise=True,
                                       cfile=os.path.join(self.collection.tmp, "c.pyc"))
                    count += 1
        self.assertGreaterEqual(count, 3)

    def test_documented_options_equal_argument_spec(self):
        import importlib
        self.assertIn("compshare_disk_detach", self.modules())
        for name in self.modules():
            fqcn = f"actionhost.compshare.{name}"
            doc = support.run(["ansible-doc", "--json", fqcn], env=self.collection.env())
            self.assertEqual(doc.returncode, 0, doc.stderr)
            documented = json.loads(doc.stdout)[fqcn]["doc"]["options"]
            module = importlib.import_module(
                f"ansible_collections.actionhost.compshare.plugins.modules.{name}")
            runner = importlib.import_module(
                "ansible_collections.actionhost.compshare.plugins.module_utils."
                "actionhost_runner")
            spec = runner.argument_spec(module.OPTIONS)
            self.assertEqual(sorted(documented), sorted(spec), name)
            for option, entry in spec.items():
                doc_entry = documented[option]
                self.assertEqual(doc_entry.get("type", "str"), entry.get("type", "str"), option)
                self.assertEqual(bool(doc_entry.get("required")), bool(entry.get("required")),
                                 option)
                self.assertEqual(doc_entry.get("default"), entry.get("default"), option)
                self.assertEqual(doc_entry.get("choices"), entry.get("choices"), option)


if __name__ == "__main__":
    unittest.main()
