#!/usr/bin/env python3
"""Every emulator fault mode at each phase of a detach, of an attach (its write) and of a
status read, end to end through the actionhost binary. One subTest per cell. Each cell asserts exactly: the exit code, the result's
status / error.type (valid against the manifest's result_schema), how many writes (detaches or
attaches) the emulator accepted (never more than one), the deadline, and no canary or Signature in any output.

Phases: precheck (the first DescribeCompShareInstance), detach before / after the emulator
processed it ("apply"), poll (Precheck false, so the first Describe is the first poll); attach
before / after (the free disk udisk-free onto the stopped instance; its precheck and polls are
the same reads as detach's); status (its one Describe).
Persistence: "once" (times 1) and "always" (every matching request).
Config: timeout_seconds 1, max_retries 1 (one retry, backoff at most 200 ms); params
WaitTimeoutSeconds 2, PollIntervalSeconds 0.1.
"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_support as rs  # noqa: E402

TIMEOUT_S = 1.0
MAX_RETRIES = 1
BACKOFF_CAP_S = 0.2  # retry 1 waits at most 200 ms (client README "Retries and backoff")
WAIT_S = 2.0
POLL_S = 0.1
DELAY_MS = 4000  # far beyond the 1 s request timeout: a client that waited would blow the deadline
SLACK_S = 2.0    # process start-up, loopback round trips, a loaded 2-core machine

MODES = {
    "http429": {"mode": "http_status", "status": 429},
    "http500": {"mode": "http_status", "status": 500},
    "http502": {"mode": "http_status", "status": 502},
    "http503": {"mode": "http_status", "status": 503},
    "http504": {"mode": "http_status", "status": 504},
    "reset": {"mode": "reset"},
    "delay": {"mode": "delay", "delay_ms": DELAY_MS},
    "malformed": {"mode": "malformed_json"},
    "empty": {"mode": "empty_body"},
    "rc110": {"mode": "ret_code", "ret_code": 110, "message": "injected"},
    "rc150": {"mode": "ret_code", "ret_code": 150, "message": "injected"},
    "rc153": {"mode": "ret_code", "ret_code": 153, "message": "injected"},
    "rc171": {"mode": "ret_code", "ret_code": 171, "message": "Signature VerifyAC Error"},
    "rc8040": {"mode": "ret_code", "ret_code": 8040, "message": "injected"},  # "other"
    "rc17061": {"mode": "ret_code", "ret_code": 17061, "message": "injected"},
    "string": {"mode": "string_ret_code"},
}

PHASES = {  # phase -> (faulted API action, apply, extra params, actionhost action)
    "precheck": ("DescribeCompShareInstance", "before", {}, "detach"),
    "detach-before": ("DetachCompshareDisk", "before", {}, "detach"),
    "detach-after": ("DetachCompshareDisk", "after", {}, "detach"),
    "poll": ("DescribeCompShareInstance", "before", {"Precheck": False, "Device": "/dev/vdb"},
             "detach"),
    "attach-before": ("AttachCompshareDisk", "before", {"UDiskId": "udisk-free"}, "attach"),
    "attach-after": ("AttachCompshareDisk", "after", {"UDiskId": "udisk-free"}, "attach"),
    "status": ("DescribeCompShareInstance", "before", {}, "status"),
}
WRITES = {"detach": "DetachCompshareDisk", "attach": "AttachCompshareDisk", "status": None}

TIMES = {"once": 1, "always": 1000}

# Outcome shorthands: (status or error.type, exit code, detaches accepted by the emulator).
DETACHED = ("detached", 0, 1)
TRANSIENT_BEFORE = ("Transient", 6, 0)       # nothing was accepted
WAIT_TIMEOUT = ("WaitTimeout", 7, 1)         # accepted, never confirmed
NOT_SENT_17061 = ("WaitTimeout", 7, 0)       # "in progress" taken as accepted: nothing to see

# The expected matrix, cell by cell: EXPECTED[phase][times][mode].
EXPECTED = {
    "precheck": {
        # Reads retry 429/502/503/504, reset, timeout, 110, 150, 153 once; 500 and unreadable
        # bodies are not retried (Transient); 171 AuthFailed; other RetCodes ApiError.
        "once": {
            "http429": DETACHED, "http500": TRANSIENT_BEFORE, "http502": DETACHED,
            "http503": DETACHED, "http504": DETACHED, "reset": DETACHED, "delay": DETACHED,
            "malformed": TRANSIENT_BEFORE, "empty": TRANSIENT_BEFORE, "rc110": DETACHED,
            "rc150": DETACHED, "rc153": DETACHED, "rc171": ("AuthFailed", 3, 0),
            "rc8040": ("ApiError", 5, 0), "rc17061": ("ApiError", 5, 0), "string": DETACHED,
        },
        "always": {
            "http429": TRANSIENT_BEFORE, "http500": TRANSIENT_BEFORE,
            "http502": TRANSIENT_BEFORE, "http503": TRANSIENT_BEFORE,
            "http504": TRANSIENT_BEFORE, "reset": TRANSIENT_BEFORE, "delay": TRANSIENT_BEFORE,
            "malformed": TRANSIENT_BEFORE, "empty": TRANSIENT_BEFORE,
            "rc110": TRANSIENT_BEFORE, "rc150": TRANSIENT_BEFORE, "rc153": TRANSIENT_BEFORE,
            "rc171": ("AuthFailed", 3, 0), "rc8040": ("ApiError", 5, 0),
            "rc17061": ("ApiError", 5, 0), "string": DETACHED,
        },
    },
    "detach-before": {
        # Writes retry only 429/150/153 in the client; any ambiguous failure makes the plugin
        # re-read the instance (still attached) and send again, at most max_retries times.
        "once": {
            "http429": DETACHED, "http500": DETACHED, "http502": DETACHED, "http503": DETACHED,
            "http504": DETACHED, "reset": DETACHED, "delay": DETACHED, "malformed": DETACHED,
            "empty": DETACHED, "rc110": DETACHED, "rc150": DETACHED, "rc153": DETACHED,
            "rc171": ("AuthFailed", 3, 0), "rc8040": ("ApiError", 5, 0),
            "rc17061": NOT_SENT_17061, "string": DETACHED,
        },
        "always": {
            "http429": TRANSIENT_BEFORE, "http500": TRANSIENT_BEFORE,
            "http502": TRANSIENT_BEFORE, "http503": TRANSIENT_BEFORE,
            "http504": TRANSIENT_BEFORE, "reset": TRANSIENT_BEFORE,
            # Both sends time out and the re-reads still see the disk: Transient (detach_sent,
            # detach_requested). The emulator processes the delayed sends when it stops: the
            # first one is accepted, later than the run: exactly the ambiguity reported.
            "delay": ("Transient", 6, 1),
            "malformed": TRANSIENT_BEFORE, "empty": TRANSIENT_BEFORE,
            "rc110": TRANSIENT_BEFORE, "rc150": TRANSIENT_BEFORE, "rc153": TRANSIENT_BEFORE,
            "rc171": ("AuthFailed", 3, 0), "rc8040": ("ApiError", 5, 0),
            "rc17061": NOT_SENT_17061, "string": DETACHED,
        },
    },
    "detach-after": {
        # The emulator processed the detach (accepted 1), then the answer was lost or wrong.
        "once": {
            "http429": DETACHED, "http500": DETACHED, "http502": DETACHED, "http503": DETACHED,
            "http504": DETACHED, "reset": DETACHED, "delay": DETACHED, "malformed": DETACHED,
            "empty": DETACHED, "rc110": DETACHED, "rc150": DETACHED, "rc153": DETACHED,
            "rc171": ("AuthFailed", 3, 1), "rc8040": ("ApiError", 5, 1), "rc17061": DETACHED,
            "string": DETACHED,
        },
        "always": {
            "http429": DETACHED, "http500": DETACHED, "http502": DETACHED, "http503": DETACHED,
            "http504": DETACHED, "reset": DETACHED, "delay": DETACHED, "malformed": DETACHED,
            "empty": DETACHED, "rc110": DETACHED, "rc150": DETACHED, "rc153": DETACHED,
            "rc171": ("AuthFailed", 3, 1), "rc8040": ("ApiError", 5, 1), "rc17061": DETACHED,
            "string": DETACHED,
        },
    },
    "poll": {
        # A poll failing transiently (after the client's retry) is logged and polling goes
        # on; auth and other RetCodes end the run (the detach was sent: detach_requested).
        "once": {
            "http429": DETACHED, "http500": DETACHED, "http502": DETACHED, "http503": DETACHED,
            "http504": DETACHED, "reset": DETACHED, "delay": DETACHED, "malformed": DETACHED,
            "empty": DETACHED, "rc110": DETACHED, "rc150": DETACHED, "rc153": DETACHED,
            "rc171": ("AuthFailed", 3, 1), "rc8040": ("ApiError", 5, 1),
            "rc17061": ("ApiError", 5, 1), "string": DETACHED,
        },
        "always": {
            "http429": WAIT_TIMEOUT, "http500": WAIT_TIMEOUT, "http502": WAIT_TIMEOUT,
            "http503": WAIT_TIMEOUT, "http504": WAIT_TIMEOUT, "reset": WAIT_TIMEOUT,
            "delay": WAIT_TIMEOUT, "malformed": WAIT_TIMEOUT, "empty": WAIT_TIMEOUT,
            "rc110": WAIT_TIMEOUT, "rc150": WAIT_TIMEOUT, "rc153": WAIT_TIMEOUT,
            "rc171": ("AuthFailed", 3, 1), "rc8040": ("ApiError", 5, 1),
            "rc17061": ("ApiError", 5, 1), "string": DETACHED,
        },
    },
}



def renamed(table, names):
    """A phase's expectations with the success status renamed (detached -> attached)."""
    return {times: {mode: (names.get(cell[0], cell[0]),) + cell[1:] for mode, cell in row.items()}
            for times, row in table.items()}


# attach's write behaves as detach's (the same safe send): its outcomes are detach's, except
# that 17061 is not "in progress" for an attach but "still detaching elsewhere" (Transient).
ATTACHED = {"detached": "attached"}
EXPECTED["attach-before"] = renamed(EXPECTED["detach-before"], ATTACHED)
EXPECTED["attach-after"] = renamed(EXPECTED["detach-after"], ATTACHED)
for _times in TIMES:
    EXPECTED["attach-before"][_times]["rc17061"] = ("Transient", 6, 0)
    EXPECTED["attach-after"][_times]["rc17061"] = ("Transient", 6, 1)
# status reads once, like the precheck, and never writes.
EXPECTED["status"] = {
    times: {mode: ("read" if cell[0] == "detached" else cell[0], cell[1], 0)
            for mode, cell in row.items()}
    for times, row in EXPECTED["precheck"].items()}

SUCCESS_STATUSES = {"detached", "already_detached", "detach_requested", "would_detach",
                    "attached", "read"}


def deadline(outcome, records, retries):
    """The most a run may take: the waits the config and params allow, plus slack."""
    delayed = sum(1 for r in records if (r.get("fault") or {}).get("mode") == "delay")
    bound = SLACK_S + delayed * TIMEOUT_S + retries * BACKOFF_CAP_S
    if outcome in ("detached", "attached", "WaitTimeout"):
        bound += WAIT_S + POLL_S
    return bound


class FaultMatrix(unittest.TestCase):
    secrets = rs.SecretsLedger()
    cells = 0
    passed = 0
    figures = []

    def run_cell(self, phase, times, mode):
        action, apply, extra, verb = PHASES[phase]
        outcome, exit_code, accepted = EXPECTED[phase][times][mode]
        fault = dict(MODES[mode], action=action, apply=apply, times=TIMES[times])
        params = {"Region": "cn-wlcb", "UHostId": rs.STOPPED_HOST, "UDiskId": rs.DATA_DISK,
                  "WaitTimeoutSeconds": WAIT_S, "PollIntervalSeconds": POLL_S}
        params.update(extra)
        if verb == "status":
            params = {"Region": "cn-wlcb", "UHostId": rs.STOPPED_HOST}
        state = rs.canary_state()
        state["Disks"] = [{"DiskId": "udisk-free", "Region": "cn-wlcb", "Zone": "cn-wlcb-01",
                           "Size": 200}]
        with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
            with rs.Emulator(tmp, state=state) as emu:
                emu.add_fault(fault)
                run = rs.run_detach(tmp, rs.config_for(emu.url, timeout_seconds=TIMEOUT_S,
                                                       max_retries=MAX_RETRIES), params,
                                    action=verb)
            records = emu.records
        context = f"{phase}/{times}/{mode} fault={fault}\n{run!r}"
        result = rs.check_result(self, run, action=verb)
        self.assertEqual(run.code, exit_code, context)
        if outcome in SUCCESS_STATUSES:
            self.assertTrue(result["ok"], context)
            self.assertEqual(result["status"], outcome, context)
            self.assertEqual(result["changed"], verb != "status", context)
        else:
            self.assertFalse(result["ok"], context)
            self.assertEqual(result["error"]["type"], outcome, context)
            self.assertEqual(result["error"]["retryable"],
                             outcome in ("Transient", "WaitTimeout"), context)
            if outcome in ("AuthFailed", "ApiError"):
                self.assertEqual(result["error"]["ret_code"], MODES[mode]["ret_code"], context)
        got_accepted = sum(1 for r in records
                           if r["action"] == WRITES[verb] and r["ret_code"] == 0)
        if verb == "status":  # it only reads
            self.assertEqual([r["action"] for r in records
                              if not r["action"].startswith("Describe")], [], context)
        self.assertLessEqual(got_accepted, 1, context)
        self.assertEqual(got_accepted, accepted, context)
        # A result that says nothing was sent must be true to the emulator's log.
        # <verb>_sent ("sent and accepted, or may have reached the service") never hides an
        # accepted write, except where an "after" fault made the service deny what it did (an
        # auth or API error answer to a processed request); changed follows it.
        sent = verb + "_sent"
        if got_accepted and not (phase.endswith("-after") and not result["ok"]):
            self.assertTrue(result[sent], context)
            self.assertTrue(result["changed"], context)
        if sent in result:
            self.assertEqual(result["changed"], result[sent], context)
            self.assertEqual(result["status"] == verb + "_requested",
                             result[sent] and not result["ok"], context)
        retries = sum(1 for r in records) - 1
        bound = deadline(outcome, records, max(retries, 0))
        self.assertLess(run.elapsed, bound, context)
        if outcome == "WaitTimeout":
            self.assertGreaterEqual(run.elapsed, WAIT_S, context)
        if mode == "delay":  # the request timeout was waited for, not the answer
            self.assertGreaterEqual(run.elapsed, TIMEOUT_S, context)
            self.assertLess(run.elapsed, DELAY_MS / 1000, context)
        if "timing" in result:
            self.assertLessEqual(result["timing"]["elapsed_ms"], run.elapsed * 1000 + 1, context)
        self.secrets.check(self, run, rs.signatures_of(records))
        self.figures.append((phase, times, mode, run.code, run.elapsed))

    def test_signature_recomputation(self):
        # The canary check recomputes each request's Signature (the request log masks it):
        # the helper must agree with the reference test vector V1.
        v1 = {"Action": "DescribeUHostInstance", "Region": "cn-bj2", "Limit": "10",
              "PublicKey": "ucloudsomeone@example.com1296235120854146120"}
        self.assertEqual(rs.signature(v1, "46f09bb9fab4f12dfc160dae12273d5332b5debe"),
                         "cba5cf5ec4d4233d206b1b54951e3787350a642f")

    def test_matrix(self):
        only = os.environ.get("RELIABILITY_CELLS")  # e.g. "detach-before/always/delay"
        for phase in PHASES:
            for times in TIMES:
                for mode in MODES:
                    if only and f"{phase}/{times}/{mode}" not in only.split(","):
                        continue
                    with self.subTest(phase=phase, times=times, mode=mode):
                        FaultMatrix.cells += 1
                        self.run_cell(phase, times, mode)
                        FaultMatrix.passed += 1

    @classmethod
    def tearDownClass(cls):
        # The matrix itself: one row per fault mode, the exit code of each (phase, persistence).
        cells = {(f[0], f[1], f[2]): f for f in cls.figures}
        columns = [(phase, times) for phase in PHASES for times in TIMES]
        short = {"precheck": "pre", "detach-before": "det-b", "detach-after": "det-a",
                 "poll": "poll", "attach-before": "att-b", "attach-after": "att-a",
                 "status": "stat", "once": "1", "always": "*"}
        lines = ["mode      " + " ".join(f"{short[p] + '/' + short[t]:>8}" for p, t in columns)]
        for mode in MODES:
            row = []
            for phase, times in columns:
                f = cells.get((phase, times, mode))
                row.append(f"{'-' if f is None else f'{f[3]} {f[4]:.1f}s':>8}")
            lines.append(f"{mode:<9} " + " ".join(row))
        print("\nexit code and wall time per cell (1 = once, * = always):\n" +
              "\n".join(lines), file=sys.stderr)
        slowest = max(cls.figures, key=lambda f: f[4]) if cls.figures else None
        print(f"\nfault matrix: {cls.passed}/{cls.cells} cells passed "
              f"({len(PHASES)} phases x {len(TIMES)} persistences x {len(MODES)} fault modes); "
              f"canary check: {cls.secrets.runs} runs, {cls.secrets.signatures} Signature "
              f"values absent from stdout/stderr" +
              (f"; slowest cell {slowest[0]}/{slowest[1]}/{slowest[2]} {slowest[4]:.2f} s"
               if slowest else ""), file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
