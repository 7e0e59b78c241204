"""actionhost-fleet reads its batch as `actionhost run --batch` does: blank lines skipped and
said, bad lines refused with their line number and never sent, the worst exit code; and it names
what is wrong with its own arguments; on a terminal it shows a progress bar."""

import os
import pty
import select
import subprocess
import sys

import integration_support as support
from conftest import fleet_lines, parse_results


def test_blank_and_bad_lines_keep_their_numbers(make_cluster):
    cluster = make_cluster()
    path = cluster.tmp_path + "/mixed.jsonl"
    with open(path, "wb") as file:
        file.write(b'\n["not", "an object"]\n  \n{"UHostId": "a", "UHostId": "b"}\n'
                   b'{"UDiskId": NaN}\n\xff\xfe\n')

    run = cluster.fleet("run", "compshare-disk.detach", "--batch", path)

    assert run.returncode == 2, run.stderr
    results = parse_results(run.stdout)
    assert [r["line"] for r in results] == [2, 4, 5, 6]
    assert {r["error"]["type"] for r in results} == {"InvalidParameter"}
    messages = [r["error"]["message"] for r in results]
    assert messages[0].endswith("line 2: not a JSON object")
    assert 'member "UHostId" is named twice' in messages[1]
    assert "NaN is not JSON" in messages[2]
    assert "not valid UTF-8 (byte 1)" in messages[3]
    assert "line 1 is blank; skipped" in run.stderr and "line 3 is blank; skipped" in run.stderr
    assert "batch: 4 lines: 0 ok, 4 failed (InvalidParameter 4); exit 2" in run.stderr


def test_usage_errors_name_the_problem(make_cluster):
    cluster = make_cluster()
    missing = cluster.fleet("run", "compshare-disk.detach", "--batch", "/nonexistent.jsonl")
    assert missing.returncode == 2
    assert "batch file /nonexistent.jsonl: cannot be read" in missing.stderr

    no_action = cluster.fleet("run", "compshare-disk", "--batch", "-", stdin="{}\n")
    assert no_action.returncode == 2
    assert 'the target "compshare-disk" is not PLUGIN.ACTION' in no_action.stderr

    unknown = cluster.fleet("collect", "no-such-id")
    assert unknown.returncode == 2
    assert 'no fleet run "no-such-id"' in unknown.stderr

    bad_env = cluster.fleet("collect", "x", env=cluster.env(ACTIONHOST_CELERY_MAX_RETRIES="-1"))
    assert bad_env.returncode == 2
    assert "ACTIONHOST_CELERY_MAX_RETRIES='-1' must be at least 0" in bad_env.stderr


def test_progress_bar_on_a_terminal(make_cluster):
    cluster = make_cluster(state=support.fleet_state(1, 3))
    cluster.start_workers(1, concurrency=1)
    batch = cluster.write_batch(fleet_lines(1, 3, Wait=False))
    leader, follower = pty.openpty()  # stderr is a terminal, as for a person
    try:
        process = subprocess.Popen([sys.executable, "-m", "actionhost_celery", "run",
                                    "compshare-disk.detach", "--batch", batch],
                                   stdout=subprocess.PIPE, stderr=follower, env=cluster.env())
        os.close(follower)
        follower = -1
        terminal = b""
        while True:
            readable, _, _ = select.select([leader], [], [], 120)
            if not readable:
                process.kill()
                raise AssertionError("actionhost-fleet wrote nothing for 120 s: %r" % terminal)
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the terminal's last writer is gone
                break
            if not chunk:
                break
            terminal += chunk
        stdout, _ = process.communicate(timeout=120)
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    assert process.returncode == 0, terminal
    assert len(parse_results(stdout.decode())) == 3
    assert b"\r[" + b"#" * 30 + b"] 3/3 done" in terminal
