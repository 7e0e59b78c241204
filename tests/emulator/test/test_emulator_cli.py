#!/usr/bin/env python3
"""The compshare-emulator program: listening line, port file, signals, CLI errors, HTTPS,
request log, and the emulator_process.py helper itself. Usage: test_emulator_cli.py --binary B"""

import argparse
import hashlib
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from emulator_process import EmulatorProcess, make_self_signed_cert  # noqa: E402

BINARY = None
PUBLIC_KEY = "ucloudsomeone@example.com1296235120854146120"
PRIVATE_KEY = "46f09bb9fab4f12dfc160dae12273d5332b5debe"


def signed(params, public_key=PUBLIC_KEY, private_key=PRIVATE_KEY):
    params = dict(params, PublicKey=public_key)
    text = "".join(k + str(v) for k, v in sorted(params.items())) + private_key
    params["Signature"] = hashlib.sha1(text.encode()).hexdigest()
    return params


def call(url, params, context=None):
    body = urllib.parse.urlencode(signed(params)).encode()
    request = urllib.request.Request(url + "/?Action=" + params["Action"], data=body)
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=30, context=context) as response:
        return json.loads(response.read().decode())


DETACH = {"Action": "DetachCompshareDisk", "Region": "cn-wlcb", "Zone": "cn-wlcb-01",
          "UHostId": "uhost-emu-stopped", "UDiskId": "udisk-emu-data1", "Device": "/dev/vdb"}


def run(args, timeout=30):
    return subprocess.run([BINARY] + args, capture_output=True, text=True, timeout=timeout)


class ProgramTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def start(self, *args):
        process = subprocess.Popen([BINARY] + list(args), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        def cleanup():
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
            process.stderr.close()
        self.addCleanup(cleanup)
        return process

    def test_listening_line_port_file_and_sigterm(self):
        port_file = os.path.join(self.tmp.name, "port")
        process = self.start("--listen", "127.0.0.1:0", "--port-file", port_file)
        line = process.stdout.readline()
        event = json.loads(line)
        self.assertEqual(event["event"], "listening")
        self.assertEqual(event["url"], f"http://127.0.0.1:{event['port']}")
        self.assertGreater(event["port"], 0)
        with open(port_file) as f:
            self.assertEqual(f.read().strip(), str(event["port"]))
        self.assertFalse(os.path.exists(port_file + ".tmp"))
        self.assertEqual(call(event["url"], {"Action": "DescribeCompShareInstance"})["RetCode"], 0)
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)
        self.assertEqual(process.stdout.read(), "")  # exactly one line on stdout
        self.assertIn("listening", process.stderr.read())

    def test_sigint_exits_zero(self):
        process = self.start()
        json.loads(process.stdout.readline())
        process.send_signal(signal.SIGINT)
        self.assertEqual(process.wait(timeout=30), 0)

    def test_sigterm_finishes_an_in_flight_request(self):
        with EmulatorProcess(BINARY) as emu:
            emu.add_fault({"action": "*", "mode": "delay", "delay_ms": 600000})
            results = []
            client = threading.Thread(
                target=lambda: results.append(call(emu.url, {"Action": "DescribeCompShareInstance"})))
            client.start()
            while emu.faults()["faults"]:  # taken by the request: it is now in flight
                pass
            self.assertEqual(emu.stop(), 0)
            client.join(timeout=30)
            self.assertEqual(results[0]["RetCode"], 0)

    def test_bad_arguments_exit_2(self):
        missing = os.path.join(self.tmp.name, "missing.json")
        bad_json = os.path.join(self.tmp.name, "bad.json")
        with open(bad_json, "w") as f:
            f.write('{"Instances": 3}')
        empty = os.path.join(self.tmp.name, "empty.json")
        open(empty, "w").close()
        cert, key = make_self_signed_cert(self.tmp.name)
        cases = [
            ["--bogus"],
            ["--listen", "127.0.0.1"],
            ["--listen", "127.0.0.1:99999"],
            ["--listen", "127.0.0.1:port"],
            ["--detach-delay-ms", "-1"],
            ["--detach-delay-ms", "soon"],
            ["--state", missing],
            ["--state", bad_json],
            ["--state", empty],
            ["--tls-cert", cert],
            ["--port-file"],
            ["--request-log", os.path.join(self.tmp.name, "no-such-dir", "log.jsonl")],
            ["--tls-cert", key, "--tls-key", cert],
            ["--listen", "127.0.0.1:0", "--listen", "127.0.0.1:0"],
        ]
        for args in cases:
            with self.subTest(args=args):
                result = run(args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stdout, "")
                self.assertNotEqual(result.stderr.strip(), "")

    def test_verbose_logs_masked_requests_to_stderr(self):
        process = self.start("--verbose")
        url = json.loads(process.stdout.readline())["url"]
        self.assertEqual(call(url, dict(DETACH, Password="pw-secret"))["RetCode"], 0)
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)
        stderr = process.stderr.read()
        self.assertIn('"action":"DetachCompshareDisk"', stderr)
        self.assertNotIn(PUBLIC_KEY, stderr)
        self.assertNotIn("pw-secret", stderr)

    def test_help_exits_zero(self):
        result = run(["--help"])
        self.assertEqual(result.returncode, 0)
        self.assertIn("--detach-delay-ms", result.stdout)

    def test_default_state_round_trips_as_a_state_file(self):
        result = run(["--print-default-state"])
        self.assertEqual(result.returncode, 0)
        state = json.loads(result.stdout)
        self.assertEqual([h["UHostId"] for h in state["Instances"]],
                         ["uhost-emu-stopped", "uhost-emu-running"])
        state["Instances"][0]["State"] = "Running"
        with EmulatorProcess(BINARY, state=state) as emu:
            self.assertEqual(call(emu.url, DETACH)["RetCode"], 8041)

    def test_port_in_use_fails(self):
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen(1)
            result = run(["--listen", f"127.0.0.1:{busy.getsockname()[1]}"])
        self.assertNotEqual(result.returncode, 0)
        self.assertEqual(result.stdout, "")
        self.assertIn("compshare-emulator:", result.stderr)

    def test_request_log_file_is_masked(self):
        log = os.path.join(self.tmp.name, "requests.jsonl")
        with EmulatorProcess(BINARY, extra_args=["--request-log", log]) as emu:
            self.assertEqual(call(emu.url, DETACH)["RetCode"], 0)
            self.assertEqual(call(emu.url, dict(DETACH, Password="pw-secret"))["RetCode"], 8043)
        with open(log) as f:
            text = f.read()
        lines = [json.loads(line) for line in text.splitlines()]
        self.assertEqual([entry["ret_code"] for entry in lines], [0, 8043])
        self.assertNotIn(PUBLIC_KEY, text)
        self.assertNotIn("pw-secret", text)
        self.assertEqual(lines[0]["params"]["Signature"], "***")


class HelperTest(unittest.TestCase):
    def test_state_faults_requests(self):
        state = {"Instances": [{"UHostId": "uhost-py", "Region": "cn-wlcb", "Zone": "cn-wlcb-01",
                                "State": "Stopped", "SshLoginCommand": "ssh root@192.0.2.1",
                                "DiskSet": [{"DiskId": "udisk-py", "IsBoot": "False",
                                             "Drive": "/dev/vdb", "Size": 10}]}]}
        with EmulatorProcess(BINARY, state=state, detach_delay_ms=60000) as emu:
            self.assertEqual(emu.state()["Instances"][0]["UHostId"], "uhost-py")
            emu.add_fault({"action": "DetachCompshareDisk", "mode": "http_status",
                           "status": 503, "apply": "after"})
            detach = {"Action": "DetachCompshareDisk", "Region": "cn-wlcb",
                      "UHostId": "uhost-py", "UDiskId": "udisk-py", "Device": "/dev/vdb"}
            with self.assertRaises(urllib.error.HTTPError) as caught:
                call(emu.url, detach)
            self.assertEqual(caught.exception.code, 503)
            self.assertEqual(call(emu.url, detach)["RetCode"], 17061)
            log = emu.requests()
            self.assertEqual(log["counts"], {"DetachCompshareDisk": 2})
            self.assertEqual(log["accepted"], {"DetachCompshareDisk": 1})
            emu.clear_requests()
            self.assertEqual(emu.requests()["requests"], [])
            emu.add_fault({"action": "*", "mode": "empty_body", "times": 3})
            emu.clear_faults()
            self.assertEqual(emu.faults(), {"faults": []})
            emu.set_state({"Instances": []})
            self.assertEqual(call(emu.url, {"Action": "DescribeCompShareInstance"})["TotalCount"], 0)

    def test_https(self):
        with tempfile.TemporaryDirectory() as tmp:
            cert, key = make_self_signed_cert(tmp)
            with EmulatorProcess(BINARY, tls_cert=cert, tls_key=key) as emu:
                self.assertTrue(emu.url.startswith("https://localhost:"))
                trusting = ssl.create_default_context(cafile=cert)
                self.assertEqual(
                    call(emu.url, {"Action": "DescribeCompShareInstance"}, trusting)["RetCode"], 0)
                self.assertEqual(emu.state()["KeyPairs"][0]["PublicKey"], PUBLIC_KEY)
                with self.assertRaises(urllib.error.URLError):
                    call(emu.url, {"Action": "DescribeCompShareInstance"},
                         ssl.create_default_context())

    def test_reset_fault_sends_rst(self):
        with EmulatorProcess(BINARY) as emu:
            emu.add_fault({"action": "*", "mode": "reset"})
            with socket.create_connection(("127.0.0.1", emu.port), timeout=30) as raw:
                raw.sendall(b"GET /?Action=DescribeCompShareInstance HTTP/1.1\r\nHost: x\r\n\r\n")
                with self.assertRaises(ConnectionResetError):
                    raw.recv(100)
            self.assertEqual(emu.requests()["counts"], {"DescribeCompShareInstance": 1})

    def test_failed_start_raises(self):
        with self.assertRaises(RuntimeError):
            EmulatorProcess(BINARY, extra_args=["--bogus"]).start()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    options, rest = parser.parse_known_args()
    BINARY = options.binary
    unittest.main(argv=[sys.argv[0]] + rest)
