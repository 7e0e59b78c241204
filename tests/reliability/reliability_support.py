"""Shared pieces of the reliability tests: running the actionhost binary, the emulator with
planted canaries, schema validation and the secrets check (standard library + jsonschema).

Environment (set by CTest): ACTIONHOST_BIN, ACTIONHOST_PLUGIN_DIR (the folder holding the
compshare-disk manifest and library), COMPSHARE_EMULATOR_BIN, EMULATOR_MODULE_DIR,
COMPSHARE_MANIFEST.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

import jsonschema

sys.path.insert(0, os.environ["EMULATOR_MODULE_DIR"])
from emulator_process import EmulatorProcess, make_self_signed_cert  # noqa: E402

BIN = os.environ["ACTIONHOST_BIN"]
PLUGIN_DIR = os.environ["ACTIONHOST_PLUGIN_DIR"]
EMULATOR = os.environ["COMPSHARE_EMULATOR_BIN"]
SAFETY_TIMEOUT = 60  # a hung run fails its cell instead of hanging CTest

with open(os.environ["COMPSHARE_MANIFEST"], encoding="utf-8") as _f:
    MANIFEST = json.load(_f)
RESULT_SCHEMA = MANIFEST["actions"][0]["result_schema"]
RESULT_VALIDATOR = jsonschema.Draft202012Validator(RESULT_SCHEMA)
# Every action's result validator, by action name (detach's is RESULT_VALIDATOR).
RESULT_VALIDATORS = {a["name"]: jsonschema.Draft202012Validator(a["result_schema"])
                     for a in MANIFEST["actions"]}

# Canaries: values that must never leave the plugin (README "Secrets"). The key pair is the
# emulator's only one, so every request is really signed with the canary private key.
PUBLIC_KEY = "canary-public-key-4b1d"
PRIVATE_KEY = "CANARY-PRIVATE-KEY-9f31c2d7e8a4"
PASSWORD = "Q0FOQVJZLVBBU1NXT1JELTcyYzE="  # Base64 text, as the real API returns it
SSH_LOGIN = "ssh -p 22 root@CANARY-SSH-LOGIN-51ae.example"
CANARIES = (PRIVATE_KEY, PASSWORD, SSH_LOGIN, "CANARY")

STOPPED_HOST = "uhost-emu-stopped"
DATA_DISK = "udisk-emu-data1"  # /dev/vdb of STOPPED_HOST

# Exit codes (README "Exit codes"): the host's own error types, then the plugin's by the class
# its manifest declares for them.
EXIT = {"ok": 0, "failure": 1, "usage": 2, "credentials": 3, "precondition": 4, "api": 5,
        "transient": 6, "timeout": 7, "plugin": 8}
EXIT_FOR_CLASS = {"usage": 2, "credentials": 3, "precondition": 4, "remote": 5, "transient": 6,
                  "timeout": 7, "cancelled": 1, "internal": 1}
EXIT_FOR_TYPE = {"InvalidParameter": 2, "InvalidConfig": 2, "Usage": 2, "UnknownAction": 2,
                 "PluginNotFound": 8, "PluginLoadFailed": 8, "PluginIncompatible": 8,
                 "InternalError": 1, "InstanceCreateFailed": 1, "Cancelled": 1}
SIGNAL_EXITS = (129, 130, 143)  # cancelled by SIGHUP, SIGINT, SIGTERM
EXIT_FOR_TYPE.update({name: EXIT_FOR_CLASS[e["class"]] for name, e in MANIFEST["errors"].items()})

_default_state = None


def canary_state():
    """The emulator's default state with the canary key pair, Password and SshLoginCommand."""
    global _default_state  # cached read-only copy of --print-default-state
    if _default_state is None:
        out = subprocess.run([EMULATOR, "--print-default-state"], capture_output=True,
                             text=True, check=True, timeout=SAFETY_TIMEOUT).stdout
        _default_state = out
    state = json.loads(_default_state)
    state["KeyPairs"] = [{"PublicKey": PUBLIC_KEY, "PrivateKey": PRIVATE_KEY}]
    for instance in state["Instances"]:
        instance["Password"] = PASSWORD
        instance["SshLoginCommand"] = SSH_LOGIN
    return state


def signature(params, private_key=PRIVATE_KEY):
    """Reference §2: sorted key+value pairs, then the private key, SHA-1 hex."""
    text = "".join(k + str(v) for k, v in sorted(params.items()) if k != "Signature")
    return hashlib.sha1((text + private_key).encode()).hexdigest()


def signatures_of(records):
    """The Signature of each recorded request, recomputed (the log masks it)."""
    found = []
    for record in records:
        params = dict(record.get("params") or {})
        if "Signature" not in params:
            continue
        params["PublicKey"] = PUBLIC_KEY
        found.append(signature(params))
    return found


class Emulator:
    """compshare-emulator with the canary state and a request log file; the records are read
    after the emulator stopped, so a request still delayed when actionhost gave up is counted."""

    def __init__(self, tmp, tls=None, state=None, attach_delay_ms=0):
        self.log_file = os.path.join(tmp, "requests.jsonl")
        cert, key = tls if tls else (None, None)
        self.process = EmulatorProcess(EMULATOR, state=state or canary_state(), tls_cert=cert,
                                       tls_key=key, attach_delay_ms=attach_delay_ms,
                                       extra_args=["--request-log", self.log_file])
        self.records = None

    def __enter__(self):
        self.process.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    @property
    def url(self):
        return self.process.url

    def add_fault(self, fault):
        self.process.add_fault(fault)

    def stop(self):
        if self.records is None:
            code = self.process.stop()
            assert code == 0, f"compshare-emulator exited with {code}"
            with open(self.log_file, encoding="utf-8") as f:
                self.records = [json.loads(line) for line in f if line.strip()]
        return self.records

    def accepted(self, action="DetachCompshareDisk"):
        """Requests processed with RetCode 0 (a faulted "after" answer still counts)."""
        return sum(1 for r in self.stop() if r["action"] == action and r["ret_code"] == 0)

    def count(self, action):
        return sum(1 for r in self.stop() if r["action"] == action)


def write_json(tmp, name, document):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f)
    return path


def config_for(url, **extra):
    config = {"public_key": PUBLIC_KEY, "private_key": PRIVATE_KEY, "base_url": url,
              "timeout_seconds": 1, "max_retries": 1}
    config.update(extra)
    return config


def clean_env(leak_check=True, **extra):
    # No COMPSHARE_* or profile file from the caller's environment: the config is the only source.
    # Nor OpenSSL's SSL_CERT_FILE / SSL_CERT_DIR, which replace the default ("system") store.
    # Nor a proxy of the machine's (https_proxy, NO_PROXY, ...): the tests that want one set it.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("COMPSHARE_")
           and k not in ("ACTIONHOST_PLUGIN_PATH", "SSL_CERT_FILE", "SSL_CERT_DIR")
           and k.lower() not in ("http_proxy", "https_proxy", "no_proxy", "all_proxy")}
    env["XDG_CONFIG_HOME"] = env["HOME"] = tempfile.gettempdir() + "/reliability-no-profile"
    if "ASAN_OPTIONS" in env:
        # Sanitizer build: the Python interpreter runs without leak checks (not ours to judge),
        # actionhost with them (LeakSanitizer cannot run under strace, which passes False).
        env["ASAN_OPTIONS"] = "detect_leaks=" + ("1" if leak_check else "0")
    env.update(extra)
    return env


class Run:
    """One actionhost process: exit code, stdout, stderr, wall time."""

    def __init__(self, proc, elapsed):
        self.code = proc.returncode
        self.stdout = proc.stdout if isinstance(proc.stdout, str) else proc.stdout.decode(
            "utf-8", "replace")
        self.stderr = proc.stderr if isinstance(proc.stderr, str) else proc.stderr.decode(
            "utf-8", "replace")
        self.elapsed = elapsed
        self.result = None

    def __repr__(self):
        return (f"exit {self.code} after {self.elapsed:.2f} s\nstdout: {self.stdout[:2000]}\n"
                f"stderr: {self.stderr[-3000:]}")


def actionhost(*args, stdin=None, env=None, plugin_dir=PLUGIN_DIR, binary_input=False):
    argv = [BIN] + (["--plugin-path", plugin_dir] if plugin_dir else []) + list(args)
    start = time.monotonic()
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=not binary_input,
                          env=env if env is not None else clean_env(), timeout=SAFETY_TIMEOUT)
    return Run(proc, time.monotonic() - start)


def run_detach(tmp, config, params, extra_args=(), action="detach"):
    """actionhost run compshare-disk.<action> (detach unless said) with the config in a file and
    params inline."""
    config_file = write_json(tmp, "config.json", config)
    return actionhost("run", "compshare-disk." + action, "--config", config_file, "--params",
                      json.dumps(params), *extra_args)


class SecretsLedger:
    """Counts the outputs checked for canaries (the figure of section 6)."""

    def __init__(self):
        self.runs = 0
        self.signatures = 0

    def check(self, test, run, signatures=()):
        texts = {"stdout": run.stdout, "stderr": run.stderr}
        for where, text in texts.items():
            for canary in CANARIES:
                test.assertNotIn(canary, text, f"canary {canary!r} in {where}\n{run!r}")
            for sig in signatures:
                test.assertNotIn(sig, text, f"a Signature value in {where}\n{run!r}")
        self.runs += 1
        self.signatures += len(signatures)


def check_result(test, run, schema=True, action="detach"):
    """stdout is exactly one JSON object on one line, valid against the action's result_schema;
    stderr lines are JSON log events (or the host's own `actionhost: ` message)."""
    test.assertTrue(run.stdout.endswith("\n"), repr(run))
    test.assertEqual(run.stdout.count("\n"), 1, repr(run))
    result = json.loads(run.stdout)
    test.assertIsInstance(result, dict, repr(run))
    if schema:
        errors = sorted(RESULT_VALIDATORS[action].iter_errors(result), key=str)
        test.assertEqual(errors, [], f"result_schema: {[e.message for e in errors]}\n{run!r}")
    test.assertEqual(result["ok"], run.code == 0, repr(run))
    if not result["ok"]:
        expected = EXIT_FOR_TYPE[result["error"]["type"]]
        if result["error"]["type"] == "Cancelled" and run.code in SIGNAL_EXITS:
            expected = run.code  # cancelled by a signal: the signal's code
        test.assertEqual(run.code, expected, repr(run))
    for line in run.stderr.splitlines():
        if line.startswith("actionhost: "):
            continue
        event = json.loads(line)  # every other line is one JSON log event
        test.assertIn("event", event, line)
    run.result = result
    return result
