#!/usr/bin/env python3
"""attach and status end to end through the actionhost binary, against the emulator with the
canary state: every status and error type with its exit code, the result schema, the secrets
check, a batch of either action, and `describe`."""
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import reliability_support as rs

RUNNING_HOST = "uhost-emu-running"
FREE_DISK = "udisk-free"
ELSEWHERE = "udisk-emu-data3"  # /dev/vdb of RUNNING_HOST


def state(running_state="Running"):
    doc = rs.canary_state()
    doc["Disks"] = [{"DiskId": FREE_DISK, "Region": "cn-wlcb", "Zone": "cn-wlcb-01",
                     "Size": 200}]
    for host in doc["Instances"]:
        if host["UHostId"] == RUNNING_HOST:
            host["State"] = running_state
    return doc


def attach_params(host=rs.STOPPED_HOST, disk=FREE_DISK, **extra):
    p = {"Region": "cn-wlcb", "UHostId": host, "UDiskId": disk, "PollIntervalSeconds": 0.1,
         "WaitTimeoutSeconds": 2}
    p.update(extra)
    return p


class AttachStatusThroughTheBinary(unittest.TestCase):
    secrets = rs.SecretsLedger()

    def run_action(self, action, params, doc=None, faults=(), config_extra=None,
                   signal_on=None, attach_delay_ms=0):
        """One run against a fresh emulator; with `signal_on`, SIGTERM once stderr carries
        that log event."""
        with tempfile.TemporaryDirectory(prefix="attach-status-") as tmp:
            with rs.Emulator(tmp, state=doc or state(), attach_delay_ms=attach_delay_ms) as emu:
                for fault in faults:
                    emu.add_fault(fault)
                config = {key: value  # None in config_extra removes a key
                          for key, value in rs.config_for(emu.url, **(config_extra or {})).items()
                          if value is not None}
                if signal_on:
                    run = self.terminated_on(signal_on, tmp, config, action, params)
                else:
                    run = rs.run_detach(tmp, config, params, action=action)
            records = emu.records
        result = rs.check_result(self, run, action=action)
        self.secrets.check(self, run, rs.signatures_of(records))
        writes = [r["action"] for r in records if not r["action"].startswith("Describe")]
        if action == "status":
            self.assertEqual(writes, [], "status wrote")
        self.assertLessEqual(sum(1 for r in records if r["action"] == "AttachCompshareDisk"
                                 and r["ret_code"] == 0), 1)
        return run, result, writes

    @staticmethod
    def terminated_on(event, tmp, config, action, params):
        """actionhost run, sent SIGTERM when its stderr first shows `event`."""
        argv = [rs.BIN, "--plugin-path", rs.PLUGIN_DIR, "run", "compshare-disk." + action,
                "--config", rs.write_json(tmp, "config.json", config),
                "--params", json.dumps(params)]
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=rs.clean_env())
        killer = threading.Timer(rs.SAFETY_TIMEOUT, proc.kill)  # a hung run fails, not hangs
        killer.start()
        try:
            seen = []
            for line in proc.stderr:  # ends when actionhost closes stderr
                seen.append(line)
                if line.startswith("{") and json.loads(line).get("event") == event:
                    proc.send_signal(signal.SIGTERM)
                    break
            # Read on through the same buffered files (communicate() would skip what they hold).
            stderr = "".join(seen) + proc.stderr.read()
            stdout = proc.stdout.read()
            proc.wait()
        finally:
            killer.cancel()
            if proc.poll() is None:  # the test failed before actionhost ended
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        proc.stdout, proc.stderr = stdout, stderr
        return rs.Run(proc, time.monotonic() - start)

    def test_attach_statuses(self):
        cases = [
            (attach_params(), "attached", 1),
            (attach_params(disk=rs.DATA_DISK), "already_attached", 0),
            (attach_params(DryRun=True), "would_attach", 0),
            (attach_params(Wait=False), "attach_requested", 1),
        ]
        for params, status, writes in cases:
            with self.subTest(status=status):
                run, result, sent = self.run_action("attach", params)
                self.assertEqual(run.code, 0, repr(run))
                self.assertEqual(result["status"], status)
                self.assertEqual(len(sent), writes)
        _, result, _ = self.run_action("attach", attach_params())
        self.assertEqual(result["resource"]["device"], "/dev/vdd")

    def test_attach_errors(self):
        attach_fault = lambda **f: dict(f, action="AttachCompshareDisk")  # noqa: E731
        cases = [
            (attach_params(disk=ELSEWHERE), None, (), "DiskAttachedElsewhere", 4, "failed"),
            (attach_params(disk="udisk-nope"), None, (), "DiskNotFound", 4, "failed"),
            (attach_params(host="uhost-nope"), None, (), "InstanceNotFound", 4, "failed"),
            (attach_params(host=RUNNING_HOST), state("Stopping"), (), "InstanceNotReady", 4,
             "failed"),
            (attach_params(host=RUNNING_HOST), state(""), (), "Transient", 6, "failed"),
            (attach_params(Device="/dev/vdb"), None, (), "InvalidParameter", 2, "failed"),
            (attach_params(), None, [attach_fault(mode="ret_code", ret_code=171)],
             "AuthFailed", 3, "failed"),
            (attach_params(), None, [attach_fault(mode="ret_code", ret_code=8433)],
             "ApiError", 5, "failed"),
            (attach_params(WaitTimeoutSeconds=0.3), None,
             [attach_fault(mode="ret_code", ret_code=17056)], "WaitTimeout", 7,
             "attach_requested"),
        ]
        for params, doc, faults, error_type, code, status in cases:
            with self.subTest(error=error_type):
                run, result, _ = self.run_action("attach", params, doc, faults)
                self.assertEqual(result["error"]["type"], error_type, repr(run))
                self.assertEqual(run.code, code, repr(run))
                self.assertEqual(result["status"], status, repr(run))

    def test_status(self):
        run, result, _ = self.run_action("status", {"Region": "cn-wlcb",
                                                    "UHostId": rs.STOPPED_HOST,
                                                    "UDiskId": rs.DATA_DISK})
        self.assertEqual(run.code, 0, repr(run))
        self.assertEqual(result["disk"], {"udisk_id": rs.DATA_DISK, "attached": True,
                                          "device": "/dev/vdb"})
        describe = {"action": "DescribeCompShareInstance"}
        cases = [
            ({"UHostId": "uhost-nope"}, (), "InstanceNotFound", 4),
            ({"UHostId": rs.STOPPED_HOST, "Wait": True}, (), "InvalidParameter", 2),
            ({"UHostId": rs.STOPPED_HOST}, [dict(describe, mode="ret_code", ret_code=172)],
             "AuthFailed", 3),
            ({"UHostId": rs.STOPPED_HOST}, [dict(describe, mode="ret_code", ret_code=8433)],
             "ApiError", 5),
            ({"UHostId": rs.STOPPED_HOST}, [dict(describe, mode="malformed_json", times=10)],
             "Transient", 6),
        ]
        for params, faults, error_type, code in cases:
            with self.subTest(error=error_type):
                params = dict(params, Region="cn-wlcb")
                run, result, _ = self.run_action("status", params, faults=faults)
                self.assertEqual(result["error"]["type"], error_type, repr(run))
                self.assertEqual(run.code, code, repr(run))
                self.assertEqual(result["status"], "failed", repr(run))

    def test_credentials_missing(self):
        # No key in the config, and none in the environment or a profile (rs.clean_env).
        for action, params in (("attach", attach_params()),
                               ("status", {"Region": "cn-wlcb", "UHostId": rs.STOPPED_HOST})):
            with self.subTest(action=action):
                run, result, writes = self.run_action(
                    action, params, config_extra={"public_key": None, "private_key": None})
                self.assertEqual(result["error"]["type"], "CredentialsMissing", repr(run))
                self.assertEqual(run.code, 3, repr(run))
                self.assertEqual((result["status"], writes), ("failed", []), repr(run))

    def test_cancelled_by_a_signal(self):
        # Before any write: every Describe fails and is retried; SIGTERM on the first retry.
        describe_fails = [{"action": "DescribeCompShareInstance", "mode": "http_status",
                           "status": 503, "times": 100}]
        for action, params in (("attach", attach_params()),
                               ("status", {"Region": "cn-wlcb", "UHostId": rs.STOPPED_HOST})):
            with self.subTest(action=action, when="before any write"):
                run, result, writes = self.run_action(
                    action, params, faults=describe_fails, config_extra={"max_retries": 10},
                    signal_on="retry")
                self.assertEqual(run.code, 143, repr(run))
                self.assertEqual(result["error"]["type"], "Cancelled", repr(run))
                self.assertEqual((result["status"], writes), ("cancelled", []), repr(run))
        # attach while it waits for a disk the emulator keeps attaching: SIGTERM on the first poll.
        run, result, writes = self.run_action("attach", attach_params(WaitTimeoutSeconds=60),
                                              attach_delay_ms=600000, signal_on="poll")
        self.assertEqual(run.code, 143, repr(run))
        self.assertEqual(result["error"]["type"], "Cancelled", repr(run))
        self.assertEqual(result["status"], "attach_requested", repr(run))
        self.assertIs(result["attach_sent"], True, repr(run))
        self.assertEqual(writes, ["AttachCompshareDisk"], repr(run))

    def test_batch_of_either_action(self):
        for action, lines, statuses in [
            ("attach", [attach_params(), attach_params(disk=rs.DATA_DISK)],
             ["attached", "already_attached"]),
            ("status", [{"UHostId": rs.STOPPED_HOST}, {"UHostId": RUNNING_HOST}],
             ["read", "read"]),
        ]:
            with self.subTest(action=action), \
                    tempfile.TemporaryDirectory(prefix="attach-batch-") as tmp:
                with rs.Emulator(tmp, state=state()) as emu:
                    config = rs.write_json(tmp, "config.json",
                                           rs.config_for(emu.url, region="cn-wlcb"))
                    batch = os.path.join(tmp, "batch.jsonl")
                    with open(batch, "w", encoding="utf-8") as f:
                        f.writelines(json.dumps(p) + "\n" for p in lines)
                    run = rs.actionhost("run", "compshare-disk." + action, "--config", config,
                                        "--batch", batch)
                self.assertEqual(run.code, 0, repr(run))
                results = [json.loads(line) for line in run.stdout.splitlines()]
                self.assertEqual([r["status"] for r in results], statuses, repr(run))
                for number, r in enumerate(results, 1):
                    # The batch adds the input line number; the rest is the action's result.
                    self.assertEqual(r.pop("line"), number, repr(run))
                    errors = list(rs.RESULT_VALIDATORS[action].iter_errors(r))
                    self.assertEqual(errors, [], repr(run))
                self.secrets.check(self, run)

    def test_describe_reads_well(self):
        for action, words in [("attach", ["UDiskId", "DataDiskType", "InstanceNotReady",
                                          "attach_sent", "already_attached"]),
                              ("status", ["UHostId", "disks", "InstanceNotFound"])]:
            with self.subTest(action=action):
                run = rs.actionhost("describe", "compshare-disk." + action)
                self.assertEqual(run.code, 0, repr(run))
                for word in words:
                    self.assertIn(word, run.stdout)
        run = rs.actionhost("list")
        for action in ("compshare-disk.detach", "compshare-disk.attach", "compshare-disk.status"):
            self.assertIn(action, run.stdout)


if __name__ == "__main__":
    unittest.main()
