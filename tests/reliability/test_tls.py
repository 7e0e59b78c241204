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

DefaultStore: the system store is read through a hashed directory, without touching the
machine's: SSL_CERT_DIR names a temporary directory made with `openssl rehash`.
- the directory holding the emulator's certificate verifies it, and the bundle file is never
  opened (strace, when it can run);
- a directory holding only another CA refuses it: AuthFailed, nothing sent;
- a directory without hash links falls back to the system bundle (which does not know the
  certificate: refused, the message names the bundle, and strace sees it opened);
- SSL_CERT_FILE is exactly that file; one that is not a bundle is refused at start.

The TLS half of the client is a module of its own (libcompshare-disk-tls.so, next to
the plugin), loaded only for https:
- a plugin folder without it still detaches over plain http;
- over https the run fails at once, its message naming the missing file, and nothing is sent;
- the plugin library itself needs neither libssl nor Poco's NetSSL (readelf -d; libcrypto it
  needs for the request signature's SHA-1).
"""
import json
import os
import re
import shutil
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
FAST_S = 5.0  # no retry, no backoff: a refusal is immediate


def assert_tls_refused(test, run, result, records, *fragments):
    """AuthFailed at once: not retried, nothing sent, the message holds each fragment."""
    test.assertEqual(run.code, 3, repr(run))
    test.assertEqual(result["error"]["type"], "AuthFailed", repr(run))
    test.assertIs(result["error"]["retryable"], False)
    test.assertIs(result["detach_sent"], False)
    test.assertEqual(result["status"], "failed")
    test.assertEqual(result["timing"]["retries"], 0, "a certificate does not fix itself")
    test.assertIn("TLS handshake with localhost:", result["error"]["message"])
    for fragment in fragments:
        test.assertIn(fragment, result["error"]["message"])
    test.assertIn("certificate", result["hint"])
    test.assertEqual(records, [], "no API request may pass a failed handshake")
    test.assertLess(run.elapsed, FAST_S, repr(run))


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

    # The TLS module (see the module docstring).
    MODULE = "libcompshare-disk-tls.so"

    def run_without_tls_module(self, emu):
        """A detach through a plugin folder holding the plugin and its manifest, not the module."""
        plugins = os.path.join(self.tmp, "plugins")
        os.makedirs(plugins)
        for name in ("libcompshare-disk.so", "compshare-disk.json"):
            shutil.copy(os.path.join(rs.PLUGIN_DIR, name), plugins)
        self.assertTrue(os.path.exists(os.path.join(rs.PLUGIN_DIR, self.MODULE)))
        config = rs.write_json(self.tmp, "config.json", rs.config_for(emu.url))
        run = rs.actionhost("run", "compshare-disk.detach", "--config", config, "--params",
                            json.dumps(PARAMS), plugin_dir=plugins)
        return run, plugins

    def test_plain_http_needs_no_tls_module(self):
        with rs.Emulator(self.tmp) as emu:
            run, _ = self.run_without_tls_module(emu)
        result = rs.check_result(self, run)
        self.assertEqual(run.code, 0, repr(run))
        self.assertEqual(result["status"], "detached")
        SECRETS.check(self, run, rs.signatures_of(emu.records))

    def test_https_without_the_tls_module_names_it(self):
        with rs.Emulator(self.tmp, tls=self.good) as emu:
            run, plugins = self.run_without_tls_module(emu)
        result = rs.check_result(self, run, schema=False)
        self.assertEqual(run.code, 1, repr(run))
        self.assertIn("cannot load the TLS module " + os.path.join(plugins, self.MODULE),
                      result["error"]["message"])
        self.assertEqual(emu.records, [], "nothing may be sent without TLS")
        SECRETS.check(self, run)

    @unittest.skipUnless(shutil.which("readelf"), "readelf not installed")
    def test_plugin_does_not_link_tls_libraries(self):
        plugin = os.path.join(rs.PLUGIN_DIR, "libcompshare-disk.so")
        out = subprocess.run(["readelf", "-d", plugin], capture_output=True, text=True,
                             check=True).stdout
        needed = re.findall(r"\(NEEDED\).*\[(.*)\]", out)
        self.assertTrue(any(n.startswith("libPocoNet.so") for n in needed), needed)  # parsed
        # libcrypto is allowed: the request signature's SHA-1 uses it.
        for library in needed:
            self.assertFalse(library.startswith(("libssl", "libPocoNetSSL", "libPocoCrypto")),
                             needed)

    def test_refused_by_default(self):
        run, result, records = self.detach(self.good)
        assert_tls_refused(self, run, result, records, "certificate verify failed",
                                "(trust anchors: the system store's ")

    def test_refused_by_default_from_the_environment_too(self):
        # The same endpoint given through COMPSHARE_BASE_URL: still verified.
        with rs.Emulator(self.tmp, tls=self.good) as emu:
            config = rs.write_json(self.tmp, "config.json",
                                   {"public_key": rs.PUBLIC_KEY, "private_key": rs.PRIVATE_KEY})
            run = rs.actionhost("run", "compshare-disk.detach", "--config", config, "--params",
                                json.dumps(PARAMS), env=rs.clean_env(COMPSHARE_BASE_URL=emu.url))
        result = rs.check_result(self, run)
        SECRETS.check(self, run)
        assert_tls_refused(self, run, result, emu.records, "certificate verify failed")

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
        assert_tls_refused(self, run, result, records,
                           "certificate verify failed (hostname mismatch)")

    def test_refused_when_another_ca_is_trusted(self):
        run, result, records = self.detach(self.good, ca_file=self.other[0])
        assert_tls_refused(self, run, result, records, "certificate verify failed")

    def test_ca_file_that_is_not_a_bundle(self):
        junk = os.path.join(self.tmp, "junk.pem")
        with open(junk, "w") as f:
            f.write("not a certificate\n")
        config = rs.write_json(self.tmp, "config.json",
                               rs.config_for("https://localhost:1", ca_file=junk))
        # With leak checks under ASan: the bundle is loaded after Poco's Context is built (it
        # used to throw from Poco's constructor, which leaked OpenSSLInitializer's mutexes).
        run = rs.actionhost("run", "compshare-disk.detach", "--config", config, "--params",
                            json.dumps(PARAMS))
        self.assertEqual(run.code, 2, repr(run))
        result = rs.check_result(self, run, schema=False)
        self.assertEqual(result["error"]["type"], "InvalidConfig")
        SECRETS.check(self, run)


def openssl_default_bundle():
    """X509_get_default_cert_file() of the OpenSSL the openssl CLI uses: OPENSSLDIR/cert.pem."""
    out = subprocess.run(["openssl", "version", "-d"], capture_output=True, text=True,
                         check=True).stdout
    return os.path.join(re.search(r'OPENSSLDIR: "([^"]*)"', out).group(1), "cert.pem")


def strace_usable():
    strace = shutil.which("strace")
    if not strace or subprocess.run([strace, "-f", "-o", os.devnull, "true"],
                                    capture_output=True).returncode != 0:
        return None
    return strace


class DefaultStore(unittest.TestCase):
    """No ca_file: the system store through its hashed directory (SSL_CERT_DIR stands in for
    it here), the bundle only where the directory has no hash links."""

    @classmethod
    def setUpClass(cls):
        cls._dir = tempfile.TemporaryDirectory(prefix="reliability-store-")
        root = cls._dir.name
        for name in ("good", "other"):
            os.makedirs(os.path.join(root, name))
        cls.good = rs.make_self_signed_cert(os.path.join(root, "good"))
        cls.other = rs.make_self_signed_cert(os.path.join(root, "other"), "other.example")
        cls.hashed_good = cls.store("hashed-good", cls.good[0], hashed=True)
        cls.hashed_other = cls.store("hashed-other", cls.other[0], hashed=True)
        cls.plain_good = cls.store("plain-good", cls.good[0], hashed=False)

    @classmethod
    def store(cls, name, cert, hashed):
        directory = os.path.join(cls._dir.name, name)
        os.makedirs(directory)
        shutil.copy(cert, os.path.join(directory, "ca.pem"))
        if hashed:
            subprocess.run(["openssl", "rehash", directory], check=True,
                           capture_output=True)
            assert any(re.fullmatch(r"[0-9a-f]{8}\.0", f) for f in os.listdir(directory))
        return directory

    @classmethod
    def tearDownClass(cls):
        cls._dir.cleanup()

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="reliability-store-run-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def detach(self, prefix=(), leak_check=True, **env):
        """One detach against the emulator (self.good's certificate), no ca_file."""
        with rs.Emulator(self.tmp, tls=self.good) as emu:
            config = rs.write_json(self.tmp, "config.json", rs.config_for(emu.url))
            argv = list(prefix) + [rs.BIN, "--plugin-path", rs.PLUGIN_DIR, "run",
                                   "compshare-disk.detach", "--config", config, "--params",
                                   json.dumps(PARAMS)]
            start = time.monotonic()
            proc = subprocess.run(argv, capture_output=True, text=True,
                                  env=rs.clean_env(leak_check=leak_check, **env),
                                  timeout=rs.SAFETY_TIMEOUT)
            run = rs.Run(proc, time.monotonic() - start)
        result = rs.check_result(self, run)
        SECRETS.check(self, run, rs.signatures_of(emu.records))
        return run, result, emu.records

    def traced_detach(self, **env):
        """detach() under strace when it can run: also returns the files actionhost opened."""
        strace = strace_usable()
        if strace is None:
            return self.detach(**env) + (None,)
        trace = os.path.join(self.tmp, "trace.txt")
        # LeakSanitizer cannot run under strace.
        out = self.detach(prefix=(strace, "-f", "-qq", "-e", "trace=open,openat", "-o", trace),
                          leak_check=False, **env)
        with open(trace) as f:
            return out + (f.read(),)

    def assert_refused(self, run, result, records, *fragments):
        assert_tls_refused(self, run, result, records, "certificate verify failed", *fragments)

    def test_hashed_directory_verifies_without_reading_the_bundle(self):
        run, result, records, opened = self.traced_detach(SSL_CERT_DIR=self.hashed_good)
        self.assertEqual(run.code, 0, repr(run))
        self.assertEqual(result["status"], "detached")
        self.assertEqual(len([r for r in records if r["action"] == "DetachCompshareDisk"
                              and r["ret_code"] == 0]), 1)
        if opened is not None:
            self.assertNotIn(f'"{openssl_default_bundle()}"', opened)
            self.assertIn(f'"{self.hashed_good}/', opened, "the anchor came from the directory")

    def test_ca_in_no_store_is_refused(self):
        run, result, records = self.detach(SSL_CERT_DIR=self.hashed_other)
        self.assert_refused(run, result, records,
                            f"(trust anchors: SSL_CERT_DIR {self.hashed_other})")

    def test_directory_without_hash_links_falls_back_to_the_bundle(self):
        # The certificate is in the directory, but without a hash link OpenSSL cannot find it:
        # the system bundle is used instead, and it does not know a throwaway certificate.
        bundle = openssl_default_bundle()
        run, result, records, opened = self.traced_detach(SSL_CERT_DIR=self.plain_good)
        self.assert_refused(run, result, records,
                            f"(trust anchors: the system store's bundle {bundle} "
                            f"(SSL_CERT_DIR {self.plain_good} has no hash links))")
        if opened is not None:
            self.assertIn(f'"{bundle}"', opened, "the bundle is read")

    def test_ssl_cert_file_replaces_the_store(self):
        # SSL_CERT_FILE alone is exactly that file: the directory of the good CA is not added.
        run, result, records = self.detach(SSL_CERT_FILE=self.other[0])
        self.assert_refused(run, result, records, f"(trust anchors: SSL_CERT_FILE {self.other[0]})")
        run, result, _ = self.detach(SSL_CERT_FILE=self.good[0], SSL_CERT_DIR=self.hashed_other)
        self.assertEqual(run.code, 0, repr(run))
        self.assertEqual(result["status"], "detached")

    def test_ssl_cert_file_that_is_not_a_bundle(self):
        junk = os.path.join(self.tmp, "junk.pem")
        with open(junk, "w") as f:
            f.write("not a certificate\n")
        config = rs.write_json(self.tmp, "config.json", rs.config_for("https://localhost:1"))
        run = rs.actionhost("run", "compshare-disk.detach", "--config", config, "--params",
                            json.dumps(PARAMS), env=rs.clean_env(SSL_CERT_FILE=junk))
        self.assertEqual(run.code, 2, repr(run))
        result = rs.check_result(self, run, schema=False)
        self.assertEqual(result["error"]["type"], "InvalidConfig")
        self.assertIn(f"SSL_CERT_FILE {junk} cannot be loaded as a PEM CA bundle",
                      result["error"]["message"])
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
