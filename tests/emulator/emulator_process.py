"""Run compshare-emulator as a child process for scripted tests (Python 3 stdlib only).

    from emulator_process import EmulatorProcess, make_self_signed_cert

    with EmulatorProcess("build/dev/bin/compshare-emulator", detach_delay_ms=200) as emu:
        emu.add_fault({"action": "DetachCompshareDisk", "mode": "http_status", "status": 503})
        ... point a client at emu.url ...
        assert emu.requests()["accepted"].get("DetachCompshareDisk", 0) == 1

The process is started with --listen 127.0.0.1:0; the helper waits for the program's
{"event":"listening",...} line (never sleeps), and on exit sends SIGTERM and asserts exit code 0.
"""

import json
import os
import signal
import ssl
import subprocess
import tempfile
import urllib.request

__all__ = ["EmulatorProcess", "make_self_signed_cert"]


class EmulatorProcess:
    def __init__(self, binary, state=None, detach_delay_ms=0, tls_cert=None, tls_key=None,
                 extra_args=(), start_timeout=30, attach_delay_ms=0):
        self.binary = str(binary)
        self._seed_state = state
        self.detach_delay_ms = detach_delay_ms
        self.attach_delay_ms = attach_delay_ms
        self.tls_cert = tls_cert
        self.tls_key = tls_key
        self.extra_args = list(extra_args)
        self.start_timeout = start_timeout
        self.process = None
        self.port = None
        self.url = None
        self.returncode = None
        self._tmp = None

    # -- lifecycle ---------------------------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        code = self.stop()
        if exc_type is None:
            assert code == 0, f"compshare-emulator exited with {code}"
        return False

    def start(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="compshare-emulator-")
        args = [self.binary, "--listen", "127.0.0.1:0",
                "--detach-delay-ms", str(self.detach_delay_ms),
                "--attach-delay-ms", str(self.attach_delay_ms)]
        if self._seed_state is not None:
            state_file = os.path.join(self._tmp.name, "state.json")
            with open(state_file, "w", encoding="utf-8") as out:
                json.dump(self._seed_state, out)
            args += ["--state", state_file]
        if self.tls_cert or self.tls_key:
            args += ["--tls-cert", str(self.tls_cert), "--tls-key", str(self.tls_key)]
        args += self.extra_args
        # stderr is inherited: the emulator's own log lines show up in the test output.
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()  # blocks until listening, or EOF on failure
        if not line:
            self.stop()
            raise RuntimeError(f"compshare-emulator did not start (exit code {self.returncode})")
        event = json.loads(line)
        assert event["event"] == "listening", line
        self.port = event["port"]
        self.url = event["url"]
        return self

    def stop(self):
        """SIGTERM, wait, and return the exit code (idempotent)."""
        if self.process is not None and self.returncode is None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
            self.returncode = self.process.wait(timeout=30)
            self.process.stdout.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        return self.returncode

    # -- control endpoints -------------------------------------------------------------------
    def _control(self, method, path, document=None):
        data = None if document is None else json.dumps(document).encode()
        request = urllib.request.Request(self.url + "/_emulator/" + path, data=data,
                                         method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        context = None
        if self.url.startswith("https:"):
            context = ssl.create_default_context(cafile=str(self.tls_cert))
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            return json.loads(response.read().decode())

    def add_fault(self, fault):
        """One fault dict (or a list of them); see README "Fault injection"."""
        return self._control("POST", "faults", fault)

    def clear_faults(self):
        return self._control("DELETE", "faults")

    def faults(self):
        return self._control("GET", "faults")

    def state(self):
        return self._control("GET", "state")

    def set_state(self, state):
        return self._control("PUT", "state", state)

    def requests(self):
        """{"requests": [...], "counts": {action: n}, "accepted": {action: n}, "dropped": n}"""
        return self._control("GET", "requests")

    def clear_requests(self):
        return self._control("DELETE", "requests")


def make_self_signed_cert(directory, hostname="localhost"):
    """A throwaway self-signed certificate (also valid for 127.0.0.1) for HTTPS tests.

    Returns (cert_path, key_path); the key is written 0600. Needs the openssl CLI."""
    cert = os.path.join(str(directory), "emulator-cert.pem")
    key = os.path.join(str(directory), "emulator-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={hostname}",
                    "-addext", f"subjectAltName=DNS:{hostname},IP:127.0.0.1"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.chmod(key, 0o600)
    return cert, key
