#!/usr/bin/env python3
"""Bad input through every door of compshare-disk.detach (and attach, and status), each answered with a
clear error and a documented exit code (CLI) or ah_status (C ABI), and no canary in any
output. Size limits: the host refuses params/config documents over 1 MiB (1048576 bytes), the
plugin params blobs over 64 KiB (65536 bytes), both before parsing.

The test-echo plugin's C ABI is covered by tests/c_host and tests/python_host, the host's
manifest handling by tests/host and tests/cli (test-newer-major, test-older-major,
test-no-library, ...); this file covers the same doors for the real plugin.
"""
import ctypes
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plugin_abi as abi  # noqa: E402  (tests/support, on PYTHONPATH)
import reliability_support as rs  # noqa: E402
from plugin_abi import AH_ERROR, AH_INVALID_ARGUMENT, AH_OK, AH_UNKNOWN_ACTION  # noqa: E402

HOST_LIMIT = 1048576
PLUGIN_LIMIT = 65536
FAST_S = 5.0  # a refusal before parsing takes milliseconds; generous for a loaded machine
PARAMS = {"Region": "cn-wlcb", "UHostId": rs.STOPPED_HOST, "UDiskId": rs.DATA_DISK}
SECRETS = rs.SecretsLedger()
# A config pointing nowhere: no door below may reach the network (loopback discard port).
CONFIG = {"public_key": rs.PUBLIC_KEY, "private_key": rs.PRIVATE_KEY,
          "base_url": "http://127.0.0.1:9", "timeout_seconds": 1, "max_retries": 0}


def padded_object(size, params=PARAMS):
    """A valid params object of exactly `size` bytes (blanks before the closing brace)."""
    text = json.dumps(params)
    return text[:-1] + " " * (size - len(text)) + "}"


class Door(unittest.TestCase):
    tmp = None
    ACTION = "detach"  # the action every door below is tried on (a subclass changes it)
    DRY_STATUS = "would_detach"  # its dry run of PARAMS against the emulator
    DRY_RUN = {"DryRun": True}  # what makes PARAMS a run that writes nothing
    SENT = "detach_sent"  # the result member that says whether a write went out (None: none)

    def known(self, name):
        """Whether the action takes this parameter (per the manifest)."""
        action = next(a for a in rs.MANIFEST["actions"] if a["name"] == self.ACTION)
        return name in action["params_schema"]["properties"]

    def out_of_range(self, name, fragment):
        """What the plugin says of a bad value of `name`: the fragment, or that the action has
        no such parameter."""
        return fragment if self.known(name) else 'unknown parameter "%s"' % name

    def setUp(self):
        self._dir = tempfile.TemporaryDirectory(prefix="reliability-input-")
        self.tmp = self._dir.name
        self.config = rs.write_json(self.tmp, "config.json", CONFIG)

    def tearDown(self):
        self._dir.cleanup()

    def file(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return path

    def detach(self, params_arg, stdin=None, config=None, binary_stdin=False):
        return rs.actionhost("run", "compshare-disk." + self.ACTION, "--config",
                             config or self.config,
                             "--params", params_arg, stdin=stdin, binary_input=binary_stdin)

    def refused(self, run, error_type, code, *fragments, host=False):
        """One JSON result (strict UTF-8), the exit code, the error type, the message."""
        raw = run.stdout
        self.assertEqual(run.code, code, repr(run))
        result = rs.check_result(self, run, schema=not host, action=self.ACTION)
        self.assertIs(result["ok"], False)
        self.assertEqual(result["error"]["type"], error_type, repr(run))
        self.assertIs(result["error"]["retryable"], False)
        if host:  # the host's own failure result: exactly ok and error
            self.assertEqual(sorted(result), ["error", "ok"], repr(run))
            self.assertIn("actionhost: ", run.stderr)
        else:  # the plugin refused it: nothing was sent
            if self.SENT:
                self.assertIs(result[self.SENT], False, repr(run))
            self.assertEqual(result["timing"]["api_calls"], 0, repr(run))
        for fragment in fragments:
            self.assertIn(fragment, result["error"]["message"], repr(run))
        self.assertNotIn("\0", raw)
        SECRETS.check(self, run)
        return result


class CliParams(Door):
    def test_not_json(self):
        self.refused(self.detach('{"UHostId":'), "InvalidParameter", 2,
                     "inline params: invalid JSON at line 1, column 12", host=True)
        self.refused(self.detach("-", stdin="{'UHostId': 'u'}"), "InvalidParameter", 2,
                     "params from stdin: invalid JSON at line 1, column 2", host=True)
        self.refused(self.detach(self.file("p.json", "{\n\"a\": NaN}")), "InvalidParameter", 2,
                     "invalid JSON at line 2, column 6: invalid value", host=True)
        self.refused(self.detach("-", stdin=""), "InvalidParameter", 2,
                     "params from stdin: invalid JSON", host=True)

    def test_not_an_object(self):
        for spec, stdin, kind in (("[1, 2]", None, "an array"), ('"text"', None, "a string"),
                                  ("-", "42", "a number"), ("-", "null", "null"),
                                  ("-", "true", "a boolean")):
            with self.subTest(spec=spec, stdin=stdin):
                self.refused(self.detach(spec, stdin=stdin), "InvalidParameter", 2,
                             "must be a JSON object, not " + kind, host=True)
        # A bare word is taken for a file name: the message says which file.
        self.refused(self.detach("42"), "InvalidParameter", 2,
                     "params file 42: cannot be read: No such file or directory", host=True)

    def test_ten_mib_refused_before_parsing(self):
        # 10 MiB is beyond what Linux passes in one argv string (128 KiB): file and stdin.
        ten_mib = 10 * 1024 * 1024
        valid = '{"a": "' + "x" * (ten_mib - 9) + '"}'
        invalid = '{"a": [' + "1," * (ten_mib // 2)  # never closed: parsing would say so
        for name, text in (("valid", valid), ("invalid", invalid)):
            with self.subTest(json=name, door="file"):
                run = self.detach(self.file("big.json", text))
                self.refused(run, "InvalidParameter", 2,
                             "larger than the limit of 1048576 bytes (1 MiB)", host=True)
                self.assertLess(run.elapsed, FAST_S)
            with self.subTest(json=name, door="stdin"):
                run = self.detach("-", stdin=text)
                self.refused(run, "InvalidParameter", 2, "params from stdin: larger than the "
                             "limit of 1048576 bytes (1 MiB)", host=True)
        with self.subTest(door="config"):
            self.refused(self.detach("{}", config=self.file("big-config.json", invalid)),
                         "InvalidConfig", 2, "larger than the limit of 1048576 bytes", host=True)

    def test_host_limit_boundary(self):
        # Exactly 1 MiB passes the host and reaches the plugin, whose limit is 64 KiB.
        at_limit = self.file("at-limit.json", padded_object(HOST_LIMIT))
        self.refused(self.detach(at_limit), "InvalidParameter", 2,
                     "params are too large (1048576 bytes; at most 65536)")
        over = self.file("over.json", padded_object(HOST_LIMIT + 1))
        self.refused(self.detach(over), "InvalidParameter", 2,
                     "larger than the limit of 1048576 bytes", host=True)

    def test_plugin_limit_boundary(self):
        # 65536 bytes are parsed and validated (here: run against the emulator, dry run).
        with rs.Emulator(self.tmp) as emu:
            config = rs.write_json(self.tmp, "emu-config.json", rs.config_for(emu.url))
            dry = dict(PARAMS, **self.DRY_RUN)
            run = self.detach(self.file("at.json", padded_object(PLUGIN_LIMIT, dry)),
                              config=config)
        self.assertEqual(run.code, 0, repr(run))
        self.assertEqual(rs.check_result(self, run, action=self.ACTION)["status"],
                         self.DRY_STATUS)
        SECRETS.check(self, run, rs.signatures_of(emu.records))
        # 65537 bytes are refused for their size, before parsing: even invalid JSON says so.
        self.refused(self.detach(self.file("over.json", padded_object(PLUGIN_LIMIT + 1))),
                     "InvalidParameter", 2, "params are too large (65537 bytes; at most 65536)")
        not_json = '{"a": "' + "x" * (PLUGIN_LIMIT + 100)  # unterminated: the host refuses it
        self.refused(self.detach(self.file("bad.json", not_json)), "InvalidParameter", 2,
                     "invalid JSON", host=True)

    def test_deeply_nested_arrays(self):
        cases = (
            ("[" * 100000 + "]" * 100000,
             "invalid JSON at line 1, column 129: nested deeper than 128 levels", True),
            ('{"a":' + "[" * 100000 + "]" * 100000 + "}",
             "invalid JSON at line 1, column 133: nested deeper than 128 levels", True),
            # Past the depth (128) that the host's JSON reader enforces.
            ('{"a":' + "[" * 200 + "]" * 200 + "}", "nested deeper than 128 levels", True),
            # Shallow enough for the host; the plugin parses at most 8 levels (its parameters
            # are flat) and does not quote the input.
            (json.dumps(PARAMS)[:-1] + ',"x":' + "[" * 50 + "]" * 50 + "}",
             "params are not valid JSON", False),
            # Within both limits: an unknown parameter.
            ('{"a":' + "[" * 5 + "]" * 5 + "}", 'unknown parameter "a"', False),
        )
        for text, fragment, host in cases:
            with self.subTest(depth=text.count("["), host=host):
                run = self.detach(self.file("deep.json", text))
                self.refused(run, "InvalidParameter", 2, fragment, host=host)
                self.assertLess(run.elapsed, FAST_S)

    def test_invalid_utf8(self):
        cases = (b"\xc0\xaf", b"\xff\xfe", b"\x80", b"\xe2\x82", b"\xed\xa0\x80",
                 b"\xf4\x90\x80\x80")
        for raw in cases:
            text = b'{"Region":"cn-wlcb","UHostId":"uhost-' + raw + b'","UDiskId":"d"}'
            for door in ("file", "stdin", "argv"):
                with self.subTest(bytes=raw.hex(), door=door):
                    if door == "file":
                        run = self.detach(self.file("utf8.json", text))
                    elif door == "stdin":
                        run = self.detach("-", stdin=text, binary_stdin=True)
                    else:  # argv carries any byte but NUL
                        run = self.detach(text)
                    self.refused(run, "InvalidParameter", 2, "invalid JSON", host=True)
        # In a key, which the plugin would quote in "unknown parameter": refused by the host.
        run = self.detach(self.file("key.json", b'{"\xff":1}'))
        self.refused(run, "InvalidParameter", 2, "invalid JSON", host=True)
        # An escaped lone surrogate is valid JSON text; the plugin refuses the id.
        run = self.detach(self.file("sur.json", '{"Region":"cn-wlcb","UHostId":"\\ud800",'
                                                '"UDiskId":"d"}'))
        self.assertEqual(run.code, 2, repr(run))
        self.assertEqual(rs.check_result(self, run)["error"]["type"], "InvalidParameter")
        SECRETS.check(self, run)

    def test_nul_bytes(self):
        # Raw NUL bytes (argv cannot carry them): refused by the host, named as such.
        for text in (b'{"UHostId":"a\0b"}', b'{"a":1}\0garbage', b"\0"):
            for door in ("file", "stdin"):
                with self.subTest(text=text, door=door):
                    run = (self.detach(self.file("nul.json", text)) if door == "file" else
                           self.detach("-", stdin=text, binary_stdin=True))
                    self.refused(run, "InvalidParameter", 2, "contains a NUL byte", host=True)
        # Escaped NULs are valid JSON: the plugin refuses ids, tokens and keys with them.
        for params, fragment in (
                (dict(PARAMS, UHostId="a\0b"), "UHostId"),
                (dict(PARAMS, ClientToken="x\0y"), "ClientToken"),
                (dict(PARAMS, Device="/dev/vdb\0"), "Device"),
                ({"\0": 1, **PARAMS}, "unknown parameter")):
            with self.subTest(params=params):
                self.refused(self.detach(json.dumps(params)), "InvalidParameter", 2, fragment)

    def test_duplicate_keys(self):
        # The first DryRun says dry run, the last says detach: refused, whichever door, and
        # however the second name is spelt; nothing is sent (the config points nowhere).
        for spelt in ('"DryRun"', '"Dry\\u0052un"'):
            text = ('{"Region":"cn-wlcb","UHostId":"%s","UDiskId":"%s","DryRun":true,'
                    '%s:false,"Wait":false}' % (rs.STOPPED_HOST, rs.DATA_DISK, spelt))
            for door in ("argv", "file", "stdin"):
                with self.subTest(spelt=spelt, door=door):
                    run = (self.detach(text) if door == "argv" else
                           self.detach(self.file("dup.json", text)) if door == "file" else
                           self.detach("-", stdin=text))
                    self.refused(run, "InvalidParameter", 2, 'duplicate member name "DryRun"',
                                 host=True)
        batch = self.file("dup.jsonl", '{"a":1,"a":2}\n')
        run = rs.actionhost("run", "compshare-disk." + self.ACTION, "--config", self.config, "--batch",
                            batch)
        self.assertEqual(run.code, 2, repr(run))
        self.assertIn('line 1: invalid JSON at line 1, column 8: duplicate member name "a"',
                      json.loads(run.stdout)["error"]["message"])
        config = self.file("dup-config.json", json.dumps(CONFIG)[:-1] + ',"max_retries":3}')
        self.refused(self.detach(json.dumps(PARAMS), config=config), "InvalidConfig", 2,
                     'duplicate member name "max_retries"', host=True)

    def test_batch_summary_against_the_emulator(self):
        # Real detaches: successes are counted by the result's status, failures by error.type,
        # and each result names its input line.
        with rs.Emulator(self.tmp) as emulator:
            config = rs.write_json(self.tmp, "emu.json", rs.config_for(emulator.url))
            lines = [dict(PARAMS, Wait=False), dict(PARAMS, Wait=False),
                     dict(PARAMS, DryRun=True), {"UHostId": rs.STOPPED_HOST}]
            batch = self.file("emu.jsonl", "\n".join(json.dumps(l) for l in lines) + "\n")
            run = rs.actionhost("run", "compshare-disk.detach", "--config", config, "--batch",
                                batch)
        self.assertEqual(run.code, 2, repr(run))
        results = [json.loads(line) for line in run.stdout.splitlines()]
        self.assertEqual([r["line"] for r in results], [1, 2, 3, 4])
        self.assertEqual([r.get("status") for r in results],
                         ["detach_requested", "already_detached", "already_detached", "failed"])
        self.assertIn("actionhost: batch: 4 lines: 3 ok (already_detached 2, detach_requested 1)"
                      ", 1 failed (InvalidParameter 1); exit 2", run.stderr)
        self.assertEqual(emulator.accepted(), 1)
        SECRETS.check(self, run)

    def test_files_that_are_not_regular_files(self):
        # A FIFO would block the host forever and a device never ends: refused at once,
        # through every door that names a file, before anything is read.
        fifo = os.path.join(self.tmp, "pipe.json")
        os.mkfifo(fifo)
        for args, error_type, fragment in (
                (("--params", fifo), "InvalidParameter", "is a FIFO (named pipe)"),
                (("--params", "{}", "--config", fifo), "InvalidConfig", "is a FIFO (named pipe)"),
                (("--batch", fifo), "InvalidParameter", "is a FIFO (named pipe)"),
                (("--batch", "/dev/zero"), "InvalidParameter", "is a device"),
                (("--params", self.tmp), "InvalidParameter", "is a directory")):
            with self.subTest(args=args):
                run = rs.actionhost("run", "compshare-disk.detach", *args)
                self.refused(run, error_type, 2, fragment + ", not a regular file", host=True)
                self.assertLess(run.elapsed, FAST_S)
        # A FIFO among the manifests is skipped with a warning; the real plugin still runs.
        folder = os.path.join(self.tmp, "plugins")
        shutil.copytree(rs.PLUGIN_DIR, folder)
        os.mkfifo(os.path.join(folder, "a-fifo.json"))
        run = rs.actionhost("list", plugin_dir=folder)
        self.assertEqual(run.code, 0, repr(run))
        self.assertIn("compshare-disk.detach", run.stdout)
        self.assertIn("a-fifo.json: is a FIFO (named pipe), not a regular file", run.stderr)
        self.assertLess(run.elapsed, FAST_S)
        # A manifest whose library is a device: check refuses it instead of reading forever.
        manifest = dict(rs.MANIFEST, library="/dev/zero")
        with open(os.path.join(folder, "compshare-disk.json"), "w") as f:
            json.dump(manifest, f)
        run = rs.actionhost("check", "--json", "compshare-disk", plugin_dir=folder)
        self.assertEqual(run.code, 8, repr(run))
        self.assertIn("is a device, not a regular file", run.stdout)
        self.assertLess(run.elapsed, FAST_S)

    def test_byte_order_mark(self):
        path = self.file("bom.json", b"\xef\xbb\xbf" + json.dumps(PARAMS).encode())
        self.refused(self.detach(path), "InvalidParameter", 2,
                     "starts with a UTF-8 byte-order mark", host=True)

    def test_numbers_out_of_range(self):
        cases = (
            ("WaitTimeoutSeconds", 0, "between 0.1 and 3600"),
            ("WaitTimeoutSeconds", -1, "between 0.1 and 3600"),
            ("WaitTimeoutSeconds", 3600.5, "between 0.1 and 3600"),
            ("WaitTimeoutSeconds", 1e308, "between 0.1 and 3600"),
            ("WaitTimeoutSeconds", 18446744073709551615, "between 0.1 and 3600"),
            ("WaitTimeoutSeconds", -9223372036854775808, "between 0.1 and 3600"),
            ("WaitTimeoutSeconds", "5", "must be a number"),
            ("PollIntervalSeconds", 0.09, "between 0.1 and 60"),
            ("PollIntervalSeconds", 61, "between 0.1 and 60"),
            ("PollIntervalSeconds", 5e-324, "between 0.1 and 60"),
            ("Wait", 1, "must be a boolean"),
            ("DryRun", 0, "must be a boolean"),
            ("UHostId", 12345, "must be a string"),
        )
        for name, value, fragment in cases:
            with self.subTest(name=name, value=value):
                self.refused(self.detach(json.dumps(dict(PARAMS, **{name: value}))),
                             "InvalidParameter", 2, name, self.out_of_range(name, fragment))
        # Beyond what a double holds: the JSON reader refuses them, without echoing them.
        for literal in ("1e400", "-1e400", "9" * 100000):
            with self.subTest(literal=literal[:20]):
                text = json.dumps(PARAMS)[:-1] + ',"WaitTimeoutSeconds":' + literal + "}"
                run = self.detach(self.file("n.json", text))
                result = self.refused(run, "InvalidParameter", 2,
                                      "a number beyond the range of a double", host=True)
                self.assertLess(len(result["error"]["message"]), 400)  # not echoed whole
        # Valid JSON of any size is never wrapped (2^64 + 1 is not 1): out of range.
        for name, literal, fragment in (
                ("WaitTimeoutSeconds", "18446744073709551617", "between 0.1 and 3600"),
                ("WaitTimeoutSeconds", "100000000000000000000", "between 0.1 and 3600"),
                ("WaitTimeoutSeconds", "1" * 30, "between 0.1 and 3600"),
                ("PollIntervalSeconds", "-18446744073709551617", "between 0.1 and 60")):
            with self.subTest(name=name, literal=literal):
                text = json.dumps(PARAMS)[:-1] + ',"%s":%s}' % (name, literal)
                self.refused(self.detach(self.file("n.json", text)), "InvalidParameter", 2,
                             name, self.out_of_range(name, fragment))

    def test_config_out_of_range(self):
        for key, value, fragment in (
                ("timeout_seconds", 0, "greater than 0 and at most 3600"),
                ("timeout_seconds", 3601, "greater than 0 and at most 3600"),
                ("timeout_seconds", -1e308, "greater than 0 and at most 3600"),
                ("max_retries", 11, "between 0 and 10"),
                ("max_retries", -1, "between 0 and 10"),
                ("max_retries", 1.5, "must be an integer"),
                ("public_key", 1, "must be a string"),
                ("unknown_key", "x", 'unknown config key "unknown_key"')):
            with self.subTest(key=key, value=value):
                config = rs.write_json(self.tmp, "bad-config.json", dict(CONFIG, **{key: value}))
                self.refused(self.detach(json.dumps(PARAMS), config=config), "InvalidConfig", 2,
                             "creating an instance failed with AH_INVALID_ARGUMENT", fragment,
                             host=True)

    def test_batch_lines(self):
        # --batch: each bad line gets its own refusal, in input order, naming the line; blank
        # lines are skipped; the exit code is the worst line's.
        lines = [b"not json", b"[1]", b"", b'{"a":1}\0x', b"\xff\xfe",
                 b'{"a":"' + b"x" * (HOST_LIMIT + 1) + b'"}', b'{"UHostId":"a\\u0000"}']
        batch = self.file("in.jsonl", b"\n".join(lines) + b"\n")
        run = rs.actionhost("run", "compshare-disk." + self.ACTION, "--config", self.config, "--batch",
                            batch)
        self.assertEqual(run.code, 2, repr(run))
        results = [json.loads(line) for line in run.stdout.splitlines()]
        self.assertEqual(len(results), 6, repr(run))
        for result, (number, fragment) in zip(results, (
                (1, "invalid JSON"), (2, "must be a JSON object, not an array"),
                (4, "contains a NUL byte"), (5, "invalid JSON"),
                (6, "larger than the limit of 1048576 bytes"), (7, None))):
            self.assertEqual(result.pop("line"), number)  # the input line, blank ones counted
            self.assertIs(result["ok"], False)
            self.assertEqual(result["error"]["type"], "InvalidParameter")
            if fragment:
                self.assertIn(f"line {number}: ", result["error"]["message"])
                self.assertIn(fragment, result["error"]["message"])
            else:  # valid JSON: the plugin refused it
                self.assertEqual(rs.RESULT_VALIDATORS[self.ACTION].is_valid(result), True)
        SECRETS.check(self, run)

    def test_timeout_values(self):
        for value in ("-1", "0", "-0", "nan", "abc"):
            with self.subTest(timeout=value):
                run = rs.actionhost("run", "compshare-disk." + self.ACTION, "--config", self.config,
                                    "--params", json.dumps(PARAMS), "--timeout=" + value)
                self.refused(run, "Usage", 2, "--timeout", host=True)
        # Infinite or huge timeouts are clamped (ten years), never overflow the clock: the run
        # ends on its own (nothing listens on port 9: Transient).
        for value in ("inf", "1e400", "1e308"):
            with self.subTest(timeout=value):
                run = rs.actionhost("run", "compshare-disk." + self.ACTION, "--config", self.config,
                                    "--params", json.dumps(PARAMS), "--timeout=" + value)
                self.assertEqual(run.code, 6, repr(run))
                self.assertEqual(rs.check_result(self, run, action=self.ACTION)["error"]["type"],
                                 "Transient")
                SECRETS.check(self, run)

    def test_credentials_in_params_are_not_echoed(self):
        for key in ("PrivateKey", "private_key", "Signature", "Password", "SecretKey"):
            with self.subTest(key=key):
                run = self.detach(json.dumps(dict(PARAMS, **{key: rs.PRIVATE_KEY})))
                result = self.refused(run, "InvalidParameter", 2, key, "looks like a credential")
                self.assertNotIn(rs.PRIVATE_KEY, json.dumps(result))


class CliParamsAttach(CliParams):
    """The same doors for compshare-disk.attach (PARAMS' disk is already on the instance, so
    its dry run is already_attached; Device is an unknown parameter there)."""
    ACTION = "attach"
    DRY_STATUS = "already_attached"
    SENT = "attach_sent"


class CliParamsStatus(CliParams):
    """The same doors for compshare-disk.status, which only reads: PARAMS is read as is (no
    DryRun), no result member says a write went out, and the wait and write parameters
    (WaitTimeoutSeconds, DryRun, Device, ...) are unknown to it."""
    ACTION = "status"
    DRY_STATUS = "read"
    DRY_RUN = {}
    SENT = None


class Manifests(Door):
    """The plugin folder next to a copy of the binary: nothing else is searched."""

    def install(self, manifest=None, library=True):
        bin_dir = os.path.join(self.tmp, "bin")
        plugins = os.path.join(self.tmp, "lib", "actionhost", "plugins")
        os.makedirs(bin_dir)
        os.makedirs(plugins)
        binary = shutil.copy(rs.BIN, bin_dir)
        if library is True:
            shutil.copy(os.path.join(rs.PLUGIN_DIR, "libcompshare-disk.so"), plugins)
        elif library is not None:
            with open(os.path.join(plugins, "libcompshare-disk.so"), "wb") as f:
                f.write(library)
        if manifest is not None:
            with open(os.path.join(plugins, "compshare-disk.json"), "w") as f:
                f.write(manifest if isinstance(manifest, str) else json.dumps(manifest))
        return binary

    def run_installed(self, binary):
        start = time.monotonic()
        proc = subprocess.run(
            [binary, "run", "compshare-disk.detach", "--config", self.config, "--params",
             json.dumps(PARAMS)], capture_output=True, text=True, env=rs.clean_env(),
            timeout=rs.SAFETY_TIMEOUT)
        return rs.Run(proc, time.monotonic() - start)

    def test_missing_manifest(self):
        run = self.run_installed(self.install(manifest=None))
        self.refused(run, "PluginNotFound", 8, 'no plugin named "compshare-disk"', host=True)

    def test_malformed_manifest(self):
        text = json.dumps(rs.MANIFEST)[:300]
        for manifest in (text, "[]", '{"name": "compshare-disk"}'):
            with self.subTest(manifest=manifest[:30]):
                run = self.run_installed(self.install(manifest=manifest))
                self.refused(run, "PluginNotFound", 8, 'no plugin named "compshare-disk"',
                             "could not be read; run `actionhost check`", host=True)
                shutil.rmtree(os.path.join(self.tmp, "bin"))
                shutil.rmtree(os.path.join(self.tmp, "lib"))

    def test_manifest_naming_a_missing_library(self):
        for library in ("libnope.so", "../../../../etc/passwd"):
            with self.subTest(library=library):
                run = self.run_installed(self.install(dict(rs.MANIFEST, library=library),
                                                      library=None))
                self.refused(run, "PluginLoadFailed", 8, 'field "library"',
                             "does not exist or is not a file", host=True)
                shutil.rmtree(os.path.join(self.tmp, "bin"))
                shutil.rmtree(os.path.join(self.tmp, "lib"))

    def test_library_that_is_not_a_shared_object(self):
        run = self.run_installed(self.install(rs.MANIFEST, library=b"not an ELF file"))
        self.refused(run, "PluginLoadFailed", 8, "cannot load", "file too short", host=True)

    def test_manifest_for_another_abi_major(self):
        # The library was built for 1.0.0; a manifest claiming 2.0.0 does not load it.
        run = self.run_installed(self.install(dict(rs.MANIFEST, api_version="2.0.0")))
        self.refused(run, "PluginIncompatible", 8, "differs in field(s): api_version",
                     host=True)


# -- the C ABI of the real plugin -----------------------------------------------------------------
# Raw ctypes (tests/support/plugin_abi.py, on the binding's declarations), not the binding: these
# doors are NULL pointers, lengths that disagree with the buffer and calls after a failed create,
# which the binding never lets through.
_plugin = None


def plugin():
    global _plugin  # loaded once per process, like a host does
    if _plugin is None:
        _plugin = abi.Plugin(os.environ["COMPSHARE_PLUGIN_LIB"])
    return _plugin


def lib():
    return plugin().lib


class CAbi(unittest.TestCase):
    ACTION = b"detach"  # the action every call below invokes (a subclass changes it)

    def create(self, config):
        instance = plugin().instance(config)
        self.addCleanup(instance.destroy)
        return instance.create_status, instance.handle

    def last_error(self, handle):
        return abi.read_string(lib().ah_plugin_last_error(handle))

    def invoke(self, handle, action, params, length=None):
        out, size = ctypes.c_void_p(), ctypes.c_size_t()
        if length is None:
            length = 0 if params is None else len(params)
        status = lib().ah_plugin_invoke(handle, action, params, length, ctypes.byref(out),
                                        ctypes.byref(size))
        self.assertTrue(out.value, "a result is always returned on a valid instance")
        text = ctypes.string_at(out, size.value).decode("utf-8")  # strict UTF-8
        self.assertEqual(ctypes.string_at(out), text.encode(), "NUL-terminated, length agrees")
        result = json.loads(text)
        self.assertIsInstance(result, dict)
        for canary in rs.CANARIES:
            self.assertNotIn(canary, text)
            self.assertNotIn(canary, self.last_error(handle))
        return status, result

    def assert_refused(self, status, result, want_status, error_type, fragment, handle):
        self.assertEqual(status, want_status, result)
        self.assertIs(result["ok"], False)
        self.assertEqual(result["error"]["type"], error_type, result)
        self.assertIn(fragment, result["error"]["message"])
        self.assertIn(fragment, self.last_error(handle))
        if error_type != "UnknownAction":  # the ABI helper's type, not the action's
            validator = rs.RESULT_VALIDATORS[self.ACTION.decode()]
            self.assertEqual(sorted(validator.iter_errors(result), key=str), [])

    def good_instance(self):
        status, handle = self.create(json.dumps(CONFIG).encode())
        self.assertEqual(status, AH_OK)
        return handle

    def test_null_pointers(self):
        handle = self.good_instance()
        self.assert_refused(*self.invoke(handle, None, b"{}"), AH_INVALID_ARGUMENT,
                            "InvalidParameter", "the action name is NULL", handle)
        self.assert_refused(*self.invoke(handle, self.ACTION, None, 2), AH_INVALID_ARGUMENT,
                            "InvalidParameter", "params_json is NULL", handle)
        out, size = ctypes.c_void_p(), ctypes.c_size_t()
        self.assertEqual(lib().ah_plugin_invoke(handle, self.ACTION, b"{}", 2, None,
                                                ctypes.byref(size)), AH_INVALID_ARGUMENT)
        self.assertIn("must not be NULL", self.last_error(handle))
        self.assertEqual(lib().ah_plugin_invoke(handle, self.ACTION, b"{}", 2,
                                                ctypes.byref(out), None), AH_INVALID_ARGUMENT)
        self.assertEqual(lib().ah_plugin_invoke(None, self.ACTION, b"{}", 2, ctypes.byref(out),
                                                ctypes.byref(size)), AH_INVALID_ARGUMENT)
        self.assertIn("the instance is NULL", self.last_error(None))
        self.assertEqual(lib().ah_plugin_create(None, b"{}", None), AH_INVALID_ARGUMENT)
        lib().ah_plugin_cancel(None)   # no-ops, no crash
        lib().ah_plugin_destroy(None)
        # A NULL config is {}: the instance works (and reports the missing credentials).
        status, bare = self.create(None)
        self.assertEqual(status, AH_OK)
        status, result = self.invoke(bare, self.ACTION, json.dumps(PARAMS).encode())
        self.assertEqual((status, result["error"]["type"]), (AH_ERROR, "CredentialsMissing"))

    def test_wrong_lengths(self):
        handle = self.good_instance()
        text = json.dumps(PARAMS).encode()
        for length, fragment in ((len(text) - 1, "params are not valid JSON"),
                                 (0, "params are not valid JSON"),
                                 (5, "params are not valid JSON")):
            with self.subTest(length=length):
                self.assert_refused(*self.invoke(handle, self.ACTION, text, length),
                                    AH_INVALID_ARGUMENT, "InvalidParameter", fragment, handle)
        self.assert_refused(*self.invoke(handle, self.ACTION, b"{}\0garbage", 10),
                            AH_INVALID_ARGUMENT, "InvalidParameter",
                            "contains a NUL byte", handle)
        # Exactly params_len bytes are read, nothing beyond: the trailing garbage is ignored.
        status, result = self.invoke(handle, self.ACTION, text + b"garbage", len(text))
        self.assertEqual(result["error"]["type"], "Transient", result)  # port 9: no server
        # Over 64 KiB: refused for the size, before parsing (not JSON at all).
        self.assert_refused(*self.invoke(handle, self.ACTION, b"x" * (PLUGIN_LIMIT + 1)),
                            AH_INVALID_ARGUMENT, "InvalidParameter",
                            "params are too large (65537 bytes; at most 65536)", handle)

    def test_unknown_action(self):
        handle = self.good_instance()
        for action in (b"nope", b"", b"Detach", b"detach\xff"):
            with self.subTest(action=action):
                self.assert_refused(*self.invoke(handle, action, b"{}"), AH_UNKNOWN_ACTION,
                                    "UnknownAction", "unknown action", handle)

    def test_calls_after_a_failed_create(self):
        for config, fragment in ((b"{", "not valid JSON"),
                                 (b"[1]", "must be a JSON object"),
                                 (b'{"max_retries": 11}', "'max_retries' must be between 0 and 10"),
                                 (b'{"base_url": "http://192.0.2.1"}', "plain http://"),
                                 (json.dumps(dict(CONFIG, ca_file="/nonexistent")).encode(),
                                  "ca_file /nonexistent")):
            with self.subTest(config=config[:40]):
                status, handle = self.create(config)
                self.assertEqual(status, AH_INVALID_ARGUMENT)
                self.assertTrue(handle.value, "the instance carries the error")
                self.assertIn(fragment, self.last_error(handle))
                for _ in range(2):  # every call fails the same way, nothing is attempted
                    self.assert_refused(*self.invoke(handle, self.ACTION,
                                                     json.dumps(PARAMS).encode()),
                                        AH_ERROR, "InstanceUnusable", fragment, handle)
                lib().ah_plugin_cancel(handle)


class CAbiAttach(CAbi):
    ACTION = b"attach"


class CAbiStatus(CAbi):
    ACTION = b"status"


class Documented(unittest.TestCase):
    """Both limits are written where a user looks: --help, README, the manifest."""

    def test_limits_documented(self):
        help_text = rs.actionhost("--help", plugin_dir=None).stdout
        self.assertIn("1048576 bytes (1 MiB)", help_text)
        params_schema = rs.MANIFEST["actions"][0]["params_schema"]
        self.assertIn("above 65536 bytes are refused before parsing",
                      params_schema["description"])
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        self.assertIn("1 MiB", readme)
        self.assertIn("64 KiB", readme)


def tearDownModule():
    print(f"\nbad input: canary check over {SECRETS.runs} actionhost runs", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
