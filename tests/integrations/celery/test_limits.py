"""The soft time limit cancels the invocation through the ABI; the per-Region rate limit holds
across workers."""

from datetime import datetime

import integration_support as support
from conftest import fleet_lines, parse_results


def test_soft_time_limit_cancels_the_invocation(make_cluster):
    cluster = make_cluster(state=support.fleet_state(1, 1))
    cluster.start_workers(1, concurrency=1, ACTIONHOST_CELERY_MAX_RETRIES="0")
    # The instance read would take 60 s (the plugin's own deadline is 30 s): only a cancel
    # through the ABI ends it after the soft limit of 1 s.
    cluster.emulator.add_fault({"action": "DescribeCompShareInstance", "mode": "delay",
                                "delay_ms": 60000})
    batch = cluster.write_batch(fleet_lines(1, 1, Wait=False))

    run = cluster.fleet("run", "compshare-disk.detach", "--batch", batch,
                        "--soft-time-limit", "1")

    assert run.returncode == 7, run.stderr[-3000:]
    (result,) = parse_results(run.stdout)
    assert result["error"]["type"] == "Timeout"
    assert cluster.emulator.requests()["counts"].get("DetachCompshareDisk", 0) == 0


def test_rate_limit_per_region_across_workers(make_cluster):
    cluster = make_cluster(state=support.fleet_state(2, 6))
    limit = 4  # invocations per second in cn-wlcb, for both workers together
    cluster.start_workers(2, concurrency=2,
                          ACTIONHOST_CELERY_RATE_LIMITS='{"cn-wlcb": %d}' % limit)
    lines = fleet_lines(2, 6, Wait=False)

    run = cluster.fleet("run", "compshare-disk.detach", "--batch", cluster.write_batch(lines))

    assert run.returncode == 0, run.stderr[-3000:]
    times = sorted(datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
                   for r in cluster.detach_records())
    assert len(times) == len(lines)
    # 12 invocations at 4 per second fill at least three one-second windows (counted from whole
    # seconds), so the first and the last are at least a second apart; unlimited, these 12
    # take about 0.2 s.
    windows = len(lines) // limit
    assert (times[-1] - times[0]).total_seconds() >= windows - 2
