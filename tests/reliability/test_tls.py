#!/usr/bin/env python3
"""TLS end to end through the actionhost binary, against compshare-emulator over
HTTPS with a throwaway self-signed certificate (make_self_signed_cert), and no canary or
Signature in any output.

- by default (system CA store) the certificate is refused: AuthFailed (the server could not be
  authenticated), exit 3, not retryable, and no API request reached the emulator;
- with ca_file naming the certificate the detach works;
- a certificate for another host name is refused even when it is the ca_file;
- plain http to a non-loopback address is refused while the config is validated, before any
  connection (checked with strace when it can run: no connect() at all).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_support as rs  # noqa: E402

PARAMS = {"Region": "cn-wlcb", "UHostId": rs.STOPPED_HOST, "UDiskId": rs.DATA_DISK,
          "PollIntervalSeconds": 0.1, "WaitTimeoutSeconds": 5}
SECRETS = rs.SecretsLedger()
FAST_S = 5.0  # no retry, no backoff: a refusal is immediate


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._dir = tempfile.TemporaryDirectory(prefix="reliability-tls-")
        root = cls._dir.name
        os.makedirs(os.path.join(root, "good"))
        os.makedirs(os.path.join(root, "other"))
        cls.good = rs.make_self_signed_cert(os.path.join(root, "good"))
        cls.other = rs.make_self_signed_cert(os.path.join(root, "other"), "other.example")

    @classmethod
    def tearDownClass(cls):
        cls._dir.cleanup()

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="reliability-tls-run-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def detach(self, cert_pair, **config):
        with rs.Emulator(self.tmp, tls=cert_pair) as emu:
            self.assertTrue(emu.url.startswith("https://localhost:"), emu.url)
            run = rs.run_detach(self.tmp, rs.config_for(emu.url, **config), PARAMS)
        result = rs.check_result(self, run)
        SECRETS.check(self, run, rs.signatures_of(emu.records))
        return run, result, emu.records

    def assert_tls_refused(self, run, result, records, *fragments):
        self.assertEqual(run.code, 3, repr(run))
        self.assertEqual(result["error"]["type"], "AuthFailed", repr(run))
        self.assertIs(result["error"]["retryable"], False)
        self.assertIs(result["detach_sent"], False)
        self.assertEqual(result["status"], "failed")
        self.assertEqual(result["timing"]["retries"], 0, "a certificate does not fix itself")
        self.assertIn("TLS handshake with localhost:", result["error"]["message"])
        for fragment in fragments:
            self.assertIn(fragment, result["error"]["message"])
        self.assertIn("certificate", result["hint"])
        self.assertEqual(records, [], "no API request may pass a failed handshake")
        self.assertLess(run.elapsed, FAST_S, repr(run))

    def test_refused_by_default(self):
        run, result, records = self.detach(self.good)
        self.assert_tls_refused(run, result, records, "certificate verify failed")

    def test_refused_by_default_from_the_environment_too(self):
        # The same endpoint given through COMPSHARE_BASE_URL: still verified.
        with rs.Emulator(self.tmp, tls=self.good) as emu:
            config = rs.write_json(self.tmp, "config.json",
                                   {"public_key": rs.PUBLIC_KEY, "private_key": rs.PRIVATE_KEY})
            run = rs.actionhost("run", "compshare-disk.detach", "--config", config, "--params",
                                json.dumps(PARAMS), env=rs.clean_env(COMPSHARE_BASE_URL=emu.url))
        result = rs.check_result(self, run)
        SECRETS.check(self, run)
        self.assert_tls_refused(run, result, emu.records, "certificate verify failed")

    def test_works_with_ca_file(self):
        run, result, records = self.detach(self.good, ca_file=self.good[0])
        self.assertEqual(run.code, 0, repr(run))
        self.assertEqual(result["status"], "detached")
        accepted = [r for r in records
                    if r["action"] == "DetachCompshareDisk" and r["ret_code"] == 0]
        self.assertEqual(len(accepted), 1)

    def test_works_with_ca_file_from_the_environment(self):
        with rs.Emulator(self.tmp, tls=self.good) as emu:
            config = rs.write_json(self.tmp, "config.json",
                                   rs.config_for(emu.url))
            run = rs.actionhost("run", "compshare-disk.detach", "--config", config, "--params",
                                json.dumps(PARAMS),
                                env=rs.clean_env(COMPSHARE_CA_FILE=self.good[0]))
        self.assertEqual(run.code, 0, repr(run))
        self.assertEqual(rs.check_result(self, run)["status"], "detached")
        SECRETS.check(self, run, rs.signatures_of(emu.records))

    def test_system_store_is_openssls_default(self):
        # "The system CA store" is OpenSSL's default verify paths, which SSL_CERT_FILE replaces
        # (as for curl): whoever sets the environment decides the trust, like ca_file.
        with rs.Emulator(self.tmp, tls=self.good) as emu:
            config = rs.write_json(self.tmp, "config.json", rs.config_for(emu.url))
            run = rs.actionhost("run", "compshare-disk.detach", "--config", config, "--params",
                                json.dumps(PARAMS), env=rs.clean_env(SSL_CERT_FILE=self.good[0]))
        self.assertEqual(run.code, 0, repr(run))
        self.assertEqual(rs.check_result(self, run)["status"], "detached")
        SECRETS.check(self, run, rs.signatures_of(emu.records))

    def test_refused_for_another_host_name(self):
        # The emulator presents a certificate for other.example; it is even the trusted CA.
        run, result, records = self.detach(self.other, ca_file=self.other[0])
        self.assert_tls_refused(run, result, records, "Unacceptable certificate from localhost")

    def test_refused_when_another_ca_is_trusted(self):
        run, result, records = self.detach(self.good, ca_file=self.other[0])
        self.assert_tls_refused(run, result, records, "certificate verify failed")

    def test_ca_file_that_is_not_a_bundle(self):
        junk = os.path.join(self.tmp, "junk.pem")
        with open(junk, "w") as f:
            f.write("not a certificate\n")
        config = rs.write_json(self.tmp, "config.json",
                               rs.config_for("https://localhost:1", ca_file=junk))
        # No leak check here under ASan: Poco 1.11's Context constructor calls
        # OpenSSLInitializer::initialize() and then throws, so its one-time 48-byte mutex array
        # is never released; LeakSanitizer reports it once actionhost has unloaded the plugin
        # (not while the library stays loaded, and it does not grow with more failed creates).
        run = rs.actionhost("run", "compshare-disk.detach", "--config", config, "--params",
                            json.dumps(PARAMS), env=rs.clean_env(leak_check=False))
        self.assertEqual(run.code, 2, repr(run))
        result = rs.check_result(self, run, schema=False)
        self.assertEqual(result["error"]["type"], "InvalidConfig")
        SECRETS.check(self, run)


class PlainHttp(unittest.TestCase):
    """Plain http only to loopback, refused while the config is validated."""

    REFUSED = ("http://192.0.2.1", "http://192.0.2.1:80/", "http://10.0.0.1:8080",
               "http://[2001:db8::1]/", "http://api.compshare.cn", "http://example.invalid",
               "http://localhost.example.com", "http://0.0.0.0")

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="reliability-http-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def run_with(self, base_url, via="config", prefix=()):
        config = {"public_key": rs.PUBLIC_KEY, "private_key": rs.PRIVATE_KEY,
                  "timeout_seconds": 1, "max_retries": 3}
        env = rs.clean_env(leak_check=not prefix)
        if via == "config":
            config["base_url"] = base_url
        else:
            env["COMPSHARE_BASE_URL"] = base_url
        config_file = rs.write_json(self.tmp, "config.json", config)
        argv = list(prefix) + [rs.BIN, "--plugin-path", rs.PLUGIN_DIR, "run",
                               "compshare-disk.detach", "--config", config_file, "--params",
                               json.dumps(PARAMS)]
        proc = subprocess.run(argv, capture_output=True, text=True, env=env,
                              timeout=rs.SAFETY_TIMEOUT)
        return proc

    def assert_refused(self, proc, base_url):
        self.assertEqual(proc.returncode, 2, proc.stderr)
        result = json.loads(proc.stdout.splitlines()[-1] if proc.stdout else "{}")
        self.assertEqual(result["error"]["type"], "InvalidConfig", proc.stdout)
        self.assertIn("creating an instance failed with AH_INVALID_ARGUMENT",
                      result["error"]["message"])
        self.assertIn("plain http:// is only allowed to a loopback host",
                      result["error"]["message"])
        for canary in rs.CANARIES:
            self.assertNotIn(canary, proc.stdout + proc.stderr)
        SECRETS.runs += 1

    def test_refused_before_sending(self):
        for base_url in self.REFUSED:
            for via in ("config", "env"):
                with self.subTest(base_url=base_url, via=via):
                    self.assert_refused(self.run_with(base_url, via), base_url)

    def test_no_connection_attempt(self):
        strace = shutil.which("strace")
        if not strace or subprocess.run([strace, "-f", "-o", os.devnull, "true"],
                                        capture_output=True).returncode != 0:
            self.skipTest("strace is not available or ptrace is not permitted")
        for base_url in ("http://192.0.2.1", "http://[2001:db8::1]/", "http://example.invalid"):
            with self.subTest(base_url=base_url):
                trace = os.path.join(self.tmp, "trace.txt")
                proc = self.run_with(base_url, prefix=(strace, "-f", "-qq", "-e",
                                                       "trace=connect,sendto,sendmsg",
                                                       "-o", trace))
                self.assert_refused(proc, base_url)
                with open(trace) as f:
                    calls = [line for line in f if "connect(" in line or "send" in line]
                # Not even a DNS lookup: nothing is connected or sent, to anyone.
                self.assertEqual(calls, [], "".join(calls))
        # The control: the same trace does see the connect() of an allowed (loopback) URL.
        trace = os.path.join(self.tmp, "trace.txt")
        proc = self.run_with("http://127.0.0.1:9", prefix=(strace, "-f", "-qq", "-e",
                                                         "trace=connect", "-o", trace))
        self.assertEqual(proc.returncode, 6, proc.stderr)  # nothing listens: Transient
        with open(trace) as f:
            self.assertIn("127.0.0.1", f.read())

    def test_loopback_http_is_allowed(self):
        for host in ("127.0.0.1", "localhost"):
            with self.subTest(host=host):
                with rs.Emulator(self.tmp) as emu:
                    port = emu.url.rsplit(":", 1)[1]
                    proc = self.run_with(f"http://{host}:{port}")
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertEqual(json.loads(proc.stdout)["status"], "detached")
                for sig in rs.signatures_of(emu.records):
                    self.assertNotIn(sig, proc.stdout + proc.stderr)
                self.assert_no_canary(proc)

    def assert_no_canary(self, proc):
        for canary in rs.CANARIES:
            self.assertNotIn(canary, proc.stdout + proc.stderr)
        SECRETS.runs += 1


def tearDownModule():
    print(f"\nTLS: canary check over {SECRETS.runs} actionhost runs, {SECRETS.signatures} "
          f"Signature values", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
