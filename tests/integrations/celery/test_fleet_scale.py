"""1,000 disks over 2 workers x concurrency 2: every disk detached, each detach accepted exactly
once, both workers did work, results in input order."""

from collections import Counter

import integration_support as support
from actionhost_celery import fleet_record
from conftest import attached_disks, fleet_lines, parse_results

HOSTS, DISKS = 100, 10


def test_thousand_disks_over_two_workers(make_cluster):
    cluster = make_cluster(state=support.fleet_state(HOSTS, DISKS))
    workers = cluster.start_workers(2, concurrency=2)
    lines = fleet_lines(HOSTS, DISKS, Wait=False)
    batch = cluster.write_batch(lines)

    run = cluster.fleet("run", "compshare-disk.detach", "--batch", batch)

    assert run.returncode == 0, run.stderr[-3000:]
    results = parse_results(run.stdout)
    assert [r["line"] for r in results] == list(range(1, len(lines) + 1))
    assert [r["resource"]["udisk_id"] for r in results] == [line["UDiskId"] for line in lines]
    assert {r["status"] for r in results} == {"detach_requested"}
    # The task id travels as ClientToken.
    (key,) = cluster.redis.client().keys("actionhost-fleet:*")
    record = fleet_record.load(cluster.app, key.decode().split(":", 1)[1])
    assert [r["client_token"] for r in results] == record.task_ids
    assert len(set(record.task_ids)) == len(lines)
    assert "batch: 1000 lines: 1000 ok (detach_requested 1000), 0 failed; exit 0" in run.stderr

    assert attached_disks(cluster.emulator.state()) == []
    accepted = Counter(r["params"]["UDiskId"] for r in cluster.detach_records())
    assert accepted == Counter(line["UDiskId"] for line in lines)  # each exactly once
    assert cluster.emulator.requests()["counts"]["DetachCompshareDisk"] == len(lines)  # no resend
    done = [worker.succeeded_tasks() for worker in workers]
    assert sum(done) == len(lines) and min(done) > 0, done
