#!/usr/bin/env python3
"""HTTP proxies end to end, through the actionhost binary and a real proxy (Debian's tinyproxy,
started here on a free loopback port with its own config):

- plain http to the emulator through http_proxy: the proxy forwards the POST;
- https to the emulator (throwaway certificate, ca_file) through HTTPS_PROXY with credentials in
  the URL: a CONNECT tunnel; the credentials never appear in any output;
- the `proxy` config key wins over the environment;
- NO_PROXY sends the request direct (a dead proxy is then not touched); without it the dead
  proxy is a Transient failure that names the proxy, not its credentials.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_support as rs  # noqa: E402

PARAMS = {"Region": "cn-wlcb", "UHostId": rs.STOPPED_HOST, "UDiskId": rs.DATA_DISK,
          "PollIntervalSeconds": 0.1, "WaitTimeoutSeconds": 5}
SECRETS = rs.SecretsLedger()
TINYPROXY = shutil.which("tinyproxy") or shutil.which("tinyproxy", path="/usr/bin:/usr/sbin")
PROXY_PASSWORD = "CANARY-PROXY-PASSWORD-5e2b"


def free_port():
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]


class DeadPort:
    """A loopback port bound but not listening: connects are refused, and nothing else (an
    emulator, say) can get the port while it is held."""

    def __enter__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        return self

    def __exit__(self, *exc):
        self.socket.close()


class Tinyproxy:
    def __init__(self, tmp, auth=None):
        self.port = free_port()
        self.log_file = os.path.join(tmp, "tinyproxy.log")
        config = os.path.join(tmp, "tinyproxy.conf")
        with open(config, "w") as f:
            f.write(f"Port {self.port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\n"
                    f"Allow 127.0.0.1\nLogLevel Info\nLogFile \"{self.log_file}\"\n")
            if auth:
                f.write(f"BasicAuth {auth[0]} {auth[1]}\n")
        self.process = subprocess.Popen([TINYPROXY, "-d", "-c", config],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        give_up = time.monotonic() + 10
        while True:  # readiness: a refused connect returns at once
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > give_up or self.process.poll() is not None:
                    self.close()
                    raise RuntimeError("tinyproxy did not start: " + self.log())
                time.sleep(0.01)

    def url(self, user_info=""):
        return f"http://{user_info + '@' if user_info else ''}127.0.0.1:{self.port}"

    def log(self):
        try:
            with open(self.log_file) as f:
                return f.read()
        except OSError:
            return ""

    def close(self):
        self.process.terminate()
        self.process.wait(30)


@unittest.skipUnless(TINYPROXY, "tinyproxy is not installed (scripts/install-deps --tests)")
class Proxy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._dir = tempfile.TemporaryDirectory(prefix="reliability-proxy-cert-")
        cls.cert = rs.make_self_signed_cert(cls._dir.name)

    @classmethod
    def tearDownClass(cls):
        cls._dir.cleanup()

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="reliability-proxy-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def detach(self, emu, env, **config):
        config_file = rs.write_json(self.tmp, "config.json", rs.config_for(emu.url, **config))
        run = rs.actionhost("run", "compshare-disk.detach", "--config", config_file, "--params",
                            json.dumps(PARAMS), env=env)
        result = rs.check_result(self, run)
        SECRETS.check(self, run, rs.signatures_of(emu.stop()))
        self.assertNotIn(PROXY_PASSWORD, run.stdout + run.stderr)
        return run, result

    def test_plain_http_through_http_proxy(self):
        proxy = Tinyproxy(self.tmp)
        try:
            with rs.Emulator(self.tmp) as emu:
                run, result = self.detach(emu, rs.clean_env(http_proxy=proxy.url()))
        finally:
            proxy.close()
        self.assertEqual(run.code, 0, repr(run))
        self.assertEqual(result["status"], "detached")
        self.assertIn("POST " + emu.url, proxy.log())

    def test_https_through_https_proxy_with_credentials(self):
        proxy = Tinyproxy(self.tmp, auth=("proxyuser", PROXY_PASSWORD))
        try:
            with rs.Emulator(self.tmp, tls=self.cert) as emu:
                run, result = self.detach(
                    emu, rs.clean_env(HTTPS_PROXY=proxy.url("proxyuser:" + PROXY_PASSWORD)),
                    ca_file=self.cert[0])
                authority = emu.url[len("https://"):]
        finally:
            proxy.close()
        self.assertEqual(run.code, 0, repr(run))
        self.assertEqual(result["status"], "detached")
        self.assertIn("CONNECT " + authority, proxy.log())

    def test_wrong_proxy_credentials(self):
        proxy = Tinyproxy(self.tmp, auth=("proxyuser", PROXY_PASSWORD))
        try:
            with rs.Emulator(self.tmp, tls=self.cert) as emu:
                run, result = self.detach(
                    emu, rs.clean_env(https_proxy=proxy.url("proxyuser:x" + PROXY_PASSWORD)),
                    ca_file=self.cert[0])
        finally:
            proxy.close()
        self.assertEqual(run.code, rs.EXIT["usage"], repr(run))
        self.assertEqual(result["error"]["type"], "InvalidParameter")
        self.assertIn("the proxy answered 40", result["error"]["message"])
        self.assertIn(f"through the proxy 127.0.0.1:{proxy.port} (env https_proxy)",
                      result["error"]["message"])
        self.assertNotIn("proxyuser", run.stdout + run.stderr)
        self.assertEqual(result["timing"]["retries"], 0)
        self.assertEqual(emu.records, [])

    def test_config_proxy_wins_over_the_environment(self):
        proxy = Tinyproxy(self.tmp)
        try:
            with DeadPort() as port, rs.Emulator(self.tmp) as emu:
                dead = f"http://127.0.0.1:{port.port}"
                run, result = self.detach(emu, rs.clean_env(http_proxy=dead), proxy=proxy.url())
        finally:
            proxy.close()
        self.assertEqual(run.code, 0, repr(run))
        self.assertIn("POST " + emu.url, proxy.log())

    def test_no_proxy_goes_direct(self):
        with DeadPort() as port:
            dead = f"http://proxyuser:{PROXY_PASSWORD}@127.0.0.1:{port.port}"
            with rs.Emulator(self.tmp) as emu:
                run, result = self.detach(emu, rs.clean_env(http_proxy=dead,
                                                            NO_PROXY="example.com,127.0.0.1"))
            self.assertEqual(run.code, 0, repr(run))
            self.assertEqual(result["status"], "detached")
            second = os.path.join(self.tmp, "second")  # a request log of its own
            os.makedirs(second)
            with rs.Emulator(second) as emu:
                run, result = self.detach(emu, rs.clean_env(http_proxy=dead), max_retries=0)
        self.assertEqual(run.code, rs.EXIT["transient"], repr(run))
        self.assertIn("through the proxy 127.0.0.1:", result["error"]["message"])
        self.assertEqual(emu.records, [])


def tearDownModule():
    print(f"\nproxy: canary check over {SECRETS.runs} actionhost runs", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
