#!/usr/bin/env python3
"""The compshare-disk plugin's actions from Python, through the actionhost binding (the way the
Python hosts load it; standard library + jsonschema).

Usage: test_detach_plugin.py --plugin LIB --manifest JSON --emulator BIN
                             --emulator-module-dir DIR [unittest options]

Loads the BUILT plugin with actionhost.Plugin, runs a representative set of scenarios against the
compshare-emulator program (detach, attach and status: success, every error type the emulator
can provoke, dry run, Wait false) and
validates EVERY result against the manifest's result_schema and every params object against its
params_schema. The schemas and the plugin must agree: valid params are accepted by both, invalid
ones refused by both. The binding comes from bindings/python (on PYTHONPATH).
"""

import argparse
import contextlib
import json
import os
import sys
import tempfile
import unittest

import jsonschema

import actionhost
from actionhost import _abi
from actionhost._abi import AH_CANCELLED, AH_ERROR, AH_INVALID_ARGUMENT, AH_OK, AH_TIMEOUT

ARGS = None
MANIFEST = None
PLUGIN = None  # actionhost.Plugin, loaded by main()

PUBLIC_KEY = "ucloudsomeone@example.com1296235120854146120"
PRIVATE_KEY = "46f09bb9fab4f12dfc160dae12273d5332b5debe"
STOPPED, RUNNING = "uhost-emu-stopped", "uhost-emu-running"
DATA1, DATA2, DATA3, SYSTEM = "udisk-emu-data1", "udisk-emu-data2", "udisk-emu-data3", "bsd-emu-system"

class Plugin:
    """One plugin instance (actionhost.Instance; a refused config raises InstanceCreateFailed);
    records log events. `on_event(plugin, event)` may cancel."""

    def __init__(self, config, on_event=None):
        self.events = []
        self.on_event = on_event
        self.instance = PLUGIN.instance(config, log=self._on_log)

    def _on_log(self, _level, event):
        self.events.append(event)
        if self.on_event:
            self.on_event(self, event)

    def invoke(self, params, action="detach"):
        """(ah_status, result, last error): the binding returns the result or raises it."""
        raw = params if isinstance(params, bytes) else json.dumps(params).encode()
        try:
            result, status = self.instance.invoke(action, raw), AH_OK
        except actionhost.ActionError as error:
            result, status = error.result, error.status
        return status, result, self.last_error()

    def last_error(self):
        # ah_plugin_last_error() is not part of the binding's API (it raises the result's error
        # instead), but the ABI promises "" exactly when the call succeeded: read it through the
        # instance's handle to keep checking that.
        instance = self.instance
        return _abi.read_string(instance._lib.ah_plugin_last_error(instance._handle)) or ""

    def cancel(self):
        self.instance.cancel()

    def close(self):
        self.instance.close()


def emulator(state=None, detach_delay_ms=0):
    """The compshare-emulator program (tests/emulator/emulator_process.py)."""
    if ARGS.emulator_module_dir not in sys.path:
        sys.path.insert(0, ARGS.emulator_module_dir)
    from emulator_process import EmulatorProcess  # pylint: disable=import-outside-toplevel
    return EmulatorProcess(ARGS.emulator, state=state, detach_delay_ms=detach_delay_ms)


WRITES = {"detach": "DetachCompshareDisk", "attach": "AttachCompshareDisk"}


def write_counts(emu, action="detach"):
    """(requests, accepted) of the action's write according to the emulator's request log;
    (requests of anything but a Describe, 0) for status."""
    log = emu.requests()
    if action not in WRITES:
        sent = sum(1 for entry in log.get("requests", [])
                   if not entry.get("action", "").startswith("Describe"))
        return sent, 0
    name = WRITES[action]
    sent = sum(1 for entry in log.get("requests", []) if entry.get("action") == name)
    return sent, log.get("accepted", {}).get(name, 0)


@contextlib.contextmanager
def isolated_credentials():
    """No keys in the environment and an empty HOME: credentials can only come from the config."""
    saved = dict(os.environ)
    home = tempfile.TemporaryDirectory()
    try:
        for name in list(os.environ):
            if name.startswith("COMPSHARE_"):
                del os.environ[name]
        os.environ["HOME"] = home.name
        os.environ["XDG_CONFIG_HOME"] = os.path.join(home.name, "xdg")
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        home.cleanup()


def config_for(emu, **extra):
    config = {"public_key": PUBLIC_KEY, "private_key": PRIVATE_KEY, "base_url": emu.url,
              "region": "cn-wlcb"}
    config.update(extra)
    return config


class SchemaCase(unittest.TestCase):
    """Every invocation goes through run(): params and result validated against the manifest."""

    ACTION = "detach"  # the action a subclass runs

    @classmethod
    def setUpClass(cls):
        action = next(a for a in MANIFEST["actions"] if a["name"] == cls.ACTION)
        cls.params_validator = jsonschema.Draft202012Validator(action["params_schema"])
        cls.result_validator = jsonschema.Draft202012Validator(action["result_schema"])
        cls.config_validator = jsonschema.Draft202012Validator(MANIFEST["config_schema"])

    def check_result(self, status, result, last_error):
        errors = sorted(self.result_validator.iter_errors(result), key=str)
        self.assertFalse(errors, "result does not match result_schema: %s\n%s" % (
            [e.message for e in errors], json.dumps(result)))
        self.assertEqual(result["ok"], status == AH_OK, result)
        self.assertEqual(last_error == "", status == AH_OK)
        if not result["ok"]:
            # The binding's stand-in for a result that is not a JSON object is InternalError,
            # which no scenario here may produce.
            self.assertNotEqual(result["error"]["type"], "InternalError", result)
            expected = {"InvalidParameter": AH_INVALID_ARGUMENT, "Cancelled": AH_CANCELLED,
                        "WaitTimeout": AH_TIMEOUT}.get(result["error"]["type"], AH_ERROR)
            self.assertEqual(status, expected, result)

    def run_detach(self, plugin, params, valid=True):
        """Runs the class's ACTION (detach unless a subclass says otherwise)."""
        if valid:
            self.params_validator.validate(params)
        status, result, last_error = plugin.invoke(params, self.ACTION)
        self.check_result(status, result, last_error)
        return status, result

    def invoke_once(self, config, params, on_event=None, valid=True):
        """One invocation on a fresh plugin instance: (status, result)."""
        plugin = Plugin(config, on_event)
        try:
            return self.run_detach(plugin, params, valid)
        finally:
            plugin.close()

    def scenario(self, params, state=None, detach_delay_ms=0, faults=(), on_event=None,
                 config_extra=None):
        with emulator(state, detach_delay_ms) as emu:
            for fault in faults:
                emu.add_fault(fault)
            config = config_for(emu, **(config_extra or {}))
            self.config_validator.validate(config)
            plugin = Plugin(config, on_event)  # raises unless created with AH_OK
            try:
                status, result = self.run_detach(plugin, params)
                for event in plugin.events:
                    self.assertIsInstance(event.get("event"), str)
                    self.assertIsInstance(event.get("message"), str)
                    # The binding's stand-in for an event that is not a JSON object.
                    self.assertNotEqual(event["event"], "unparsed", event)
                sent, accepted = write_counts(emu, self.ACTION)
                self.assertLessEqual(accepted, 1)  # never two accepted writes
                return status, result, plugin.events, sent
            finally:
                plugin.close()


def params(host=STOPPED, disk=DATA1, **extra):
    p = {"UHostId": host, "UDiskId": disk, "PollIntervalSeconds": 0.1}
    p.update(extra)
    return p


class Scenarios(SchemaCase):
    def test_detached_with_device_and_zone(self):
        status, result, events, sent = self.scenario(
            params(Region="cn-wlcb", Zone="cn-wlcb-01", Device="/dev/vdb", ClientToken="py-1"))
        self.assertEqual(status, AH_OK)
        self.assertEqual(sent, 1)
        self.assertEqual(result["status"], "detached")
        self.assertTrue(result["changed"])
        self.assertEqual(result["client_token"], "py-1")
        self.assertEqual(result["response"], {"Action": "DetachCompshareDiskResponse",
                                              "RetCode": 0})
        self.assertEqual([e["event"] for e in events],
                         ["precheck", "detach_sent", "poll", "poll", "done"])

    def test_detached_without_device_and_zone(self):
        status, result, _, _ = self.scenario(params(disk=DATA2))
        self.assertEqual(status, AH_OK)
        self.assertEqual(result["resource"]["device"], "/dev/vdc")
        self.assertEqual(result["resource"]["zone"], "cn-wlcb-01")

    def test_already_detached(self):
        # Not on the instance, and the disk inventory lists it as free.
        inventory = {"Action": "DescribeCompshareDiskResponse", "RetCode": 0, "TotalCount": 1,
                     "DiskSet": [{"ResourceId": "udisk-free", "MountInstance": "",
                                  "Status": "Available"}]}
        status, result, _, sent = self.scenario(
            params(disk="udisk-free"),
            faults=[{"action": "DescribeCompshareDisk", "mode": "body",
                     "body": json.dumps(inventory)}])
        self.assertEqual(status, AH_OK)
        self.assertEqual(sent, 0)
        self.assertEqual(result["status"], "already_detached")
        self.assertFalse(result["changed"])
        self.assertEqual(result["warnings"], [])

    def test_already_detached_unconfirmed(self):
        status, result, _, sent = self.scenario(
            params(disk="udisk-not-here"),
            faults=[{"action": "DescribeCompshareDisk", "mode": "http_status", "status": 500}])
        self.assertEqual(status, AH_OK)
        self.assertEqual(sent, 0)
        self.assertEqual(result["status"], "already_detached")
        self.assertEqual(len(result["warnings"]), 1)

    def test_disk_not_found(self):
        status, result, _, sent = self.scenario(params(disk="udisk-not-here"))
        self.assertEqual(status, AH_ERROR)
        self.assertEqual(sent, 0)
        self.assertEqual(result["error"]["type"], "DiskNotFound")

    def test_disk_attached_elsewhere(self):
        status, result, _, sent = self.scenario(params(disk=DATA3))
        self.assertEqual(status, AH_ERROR)
        self.assertEqual(sent, 0)
        self.assertEqual(result["error"]["type"], "DiskAttachedElsewhere")
        self.assertIn(RUNNING, result["message"])

    def test_dry_run(self):
        status, result, _, sent = self.scenario(params(DryRun=True))
        self.assertEqual(sent, 0)
        self.assertEqual(status, AH_OK)
        self.assertEqual(result["status"], "would_detach")
        self.assertTrue(result["dry_run"])
        self.assertFalse(result["detach_sent"])

    def test_wait_false(self):
        status, result, _, _ = self.scenario(params(Wait=False), detach_delay_ms=60000)
        self.assertEqual(status, AH_OK)
        self.assertEqual(result["status"], "detach_requested")
        self.assertIsNone(result["observed"]["attached_after"])

    def test_wait_timeout(self):
        status, result, _, _ = self.scenario(params(WaitTimeoutSeconds=0.3),
                                             detach_delay_ms=60000)
        self.assertEqual(status, AH_TIMEOUT)
        self.assertEqual(result["error"]["type"], "WaitTimeout")
        self.assertTrue(result["error"]["retryable"])
        self.assertTrue(result["changed"])

    def test_instance_not_stopped(self):
        status, result, _, _ = self.scenario(params(host=RUNNING, disk=DATA3))
        self.assertEqual(result["error"]["type"], "InstanceNotStopped")
        self.assertFalse(result["error"]["retryable"])
        self.assertEqual(result["observed"]["instance_state"], "Running")

    def test_instance_stopping(self):
        state = {"KeyPairs": [{"PublicKey": PUBLIC_KEY, "PrivateKey": PRIVATE_KEY}],
                 "Instances": [{"UHostId": "uhost-s", "Region": "cn-wlcb", "Zone": "cn-wlcb-01",
                                "State": "Stopping", "Password": "UFlDQU5BUlk=",
                                "SshLoginCommand": "ssh root@PY-CANARY",
                                "DiskSet": [{"DiskId": "bsd-s", "IsBoot": "True",
                                             "Drive": "/dev/vda", "Size": 100},
                                            {"DiskId": "udisk-s", "IsBoot": "False",
                                             "Drive": "/dev/vdb", "Size": 100}]}],
                 "Disks": []}
        status, result, events, _ = self.scenario(params(host="uhost-s", disk="udisk-s"),
                                                  state=state)
        self.assertEqual(result["error"]["type"], "InstanceNotStopped")
        self.assertTrue(result["error"]["retryable"])
        everything = json.dumps(result) + json.dumps(events)
        self.assertNotIn("PY-CANARY", everything)
        self.assertNotIn("UFlDQU5BUlk=", everything)

    def test_instance_not_found(self):
        _, result, _, _ = self.scenario(params(host="uhost-missing"))
        self.assertEqual(result["error"]["type"], "InstanceNotFound")

    def test_system_disk(self):
        _, result, _, _ = self.scenario(params(disk=SYSTEM))
        self.assertEqual(result["error"]["type"], "SystemDiskNotDetachable")

    def test_device_mismatch(self):
        status, result, _, sent = self.scenario(params(Device="/dev/vdz"))
        self.assertEqual(status, AH_INVALID_ARGUMENT)
        self.assertIn("/dev/vdz", result["message"])
        self.assertIn("/dev/vdb", result["message"])
        self.assertEqual(sent, 0)

    def test_auth_failed(self):
        _, result, _, _ = self.scenario(params(), config_extra={"private_key": "0" * 40})
        self.assertEqual(result["error"]["type"], "AuthFailed")
        self.assertEqual(result["error"]["ret_code"], 171)

    def test_api_error(self):
        fault = {"action": "DescribeCompShareInstance", "mode": "ret_code", "ret_code": 226601,
                 "message": "instance in arrears"}
        _, result, _, _ = self.scenario(params(), faults=[fault])
        self.assertEqual(result["error"]["type"], "ApiError")
        self.assertEqual(result["error"]["ret_code"], 226601)
        self.assertEqual(result["error"]["api_message"], "instance in arrears")

    def test_transient(self):
        fault = {"action": "DescribeCompShareInstance", "mode": "malformed_json"}
        _, result, _, _ = self.scenario(params(), faults=[fault])
        self.assertEqual(result["error"]["type"], "Transient")
        self.assertTrue(result["error"]["retryable"])

    def test_unconfirmed_detach_is_reread(self):
        fault = {"action": "DetachCompshareDisk", "mode": "reset", "apply": "after"}
        status, result, events, sent = self.scenario(params(), faults=[fault])
        self.assertEqual(status, AH_OK, result)
        self.assertIn("detach_unconfirmed", [e["event"] for e in events])
        self.assertEqual(sent, 1)  # re-read showed the disk gone: not sent again

    def test_cancel_during_wait(self):
        def cancel_on_poll(plugin, event):
            if event["event"] == "poll":
                plugin.cancel()

        status, result, _, _ = self.scenario(params(), detach_delay_ms=60000,
                                             on_event=cancel_on_poll)
        self.assertEqual(status, AH_CANCELLED)
        self.assertEqual(result["error"]["type"], "Cancelled")
        self.assertTrue(result["detach_sent"])
        self.assertEqual(result["status"], "detach_requested")

    def test_credentials_missing(self):
        with isolated_credentials(), emulator() as emu:
            plugin = Plugin({"base_url": emu.url, "region": "cn-wlcb"})  # created: AH_OK
            try:
                status, result = self.run_detach(plugin, params())
                self.assertEqual(status, AH_ERROR)
                self.assertEqual(result["error"]["type"], "CredentialsMissing")
            finally:
                plugin.close()


# Parameter objects for the agreement test. VALID ones must pass params_schema and the plugin's
# validation; INVALID ones must fail both.
VALID = [
    {"UHostId": "uhost-1", "UDiskId": "udisk-1"},
    {"UHostId": "u", "UDiskId": "d", "Region": "cn-wlcb", "Zone": "cn-wlcb-01",
     "Device": "/dev/vdb", "ProjectId": "org-1", "Wait": False, "WaitTimeoutSeconds": 0.1,
     "PollIntervalSeconds": 60, "DryRun": True, "Precheck": True, "ClientToken": ""},
    {"UHostId": "u", "UDiskId": "d", "WaitTimeoutSeconds": 3600, "PollIntervalSeconds": 0.1},
    {"UHostId": "u", "UDiskId": "d", "Precheck": False, "Device": "/dev/disk/by-id/x_1"},
    {"UHostId": "u", "UDiskId": "d", "Precheck": False, "DryRun": True},
    {"UHostId": "a" * 64, "UDiskId": "b.c:d_e-f"},
    {"UHostId": "u", "UDiskId": "d", "ClientToken": "é" * 256},
    {"UHostId": "u", "UDiskId": "d", "WaitTimeoutSeconds": 30},
]
INVALID = [
    {},
    {"UHostId": "u"},
    {"UDiskId": "d"},
    {"UHostId": "", "UDiskId": "d"},
    {"UHostId": "u 1", "UDiskId": "d"},
    {"UHostId": "u\n", "UDiskId": "d"},
    {"UHostId": "u", "UDiskId": "d\t"},
    {"UHostId": "a" * 65, "UDiskId": "d"},
    {"UHostId": "uhøst", "UDiskId": "d"},
    {"UHostId": 5, "UDiskId": "d"},
    {"UHostId": "u", "UDiskId": "d", "Region": ""},
    {"UHostId": "u", "UDiskId": "d", "Zone": None},
    {"UHostId": "u", "UDiskId": "d", "Device": "vdb"},
    {"UHostId": "u", "UDiskId": "d", "Device": "/dev/"},
    {"UHostId": "u", "UDiskId": "d", "Device": "/dev/../etc"},
    {"UHostId": "u", "UDiskId": "d", "Device": "/dev/vdb\n"},
    {"UHostId": "u", "UDiskId": "d", "Device": "/dev/" + "x" * 60},
    {"UHostId": "u", "UDiskId": "d", "Wait": "true"},
    {"UHostId": "u", "UDiskId": "d", "DryRun": 1},
    {"UHostId": "u", "UDiskId": "d", "Precheck": None},
    {"UHostId": "u", "UDiskId": "d", "WaitTimeoutSeconds": 0},
    {"UHostId": "u", "UDiskId": "d", "WaitTimeoutSeconds": 3601},
    {"UHostId": "u", "UDiskId": "d", "WaitTimeoutSeconds": "30"},
    {"UHostId": "u", "UDiskId": "d", "PollIntervalSeconds": 0.05},
    {"UHostId": "u", "UDiskId": "d", "PollIntervalSeconds": 61},
    {"UHostId": "u", "UDiskId": "d", "ClientToken": "x" * 257},
    {"UHostId": "u", "UDiskId": "d", "ClientToken": "a\u0001b"},
    {"UHostId": "u", "UDiskId": "d", "ClientToken": 42},
    {"UHostId": "u", "UDiskId": "d", "Precheck": False},
    {"UHostId": "u", "UDiskId": "d", "Precheck": False, "DryRun": False},
    {"UHostId": "u", "UDiskId": "d", "Extra": 1},
    {"UHostId": "u", "UDiskId": "d", "PrivateKey": "PY-SECRET-CANARY"},
    {"UHostId": "u", "UDiskId": "d", "public_key": "PY-SECRET-CANARY"},
    {"UHostId": "u", "UDiskId": "d", "Signature": "PY-SECRET-CANARY"},
    {"UHostId": "u", "UDiskId": "d", "Password": "PY-SECRET-CANARY"},
]


class SchemaAgreement(SchemaCase):
    """Without credentials the plugin validates params and then stops (CredentialsMissing), so
    no emulator is needed: InvalidParameter means the plugin refused them."""

    def test_valid_params_accepted_by_both(self):
        with isolated_credentials():
            plugin = Plugin({"base_url": "http://127.0.0.1:9"})
            try:
                for p in VALID:
                    with self.subTest(params=p):
                        self.assertTrue(self.params_validator.is_valid(p))
                        _, result = self.run_detach(plugin, p)
                        self.assertEqual(result["error"]["type"], "CredentialsMissing", result)
            finally:
                plugin.close()

    def test_invalid_params_refused_by_both(self):
        with isolated_credentials():
            plugin = Plugin({"base_url": "http://127.0.0.1:9"})
            try:
                for p in INVALID:
                    with self.subTest(params=p):
                        self.assertFalse(self.params_validator.is_valid(p))
                        status, result = self.run_detach(plugin, p, valid=False)
                        self.assertEqual(status, AH_INVALID_ARGUMENT)
                        self.assertEqual(result["error"]["type"], "InvalidParameter")
                        self.assertNotIn("PY-SECRET-CANARY", json.dumps(result))
                for raw in (b"not json", b"[1]", b"{\"UHostId\":\"u\0\"}", b" " * 70000):
                    with self.subTest(raw=raw[:40]):
                        status, result, last_error = plugin.invoke(raw)
                        self.check_result(status, result, last_error)
                        self.assertEqual(result["error"]["type"], "InvalidParameter")
            finally:
                plugin.close()

    def test_defaults_documented(self):
        props = MANIFEST["actions"][0]["params_schema"]["properties"]
        self.assertEqual(props["Wait"]["default"], True)
        self.assertEqual(props["WaitTimeoutSeconds"]["default"], 300)
        self.assertEqual(props["PollIntervalSeconds"]["default"], 3)
        self.assertEqual(props["DryRun"]["default"], False)
        self.assertEqual(props["Precheck"]["default"], True)
        for name, prop in props.items():
            with self.subTest(property=name):
                self.assertIn("type", prop)
                self.assertIn("description", prop)

    def test_embedded_manifest_is_the_file(self):
        self.assertEqual(PLUGIN.manifest, MANIFEST)  # the binding parsed the embedded one

FREE = "udisk-free"


def state_with_free_disk(zone="cn-wlcb-01", running_state="Running"):
    """The emulator's default state plus one unattached disk; the running instance's State set."""
    with emulator() as emu:
        state = emu.state()
    state["Disks"] = [{"DiskId": FREE, "Region": "cn-wlcb", "Zone": zone, "Size": 200}]
    for host in state["Instances"]:
        if host["UHostId"] == RUNNING:
            host["State"] = running_state
    return state


class AttachScenarios(SchemaCase):
    """Every status and error type of attach, through ctypes, each result schema-checked."""

    ACTION = "attach"

    def test_attached(self):
        status, result, events, sent = self.scenario(params(disk=FREE, ClientToken="py-a"),
                                                     state=state_with_free_disk())
        self.assertEqual(status, AH_OK)
        self.assertEqual(sent, 1)
        self.assertEqual(result["status"], "attached")
        self.assertTrue(result["changed"] and result["attach_sent"])
        self.assertEqual(result["resource"]["device"], "/dev/vdd")
        self.assertIn("nofail", result["warnings"][0])
        self.assertEqual([e["event"] for e in events],
                         ["precheck", "attach_sent", "poll", "poll", "done"])

    def test_already_attached(self):
        status, result, _, sent = self.scenario(params(disk=DATA1))
        self.assertEqual((status, sent), (AH_OK, 0))
        self.assertEqual(result["status"], "already_attached")
        self.assertFalse(result["changed"])
        self.assertEqual(result["resource"]["device"], "/dev/vdb")

    def test_would_attach_and_attach_requested(self):
        status, result, _, sent = self.scenario(params(disk=FREE, DryRun=True),
                                                state=state_with_free_disk())
        self.assertEqual((status, sent, result["status"]), (AH_OK, 0, "would_attach"))
        status, result, _, sent = self.scenario(params(disk=FREE, Wait=False),
                                                state=state_with_free_disk())
        self.assertEqual((status, sent, result["status"]), (AH_OK, 1, "attach_requested"))

    def test_preconditions(self):
        cases = [
            (params(disk=DATA3), None, "DiskAttachedElsewhere", False),
            (params(disk="udisk-nope"), None, "DiskNotFound", False),
            (params(host="uhost-nope", disk=FREE), state_with_free_disk(), "InstanceNotFound",
             False),
            (params(host=RUNNING, disk=FREE), state_with_free_disk(running_state="Starting"),
             "InstanceNotReady", True),
            (params(host=RUNNING, disk=FREE), state_with_free_disk(running_state=""),
             "Transient", True),
        ]
        for p, state, error_type, retryable in cases:
            with self.subTest(error=error_type):
                status, result, _, sent = self.scenario(p, state=state)
                self.assertEqual(status, AH_ERROR)
                self.assertEqual(sent, 0)
                self.assertEqual(result["error"]["type"], error_type, result)
                self.assertEqual(result["error"]["retryable"], retryable)
                self.assertEqual(result["status"], "failed")

    def test_service_errors(self):
        cases = [
            ({"action": "AttachCompshareDisk", "mode": "ret_code", "ret_code": 8433},
             "ApiError", "failed"),
            ({"action": "AttachCompshareDisk", "mode": "ret_code", "ret_code": 172},
             "AuthFailed", "failed"),
            ({"action": "AttachCompshareDisk", "mode": "ret_code", "ret_code": 17056},
             "WaitTimeout", "attach_requested"),
            ({"action": "AttachCompshareDisk", "mode": "http_status", "status": 503,
              "times": 100}, "Transient", "attach_requested"),
        ]
        for fault, error_type, result_status in cases:
            with self.subTest(error=error_type):
                _, result, _, _ = self.scenario(
                    params(disk=FREE, WaitTimeoutSeconds=0.3), state=state_with_free_disk(),
                    faults=[fault])
                self.assertEqual(result["error"]["type"], error_type, result)
                self.assertEqual(result["status"], result_status)

    def test_invalid_parameter_and_credentials_missing(self):
        with emulator() as emu:
            status, result = self.invoke_once(config_for(emu), params(Device="/dev/vdb"),
                                              valid=False)
            self.assertEqual((status, result["error"]["type"]),
                             (AH_INVALID_ARGUMENT, "InvalidParameter"))
        with isolated_credentials(), emulator() as emu:
            _, result = self.invoke_once({"base_url": emu.url, "region": "cn-wlcb"},
                                         params(disk=FREE))
            self.assertEqual(result["error"]["type"], "CredentialsMissing")

    def test_cancelled(self):
        def cancel_on_precheck(plugin, event):
            if event["event"] == "precheck":
                plugin.cancel()

        status, result, _, sent = self.scenario(params(disk=FREE), state=state_with_free_disk(),
                                                on_event=cancel_on_precheck)
        self.assertEqual((status, sent), (AH_CANCELLED, 0))
        self.assertEqual(result["status"], "cancelled")
        self.assertFalse(result["attach_sent"])


class StatusScenarios(SchemaCase):
    """Every status and error type of status, through ctypes; it never writes."""

    ACTION = "status"

    def test_read(self):
        status, result, events, writes = self.scenario({"UHostId": STOPPED, "UDiskId": DATA2})
        self.assertEqual((status, writes), (AH_OK, 0))
        self.assertEqual(result["status"], "read")
        self.assertFalse(result["changed"])
        self.assertEqual(result["instance"], {"uhost_id": STOPPED, "zone": "cn-wlcb-01",
                                              "state": "Stopped"})
        self.assertEqual([d["udisk_id"] for d in result["disks"]], [SYSTEM, DATA1, DATA2])
        self.assertEqual(result["disk"], {"udisk_id": DATA2, "attached": True,
                                          "device": "/dev/vdc"})
        self.assertEqual([e["event"] for e in events], ["done"])

    def test_errors(self):
        cases = [
            ({"UHostId": "uhost-nope"}, [], "InstanceNotFound"),
            ({"UHostId": STOPPED},
             [{"action": "DescribeCompShareInstance", "mode": "malformed_json"}], "Transient"),
            ({"UHostId": STOPPED},
             [{"action": "DescribeCompShareInstance", "mode": "ret_code", "ret_code": 171}],
             "AuthFailed"),
            ({"UHostId": STOPPED},
             [{"action": "DescribeCompShareInstance", "mode": "ret_code", "ret_code": 8433}],
             "ApiError"),
        ]
        for p, faults, error_type in cases:
            with self.subTest(error=error_type):
                status, result, _, writes = self.scenario(p, faults=faults)
                self.assertEqual((status, writes), (AH_ERROR, 0))
                self.assertEqual(result["error"]["type"], error_type, result)
                self.assertEqual(result["status"], "failed")

    def test_invalid_parameter_cancelled_credentials_missing(self):
        with emulator() as emu:
            status, result = self.invoke_once(config_for(emu),
                                              {"UHostId": STOPPED, "Wait": True}, valid=False)
            self.assertEqual((status, result["error"]["type"]),
                             (AH_INVALID_ARGUMENT, "InvalidParameter"))
            emu.add_fault({"action": "DescribeCompShareInstance", "mode": "http_status",
                           "status": 503})
            status, result = self.invoke_once(
                config_for(emu), {"UHostId": STOPPED},
                lambda p, event: p.cancel() if event["event"] == "retry" else None)
            self.assertEqual((status, result["status"]), (AH_CANCELLED, "cancelled"))
        with isolated_credentials(), emulator() as emu:
            _, result = self.invoke_once({"base_url": emu.url, "region": "cn-wlcb"},
                                         {"UHostId": STOPPED})
            self.assertEqual(result["error"]["type"], "CredentialsMissing")


ATTACH_VALID = [
    {"UHostId": "uhost-a", "UDiskId": "udisk-b"},
    {"Region": "cn-wlcb", "Zone": "cn-wlcb-01", "UHostId": "u", "UDiskId": "d",
     "DataDiskType": "CLOUD_SSD", "EnableCrossPodAttach": False, "ProjectId": "org-x",
     "Wait": False, "WaitTimeoutSeconds": 0.1, "PollIntervalSeconds": 60, "DryRun": True,
     "Precheck": False, "ClientToken": "run-7"},
]
ATTACH_INVALID = [
    {"UHostId": "u"},
    {"UHostId": "u", "UDiskId": "d", "Device": "/dev/vdb"},
    {"UHostId": "u", "UDiskId": "d", "EnableCrossPodAttach": "Yes"},
    {"UHostId": "u", "UDiskId": "d", "DataDiskType": "two words"},
    {"UHostId": "u", "UDiskId": "d", "WaitTimeoutSeconds": 3601},
    {"UHostId": "u", "UDiskId": "d", "PrivateKey": "PY-SECRET-CANARY"},
]
STATUS_VALID = [
    {"UHostId": "u"},
    {"Region": "cn-wlcb", "Zone": "z", "UHostId": "u", "UDiskId": "d", "ProjectId": "p"},
]
STATUS_INVALID = [
    {},
    {"UHostId": "u", "Wait": False},
    {"UHostId": "u", "UDiskId": ""},
    {"UHostId": "u", "Signature": "PY-SECRET-CANARY"},
]


class AttachSchemaAgreement(SchemaCase):
    ACTION = "attach"
    VALID, INVALID = ATTACH_VALID, ATTACH_INVALID

    def test_agreement(self):
        with isolated_credentials():
            plugin = Plugin({"base_url": "http://127.0.0.1:9"})
            try:
                for p in self.VALID:
                    with self.subTest(valid=p):
                        _, result = self.run_detach(plugin, p)
                        self.assertEqual(result["error"]["type"], "CredentialsMissing", result)
                for p in self.INVALID:
                    with self.subTest(invalid=p):
                        self.assertFalse(self.params_validator.is_valid(p))
                        status, result = self.run_detach(plugin, p, valid=False)
                        self.assertEqual(status, AH_INVALID_ARGUMENT)
                        self.assertNotIn("PY-SECRET-CANARY", json.dumps(result))
            finally:
                plugin.close()


class StatusSchemaAgreement(AttachSchemaAgreement):
    ACTION = "status"
    VALID, INVALID = STATUS_VALID, STATUS_INVALID


def main():
    global ARGS, MANIFEST, PLUGIN  # pylint: disable=global-statement
    parser = argparse.ArgumentParser()
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--emulator-module-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    with open(ARGS.manifest, encoding="utf-8") as f:
        MANIFEST = json.load(f)
    PLUGIN = actionhost.Plugin(ARGS.plugin)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
