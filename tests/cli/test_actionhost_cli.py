#!/usr/bin/env python3
"""Scripted runs of the actionhost binary against the test plugins.

Environment: ACTIONHOST_BIN (the binary), TEST_PLUGIN_DIR (test-echo), TEST_BROKEN_PLUGIN_DIR
(the plugins the host must refuse). Every run checks that stdout holds exactly what it should
(one JSON result for `run` and for every failure) and that stderr names the cause.
"""
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

BIN = os.environ["ACTIONHOST_BIN"]
ECHO_DIR = os.environ["TEST_PLUGIN_DIR"]
BROKEN_DIR = os.environ["TEST_BROKEN_PLUGIN_DIR"]
MISBEHAVING_DIR = os.environ["TEST_MISBEHAVING_PLUGIN_DIR"]
PLUGIN_PATH = ECHO_DIR + ":" + BROKEN_DIR
SAFETY_TIMEOUT = 60  # a hung host fails the test instead of hanging CTest


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "ACTIONHOST_PLUGIN_PATH"}
    env.update(extra)
    return env


def run(*args, stdin=None, plugin_path=PLUGIN_PATH, env=None):
    argv = [BIN] + (["--plugin-path", plugin_path] if plugin_path else []) + list(args)
    return subprocess.run(argv, input=stdin, capture_output=True, text=True,
                          env=env if env is not None else clean_env(), timeout=SAFETY_TIMEOUT)


def interrupt_twice(args):
    """Runs actionhost with `args` (a test-misbehaving.slow_cancel run: 30 s to honour a
    cancel), sends SIGINT once it blocks and SIGTERM once it saw the cancel, and returns
    (exit code, stdout, stderr); the second signal must end it well before the plugin's 30 s."""
    proc = subprocess.Popen([BIN, "--plugin-path", MISBEHAVING_DIR] + args,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=clean_env())
    try:
        first = proc.stderr.readline()
        assert '"blocking"' in first, first
        proc.send_signal(signal.SIGINT)
        seen = proc.stderr.readline()
        assert '"cancel_seen"' in seen, seen
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, stdout, first + seen + stderr


def wait_until_reading_a_pipe(pid):
    """Returns once the process's main thread is blocked reading a pipe (Linux /proc)."""
    deadline = time.monotonic() + SAFETY_TIMEOUT
    while time.monotonic() < deadline:
        with open("/proc/%d/wchan" % pid) as f:
            if "pipe" in f.read():
                return
        time.sleep(0.01)  # polls a condition; the signal is only sent once it holds
    raise AssertionError("actionhost never blocked reading its stdin")


class CliTestCase(unittest.TestCase):
    def one_json(self, stdout):
        """stdout must be exactly one JSON object on one line."""
        self.assertTrue(stdout.endswith("\n"), repr(stdout))
        self.assertEqual(stdout.count("\n"), 1, repr(stdout))
        value = json.loads(stdout)
        self.assertIsInstance(value, dict)
        return value

    def assert_failure(self, proc, code, error_type, *causes):
        self.assertEqual(proc.returncode, code, proc.stderr)
        result = self.one_json(proc.stdout)
        self.assertIs(result["ok"], False)
        self.assertEqual(result["error"]["type"], error_type)
        self.assertIs(result["error"]["retryable"], False)
        self.assertIsInstance(result["error"]["message"], str)
        self.assertTrue(proc.stderr.startswith("actionhost: "), proc.stderr)
        for cause in causes:
            self.assertIn(cause, proc.stderr)
        return result


class ListDescribe(CliTestCase):
    def test_list_text(self):
        proc = run("list", plugin_path=ECHO_DIR)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("test-echo 1.0.0", proc.stdout)
        for action in ("echo", "fail", "throw", "block"):
            self.assertIn("test-echo." + action, proc.stdout)
        self.assertEqual(proc.stderr, "")

    def test_list_json(self):
        proc = run("list", "--json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        listing = json.loads(proc.stdout)
        names = [p["name"] for p in listing["plugins"]]
        self.assertEqual(names[0], "test-echo")
        self.assertIn("test-no-cancel", names)
        echo = listing["plugins"][0]
        self.assertEqual(echo["manifest"], os.path.join(ECHO_DIR, "test-echo.json"))
        self.assertEqual(echo["library"], os.path.join(ECHO_DIR, "libtest-echo.so"))
        self.assertEqual([a["name"] for a in echo["actions"]], ["echo", "fail", "throw", "block"])
        self.assertEqual(listing["problems"], [])

    def test_list_loads_nothing(self):
        # The manifest of test-no-library names a missing library: list still works.
        proc = run("list", plugin_path=BROKEN_DIR)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("test-no-library.noop", proc.stdout)

    def test_describe_action(self):
        proc = run("describe", "test-echo.fail")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Fails with the given error type", proc.stdout)
        self.assertIn('type (string, optional, default "EchoRefused")', proc.stdout)
        self.assertIn("EchoHiccup         transient, exit 6, retryable", proc.stdout)
        self.assertIn("retryable (boolean, optional, default false)", proc.stdout)
        self.assertIn("Result fields:", proc.stdout)

    def test_describe_plugin_and_json(self):
        proc = run("describe", "test-echo")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Config:", proc.stdout)
        self.assertIn("fail_create (boolean, optional)", proc.stdout)
        proc = run("describe", "test-echo.block", "--json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        described = json.loads(proc.stdout)
        self.assertEqual(described["action"], "block")
        self.assertEqual(described["params"], [{
            "name": "seconds", "type": "number", "required": False, "constraints": "0 <= x",
            "default": 3600}])
        self.assertEqual(described["result"][0]["name"], "ok")
        self.assertTrue(described["result"][0]["required"])
        self.assertIn("params_schema", described)

    def test_describe_failures(self):
        self.assert_failure(run("describe", "ghost"), 8, "PluginNotFound", '"ghost"')
        self.assert_failure(run("describe", "test-echo.nope"), 2, "UnknownAction",
                            'no action "nope"', "echo, fail, throw, block")


class Run(CliTestCase):
    def test_echo_stdout_is_one_json_object(self):
        proc = run("run", "test-echo.echo", "--params", '{"a": [1, 2], "b": "é"}')
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.one_json(proc.stdout),
                         {"ok": True, "params": {"a": [1, 2], "b": "é"}, "greeting": ""})
        self.assertEqual(proc.stderr, "")

    def test_pretty(self):
        proc = run("run", "test-echo.echo", "--pretty")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertGreater(proc.stdout.count("\n"), 1)
        self.assertEqual(json.loads(proc.stdout)["ok"], True)

    def test_params_from_file_stdin_inline(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "params.json")
            with open(path, "w") as f:
                json.dump({"from": "file"}, f)
            proc = run("run", "test-echo.echo", "--params", path)
            self.assertEqual(self.one_json(proc.stdout)["params"], {"from": "file"})
        proc = run("run", "test-echo.echo", "--params", "-", stdin='{"from": "stdin"}')
        self.assertEqual(self.one_json(proc.stdout)["params"], {"from": "stdin"})
        proc = run("run", "test-echo.echo", "--params", '{"from": "inline"}')
        self.assertEqual(self.one_json(proc.stdout)["params"], {"from": "inline"})
        proc = run("run", "test-echo.echo")
        self.assertEqual(self.one_json(proc.stdout)["params"], {})

    def test_config_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "config.json")
            with open(path, "w") as f:
                json.dump({"greeting": "hello"}, f)
            proc = run("run", "test-echo.echo", "--config", path)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(self.one_json(proc.stdout)["greeting"], "hello")

    def test_plugin_error_types_map_to_exit_codes(self):
        # test-echo's own vocabulary (its manifest's "errors"): the host knows none of it.
        table = [("InvalidParameter", 2), ("EchoNoCredentials", 3), ("EchoNotReady", 4),
                 ("EchoRefused", 5), ("EchoHiccup", 6), ("EchoTooSlow", 7),
                 ("InternalError", 1), ("SomethingUndeclared", 1)]
        for error_type, code in table:
            with self.subTest(error_type=error_type):
                proc = run("run", "test-echo.fail", "--params", json.dumps({"type": error_type}))
                self.assertEqual(proc.returncode, code, proc.stderr)
                result = self.one_json(proc.stdout)
                self.assertEqual(result["error"]["type"], error_type)
                self.assertIn("failed as asked: " + error_type, proc.stderr)
                self.assertIn("AH_ERROR", proc.stderr)
                warned = [json.loads(line) for line in proc.stderr.splitlines()
                          if "undeclared_error_type" in line]
                if error_type == "SomethingUndeclared":
                    self.assertEqual(len(warned), 1, proc.stderr)
                    self.assertEqual(warned[0]["type"], error_type)
                    self.assertEqual(warned[0]["plugin"], "test-echo")
                    self.assertEqual(warned[0]["level"], "warning")
                else:
                    self.assertEqual(warned, [])

    def test_result_that_is_not_json_is_replaced(self):
        proc = run("run", "test-misbehaving.bad_result", plugin_path=MISBEHAVING_DIR)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        result = self.one_json(proc.stdout)
        self.assertEqual(result["error"]["type"], "InternalError")
        self.assertIn("not a JSON object", result["error"]["message"])
        self.assertIn("test-misbehaving.bad_result", proc.stderr)
        self.assertIn("line 1, column 14", proc.stderr)

    def test_status_outside_the_enum_is_the_plugins_bug(self):
        # test-bad-status returns 77 with a result that claims success: neither is believed.
        proc = run("run", "test-bad-status.bad_status", plugin_path=MISBEHAVING_DIR)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        result = self.one_json(proc.stdout)
        self.assertIs(result["ok"], False)
        self.assertEqual(result["error"]["type"], "InternalError")
        message = ('plugin "test-bad-status" returned status 77 (not an ah_status value) for '
                   'action "bad_status"; its result is not used')
        self.assertEqual(result["error"]["message"], message)
        self.assertIn("test-bad-status.bad_status failed with AH_ERROR (exit 1): " + message,
                      proc.stderr)

    def test_action_that_throws(self):
        proc = run("run", "test-echo.throw")
        self.assertEqual(proc.returncode, 1)
        result = self.one_json(proc.stdout)
        self.assertEqual(result["error"]["type"], "InternalError")
        self.assertIn("thrown as asked", proc.stderr)


class HostFailures(CliTestCase):
    def test_plugin_and_action_not_found(self):
        proc = self.assert_failure(run("run", "ghost.echo"), 8, "PluginNotFound",
                                   'no plugin named "ghost"', ECHO_DIR)
        self.assert_failure(run("run", "test-echo.nope"), 2, "UnknownAction",
                            'plugin "test-echo" has no action "nope"')
        self.assert_failure(run("run", "test-echo"), 2, "Usage", "is not PLUGIN.ACTION")

    def test_usage_errors(self):
        self.assert_failure(run("frobnicate"), 2, "Usage", 'unknown command "frobnicate"')
        # --plugin-path takes one DIR[:DIR...] per occurrence.
        self.assert_failure(run("--plugin-path", ECHO_DIR, BROKEN_DIR, "list", plugin_path=None),
                            2, "Usage", "not expected: " + BROKEN_DIR)
        self.assert_failure(run(), 2, "Usage", "subcommand is required")
        self.assert_failure(run("run", "test-echo.echo", "--nope"), 2, "Usage", "--nope")
        self.assert_failure(run("run", "test-echo.echo", "--timeout", "abc"), 2, "Usage",
                            "--timeout")
        self.assert_failure(run("run", "test-echo.echo", "--log-format", "xml"), 2, "Usage",
                            "xml")

    def test_invalid_params(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "bad.json")
            with open(bad, "w") as f:
                f.write('{\n  "a": 1,\n  "b": }\n')
            self.assert_failure(run("run", "test-echo.echo", "--params", bad), 2,
                                "InvalidParameter", "params file " + bad,
                                "invalid JSON at line 3, column 8")
            missing = os.path.join(tmp, "missing.json")
            self.assert_failure(run("run", "test-echo.echo", "--params", missing), 2,
                                "InvalidParameter", "params file " + missing,
                                "cannot be read: No such file or directory")
            big = os.path.join(tmp, "big.json")
            with open(big, "w") as f:
                f.write('{"a": "' + "x" * (1024 * 1024) + '"}')
            self.assert_failure(run("run", "test-echo.echo", "--params", big), 2,
                                "InvalidParameter", "larger than the limit of 1048576 bytes")
        self.assert_failure(run("run", "test-echo.echo", "--params", "[1, 2]"), 2,
                            "InvalidParameter", "inline params: must be a JSON object")
        self.assert_failure(run("run", "test-echo.echo", "--params", "-", stdin="{\"a\": tru}"),
                            2, "InvalidParameter", "params from stdin: invalid JSON at line 1, "
                            "column 10")

    def test_invalid_config(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "config.json")
            with open(bad, "w") as f:
                f.write("{")
            self.assert_failure(run("run", "test-echo.echo", "--config", bad), 2,
                                "InvalidConfig", "config file " + bad, "invalid JSON")
            failing = os.path.join(tmp, "failing.json")
            with open(failing, "w") as f:
                json.dump({"fail_create": True}, f)
            self.assert_failure(run("run", "test-echo.echo", "--config", failing), 1,
                                "InstanceCreateFailed", "creating an instance failed",
                                "fail_create was set in the config")

    def test_broken_plugins(self):
        cases = [
            ("test-newer-minor", "PluginIncompatible",
             ["libtest-newer-minor.so", '"1.1.0"', "1.0.0", "the host is too old"]),
            ("test-newer-major", "PluginIncompatible",
             ["libtest-newer-major.so", '"2.0.0"', "the host is too old"]),
            ("test-older-major", "PluginIncompatible",
             ["libtest-older-major.so", '"0.9.0"', "the plugin is too old"]),
            ("test-no-cancel", "PluginLoadFailed",
             ["libtest-no-cancel.so does not export ah_plugin_cancel"]),
            ("test-mismatch", "PluginIncompatible",
             ["libtest-mismatch.so", "test-mismatch.json", "differs in field(s): description, "
              "version"]),
            ("test-no-library", "PluginLoadFailed",
             ["libtest-no-library.so", 'field "library"', "does not exist"]),
        ]
        for plugin, error_type, causes in cases:
            with self.subTest(plugin=plugin):
                self.assert_failure(run("run", plugin + ".noop"), 8, error_type, *causes)


class Cancellation(CliTestCase):
    def test_timeout_prints_the_plugins_result(self):
        proc = run("run", "test-echo.block", "--timeout", "0.2")
        self.assertEqual(proc.returncode, 7, proc.stderr)
        result = self.one_json(proc.stdout)
        # The host says why it cancelled: the plugin's Cancelled becomes Timeout.
        self.assertEqual(result["error"], {"type": "Timeout", "message":
                                           "timed out after 0.2 s (--timeout): cancelled while "
                                           "blocking", "retryable": False})
        self.assertIn("timed out after 0.2 s", proc.stderr)
        events = [json.loads(line) for line in proc.stderr.splitlines()
                  if line.startswith("{")]
        self.assertEqual(events[0]["event"], "blocking")
        self.assertEqual(events[0]["plugin"], "test-echo")
        self.assertEqual(events[0]["level"], "info")
        self.assertIn("ts", events[0])

    def test_action_ending_before_timeout(self):
        proc = run("run", "test-echo.block", "--params", '{"seconds": 0}', "--timeout", "60")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.one_json(proc.stdout), {"ok": True, "blocked": True})

    def signal_run(self, signo, extra=()):
        proc = subprocess.Popen([BIN, "--plugin-path", ECHO_DIR, "run", "test-echo.block",
                                 *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=clean_env())
        try:
            # Wait for the plugin's "blocking" event: it is then waiting for the cancel.
            first = proc.stderr.readline()
            self.assertIn("blocking", first)
            proc.send_signal(signo)
            stdout, rest = proc.communicate(timeout=SAFETY_TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        return proc.returncode, stdout, first + rest

    def test_sigint(self):
        code, stdout, stderr = self.signal_run(signal.SIGINT)
        self.assertEqual(code, 130, stderr)
        self.assertEqual(self.one_json(stdout)["error"]["message"], "cancelled while blocking")
        self.assertIn("cancelled by SIGINT", stderr)

    def test_sigterm(self):
        code, stdout, stderr = self.signal_run(signal.SIGTERM, ["--log-format", "text"])
        self.assertEqual(code, 143, stderr)
        self.assertEqual(self.one_json(stdout)["error"]["type"], "Cancelled")
        self.assertIn("cancelled by SIGTERM", stderr)
        self.assertRegex(stderr.splitlines()[0],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO test-echo blocking: "
                         r"waiting until cancelled$")

    def test_second_signal_exits_at_once(self):
        code, stdout, stderr = interrupt_twice(["run", "test-misbehaving.slow_cancel"])
        self.assertEqual(code, 143, stderr)
        result = self.one_json(stdout)
        self.assertEqual(result["error"]["type"], "Cancelled")
        self.assertIn("interrupted twice", result["error"]["message"])
        self.assertIn("second signal", stderr)

    def test_sighup(self):
        code, stdout, stderr = self.signal_run(signal.SIGHUP)
        self.assertEqual(code, 129, stderr)
        self.assertEqual(self.one_json(stdout)["error"]["message"], "cancelled while blocking")
        self.assertIn("cancelled by SIGHUP", stderr)

    def test_signal_while_reading_the_params(self):
        # Nothing has started: the host leaves at once, with a result that says so.
        for signo, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)):
            with self.subTest(signo=signo):
                proc = subprocess.Popen([BIN, "--plugin-path", ECHO_DIR, "run", "test-echo.echo",
                                         "--params", "-"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=clean_env())
                try:
                    proc.stdin.write("{")  # the host reads it and waits for the rest
                    proc.stdin.flush()
                    wait_until_reading_a_pipe(proc.pid)
                    proc.send_signal(signo)
                    # stdin stays open: the signal, not an end of input, must end the run.
                    proc.wait(timeout=SAFETY_TIMEOUT)
                    stdout, stderr = proc.stdout.read(), proc.stderr.read()
                    proc.stdin.close()
                finally:
                    if proc.poll() is None:
                        proc.kill()
                        proc.communicate()
                self.assertEqual(proc.returncode, code, stderr)
                result = self.one_json(stdout)
                self.assertEqual(result["error"]["type"], "Cancelled")
                self.assertIn("before the action started; nothing was done",
                              result["error"]["message"])


class Check(CliTestCase):
    def test_check_good_plugin(self):
        proc = run("check", "test-echo")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("test-echo: OK", proc.stdout)
        self.assertIn("API version: 1.0.0", proc.stdout)
        for symbol in ("ah_plugin_api_version", "ah_plugin_manifest", "ah_plugin_create",
                       "ah_plugin_destroy", "ah_plugin_invoke", "ah_plugin_last_error",
                       "ah_plugin_cancel"):
            self.assertIn(symbol, proc.stdout)
        self.assertIn("embedded manifest: agrees with the file", proc.stdout)

    def test_check_all_reports_each_broken_plugin(self):
        proc = run("check")
        self.assertEqual(proc.returncode, 8)
        for cause in ("the host is too old", "the plugin is too old",
                      "does not export ah_plugin_cancel", "differs in field(s)",
                      "libtest-no-library.so"):
            self.assertIn(cause, proc.stderr)
            self.assertIn(cause, proc.stdout)
        report = json.loads(run("check", "--json").stdout)
        failed = sorted(p["plugin"] for p in report["plugins"]
                        if not p["ok"] and p["plugin"].startswith("test-"))
        self.assertEqual(failed, ["test-mismatch", "test-newer-major", "test-newer-minor",
                                  "test-no-cancel", "test-no-library", "test-older-major"])

    def test_check_json(self):
        proc = run("check", "--json", "test-no-cancel")
        self.assertEqual(proc.returncode, 8)
        report = json.loads(proc.stdout)
        self.assertFalse(report["ok"])
        plugin = report["plugins"][0]
        self.assertEqual(plugin["missing_symbols"], ["ah_plugin_cancel"])
        self.assertEqual(plugin["error"]["type"], "PluginLoadFailed")
        self.assertEqual(plugin["unexpected_symbols"], [])

    def test_check_unknown_plugin(self):
        self.assert_failure(run("check", "ghost"), 8, "PluginNotFound", '"ghost"')


class SearchPath(CliTestCase):
    def test_environment_variable(self):
        proc = run("list", "--json", plugin_path=None,
                   env=clean_env(ACTIONHOST_PLUGIN_PATH=ECHO_DIR))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        names = [p["name"] for p in json.loads(proc.stdout)["plugins"]]
        self.assertIn("test-echo", names)
        self.assertNotIn("test-no-cancel", names)

    def test_plugin_path_comes_first_and_duplicates_are_reported(self):
        with tempfile.TemporaryDirectory() as tmp:
            # A copy of test-echo with another description, found first.
            with open(os.path.join(ECHO_DIR, "test-echo.json")) as f:
                manifest = json.load(f)
            manifest["description"] = "the copy"
            with open(os.path.join(tmp, "test-echo.json"), "w") as f:
                json.dump(manifest, f)
            proc = run("list", "--json", plugin_path=tmp,
                       env=clean_env(ACTIONHOST_PLUGIN_PATH=ECHO_DIR))
            listing = json.loads(proc.stdout)
            self.assertEqual(listing["plugins"][0]["description"], "the copy")
            self.assertIn("shadowed by " + os.path.join(tmp, "test-echo.json"),
                          listing["problems"][0])
            self.assertIn("shadowed", proc.stderr)
            check = run("check", plugin_path=tmp + ":" + ECHO_DIR)
            self.assertIn("shadowed by", check.stdout)

    def test_default_folder_next_to_the_binary(self):
        # A copy of the binary in <tmp>/bin finds <tmp>/lib/actionhost/plugins by itself.
        with tempfile.TemporaryDirectory() as tmp:
            bin_dir = os.path.join(tmp, "bin")
            plugin_dir = os.path.join(tmp, "lib", "actionhost", "plugins")
            os.makedirs(bin_dir)
            shutil.copytree(ECHO_DIR, plugin_dir)
            binary = shutil.copy(BIN, bin_dir)
            proc = subprocess.run([binary, "run", "test-echo.echo"], capture_output=True,
                                  text=True, env=clean_env(), timeout=SAFETY_TIMEOUT)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(self.one_json(proc.stdout)["ok"], True)
            # Through a symlink the real location still counts (/proc/self/exe).
            link = os.path.join(tmp, "link-to-actionhost")
            os.symlink(binary, link)
            proc = subprocess.run([link, "list"], capture_output=True, text=True,
                                  env=clean_env(), timeout=SAFETY_TIMEOUT)
            self.assertIn("test-echo.echo", proc.stdout)


class Batch(CliTestCase):
    def test_batch_in_order_with_worst_exit_code(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "in.jsonl")
            lines = [{"type": "EchoRefused"}, {"type": "EchoHiccup"}, {"type": "InvalidParameter"}]
            with open(path, "w") as f:
                for i in range(20):
                    f.write(json.dumps(lines[i % 3]) + "\n")
            proc = run("run", "test-echo.fail", "--batch", path, "--parallel", "4")
            self.assertEqual(proc.returncode, 6, proc.stderr)
            results = [json.loads(line) for line in proc.stdout.splitlines()]
            self.assertEqual([r["error"]["type"] for r in results],
                             [lines[i % 3]["type"] for i in range(20)])
            self.assert_failure(run("run", "test-echo.echo", "--batch", path, "--params", "{}"),
                                2, "Usage", "--batch and --params")
            self.assert_failure(run("run", "test-echo.echo", "--batch", path, "--pretty"),
                                2, "Usage", "--batch and --pretty")
            self.assert_failure(run("run", "test-echo.echo", "--batch",
                                    os.path.join(tmp, "missing.jsonl")), 2,
                                "InvalidParameter", "missing.jsonl")

    def test_batch_signal_cancels_every_instance(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "in.jsonl")
            with open(path, "w") as f:
                f.write("{}\n" * 4)
            proc = subprocess.Popen([BIN, "--plugin-path", ECHO_DIR, "run", "test-echo.block",
                                     "--batch", path, "--parallel", "2"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    env=clean_env())
            try:
                # Both instances are blocking once two "blocking" events arrived.
                for _ in range(2):
                    self.assertIn('"blocking"', proc.stderr.readline())
                proc.send_signal(signal.SIGINT)
                stdout, stderr = proc.communicate(timeout=SAFETY_TIMEOUT)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
            self.assertEqual(proc.returncode, 130, stderr)
            results = [json.loads(line) for line in stdout.splitlines()]
            self.assertEqual(len(results), 4)
            messages = sorted(r["error"]["message"] for r in results)
            self.assertEqual(messages, ["cancelled while blocking"] * 2 +
                             ["not started: the batch was cancelled; nothing was done"] * 2)

    def test_batch_second_signal_prints_every_line(self):
        # A second signal gives up waiting, and every input line still gets its result line.
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "in.jsonl")
            with open(path, "w") as f:
                f.write("{}\n" * 3)
            code, stdout, stderr = interrupt_twice(["run", "test-misbehaving.slow_cancel",
                                                    "--batch", path])
            self.assertEqual(code, 143, stderr)
            results = [json.loads(line) for line in stdout.splitlines()]
            self.assertEqual(len(results), 3, stdout)
            self.assertEqual({r["error"]["type"] for r in results}, {"Cancelled"})
            self.assertIn("interrupted twice", results[0]["error"]["message"])
            self.assertIn("second signal", stderr)


class OutputDelivery(CliTestCase):
    """A result that cannot be written to stdout is a message on stderr and exit 9, never a
    silent exit 0."""

    def run_to(self, stdout, *args, stdin=None):
        proc = subprocess.run([BIN, "--plugin-path", PLUGIN_PATH] + list(args), stdout=stdout,
                              stderr=subprocess.PIPE, input=stdin, text=True, env=clean_env(),
                              timeout=SAFETY_TIMEOUT)
        return proc.returncode, proc.stderr

    def broken_pipe(self):
        read_end, write_end = os.pipe()
        os.close(read_end)  # every write now fails with EPIPE
        return write_end

    def test_run_to_a_full_disk_a_closed_pipe_and_a_closed_stdout(self):
        with open("/dev/full", "w") as full:
            code, stderr = self.run_to(full, "run", "test-echo.echo", "--params", '{"k": 1}')
        self.assertEqual(code, 9, stderr)
        self.assertIn("cannot write the result to stdout", stderr)
        self.assertIn('"params":{"k":1}', stderr)  # the result is not lost
        pipe = self.broken_pipe()
        try:
            code, stderr = self.run_to(pipe, "run", "test-echo.fail")
        finally:
            os.close(pipe)
        self.assertEqual(code, 9, stderr)
        self.assertIn("the action's own exit code was 5", stderr)
        proc = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", BIN, "--plugin-path",
                               PLUGIN_PATH, "run", "test-echo.echo"], capture_output=True,
                              text=True, env=clean_env(), timeout=SAFETY_TIMEOUT)
        self.assertEqual(proc.returncode, 9, proc.stderr)
        self.assertIn("cannot write the result to stdout", proc.stderr)

    def test_other_commands_and_batches(self):
        for args in (("list",), ("list", "--json"), ("describe", "test-echo"),
                     ("check", "test-echo"), ("run", "ghost.echo")):
            with self.subTest(args=args), open("/dev/full", "w") as full:
                code, stderr = self.run_to(full, *args)
                self.assertEqual(code, 8 if args[0] == "run" else 9, stderr)
                self.assertIn("cannot write to stdout", stderr)
        with open("/dev/full", "w") as full:
            code, stderr = self.run_to(full, "run", "test-echo.echo", "--batch", "-",
                                       stdin='{"a":1}\n{"a":2}\n')
        self.assertEqual(code, 9, stderr)
        self.assertIn("cannot write the results to stdout", stderr)
        self.assertIn("batch: 2 lines: 2 ok, 0 failed; exit 9", stderr)


class CoreDumps(CliTestCase):
    def soft_core_limit_while_blocking(self, env):
        proc = subprocess.Popen([BIN, "--plugin-path", ECHO_DIR, "run", "test-echo.block"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env, preexec_fn=lambda: resource.setrlimit(
                                    resource.RLIMIT_CORE, (resource.RLIM_INFINITY,
                                                           resource.RLIM_INFINITY)))
        try:
            self.assertIn('"blocking"', proc.stderr.readline())
            with open("/proc/%d/limits" % proc.pid) as f:
                line = next(l for l in f if l.startswith("Max core file size"))
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=SAFETY_TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        return line.split()[4]  # soft limit

    def test_core_dumps_are_off_unless_asked_for(self):
        self.assertEqual(self.soft_core_limit_while_blocking(clean_env()), "0")
        # AddressSanitizer turns core dumps off by itself unless told not to.
        asan = os.environ.get("ASAN_OPTIONS", "")
        asked = clean_env(ACTIONHOST_CORE_DUMPS="1",
                          ASAN_OPTIONS=(asan + ":" if asan else "") + "disable_coredump=0")
        self.assertEqual(self.soft_core_limit_while_blocking(asked), "unlimited")


class Help(CliTestCase):
    def test_help_lists_exit_codes(self):
        proc = run("--help", plugin_path=None)
        self.assertEqual(proc.returncode, 0)
        self.assertIn("Exit codes (a plugin's error types count by the class", proc.stdout)
        for line in ("0    success", "1    class internal", "2    class usage",
                     "3    class credentials", "4    class precondition", "5    class remote",
                     "6    class transient", "7    class timeout", "8    plugin not found",
                     "9    the result could not be written to stdout",
                     "129  cancelled by SIGHUP", "130  cancelled by SIGINT",
                     "143  cancelled by SIGTERM"):
            self.assertIn(line, proc.stdout)
        self.assertIn("1048576 bytes", proc.stdout)

    def test_subcommand_help(self):
        proc = run("run", "--help", plugin_path=None)
        self.assertEqual(proc.returncode, 0)
        for option in ("--params", "--config", "--timeout", "--pretty", "--log-format",
                       "--batch", "--parallel"):
            self.assertIn(option, proc.stdout)


if __name__ == "__main__":
    unittest.main()
