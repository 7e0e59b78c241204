"""Workers killed with SIGKILL in the middle of detaches: every disk still ends detached, no
detach is accepted twice, no result is lost.

The first four detaches are accepted by the emulator and then answered only after a delay, so
that when the kill comes every pool process is inside a detach whose request already changed the
state. The redelivered task finds the disk gone in its precheck (`already_detached`)."""

import os
import signal
from collections import Counter

import integration_support as support
from celery_cluster import wait_for
from conftest import attached_disks, fleet_lines, parse_results

HOSTS, DISKS = 10, 10
SLOTS = 4  # 2 workers x concurrency 2
HELD_MS = 3000  # long enough for the kill to land while every slot waits


def _hold_first_detaches(cluster):
    cluster.emulator.add_fault({"action": "DetachCompshareDisk", "mode": "delay",
                                "delay_ms": HELD_MS, "times": SLOTS, "apply": "after"})


def _wait_until_every_slot_is_mid_detach(cluster, total_disks):
    wait_for(lambda: total_disks - len(attached_disks(cluster.emulator.state())) >= SLOTS,
             "%d detaches accepted and held" % SLOTS)


def _check_outcome(cluster, run, lines):
    assert run.returncode == 0, run.stderr[-3000:]
    results = parse_results(run.stdout)
    assert [r["line"] for r in results] == list(range(1, len(lines) + 1))
    assert [r["resource"]["udisk_id"] for r in results] == [line["UDiskId"] for line in lines]
    statuses = Counter(r["status"] for r in results)
    assert set(statuses) <= {"detach_requested", "already_detached"}, statuses
    assert attached_disks(cluster.emulator.state()) == []
    accepted = Counter(r["params"]["UDiskId"] for r in cluster.detach_records())
    assert accepted == Counter(line["UDiskId"] for line in lines)  # each exactly once
    return statuses


def test_pool_process_killed_mid_detach(make_cluster):
    cluster = make_cluster(state=support.fleet_state(HOSTS, DISKS))
    first, _ = cluster.start_workers(2, concurrency=2)
    lines = fleet_lines(HOSTS, DISKS, Wait=False)
    _hold_first_detaches(cluster)
    fleet = cluster.fleet_process("run", "compshare-disk.detach",
                                  "--batch", cluster.write_batch(lines))
    _wait_until_every_slot_is_mid_detach(cluster, len(lines))

    victim = first.pool_pids()[0]
    os.kill(victim, signal.SIGKILL)  # reject_on_worker_lost: its task goes back to the queue
    run = cluster.finish(fleet)

    statuses = _check_outcome(cluster, run, lines)
    assert statuses["already_detached"] >= 1, statuses  # the killed task, delivered again
    assert "WorkerLostError" in first.log(), first.log()[-3000:]


def test_whole_worker_killed_mid_detach(make_cluster):
    cluster = make_cluster(state=support.fleet_state(HOSTS, DISKS))
    # A node that vanishes entirely cannot reject its tasks: Redis hands them out again after
    # the visibility timeout (short here), to the worker that is left.
    first, second = cluster.start_workers(2, concurrency=2,
                                          ACTIONHOST_CELERY_VISIBILITY_TIMEOUT="5")
    lines = fleet_lines(HOSTS, DISKS, Wait=False)
    _hold_first_detaches(cluster)
    fleet = cluster.fleet_process("run", "compshare-disk.detach",
                                  "--batch", cluster.write_batch(lines))
    _wait_until_every_slot_is_mid_detach(cluster, len(lines))

    first.kill()  # the main process and its pool processes, each by PID
    run = cluster.finish(fleet)

    statuses = _check_outcome(cluster, run, lines)
    assert statuses["already_detached"] >= 1, statuses
    assert second.succeeded_tasks() > 0
