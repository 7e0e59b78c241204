"""Real Redis and real Celery workers on loopback for the Celery integration's tests (and
bench/fleet.sh): each process started here is stopped by its PID, worker pool children too.

    with RedisServer() as broker, Worker(broker.url, env, "w1", concurrency=2) as worker:
        worker.wait_ready()
        ...

Waits are on conditions (a PING answered, a worker answering Celery's ping) with deadlines, never
plain sleeps.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Callable, Dict, List, Optional

import redis

DEADLINE = 60.0
POLL = 0.05


def wait_for(condition: Callable[[], object], what: str, deadline: float = DEADLINE) -> object:
    """condition()'s first true value; AssertionError naming `what` after `deadline` seconds."""
    end = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError("timed out after %g s waiting for %s" % (deadline, what))
        time.sleep(POLL)  # between two checks of the condition, not instead of one


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> List[int]:
    """The direct children of `pid` (Linux /proc), [] once it is gone."""
    found: List[int] = []
    try:
        for thread in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, thread)) as file:
                found += [int(child) for child in file.read().split()]
    except OSError:
        pass
    return found


def terminate(process: Optional[subprocess.Popen], deadline: float = 30) -> None:
    """SIGTERM a child process and wait for it; SIGKILL it after `deadline` seconds."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=deadline)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap_orphan(pid: int) -> None:
    """SIGKILL a process that is not our child (a pool process) and wait until it is gone."""
    _kill(pid)
    wait_for(lambda: not os.path.exists("/proc/%d" % pid) or _is_zombie(pid),
             "process %d to end" % pid, deadline=10)


def _is_zombie(pid: int) -> bool:
    try:
        with open("/proc/%d/stat" % pid) as file:
            return file.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


class RedisServer:
    """redis-server --bind 127.0.0.1 --port <free> --save '' --appendonly no."""

    def __init__(self, binary: str = "redis-server") -> None:
        self.binary = binary
        self.process: Optional[subprocess.Popen] = None
        self.port = 0
        self._dir = tempfile.TemporaryDirectory(prefix="celery-redis-")

    @property
    def url(self) -> str:
        return "redis://127.0.0.1:%d/0" % self.port

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10)

    def start(self) -> "RedisServer":
        self.port = free_port()
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", self._dir.name, "--loglevel", "warning"],
            stdout=subprocess.DEVNULL)
        client = self.client()

        def answers() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError("redis-server exited with %s" % self.process.returncode)
            try:
                return bool(client.ping())
            except redis.exceptions.ConnectionError:
                return False

        wait_for(answers, "redis-server on port %d" % self.port)
        return self

    def stop(self) -> None:
        terminate(self.process)

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
        self._dir.cleanup()


class Worker:
    """`python3 -m celery -A actionhost_celery worker` (prefork) with gossip, mingle and
    heartbeats off; its log in a file of its own."""

    def __init__(self, env: Dict[str, str], name: str, concurrency: int = 2,
                 extra_args: Optional[List[str]] = None) -> None:
        self.env = env
        self.name = name
        self.hostname = "%s@localhost" % name
        self.concurrency = concurrency
        self.extra_args = extra_args or []
        self.process: Optional[subprocess.Popen] = None
        self._dir = tempfile.TemporaryDirectory(prefix="celery-worker-")
        self.log_path = os.path.join(self._dir.name, "worker.log")
        self._pool: List[int] = []

    def start(self) -> "Worker":
        args = [sys.executable, "-m", "celery", "-A", "actionhost_celery", "worker",
                "--hostname", self.hostname, "--pool", "prefork",
                "--concurrency", str(self.concurrency), "--loglevel", "INFO",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--logfile", self.log_path] + self.extra_args
        self.process = subprocess.Popen(args, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, cwd=self._dir.name)
        return self

    def wait_ready(self, app) -> None:  # noqa: ANN001 - a celery.Celery
        def answers() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError("worker %s exited with %s:\n%s"
                                     % (self.name, self.process.returncode, self.log()))
            return bool(app.control.ping(destination=[self.hostname], timeout=0.5))

        wait_for(answers, "worker %s to answer a ping" % self.name)
        self._pool = children_of(self.process.pid)

    def pool_pids(self) -> List[int]:
        return children_of(self.process.pid) if self.process is not None else []

    def log(self) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as file:
                return file.read()
        except OSError:
            return ""

    def succeeded_tasks(self) -> int:
        return self.log().count(" succeeded in ")

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL after a deadline; pool processes by PID."""
        if self.process is None:
            return
        pool = set(self._pool) | set(self.pool_pids())
        terminate(self.process)
        for pid in pool:
            if os.path.exists("/proc/%d" % pid) and not _is_zombie(pid):
                _reap_orphan(pid)

    def kill(self) -> None:
        """SIGKILL the main process and every pool process: the node vanishes at once."""
        pool = set(self._pool) | set(self.pool_pids())
        if self.process is not None:
            self.process.kill()
            self.process.wait()
        for pid in pool:
            _reap_orphan(pid)

    def __enter__(self) -> "Worker":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
        self._dir.cleanup()
