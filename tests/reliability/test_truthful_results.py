#!/usr/bin/env python3
"""Truthful results end to end through the actionhost binary: a disk that is not on the
instance is looked up in the disk inventory (DescribeCompshareDisk) before anyone is told it is
detached, and a Describe reply that cannot describe the instance is never taken as evidence.
Each case asserts the exit code (derived from the manifest's error classes), the result (valid
against result_schema), what the emulator accepted, and no canary in any output.
"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_support as rs  # noqa: E402

OTHER_HOST = "uhost-emu-running"
OTHER_DISK = "udisk-emu-data3"  # attached to OTHER_HOST


class TruthfulResults(unittest.TestCase):
    secrets = rs.SecretsLedger()

    def detach(self, disk, faults=(), config_extra=None, **params):
        request = {"Region": "cn-wlcb", "UHostId": rs.STOPPED_HOST, "UDiskId": disk,
                   "WaitTimeoutSeconds": 2, "PollIntervalSeconds": 0.1}
        request.update(params)
        with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
            with rs.Emulator(tmp) as emu:
                for fault in faults:
                    emu.add_fault(fault)
                run = rs.run_detach(tmp, rs.config_for(emu.url, **(config_extra or {})),
                                    request)
            records = emu.records
        result = rs.check_result(self, run)
        self.secrets.check(self, run, rs.signatures_of(records))
        detaches = sum(1 for r in records if r["action"] == "DetachCompshareDisk")
        return run, result, detaches

    def test_mistyped_disk_is_disk_not_found(self):
        run, result, detaches = self.detach("udisk-TYPO")
        self.assertEqual(run.code, 4, run)
        self.assertEqual(run.code, rs.EXIT_FOR_TYPE["DiskNotFound"], run)
        self.assertEqual(result["error"]["type"], "DiskNotFound", run)
        self.assertEqual(result["status"], "failed", run)
        self.assertIn("no disk udisk-TYPO is listed in region cn-wlcb", result["message"])
        self.assertEqual(detaches, 0, run)

    def test_disk_on_another_instance_names_it(self):
        run, result, detaches = self.detach(OTHER_DISK)
        self.assertEqual(run.code, 4, run)
        self.assertEqual(result["error"]["type"], "DiskAttachedElsewhere", run)
        self.assertIn(f"is attached to {OTHER_HOST}, not to {rs.STOPPED_HOST}",
                      result["message"])
        self.assertEqual(detaches, 0, run)

    def test_free_disk_is_already_detached(self):
        with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
            with rs.Emulator(tmp) as emu:
                config = rs.config_for(emu.url)
                params = {"Region": "cn-wlcb", "UHostId": rs.STOPPED_HOST,
                          "UDiskId": rs.DATA_DISK, "PollIntervalSeconds": 0.1}
                first = rs.run_detach(tmp, config, params)
                second = rs.run_detach(tmp, config, params)
        self.assertEqual(first.code, 0, first)
        result = rs.check_result(self, second)
        self.assertEqual(second.code, 0, second)
        self.assertEqual(result["status"], "already_detached", second)
        self.assertIn("DescribeCompshareDisk lists it as free", result["message"])
        self.assertEqual(result["warnings"], [], second)

    def test_inventory_unavailable_warns(self):
        fault = {"action": "DescribeCompshareDisk", "mode": "ret_code", "ret_code": 161,
                 "message": "Action [DescribeCompshareDisk] does not exist", "times": 100}
        run, result, detaches = self.detach("udisk-TYPO", faults=[fault])
        self.assertEqual(run.code, 0, run)
        self.assertEqual(result["status"], "already_detached", run)
        self.assertEqual(len(result["warnings"]), 1, run)
        self.assertTrue(result["warnings"][0].startswith(
            "could not confirm that udisk-TYPO exists ("), run)
        self.assertEqual(detaches, 0, run)

    def test_describe_without_disk_set_is_transient(self):
        body = ('{"Action":"DescribeCompShareInstanceResponse","RetCode":0,"TotalCount":1,'
                '"UHostSet":[{"UHostId":"%s","Zone":"cn-wlcb-01","State":"Stopped"}]}'
                % rs.STOPPED_HOST)
        fault = {"action": "DescribeCompShareInstance", "mode": "body", "body": body,
                 "times": 100}
        run, result, detaches = self.detach(rs.DATA_DISK, faults=[fault])
        self.assertEqual(run.code, 6, run)
        self.assertEqual(result["error"]["type"], "Transient", run)
        self.assertIn("DiskSet is missing", result["message"])
        self.assertEqual(detaches, 0, run)

    def test_state_unknown_is_transient(self):
        state = rs.canary_state()
        state["Instances"][0]["State"] = ""
        with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
            with rs.Emulator(tmp, state=state) as emu:
                run = rs.run_detach(tmp, rs.config_for(emu.url),
                                    {"Region": "cn-wlcb", "UHostId": rs.STOPPED_HOST,
                                     "UDiskId": rs.DATA_DISK})
        result = rs.check_result(self, run)
        self.assertEqual(run.code, 6, run)
        self.assertTrue(result["error"]["retryable"], run)

    def test_ret_code_8433_is_an_api_error(self):
        fault = {"action": "DescribeCompShareInstance", "mode": "ret_code", "ret_code": 8433,
                 "message": "service error, contact support"}
        run, result, _ = self.detach(rs.DATA_DISK, faults=[fault])
        self.assertEqual(run.code, 5, run)
        self.assertEqual(result["error"]["type"], "ApiError", run)
        self.assertFalse(result["error"]["retryable"], run)


if __name__ == "__main__":
    unittest.main()
