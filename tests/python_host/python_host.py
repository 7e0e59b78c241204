#!/usr/bin/env python3
"""A Python 3 ctypes host for actionhost plugins (standard library only).

Usage: python_host.py PLUGIN.so [unittest options]

Loads a plugin through the C ABI alone and checks every function the way tests/c_host does,
against a plugin that behaves like tests/plugins/test-echo. Returned strings are read with
restype c_void_p and ctypes.string_at(pointer, length): c_char_p would copy up to the first NUL
and lose the pointer, and the ABI gives an explicit length.
"""

import ctypes
import json
import os
import re
import sys
import threading
import unittest

PLUGIN_PATH = None  # set by main()

# ah_status values (plugin_api.h).
AH_OK = 0
AH_ERROR = 1
AH_INVALID_ARGUMENT = 2
AH_UNKNOWN_ACTION = 3
AH_CANCELLED = 4
AH_TIMEOUT = 5
AH_UNSUPPORTED = 6

HOST_API_VERSION = (1, 0, 0)  # the header's AH_PLUGIN_API_VERSION this host implements

# void (*ah_log_fn)(void* host_ctx, ah_log_level level, const char* message). The message is
# declared c_void_p so we read it with string_at, like every other plugin string.
LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)


class HostApi(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("api_version", ctypes.c_char_p),  # an input we own: c_char_p is right here
        ("host_ctx", ctypes.c_void_p),
        ("log", LOG_FN),
    ]


def load_plugin(path):
    """dlopen the plugin (RTLD_NOW | RTLD_LOCAL) and declare the seven exports."""
    lib = ctypes.CDLL(path, mode=os.RTLD_NOW | os.RTLD_LOCAL)
    lib.ah_plugin_api_version.argtypes = []
    lib.ah_plugin_api_version.restype = ctypes.c_void_p
    lib.ah_plugin_manifest.argtypes = []
    lib.ah_plugin_manifest.restype = ctypes.c_void_p
    lib.ah_plugin_create.argtypes = [
        ctypes.POINTER(HostApi), ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.ah_plugin_create.restype = ctypes.c_int
    lib.ah_plugin_destroy.argtypes = [ctypes.c_void_p]
    lib.ah_plugin_destroy.restype = None
    lib.ah_plugin_invoke.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
        ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)]
    lib.ah_plugin_invoke.restype = ctypes.c_int
    lib.ah_plugin_last_error.argtypes = [ctypes.c_void_p]
    lib.ah_plugin_last_error.restype = ctypes.c_void_p
    lib.ah_plugin_cancel.argtypes = [ctypes.c_void_p]
    lib.ah_plugin_cancel.restype = None
    return lib


def c_string(pointer):
    """A NUL-terminated plugin string, copied (the plugin owns the memory)."""
    assert pointer, "the plugin returned a NULL string"
    return ctypes.string_at(pointer).decode("utf-8")


def parse_version(text):
    match = re.fullmatch(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)", text)
    return tuple(int(part) for part in match.groups()) if match else None


def version_compatible(host, plugin):
    """Falco's rule: majors equal, host minor >= plugin minor, then host patch >= plugin patch."""
    host_v, plugin_v = parse_version(host), parse_version(plugin)
    if host_v is None or plugin_v is None or host_v[0] != plugin_v[0]:
        return False
    return host_v[1:] >= plugin_v[1:]


class LogSink:
    """Collects the plugin's log events; calls on_event(event_name) for each one."""

    def __init__(self, on_event=None):
        self.events = []
        self.lock = threading.Lock()
        self.on_event = on_event
        # Keep the CFUNCTYPE object alive as long as the plugin may call it.
        self.callback = LOG_FN(self._log)

    def _log(self, host_ctx, level, message):
        text = ctypes.string_at(message).decode("utf-8")
        with self.lock:
            self.events.append((host_ctx, level, text))
        if self.on_event is not None:
            try:
                name = json.loads(text).get("event")
            except ValueError:
                name = None
            self.on_event(name)

    def host_api(self, host_ctx=0xC0FFEE):
        return HostApi(ctypes.sizeof(HostApi), b"%d.%d.%d" % HOST_API_VERSION, host_ctx,
                       self.callback)


class Instance:
    """One plugin instance; invoke() returns (status, result dict, raw result text)."""

    def __init__(self, testcase, lib, config=None, host=None, expect=AH_OK):
        self.lib = lib
        self.handle = ctypes.c_void_p()
        config_bytes = None if config is None else config.encode("utf-8")
        host_ref = ctypes.byref(host) if host is not None else None
        self.create_status = lib.ah_plugin_create(host_ref, config_bytes,
                                                  ctypes.byref(self.handle))
        testcase.assertEqual(self.create_status, expect,
                             "create(%r): %s" % (config, self.last_error()))
        testcase.assertTrue(self.handle.value, "create must set the instance")
        testcase.addCleanup(self.destroy)
        self.testcase = testcase

    def last_error(self):
        return c_string(self.lib.ah_plugin_last_error(self.handle)) if self.handle else ""

    def raw_invoke(self, action, params, length=None):
        result = ctypes.c_void_p()
        result_len = ctypes.c_size_t(0)
        if length is None and params is not None:
            length = len(params)
        status = self.lib.ah_plugin_invoke(self.handle, action, params, length or 0,
                                           ctypes.byref(result), ctypes.byref(result_len))
        return status, result, result_len.value

    def invoke(self, action, params=b"{}", length=None, expect=AH_OK):
        if isinstance(action, str):
            action = action.encode("utf-8")
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

    def cancel(self):
        self.lib.ah_plugin_cancel(self.handle)

    def destroy(self):
        if self.handle:
            self.lib.ah_plugin_destroy(self.handle)
            self.handle = ctypes.c_void_p()


class PluginHostTest(unittest.TestCase):
    lib = None

    @classmethod
    def setUpClass(cls):
        cls.lib = load_plugin(PLUGIN_PATH)

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
        self.assertIsNotNone(parse_version(version), version)
        self.assertTrue(version_compatible("%d.%d.%d" % HOST_API_VERSION, version), version)
        self.assertEqual(self.lib.ah_plugin_api_version(), self.lib.ah_plugin_api_version())

    def test_version_rule(self):
        self.assertTrue(version_compatible("1.2.0", "1.1.9"))
        self.assertTrue(version_compatible("1.1.3", "1.1.3"))
        self.assertFalse(version_compatible("1.1.0", "1.2.0"))
        self.assertFalse(version_compatible("2.0.0", "1.0.0"))
        self.assertFalse(version_compatible("1.1.2", "1.1.3"))
        self.assertFalse(version_compatible("1.0.0", "1.0"))

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
        self.assertEqual(instance.invoke("echo")["greeting"], "")

    def test_create_with_host_and_configs(self):
        sink = LogSink()
        host = sink.host_api()
        Instance(self, self.lib, "{}", host)
        instance = Instance(self, self.lib, ' {"greeting": "hi"} ', host)
        self.assertEqual(instance.invoke("echo")["greeting"], "hi")

    def test_create_with_null_out(self):
        self.assertEqual(self.lib.ah_plugin_create(None, b"{}", None), AH_INVALID_ARGUMENT)

    def test_create_with_malformed_config(self):
        instance = Instance(self, self.lib, "{not json", expect=AH_INVALID_ARGUMENT)
        self.assertNotEqual(instance.last_error(), "")
        instance.invoke("echo", expect=AH_ERROR)

    def test_create_refused_by_the_plugin(self):
        instance = Instance(self, self.lib, '{"fail_create": true}', expect=AH_ERROR)
        self.assertIn("fail_create", instance.last_error())
        result = instance.invoke("echo", expect=AH_ERROR)
        self.assertIn("fail_create", result["error"]["message"])

    def test_short_host_struct_gets_no_log_events(self):
        sink = LogSink()
        host = sink.host_api()
        host.struct_size = HostApi.log.offset  # an older host without the log member
        instance = Instance(self, self.lib, "{}", host)
        instance.invoke("block", b'{"seconds": 0}')
        self.assertEqual(sink.events, [])

    # -- invoke --

    def test_echo(self):
        instance = Instance(self, self.lib, '{"greeting": "hello from Python"}')
        params = {"UDiskId": "bsm-1", "n": [1, 2.5, None, True], "text": "caf\u00e9 \u2713"}
        result = instance.invoke("echo", json.dumps(params).encode("utf-8"))
        self.assertEqual(result["params"], params)
        self.assertEqual(result["greeting"], "hello from Python")

    def test_null_arguments(self):
        instance = Instance(self, self.lib)
        instance.invoke(None, expect=AH_INVALID_ARGUMENT)
        instance.invoke("echo", None, length=2, expect=AH_INVALID_ARGUMENT)
        result, length = ctypes.c_void_p(), ctypes.c_size_t()
        self.assertEqual(self.lib.ah_plugin_invoke(instance.handle, b"echo", b"{}", 2, None,
                                                   ctypes.byref(length)), AH_INVALID_ARGUMENT)
        self.assertNotEqual(instance.last_error(), "")
        self.assertEqual(self.lib.ah_plugin_invoke(instance.handle, b"echo", b"{}", 2,
                                                   ctypes.byref(result), None),
                         AH_INVALID_ARGUMENT)
        self.assertNotEqual(instance.last_error(), "")
        instance.invoke("echo")  # still usable

    def test_malformed_params(self):
        instance = Instance(self, self.lib)
        for params in (b'{"a":', b"[1, 2]", b"", b"nul", b'{"a": 1} trailing', b"\xff\xfe{}"):
            with self.subTest(params=params):
                instance.invoke("echo", params, expect=AH_INVALID_ARGUMENT)

    def test_params_len_is_honoured(self):
        instance = Instance(self, self.lib)
        # Shorter than the string: a truncated object.
        instance.invoke("echo", b'{"a":1}', length=5, expect=AH_INVALID_ARGUMENT)
        # Exactly the object, with bytes after it that are not JSON.
        result = instance.invoke("echo", b'{"x":1}garbage', length=7)
        self.assertEqual(result["params"], {"x": 1})
        # An embedded NUL inside params_len makes the JSON malformed.
        instance.invoke("echo", b"{}\0garbage", length=10, expect=AH_INVALID_ARGUMENT)

    def test_unknown_action(self):
        instance = Instance(self, self.lib)
        result = instance.invoke("no-such-action", expect=AH_UNKNOWN_ACTION)
        self.assertEqual(result["error"]["type"], "UnknownAction")

    def test_fail_action(self):
        instance = Instance(self, self.lib)
        result = instance.invoke("fail", b'{"type": "Throttled", "retryable": true}',
                                 expect=AH_ERROR)
        self.assertEqual(result["error"]["type"], "Throttled")
        self.assertIs(result["error"]["retryable"], True)

    def test_throwing_action(self):
        instance = Instance(self, self.lib)
        result = instance.invoke("throw", expect=AH_ERROR)
        self.assertFalse(result["ok"])
        instance.invoke("echo")  # the instance survives

    def test_result_belongs_to_its_instance(self):
        """A result stays valid until the next call on the same instance: calls on another
        instance do not touch it."""
        first = Instance(self, self.lib)
        second = Instance(self, self.lib)
        status, pointer, length = first.raw_invoke(b"echo", b'{"first": true}')
        self.assertEqual(status, AH_OK)
        second.invoke("echo", b'{"second": true}')
        second.invoke("throw", expect=AH_ERROR)
        self.assertEqual(json.loads(self.check_result(pointer, length))["params"],
                         {"first": True})

    # -- cancel --

    def test_cancel_before_invoke_cancels_only_the_next_one(self):
        instance = Instance(self, self.lib)
        instance.cancel()
        instance.cancel()
        instance.invoke("echo", expect=AH_CANCELLED)
        instance.invoke("echo")

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
            result = instance.invoke("block", b'{"seconds": 120}', expect=AH_CANCELLED)
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
        instance.invoke("block", b'{"seconds": 0}')


def main():
    global PLUGIN_PATH
    if len(sys.argv) < 2:
        sys.stderr.write("usage: python_host.py PLUGIN.so [unittest options]\n")
        return 2
    PLUGIN_PATH = os.path.abspath(sys.argv.pop(1))
    program = unittest.main(exit=False, verbosity=2)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
