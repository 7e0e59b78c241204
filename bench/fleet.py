#!/usr/bin/python3
"""Fleet throughput: `actionhost-fleet run` on Celery workers with N pool processes next to
`actionhost run --batch --parallel N`, both detaching the same disks (Precheck on, Wait false:
a read and a write each) from the same emulator state, alternated within each round, N = 1, 2, 4.
Prints each run with the load average, then medians with their range and Celery's overhead per
task (fleet minus batch at N = 1, divided by the disks). Redis, the worker and the emulator run
on 127.0.0.1 with free ports and are stopped by their PIDs.

Usage: bench/fleet.sh [--build DIR] [--repeat K] [--smoke]   (this file does the work)
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from typing import Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [os.path.join(ROOT, "tests", "integrations", "celery"),
                os.path.join(ROOT, "tests", "emulator"),
                os.path.join(ROOT, "integrations", "celery"),
                os.path.join(ROOT, "bindings", "python")]

from celery_cluster import RedisServer, Worker  # noqa: E402
from emulator_process import EmulatorProcess  # noqa: E402

from actionhost_celery.app import make_app  # noqa: E402
from actionhost_celery.settings import Settings  # noqa: E402

PUBLIC_KEY = "ucloudsomeone@example.com1296235120854146120"
PRIVATE_KEY = "46f09bb9fab4f12dfc160dae12273d5332b5debe"


def fleet_state(hosts: int, disks: int) -> Dict:
    instances = []
    for h in range(hosts):
        disk_set = [{"DiskId": "bsd-f%03d" % h, "IsBoot": "True", "Drive": "/dev/vda",
                     "Size": 100}]
        disk_set += [{"DiskId": "udisk-f%03d-%02d" % (h, d), "IsBoot": "False",
                      "Drive": "/dev/vd" + chr(ord("b") + d), "Size": 200} for d in range(disks)]
        instances.append({"UHostId": "uhost-f%03d" % h, "Region": "cn-wlcb",
                          "Zone": "cn-wlcb-01", "State": "Stopped", "DiskSet": disk_set})
    return {"KeyPairs": [{"PublicKey": PUBLIC_KEY, "PrivateKey": PRIVATE_KEY}],
            "Instances": instances, "Disks": []}


def check(out: str, disks: List[str]) -> None:
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == len(disks), "%d results for %d lines" % (len(results), len(disks))
    for want, result in zip(disks, results):
        assert result.get("status") == "detach_requested", result
        assert result["resource"]["udisk_id"] == want, (want, result["resource"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    hosts, disks, processes, repeat = 100, 10, [1, 2, 4], args.repeat
    if args.smoke:
        hosts, disks, processes, repeat = 4, 10, [1, 2], 1
    build = os.path.abspath(args.build)
    actionhost = os.path.join(build, "bin", "actionhost")
    emulator_bin = os.path.join(build, "bin", "compshare-emulator")
    plugin_dir = os.path.join(build, "lib", "actionhost", "plugins")
    state = fleet_state(hosts, disks)
    lines = [{"Region": "cn-wlcb", "UHostId": i["UHostId"], "UDiskId": d["DiskId"],
              "Wait": False} for i in state["Instances"] for d in i["DiskSet"]
             if d["IsBoot"] == "False"]
    wanted = [line["UDiskId"] for line in lines]
    total = len(lines)
    runs: Dict[str, List[float]] = {}
    loads: List[float] = []
    commands_per_task: List[float] = []

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
        batch = os.path.join(tmp, "batch.jsonl")
        with open(batch, "w") as file:
            file.writelines(json.dumps(line) + "\n" for line in lines)
        redis_server = stack.enter_context(RedisServer())
        emu = stack.enter_context(EmulatorProcess(emulator_bin, state=state))
        config = os.path.join(tmp, "config.json")
        with open(config, "w") as file:
            json.dump({"public_key": PUBLIC_KEY, "private_key": PRIVATE_KEY,
                       "base_url": emu.url, "region": "cn-wlcb"}, file)
        os.chmod(config, 0o600)
        app = make_app(Settings(broker_url=redis_server.url))
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMPSHARE_")}
        env.update(PYTHONPATH=os.pathsep.join(sys.path[2:4]), ACTIONHOST_PLUGIN_PATH=plugin_dir,
                   ACTIONHOST_CELERY_BROKER=redis_server.url,
                   COMPSHARE_PUBLIC_KEY=PUBLIC_KEY, COMPSHARE_PRIVATE_KEY=PRIVATE_KEY,
                   COMPSHARE_BASE_URL=emu.url, PYTHONDONTWRITEBYTECODE="1")

        def redis_commands() -> int:
            return int(redis_server.client().info("stats")["total_commands_processed"])

        def timed(argv: List[str]) -> float:
            emu.set_state(state)
            loads.append(os.getloadavg()[0])
            start = time.monotonic()
            done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=1800)
            elapsed = time.monotonic() - start
            assert done.returncode == 0, done.stderr[-2000:]
            check(done.stdout, wanted)
            return elapsed

        for round_number in range(1, repeat + 1):
            for n in processes:
                with Worker(env, "bench%d" % n, concurrency=n) as worker:
                    worker.wait_ready(app)
                    before = redis_commands()
                    fleet = timed([sys.executable, "-m", "actionhost_celery", "run",
                                   "compshare-disk.detach", "--batch", batch])
                    commands_per_task.append((redis_commands() - before) / total)
                batch_time = timed([actionhost, "run", "compshare-disk.detach", "--config",
                                    config, "--batch", batch, "--parallel", str(n)])
                for kind, seconds in (("fleet", fleet), ("batch", batch_time)):
                    runs.setdefault("%s %d" % (kind, n), []).append(seconds)
                    print("RESULT round %d N=%d %s: %d disks in %.2f s = %.0f disks/s (load %.1f)"
                          % (round_number, n, kind, total, seconds, total / seconds, loads[-1]),
                          flush=True)
        app.close()

    print("SUMMARY %d disks, %d rounds, load average (1 min) %.1f-%.1f"
          % (total, repeat, min(loads), max(loads)))
    print("| N | fleet disks/s (median, range) | batch disks/s (median, range) |")
    print("|---|---|---|")
    for n in processes:
        cells = []
        for kind in ("fleet", "batch"):
            rates = sorted(total / s for s in runs["%s %d" % (kind, n)])
            cells.append("%.0f (%.0f-%.0f)" % (statistics.median(rates), rates[0], rates[-1]))
        print("| %d | %s | %s |" % (n, cells[0], cells[1]))
    print("SUMMARY Redis commands per task (all clients, polling included): median %.1f (%.1f-%.1f)"
          % (statistics.median(commands_per_task), min(commands_per_task),
             max(commands_per_task)))
    overhead = (statistics.median(runs["fleet 1"]) - statistics.median(runs["batch 1"])) / total
    print("SUMMARY Celery's overhead per task at N=1: %.2f ms (fleet minus batch, medians)"
          % (overhead * 1000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
