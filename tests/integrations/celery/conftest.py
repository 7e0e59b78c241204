"""Fixtures of the Celery integration's tests: a Redis broker, the emulator and workers, all on
127.0.0.1 with ephemeral ports, each stopped by its PID when the test ends (also on failure).

CTest passes (besides tests/integrations' variables) ACTIONHOST_PYTHON_BINDING_DIR, and runs
these tests only outside sanitizer builds: an ASan-instrumented plugin cannot be loaded into the
uninstrumented interpreters of Celery's worker processes.
"""

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from typing import Any, Dict, Iterator, List, Optional

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/integrations: integration_support

import integration_support as support  # noqa: E402
from celery_cluster import RedisServer, Worker  # noqa: E402

CELERY_PACKAGE_DIR = os.path.join(support.INTEGRATIONS, "celery")
BINDING_DIR = os.environ["ACTIONHOST_PYTHON_BINDING_DIR"]
sys.path[:0] = [CELERY_PACKAGE_DIR, BINDING_DIR]

from actionhost_celery.app import make_app  # noqa: E402
from actionhost_celery.settings import Settings  # noqa: E402


class Cluster:
    """One Redis, one emulator, the workers started so far, and the fleet command."""

    def __init__(self, stack: ExitStack, tmp_path: str, state: Optional[dict],
                 emulator_args: List[str]) -> None:
        self._stack = stack
        self.tmp_path = tmp_path
        self.redis = stack.enter_context(RedisServer())
        self.emulator = stack.enter_context(
            support.emulator(state=state, extra_args=emulator_args))
        self.app = make_app(Settings(broker_url=self.redis.url))
        stack.callback(self.app.close)
        self.workers: List[Worker] = []
        self.plugin_config: Dict[str, Any] = {}

    def env(self, **extra: str) -> Dict[str, str]:
        """The environment of workers and of actionhost-fleet: credentials only here."""
        config_path = os.path.join(self.tmp_path, "plugins.json")
        with open(config_path, "w", encoding="utf-8") as file:
            json.dump({"compshare-disk": self.plugin_config}, file)
        os.chmod(config_path, 0o600)
        env = support.clean_env(
            PYTHONPATH=os.pathsep.join([CELERY_PACKAGE_DIR, BINDING_DIR]),
            ACTIONHOST_PLUGIN_PATH=support.PLUGIN_DIR,
            ACTIONHOST_CELERY_BROKER=self.redis.url,
            ACTIONHOST_CELERY_CONFIG=config_path,
            ACTIONHOST_CELERY_RETRY_BACKOFF="0.05",
            ACTIONHOST_CELERY_RETRY_BACKOFF_MAX="0.5",
            COMPSHARE_PUBLIC_KEY=support.PUBLIC_KEY,
            COMPSHARE_PRIVATE_KEY=support.PRIVATE_KEY,
            COMPSHARE_BASE_URL=self.emulator.url,
            PYTHONDONTWRITEBYTECODE="1")
        env.update(extra)
        return env

    def start_workers(self, count: int, concurrency: int = 2, **env: str) -> List[Worker]:
        started = []
        for _ in range(count):
            worker = Worker(self.env(**env), "w%d" % (len(self.workers) + 1), concurrency)
            self._stack.enter_context(worker)
            self.workers.append(worker)
            started.append(worker)
        for worker in started:
            worker.wait_ready(self.app)
        return started

    def fleet(self, *args: str, stdin: Optional[str] = None, env: Optional[Dict[str, str]] = None,
              timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "actionhost_celery", *args], input=stdin,
                              capture_output=True, text=True, env=env or self.env(),
                              timeout=timeout)

    def fleet_process(self, *args: str) -> subprocess.Popen:
        """actionhost-fleet running in the background (stopped by its PID at the end)."""
        process = subprocess.Popen([sys.executable, "-m", "actionhost_celery", *args],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env=self.env())

        def stop() -> None:
            if process.poll() is None:
                process.kill()
            process.communicate()
        self._stack.callback(stop)
        return process

    @staticmethod
    def finish(process: subprocess.Popen, timeout: float = 300) -> subprocess.CompletedProcess:
        """Waits for a fleet_process() and returns it as fleet() would."""
        stdout, stderr = process.communicate(timeout=timeout)
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    def write_batch(self, lines: List[Dict[str, Any]], name: str = "batch.jsonl") -> str:
        path = os.path.join(self.tmp_path, name)
        with open(path, "w", encoding="utf-8") as file:
            file.writelines(json.dumps(line) + "\n" for line in lines)
        return path

    def detach_records(self) -> List[Dict[str, Any]]:
        """The emulator's records of DetachCompshareDisk requests that it accepted."""
        return [r for r in self.emulator.requests()["requests"]
                if r["action"] == "DetachCompshareDisk" and r["ret_code"] == 0]


@pytest.fixture
def make_cluster(tmp_path) -> Iterator[Any]:
    with ExitStack() as stack:
        def make(state: Optional[dict] = None, emulator_args: Optional[List[str]] = None
                 ) -> Cluster:
            return Cluster(stack, str(tmp_path), state, emulator_args or [])
        yield make


def fleet_lines(hosts: int, disks: int, **params: Any) -> List[Dict[str, Any]]:
    """One detach per disk of support.fleet_state(hosts, disks), in host then disk order."""
    return [dict({"Region": "cn-wlcb", "UHostId": "uhost-fleet-%d" % h,
                  "UDiskId": "udisk-fleet-%d-%d" % (h, d)}, **params)
            for h in range(hosts) for d in range(disks)]


def parse_results(stdout: str) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def attached_disks(state: Dict[str, Any]) -> List[str]:
    return [disk["DiskId"] for instance in state["Instances"] for disk in instance["DiskSet"]
            if disk.get("IsBoot") != "True"]
