"""The generated Argo step, GitHub composite action and StackStorm entry point, rendered with
concrete values as their engines would and run against compshare-emulator: the glue itself
(quoting, credentials, exit codes, outputs, masking) is tested, not only its shape."""
import json
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engine_render as render  # noqa: E402
import engine_schemas as es  # noqa: E402
import integration_support as support  # noqa: E402

EXIT_FOR_CLASS = {"usage": 2, "credentials": 3, "precondition": 4, "remote": 5, "transient": 6,
                  "timeout": 7, "internal": 1}
# A ClientToken that would break naive quoting: quotes, a backslash, shell syntax, non-ASCII.
AWKWARD_TOKEN = 'run "42" \\ $(touch /tmp/pwned) `id` ${HOME} ; 优云'
DETACH = {"region": "cn-wlcb", "uhost_id": support.STOPPED_HOST,
          "udisk_id": support.DATA_DISK, "poll_interval_seconds": "0.1"}


def config(emu):
    return {"public_key": support.PUBLIC_KEY, "private_key": support.PRIVATE_KEY,
            "base_url": emu.url if emu else "http://127.0.0.1:9"}


class RenderedRunTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="engine-run-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def config_file(self, emu):
        path = os.path.join(self.tmp, "config.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(config(emu), f)
        return path


class ArgoStepTest(RenderedRunTest):
    def setUp(self):
        super().setUp()
        (path,) = es.generated("argo/*.workflowtemplate.yaml")
        document = es.load_yaml(path)
        self.step = next(t for t in document["spec"]["templates"] if t["name"] == "detach")

    def test_detach_prints_the_result_as_outputs_result(self):
        with support.emulator() as emu:
            proc = render.run_argo_step(self.step, dict(DETACH, client_token=AWKWARD_TOKEN),
                                        self.config_file(emu), self.tmp)
            self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
            result = json.loads(proc.stdout)  # outputs.result is the script's stdout
            self.assertEqual(result["status"], "detached")
            self.assertEqual(result["client_token"], AWKWARD_TOKEN)
            self.assertFalse(os.path.exists("/tmp/pwned"))
            self.assertEqual(support.accepted(emu), 1)

    def test_retry_strategy_retries_exactly_the_retryable_classes(self):
        by_class = {}
        for error in support.MANIFEST["errors"].values():
            by_class.setdefault(error["class"], []).append(error["retryable"])
        expected = sorted(EXIT_FOR_CLASS[c] for c, flags in by_class.items()
                          if c in EXIT_FOR_CLASS and all(flags))
        strategy = self.step["retryStrategy"]
        codes = json.loads(re.fullmatch(r"asInt\(lastRetry\.exitCode\) in (\[.*\])",
                                        strategy["expression"]).group(1))
        self.assertEqual(codes, expected)
        self.assertEqual(codes, [6, 7])
        self.assertEqual(strategy["backoff"]["factor"], "2")

    def test_a_wait_timeout_exits_with_a_retried_code_and_a_precondition_does_not(self):
        codes = json.loads(self.step["retryStrategy"]["expression"].split(" in ")[1])
        with support.emulator(detach_delay_ms=60000) as emu:
            timed_out = render.run_argo_step(self.step, dict(DETACH, wait_timeout_seconds="0.3"),
                                             self.config_file(emu), self.tmp)
            running = render.run_argo_step(self.step, dict(DETACH, uhost_id=support.RUNNING_HOST,
                                                           udisk_id=support.RUNNING_DISK),
                                           self.config_file(emu), self.tmp)
        self.assertEqual(timed_out.returncode, 7, timed_out.stderr[-2000:])
        self.assertIn(7, codes)
        self.assertEqual(json.loads(running.stdout)["error"]["type"], "InstanceNotStopped")
        self.assertEqual(running.returncode, 4)
        self.assertNotIn(4, codes)

    def test_a_boolean_parameter_that_is_not_one_is_refused_before_actionhost(self):
        with support.emulator() as emu:
            proc = render.run_argo_step(self.step, dict(DETACH, wait="yes please"),
                                        self.config_file(emu), self.tmp)
            self.assertEqual(proc.returncode, 2)
            self.assertIn("Wait: not a boolean", proc.stderr)
            self.assertEqual(emu.requests()["counts"], {})

    def test_a_required_parameter_has_no_default(self):
        with self.assertRaisesRegex(ValueError, "uhost_id"):
            render.argo_step(self.step, {"udisk_id": support.DATA_DISK}, "/nonexistent")


class GitHubActionTest(RenderedRunTest):
    def setUp(self):
        super().setUp()
        (path,) = es.generated("github/actions/*-detach/action.yml")
        self.action = es.load_yaml(path)

    def inputs(self, emu, **extra):
        values = dict(DETACH, public_key=support.PUBLIC_KEY, private_key=support.PRIVATE_KEY,
                      base_url=emu.url, actionhost_path=support.BIN)
        values.update(extra)
        return values

    def test_detach_sets_result_status_and_changed(self):
        with support.emulator() as emu:
            proc, outputs = render.run_github_action(
                self.action, self.inputs(emu, client_token=AWKWARD_TOKEN), self.tmp)
            self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
            self.assertEqual(outputs["status"], "detached")
            self.assertEqual(outputs["changed"], "true")
            result = json.loads(outputs["result"])
            self.assertEqual(result["client_token"], AWKWARD_TOKEN)
            self.assertEqual(support.accepted(emu), 1)

    def test_the_private_key_is_masked_before_anything_prints(self):
        with support.emulator() as emu:
            proc, _ = render.run_github_action(self.action, self.inputs(emu), self.tmp)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0], "::add-mask::" + support.PRIVATE_KEY)
        self.assertEqual([l for l in lines if support.PRIVATE_KEY in l], lines[:1])
        self.assertNotIn(support.PRIVATE_KEY, proc.stderr)
        self.assertEqual(os.listdir(self.tmp).count("config.json"), 0)
        self.assertFalse([n for n in os.listdir(self.tmp) if n.startswith("actionhost-config")])

    def test_a_failure_fails_the_step_with_the_exit_code(self):
        with support.emulator() as emu:
            proc, outputs = render.run_github_action(
                self.action, self.inputs(emu, uhost_id=support.RUNNING_HOST,
                                         udisk_id=support.RUNNING_DISK), self.tmp)
        self.assertEqual(proc.returncode, 4)
        self.assertEqual(outputs["status"], "failed")
        self.assertEqual(outputs["changed"], "false")
        self.assertEqual(json.loads(outputs["result"])["error"]["type"], "InstanceNotStopped")

    def test_a_missing_actionhost_fails_the_step_with_status_failed(self):
        with support.emulator() as emu:
            proc, outputs = render.run_github_action(
                self.action, self.inputs(emu, actionhost_path="/nonexistent/actionhost"),
                self.tmp)
        self.assertEqual(proc.returncode, 127)
        self.assertEqual((outputs["status"], outputs["changed"]), ("failed", "false"))

    def test_a_required_input_must_be_given(self):
        with self.assertRaisesRegex(ValueError, "udisk_id"):
            render.run_github_action(self.action, {"uhost_id": "x"}, self.tmp)


class StackStormActionTest(RenderedRunTest):
    def setUp(self):
        super().setUp()
        (path,) = es.generated("stackstorm/*/actions/detach.yaml")
        self.metadata = es.load_yaml(path)
        self.entry = render.stackstorm_entry_point(
            os.path.join(os.path.dirname(path), self.metadata["entry_point"]))

    def pack_config(self, emu):
        return dict(config(emu), actionhost_path=support.BIN, plugin_path=support.PLUGIN_DIR)

    def values(self, **extra):
        values = {"region": "cn-wlcb", "uhost_id": support.STOPPED_HOST,
                  "udisk_id": support.DATA_DISK, "poll_interval_seconds": 0.1}
        values.update(extra)
        return values

    def test_detach_returns_success_and_the_result(self):
        with support.emulator() as emu:
            ok, result = render.run_stackstorm_action(
                self.entry, self.metadata, self.pack_config(emu),
                self.values(client_token=AWKWARD_TOKEN), self.tmp)
            self.assertTrue(ok, result)
            self.assertEqual(result["status"], "detached")
            self.assertEqual(result["client_token"], AWKWARD_TOKEN)
            self.assertEqual(result["exit_code"], 0)
            self.assertEqual(support.accepted(emu), 1)
        self.assertEqual(os.listdir(self.tmp), [])  # the config file is gone

    def test_a_failure_returns_false_with_the_error_and_exit_code(self):
        with support.emulator() as emu:
            ok, result = render.run_stackstorm_action(
                self.entry, self.metadata, self.pack_config(emu),
                self.values(uhost_id=support.RUNNING_HOST, udisk_id=support.RUNNING_DISK),
                self.tmp)
        self.assertFalse(ok)
        self.assertEqual(result["error"]["type"], "InstanceNotStopped")
        self.assertEqual(result["exit_code"], 4)

    def test_no_actionhost_result_is_a_failure(self):
        config = dict(self.pack_config(None), actionhost_path="/bin/false")
        ok, result = render.run_stackstorm_action(self.entry, self.metadata, config,
                                                  self.values(), self.tmp)
        self.assertFalse(ok)
        self.assertEqual(result["error"]["type"], "NoResult")
        self.assertEqual(result["exit_code"], 1)


if __name__ == "__main__":
    unittest.main()
