"""Redis unreachable at submit and in the middle of a run: a clear error, exit 6, and nothing
reported as done that was not."""

import integration_support as support
from celery_cluster import free_port, wait_for
from conftest import attached_disks, fleet_lines, parse_results

HOSTS, DISKS = 4, 10


def test_broker_unreachable_at_submit(make_cluster):
    cluster = make_cluster(state=support.fleet_state(1, 2))
    nowhere = "redis://127.0.0.1:%d/0" % free_port()  # nothing listens there
    batch = cluster.write_batch(fleet_lines(1, 2, Wait=False))

    run = cluster.fleet("run", "compshare-disk.detach", "--batch", batch,
                        env=cluster.env(ACTIONHOST_CELERY_BROKER=nowhere), timeout=120)

    assert run.returncode == 6, run.stderr
    (result,) = parse_results(run.stdout)
    assert result["ok"] is False and result["error"]["type"] == "BrokerUnavailable"
    assert "is unreachable" in run.stderr and "nothing was submitted" in run.stderr
    assert nowhere in run.stderr
    assert len(attached_disks(cluster.emulator.state())) == 2


def test_broker_lost_mid_run(make_cluster):
    cluster = make_cluster(state=support.fleet_state(HOSTS, DISKS))
    workers = cluster.start_workers(1, concurrency=2)
    lines = fleet_lines(HOSTS, DISKS, Wait=False)
    cluster.emulator.add_fault({"action": "DetachCompshareDisk", "mode": "delay",
                                "delay_ms": 1000, "times": 2, "apply": "after"})
    fleet = cluster.fleet_process("run", "compshare-disk.detach",
                                  "--batch", cluster.write_batch(lines))
    client = cluster.redis.client()
    wait_for(lambda: client.keys("celery-taskset-meta-*"), "the whole batch submitted")
    wait_for(lambda: len(attached_disks(cluster.emulator.state())) <= len(lines) - 2,
             "two detaches accepted and held")

    cluster.redis.stop()  # by its PID, while both pool processes are inside a detach
    run = cluster.finish(fleet)
    for worker in workers:
        worker.kill()  # they would retry the broker for ever; nothing more to learn from them

    assert run.returncode == 6, run.stderr[-3000:]
    assert "became unreachable" in run.stderr and "collect" in run.stderr
    results = parse_results(run.stdout)
    assert [r["line"] for r in results] == list(range(1, len(lines) + 1))
    unknown = [r for r in results if not r["ok"]]
    assert unknown and {r["error"]["type"] for r in unknown} == {"ResultUnknown"}
    still_attached = set(attached_disks(cluster.emulator.state()))
    for line, result in zip(lines, results):
        if result["ok"]:  # reported done: really done
            assert line["UDiskId"] not in still_attached
