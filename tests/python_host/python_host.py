#!/usr/bin/env python3
"""A Python 3 ctypes host for actionhost plugins (standard library only).

Usage: python_host.py PLUGIN.so [--incompatible LIB.so]... [unittest options]

Loads a plugin through the C ABI alone (tests/support/plugin_abi.py, on PYTHONPATH) and checks
every function the way tests/c_host does, against a plugin that behaves like
tests/plugins/test-echo; each --incompatible library must be refused by the version rule.
Returned strings are read with restype c_void_p and ctypes.string_at(pointer, length): c_char_p
would copy up to the first NUL and lose the pointer, and the ABI gives an explicit length.
"""

import ctypes
import json
import os
import sys
import threading
import unittest

import plugin_abi as abi
from plugin_abi import (AH_CANCELLED, AH_ERROR, AH_INVALID_ARGUMENT, AH_OK, AH_UNKNOWN_ACTION)

PLUGIN_PATH = None  # set by main()
INCOMPATIBLE_PATHS = []  # --incompatible PATH: plugins the version rule must refuse


def c_string(pointer):
    """A NUL-terminated plugin string, copied (the plugin owns the memory)."""
    assert pointer, "the plugin returned a NULL string"
    return abi.read_string(pointer)


def accepts(host, plugin):
    """Whether a host of version `host` accepts a plugin of version `plugin`."""
    return abi.compatible(plugin, abi.parse_version(host))


class LogSink:
    """Collects the plugin's log events; calls on_event(event_name) for each one."""

    def __init__(self, on_event=None):
        self.events = []
        self.lock = threading.Lock()
        self.on_event = on_event

    def _log(self, host_ctx, level, text):
        with self.lock:
            self.events.append((host_ctx, level, text))
        if self.on_event is not None:
            try:
                name = json.loads(text).get("event")
            except ValueError:
                name = None
            self.on_event(name)

    def host_api(self, host_ctx=0xC0FFEE):
        """An abi.Host whose log events land here (keep it while its instances live)."""
        return abi.Host(self._log, host_ctx)


class Instance(abi.Instance):
    """One plugin instance whose create and calls are checked against the ABI's promises."""

    def __init__(self, testcase, lib, config=None, host=None, expect=AH_OK):
        super().__init__(lib, config, host)
        testcase.assertEqual(self.create_status, expect,
                             "create(%r): %s" % (config, self.last_error()))
        testcase.assertTrue(self.handle.value, "create must set the instance")
        testcase.addCleanup(self.destroy)
        self.testcase = testcase

    def call(self, action, params=b"{}", length=None, expect=AH_OK):
        """Invokes, checks status, result and last error; returns the result as a dict."""
        status, result, length = self.raw_invoke(action, params, length)
        self.testcase.assertEqual(status, expect, "invoke %r: %s" % (action, self.last_error()))
        text = self.testcase.check_result(result, length)
        parsed = json.loads(text)
        self.testcase.assertEqual(parsed.get("ok"), status == AH_OK, text)
        if status == AH_OK:
            self.testcase.assertEqual(self.last_error(), "")
        else:
            self.testcase.assertIsInstance(parsed.get("error"), dict, text)
            for key in ("type", "message", "retryable"):
                self.testcase.assertIn(key, parsed["error"], text)
            self.testcase.assertNotEqual(self.last_error(), "", "non-OK status without a message")
        return parsed


class PluginHostTest(unittest.TestCase):
    lib = None

    @classmethod
    def setUpClass(cls):
        cls.lib = abi.Plugin(PLUGIN_PATH).lib

    def check_result(self, pointer, length):
        """The result is set, NUL-terminated at its reported length, and one JSON object."""
        self.assertTrue(pointer.value, "result_json was not set")
        raw = ctypes.string_at(pointer, length + 1)
        self.assertEqual(raw[-1:], b"\0", "the result is not NUL-terminated at result_len")
        self.assertNotIn(b"\0", raw[:-1], "the result has an embedded NUL")
        text = raw[:-1].decode("utf-8")
        self.assertIsInstance(json.loads(text), dict, text)
        return text

    # -- library-level functions --

    def test_api_version_accepted_by_the_rule(self):
        version = c_string(self.lib.ah_plugin_api_version())
        self.assertIsNotNone(abi.parse_version(version), version)
        self.assertTrue(abi.compatible(version), version)
        self.assertEqual(abi.HOST_API_VERSION_TEXT, "1.0.0")  # 1.0 plugins keep loading
        self.assertEqual(self.lib.ah_plugin_api_version(), self.lib.ah_plugin_api_version())

    def test_version_rule(self):
        self.assertTrue(accepts("1.2.0", "1.1.9"))
        self.assertTrue(accepts("1.1.3", "1.1.3"))
        self.assertFalse(accepts("1.1.0", "1.2.0"))
        self.assertFalse(accepts("2.0.0", "1.0.0"))
        self.assertFalse(accepts("1.1.2", "1.1.3"))
        self.assertFalse(accepts("1.0.0", "1.0"))
        self.assertFalse(accepts("1.0.0", "01.0.0"))
        self.assertFalse(accepts("1.0.0", "4294967296.0.0"))
        self.assertFalse(abi.compatible(None))
        self.assertEqual(abi.check_version("0.9.0", (1, 0, 0)), abi.VERSION_PLUGIN_TOO_OLD)
        self.assertEqual(abi.check_version("1.0.1", (1, 0, 0)), abi.VERSION_HOST_TOO_OLD)
        self.assertEqual(abi.check_version("1.0", (1, 0, 0)), abi.VERSION_MALFORMED)

    def test_incompatible_plugins_are_refused(self):
        self.assertTrue(INCOMPATIBLE_PATHS, "run with --incompatible PATH")
        for path in INCOMPATIBLE_PATHS:
            with self.subTest(path=path):
                with self.assertRaisesRegex(abi.IncompatiblePlugin, "too old"):
                    abi.Plugin(path)

    def test_manifest_is_a_json_object_naming_its_actions(self):
        manifest = json.loads(c_string(self.lib.ah_plugin_manifest()))
        self.assertIsInstance(manifest, dict)
        names = [action["name"] for action in manifest["actions"]]
        for name in ("echo", "fail", "throw", "block"):
            self.assertIn(name, names)
        self.assertEqual(manifest["api_version"], c_string(self.lib.ah_plugin_api_version()))

    def test_null_instance_functions(self):
        self.assertNotEqual(c_string(self.lib.ah_plugin_last_error(None)), "")
        self.lib.ah_plugin_destroy(None)
        self.lib.ah_plugin_cancel(None)
        result, length = ctypes.c_void_p(), ctypes.c_size_t()
        self.assertEqual(self.lib.ah_plugin_invoke(None, b"echo", b"{}", 2, ctypes.byref(result),
                                                   ctypes.byref(length)), AH_INVALID_ARGUMENT)

    # -- create --

    def test_create_with_null_host_and_null_config(self):
        instance = Instance(self, self.lib)
        self.assertEqual(instance.last_error(), "")
        self.assertEqual(instance.call("echo")["greeting"], "")

    def test_create_with_host_and_configs(self):
        sink = LogSink()
        host = sink.host_api()
        Instance(self, self.lib, "{}", host)
        instance = Instance(self, self.lib, ' {"greeting": "hi"} ', host)
        self.assertEqual(instance.call("echo")["greeting"], "hi")

    def test_create_with_null_out(self):
        self.assertEqual(self.lib.ah_plugin_create(None, b"{}", None), AH_INVALID_ARGUMENT)

    def test_create_with_malformed_config(self):
        instance = Instance(self, self.lib, "{not json", expect=AH_INVALID_ARGUMENT)
        self.assertNotEqual(instance.last_error(), "")
        instance.call("echo", expect=AH_ERROR)

    def test_create_refused_by_the_plugin(self):
        instance = Instance(self, self.lib, '{"fail_create": true}', expect=AH_ERROR)
        self.assertIn("fail_create", instance.last_error())
        result = instance.call("echo", expect=AH_ERROR)
        self.assertIn("fail_create", result["error"]["message"])

    def test_short_host_struct_gets_no_log_events(self):
        sink = LogSink()
        host = sink.host_api()
        host.api.struct_size = abi.HostApi.log.offset  # an older host without the log member
        instance = Instance(self, self.lib, "{}", host)
        instance.call("block", b'{"seconds": 0}')
        self.assertEqual(sink.events, [])

    # -- invoke --

    def test_echo(self):
        instance = Instance(self, self.lib, '{"greeting": "hello from Python"}')
        params = {"UDiskId": "bsm-1", "n": [1, 2.5, None, True], "text": "caf\u00e9 \u2713"}
        result = instance.call("echo", json.dumps(params).encode("utf-8"))
        self.assertEqual(result["params"], params)
        self.assertEqual(result["greeting"], "hello from Python")

    def test_null_arguments(self):
        instance = Instance(self, self.lib)
        instance.call(None, expect=AH_INVALID_ARGUMENT)
        instance.call("echo", None, length=2, expect=AH_INVALID_ARGUMENT)
        result, length = ctypes.c_void_p(), ctypes.c_size_t()
        self.assertEqual(self.lib.ah_plugin_invoke(instance.handle, b"echo", b"{}", 2, None,
                                                   ctypes.byref(length)), AH_INVALID_ARGUMENT)
        self.assertNotEqual(instance.last_error(), "")
        self.assertEqual(self.lib.ah_plugin_invoke(instance.handle, b"echo", b"{}", 2,
                                                   ctypes.byref(result), None),
                         AH_INVALID_ARGUMENT)
        self.assertNotEqual(instance.last_error(), "")
        instance.call("echo")  # still usable

    def test_malformed_params(self):
        instance = Instance(self, self.lib)
        for params in (b'{"a":', b"[1, 2]", b"", b"nul", b'{"a": 1} trailing', b"\xff\xfe{}"):
            with self.subTest(params=params):
                instance.call("echo", params, expect=AH_INVALID_ARGUMENT)

    def test_params_len_is_honoured(self):
        instance = Instance(self, self.lib)
        # Shorter than the string: a truncated object.
        instance.call("echo", b'{"a":1}', length=5, expect=AH_INVALID_ARGUMENT)
        # Exactly the object, with bytes after it that are not JSON.
        result = instance.call("echo", b'{"x":1}garbage', length=7)
        self.assertEqual(result["params"], {"x": 1})
        # An embedded NUL inside params_len makes the JSON malformed.
        instance.call("echo", b"{}\0garbage", length=10, expect=AH_INVALID_ARGUMENT)

    def test_unknown_action(self):
        instance = Instance(self, self.lib)
        result = instance.call("no-such-action", expect=AH_UNKNOWN_ACTION)
        self.assertEqual(result["error"]["type"], "UnknownAction")

    def test_fail_action(self):
        instance = Instance(self, self.lib)
        result = instance.call("fail", b'{"type": "Throttled", "retryable": true}',
                                 expect=AH_ERROR)
        self.assertEqual(result["error"]["type"], "Throttled")
        self.assertIs(result["error"]["retryable"], True)

    def test_throwing_action(self):
        instance = Instance(self, self.lib)
        result = instance.call("throw", expect=AH_ERROR)
        self.assertFalse(result["ok"])
        instance.call("echo")  # the instance survives

    def test_result_belongs_to_its_instance(self):
        """A result stays valid until the next call on the same instance: calls on another
        instance do not touch it."""
        first = Instance(self, self.lib)
        second = Instance(self, self.lib)
        status, pointer, length = first.raw_invoke(b"echo", b'{"first": true}')
        self.assertEqual(status, AH_OK)
        second.call("echo", b'{"second": true}')
        second.call("throw", expect=AH_ERROR)
        self.assertEqual(json.loads(self.check_result(pointer, length))["params"],
                         {"first": True})

    # -- cancel --

    def test_cancel_before_invoke_cancels_only_the_next_one(self):
        instance = Instance(self, self.lib)
        instance.cancel()
        instance.cancel()
        instance.call("echo", expect=AH_CANCELLED)
        instance.call("echo")

    def test_cancel_from_another_thread_while_blocking(self):
        blocking = threading.Event()

        def on_event(name):
            if name == "blocking":
                blocking.set()

        sink = LogSink(on_event)
        instance = Instance(self, self.lib, "{}", sink.host_api(0xABCD))
        canceller_done = threading.Event()

        def canceller():
            # Waits for the plugin's own "blocking" event: no sleep-based guessing.
            if blocking.wait(timeout=60):
                instance.cancel()
            canceller_done.set()

        thread = threading.Thread(target=canceller)
        thread.start()
        try:
            result = instance.call("block", b'{"seconds": 120}', expect=AH_CANCELLED)
        finally:
            blocking.set()
            thread.join()
        self.assertTrue(canceller_done.is_set())
        self.assertEqual(result["error"]["type"], "Cancelled")
        events = [json.loads(text) for _, _, text in sink.events]
        self.assertEqual([event["event"] for event in events], ["blocking"])
        self.assertTrue(all("message" in event for event in events))
        self.assertTrue(all(ctx == 0xABCD for ctx, _, _ in sink.events),
                        "host_ctx must come back unchanged")
        # The cancel was consumed by the blocked invocation.
        instance.call("block", b'{"seconds": 0}')


def main():
    global PLUGIN_PATH
    if len(sys.argv) < 2:
        sys.stderr.write("usage: python_host.py PLUGIN.so [--incompatible LIB.so]... "
                         "[unittest options]\n")
        return 2
    PLUGIN_PATH = os.path.abspath(sys.argv.pop(1))
    while "--incompatible" in sys.argv[:-1]:
        at = sys.argv.index("--incompatible")
        INCOMPATIBLE_PATHS.append(sys.argv.pop(at + 1))
        sys.argv.pop(at)
    program = unittest.main(exit=False, verbosity=2)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
