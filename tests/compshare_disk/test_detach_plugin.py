#!/usr/bin/env python3
"""The compshare-disk plugin's detach action from Python (ctypes, standard library + jsonschema).

Usage: test_detach_plugin.py --plugin LIB --manifest JSON --emulator BIN
                             --emulator-module-dir DIR [unittest options]

Loads the BUILT plugin through its C ABI, runs a representative set of scenarios against the
compshare-emulator program (success, every error type it can provoke, dry run, Wait false) and
validates EVERY result against the manifest's result_schema and every params object against its
params_schema. The schemas and the plugin must agree: valid params are accepted by both, invalid
ones refused by both. The C ABI comes from tests/support/plugin_abi.py (on PYTHONPATH).
"""

import argparse
import contextlib
import json
import os
import sys
import tempfile
import unittest

import jsonschema

import plugin_abi as abi
from plugin_abi import AH_CANCELLED, AH_ERROR, AH_INVALID_ARGUMENT, AH_OK, AH_TIMEOUT

ARGS = None
MANIFEST = None
PLUGIN = None  # abi.Plugin, loaded by main()

PUBLIC_KEY = "ucloudsomeone@example.com1296235120854146120"
PRIVATE_KEY = "46f09bb9fab4f12dfc160dae12273d5332b5debe"
STOPPED, RUNNING = "uhost-emu-stopped", "uhost-emu-running"
DATA1, DATA2, DATA3, SYSTEM = "udisk-emu-data1", "udisk-emu-data2", "udisk-emu-data3", "bsd-emu-system"

class Plugin:
    """One plugin instance; records log events. `on_event(plugin, event)` may cancel."""

    def __init__(self, config, on_event=None):
        self.events = []
        self.on_event = on_event
        self.instance = PLUGIN.instance(json.dumps(config), abi.Host(self._on_log))
        self.create_status = self.instance.create_status

    def _on_log(self, _ctx, _level, message):
        event = json.loads(message)
        self.events.append(event)
        if self.on_event:
            self.on_event(self, event)

    def invoke(self, params, action=b"detach"):
        raw = params if isinstance(params, bytes) else json.dumps(params).encode()
        status, text, last_error = self.instance.invoke(action, raw)
        return status, json.loads(text), last_error

    def cancel(self):
        self.instance.cancel()

    def close(self):
        self.instance.destroy()


def emulator(state=None, detach_delay_ms=0):
    """The compshare-emulator program (tests/emulator/emulator_process.py)."""
    if ARGS.emulator_module_dir not in sys.path:
        sys.path.insert(0, ARGS.emulator_module_dir)
    from emulator_process import EmulatorProcess  # pylint: disable=import-outside-toplevel
    return EmulatorProcess(ARGS.emulator, state=state, detach_delay_ms=detach_delay_ms)


def detach_counts(emu):
    """(requests, accepted) of DetachCompshareDisk according to the emulator's request log."""
    log = emu.requests()
    sent = sum(1 for entry in log.get("requests", [])
               if entry.get("action") == "DetachCompshareDisk")
    return sent, log.get("accepted", {}).get("DetachCompshareDisk", 0)


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

    @classmethod
    def setUpClass(cls):
        action = next(a for a in MANIFEST["actions"] if a["name"] == "detach")
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
            expected = {"InvalidParameter": AH_INVALID_ARGUMENT, "Cancelled": AH_CANCELLED,
                        "WaitTimeout": AH_TIMEOUT}.get(result["error"]["type"], AH_ERROR)
            self.assertEqual(status, expected, result)

    def run_detach(self, plugin, params, valid=True):
        if valid:
            self.params_validator.validate(params)
        status, result, last_error = plugin.invoke(params)
        self.check_result(status, result, last_error)
        return status, result

    def scenario(self, params, state=None, detach_delay_ms=0, faults=(), on_event=None,
                 config_extra=None):
        with emulator(state, detach_delay_ms) as emu:
            for fault in faults:
                emu.add_fault(fault)
            config = config_for(emu, **(config_extra or {}))
            self.config_validator.validate(config)
            plugin = Plugin(config, on_event)
            try:
                self.assertEqual(plugin.create_status, AH_OK)
                status, result = self.run_detach(plugin, params)
                for event in plugin.events:
                    self.assertIsInstance(event.get("event"), str)
                    self.assertIsInstance(event.get("message"), str)
                sent, accepted = detach_counts(emu)
                self.assertLessEqual(accepted, 1)  # never two accepted detaches
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
            plugin = Plugin({"base_url": emu.url, "region": "cn-wlcb"})
            try:
                self.assertEqual(plugin.create_status, AH_OK)
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
        embedded = json.loads(PLUGIN.manifest())
        self.assertEqual(embedded, MANIFEST)


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
    PLUGIN = abi.Plugin(ARGS.plugin)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
