"""Retries: HTTP 503 storms and slow replies are retried by the plugin, then by Celery, and never
lead to a second accepted detach; a non-retryable failure ends the task in FAILURE at once."""

import json
from collections import Counter

import integration_support as support
from actionhost_celery import fleet_record
from celery_cluster import wait_for
from conftest import attached_disks, fleet_lines, parse_results

HOSTS, DISKS = 2, 5


def _assert_all_detached_once(cluster, run, lines):
    assert run.returncode == 0, run.stderr[-3000:]
    results = parse_results(run.stdout)
    assert [r["resource"]["udisk_id"] for r in results] == [line["UDiskId"] for line in lines]
    assert all(r["ok"] for r in results)
    assert attached_disks(cluster.emulator.state()) == []
    # A delayed request is logged once its answer went out, after the client gave up on it.
    wanted = Counter(line["UDiskId"] for line in lines)
    accepted = wait_for(lambda: _accepted_if_all_logged(cluster, wanted), "delayed requests")
    assert accepted == wanted


def _accepted_if_all_logged(cluster, wanted):
    accepted = Counter(r["params"]["UDiskId"] for r in cluster.detach_records())
    return accepted if set(accepted) >= set(wanted) else None


def _celery_retries(cluster):
    return sum(worker.log().count(" retry: Retry in ") for worker in cluster.workers)


def test_503_storm_is_retried_by_the_plugin_then_by_celery(make_cluster):
    cluster = make_cluster(state=support.fleet_state(HOSTS, DISKS))
    cluster.plugin_config = {"max_retries": 1}  # the plugin gives up after 2 tries
    cluster.start_workers(2, concurrency=2)
    lines = fleet_lines(HOSTS, DISKS, Wait=False)
    cluster.emulator.add_fault([
        {"action": "DetachCompshareDisk", "mode": "http_status", "status": 503, "times": 12},
        {"action": "DescribeCompShareInstance", "mode": "http_status", "status": 503,
         "times": 6}])

    run = cluster.fleet("run", "compshare-disk.detach", "--batch", cluster.write_batch(lines))

    _assert_all_detached_once(cluster, run, lines)
    assert cluster.emulator.faults()["faults"] == []  # every injected 503 was met
    assert _celery_retries(cluster) > 0  # 18 refusals, 2 tries per invocation: Celery retried


def test_slow_replies_after_the_detach_was_accepted(make_cluster):
    cluster = make_cluster(state=support.fleet_state(HOSTS, DISKS))
    cluster.plugin_config = {"max_retries": 1, "timeout_seconds": 0.5}
    cluster.start_workers(2, concurrency=2)
    lines = fleet_lines(HOSTS, DISKS, Wait=False)
    # Processed, then answered after the client's deadline: "the answer was lost".
    cluster.emulator.add_fault({"action": "DetachCompshareDisk", "mode": "delay",
                                "delay_ms": 1500, "times": 6, "apply": "after"})

    run = cluster.fleet("run", "compshare-disk.detach", "--batch", cluster.write_batch(lines))

    _assert_all_detached_once(cluster, run, lines)


def test_running_instance_fails_without_retry(make_cluster):
    cluster = make_cluster()  # the emulator's default state: uhost-emu-running is Running
    cluster.start_workers(1, concurrency=1)
    batch = cluster.write_batch([{"Region": "cn-wlcb", "UHostId": support.RUNNING_HOST,
                                  "UDiskId": support.RUNNING_DISK}])

    submitted = cluster.fleet("run", "compshare-disk.detach", "--batch", batch, "--no-wait")
    assert submitted.returncode == 0, submitted.stderr
    group_id = submitted.stdout.strip()
    run = cluster.fleet("collect", group_id)

    assert run.returncode == 4, run.stderr  # class precondition
    (result,) = parse_results(run.stdout)
    assert result["line"] == 1 and result["ok"] is False
    assert result["error"]["type"] == "InstanceNotStopped"
    assert "1 failed (InstanceNotStopped 1); exit 4" in run.stderr
    (task_id,) = fleet_record.load(cluster.app, group_id).task_ids
    task = cluster.app.AsyncResult(task_id)
    assert task.state == "FAILURE"
    assert task.result.result["error"]["type"] == "InstanceNotStopped"
    assert task.result.exit_code == 4
    assert _celery_retries(cluster) == 0
    assert cluster.emulator.requests()["counts"].get("DetachCompshareDisk", 0) == 0
    assert json.dumps(result).count("InstanceNotStopped") >= 1
