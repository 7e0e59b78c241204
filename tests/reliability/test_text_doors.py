#!/usr/bin/env python3
"""Every door through which a user's or a server's bytes reach actionhost's stdout or stderr:
file names, parameter names and values quoted in errors, environment values and server replies
quoted in messages. Whatever comes in (invalid UTF-8, control characters, escape sequences),
stdout is one JSON object in valid UTF-8 and stderr is valid UTF-8 text whose lines are JSON
events or `actionhost: ` messages, with no control character a terminal would act on.
"""
import http.server
import json
import os
import re
import tempfile
import threading
import unittest

from reliability_support import (BIN, PLUGIN_DIR, SAFETY_TIMEOUT, STOPPED_HOST, DATA_DISK,
                                 clean_env, config_for)
import subprocess

TEST_PLUGIN_DIR = os.environ["TEST_PLUGIN_DIR"]
BAD = b"\xff\xfe\xc0\xaf\xed\xa0\x80"  # not UTF-8: stray bytes, an overlong, a surrogate
ESCAPE = b"\x1b[31mRED\x1b]0;title\x07\x9b"  # a colour, a title change, a C1 CSI byte
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def run_raw(args, env=None, plugin_dir=PLUGIN_DIR):
    argv = [os.fsencode(BIN)] + ([b"--plugin-path", os.fsencode(plugin_dir)] if plugin_dir
                                 else []) + [a if isinstance(a, bytes) else a.encode() for a in args]
    return subprocess.run(argv, capture_output=True, env=env or clean_env(),
                          timeout=SAFETY_TIMEOUT)


class ReplyServer:
    """A loopback HTTP server that answers every request with one fixed body."""

    def __init__(self, body):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class TextDoors(unittest.TestCase):
    def check_outputs(self, proc, json_events=True):
        """stdout: one JSON object, valid UTF-8; stderr: valid UTF-8, one event (a JSON object
        unless json_events is False) or message a line, nothing a terminal acts on. Returns
        the result."""
        shown = repr(proc.stdout[:500]) + "\n" + repr(proc.stderr[-1500:])
        stdout = proc.stdout.decode("utf-8")  # raises on invalid UTF-8
        stderr = proc.stderr.decode("utf-8")
        self.assertEqual(stdout.count("\n"), 1, shown)
        result = json.loads(stdout)
        self.assertIsInstance(result, dict, shown)
        self.assertIsNone(CONTROL.search(stdout.rstrip("\n")), shown)
        for line in stderr.splitlines():
            self.assertIsNone(CONTROL.search(line), shown)
            if json_events and not line.startswith("actionhost: "):
                self.assertIsInstance(json.loads(line), dict, shown)
        return result

    def test_file_names(self):
        with tempfile.TemporaryDirectory() as tmp:
            missing = os.fsencode(tmp) + b"/no" + BAD + ESCAPE + b".json"
            for args, error_type in (
                    ([b"run", b"compshare-disk.detach", b"--params", b"{}", b"--config", missing],
                     "InvalidConfig"),
                    ([b"run", b"compshare-disk.detach", b"--params", missing], "InvalidParameter"),
                    ([b"run", b"compshare-disk.detach", b"--batch", missing], "InvalidParameter")):
                with self.subTest(args=args):
                    proc = run_raw(args)
                    self.assertEqual(proc.returncode, 2, proc.stderr)
                    result = self.check_outputs(proc)
                    self.assertEqual(result["error"]["type"], error_type)
                    self.assertIn("\ufffd", result["error"]["message"])

    def test_plugin_and_action_names(self):
        for target, code in ((b"ghost" + BAD + b".detach", 8),
                             (b"compshare-disk.de" + ESCAPE + BAD, 2)):
            with self.subTest(target=target):
                proc = run_raw([b"run", target])
                self.assertEqual(proc.returncode, code, proc.stderr)
                self.check_outputs(proc)
        proc = run_raw([b"describe", b"ghost" + BAD])
        self.assertEqual(proc.returncode, 8, proc.stderr)
        self.check_outputs(proc)
        with tempfile.TemporaryDirectory() as tmp:
            folder = os.fsencode(tmp) + b"/plugins" + BAD
            proc = run_raw([b"run", b"ghost.x"], plugin_dir=folder)
            self.assertEqual(proc.returncode, 8, proc.stderr)
            self.assertIn("\ufffd", self.check_outputs(proc)["error"]["message"])

    def test_parameter_names_and_values(self):
        # Valid JSON whose strings decode to text that is not UTF-8 (a lone surrogate) or that
        # carries escape sequences: the plugin quotes them back in its messages.
        for params in ('{"\\ud800Region\\u001b[31m": "x"}',
                       '{"Region": "cn-wlcb", "UHostId": "uhost-\\udc00\\u009b2J", '
                       '"UDiskId": "d"}',
                       '{"Region": "cn\\u001b]0;x\\u0007", "UHostId": "h", "UDiskId": "d"}'):
            with self.subTest(params=params):
                proc = run_raw([b"run", b"compshare-disk.detach", b"--params", params.encode()])
                self.assertEqual(proc.returncode, 2, proc.stderr)
                result = self.check_outputs(proc)
                self.assertEqual(result["error"]["type"], "InvalidParameter")
        # Raw bytes that are not UTF-8: not JSON at all, and the host says where.
        proc = run_raw([b"run", b"compshare-disk.detach", b"--params", b'{"Region": "' + BAD +
                        b'"}'])
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("line 1, column 13", self.check_outputs(proc)["error"]["message"])

    def test_results_that_echo_text(self):
        # test-echo hands its params back in the result (through Poco's stringifier, not the
        # writer) and the host indents it (--pretty): escaped C0 controls stay escaped, and the
        # result stays valid UTF-8 JSON with the same content.
        proc = run_raw([b"run", b"test-echo.echo", b"--params",
                        b'{"k\\u0001": "\\u001b[2J\\u009b\\ud83d\\ude00"}', b"--pretty"],
                       plugin_dir=TEST_PLUGIN_DIR)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        stdout = proc.stdout.decode("utf-8")
        self.assertIsNone(re.search(r"[\x00-\x09\x0b-\x1f]", stdout), stdout)
        self.assertEqual(json.loads(stdout)["params"], {"k\x01": "\x1b[2J\x9b\U0001f600"})

    def test_environment_values(self):
        with ReplyServer(b'{"Action":"x","RetCode":0,"UHostSet":[],"TotalCount":0}') as url:
            env = clean_env(COMPSHARE_PUBLIC_KEY="pk" + "\udcff", COMPSHARE_PRIVATE_KEY="sk",
                            COMPSHARE_REGION="cn-" + "\udcfe\x1b[31m", COMPSHARE_BASE_URL=url,
                            COMPSHARE_PROFILE="p\udcff")
            env = {k: os.fsencode(v) for k, v in env.items()}
            for params in (b'{"UHostId": "uhost-1", "UDiskId": "udisk-1"}',
                           b'{"UHostId": "uhost-1", "UDiskId": "udisk-1", "DryRun": true}'):
                with self.subTest(params=params):
                    proc = run_raw([b"run", b"compshare-disk.detach", b"--params", params],
                                   env=env)
                    self.assertNotEqual(proc.returncode, 0, proc.stderr)
                    self.check_outputs(proc)

    def test_server_replies(self):
        bodies = [
            b'{"Action":"DescribeCompShareInstanceResponse","RetCode":8000,"Message":"no '
            + BAD + ESCAPE + b'\\n{\\"forged\\":1}"}',
            b'{"Action":"DescribeCompShareInstanceResponse","RetCode":0,"TotalCount":1,'
            b'"UHostSet":[{"UHostId":"' + STOPPED_HOST.encode() + b'","Zone":"cn-wlcb-01",'
            b'"State":"Stop' + ESCAPE + b'ped","DiskSet":[{"DiskId":"' + DATA_DISK.encode() +
            b'","Drive":"/dev/vdb' + ESCAPE + b'","IsBoot":"False","DiskType":"CLOUD_SSD"},'
            b'{"DiskId":"boot","Drive":"/dev/vda","IsBoot":"True"}]}]}',
            b'<html>' + BAD + ESCAPE + b'</html>',
        ]
        for body in bodies:
            with self.subTest(body=body[:60]), tempfile.TemporaryDirectory() as tmp, \
                    ReplyServer(body) as url:
                config = os.path.join(tmp, "config.json")
                with open(config, "w") as f:
                    json.dump(config_for(url, max_retries=0), f)
                for log_format in (b"json", b"text"):
                    proc = run_raw([b"run", b"compshare-disk.detach", b"--config",
                                    os.fsencode(config), b"--log-format", log_format,
                                    b"--params", json.dumps(
                                        {"Region": "cn-wlcb", "UHostId": STOPPED_HOST,
                                         "UDiskId": DATA_DISK, "Wait": False}).encode()])
                    self.check_outputs(proc, json_events=log_format == b"json")


if __name__ == "__main__":
    unittest.main()
