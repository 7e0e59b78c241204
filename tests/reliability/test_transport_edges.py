#!/usr/bin/env python3
"""The client's transport and settings at their edges, through the actionhost binary:

- timeout_seconds is a deadline for the whole request: a server that trickles header lines (or
  body bytes) fails the run as Transient once the deadline passed, long before the trickle ends;
- https:// to a plain HTTP port is InvalidParameter ("answered in plain HTTP, not TLS"), not
  AuthFailed, and is not retried;
- AuthFailed names where the keys came from (config, environment, or profile and file, with a
  COMPSHARE_CONFIG_FILE given as ~/...), never a key.
"""
import json
import os
import socket
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_support as rs  # noqa: E402

PARAMS = {"Region": "cn-wlcb", "UHostId": rs.STOPPED_HOST, "UDiskId": rs.DATA_DISK,
          "PollIntervalSeconds": 0.1, "WaitTimeoutSeconds": 5}
SECRETS = rs.SecretsLedger()


class SlowServer:
    """A loopback server answering each connection by `answer(conn)` on its own thread."""

    def __init__(self, answer):
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(30)
        self.port = self.listener.getsockname()[1]
        self.pieces = 0
        self._answer = answer
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            try:
                conn.recv(65536)  # the request (or ClientHello)
                self._answer(self, conn)
            except OSError:
                pass  # the client gave up

    def close(self):
        self.stop.set()
        self.listener.close()
        self._thread.join(30)


def trickle_headers(server, conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for i in range(60):  # 15 s in all
        if server.stop.wait(0.25):
            return
        conn.sendall(b"X-Trickle-%d: slow\r\n" % i)
        server.pieces += 1


def trickle_body(server, conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n")
    for _ in range(60):
        if server.stop.wait(0.25):
            return
        conn.sendall(b" ")
        server.pieces += 1


def plain_http_400(server, conn):
    # As nginx answers a TLS ClientHello on a plain port, keeping the connection until the
    # client closes it.
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    while conn.recv(65536):
        pass


class Deadlines(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="reliability-edges-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def run_against(self, answer, scheme="http", **config):
        server = SlowServer(answer)
        try:
            url = f"{scheme}://127.0.0.1:{server.port}"
            config = dict({"max_retries": 0}, **config)
            run = rs.run_detach(self.tmp, rs.config_for(url, **config), PARAMS)
        finally:
            server.close()
        result = rs.check_result(self, run)
        SECRETS.check(self, run)
        return run, result, server.pieces

    def test_trickled_headers_hit_the_deadline(self):
        for answer in (trickle_headers, trickle_body):
            with self.subTest(answer=answer.__name__):
                run, result, pieces = self.run_against(answer, timeout_seconds=1)
                self.assertEqual(run.code, rs.EXIT["transient"], repr(run))
                self.assertEqual(result["error"]["type"], "Transient")
                self.assertIn("the deadline of 1000 ms for the request passed while waiting for "
                              "the response", result["error"]["message"])
                # The trickle lasts 15 s; the run ends about 1 s in.
                self.assertLess(run.elapsed, 6, repr(run))
                self.assertLess(pieces, 30)

    def test_https_to_a_plain_http_port(self):
        run, result, _ = self.run_against(plain_http_400, scheme="https", max_retries=3)
        self.assertEqual(run.code, rs.EXIT["usage"], repr(run))
        self.assertEqual(result["error"]["type"], "InvalidParameter")
        self.assertIs(result["error"]["retryable"], False)
        self.assertIn("answered in plain HTTP, not TLS", result["error"]["message"])
        self.assertEqual(result["timing"]["retries"], 0)
        self.assertIs(result["detach_sent"], False)


class AuthSource(unittest.TestCase):
    WRONG = "CANARY-WRONG-PRIVATE-KEY-0c1d"

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="reliability-auth-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def detach(self, config, env):
        with rs.Emulator(self.tmp) as emu:
            config = dict(config, base_url=emu.url, timeout_seconds=2, max_retries=0)
            config_file = rs.write_json(self.tmp, "config.json", config)
            run = rs.actionhost("run", "compshare-disk.detach", "--config", config_file,
                                "--params", json.dumps(PARAMS), env=env)
        result = rs.check_result(self, run)
        SECRETS.check(self, run)
        self.assertNotIn(self.WRONG, run.stdout + run.stderr)
        self.assertEqual(run.code, rs.EXIT["credentials"], repr(run))
        self.assertEqual(result["error"]["type"], "AuthFailed")
        return result["error"]["message"]

    def test_from_the_config(self):
        message = self.detach({"public_key": rs.PUBLIC_KEY, "private_key": self.WRONG},
                              rs.clean_env())
        self.assertIn("(API keys from the instance config (public_key, private_key))", message)

    def test_from_the_environment(self):
        message = self.detach({}, rs.clean_env(COMPSHARE_PUBLIC_KEY=rs.PUBLIC_KEY,
                                               COMPSHARE_PRIVATE_KEY=self.WRONG))
        self.assertIn("(API keys from the environment (COMPSHARE_PUBLIC_KEY, "
                      "COMPSHARE_PRIVATE_KEY))", message)

    def test_from_a_profile_file_given_with_a_tilde(self):
        home = os.path.join(self.tmp, "home")
        os.makedirs(os.path.join(home, "keys"))
        rs.write_json(os.path.join(home, "keys"), "compshare.json",
                      {"current_profile": "work",
                       "profiles": {"work": {"public_key": rs.PUBLIC_KEY,
                                             "private_key": self.WRONG}}})
        env = rs.clean_env(COMPSHARE_CONFIG_FILE="~/keys/compshare.json")
        env["HOME"] = home
        message = self.detach({}, env)
        self.assertIn(f"(API keys from profile 'work' of {home}/keys/compshare.json)", message)


def tearDownModule():
    print(f"\ntransport edges: canary check over {SECRETS.runs} actionhost runs",
          file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
