"""Whole-process behaviour: Ctrl-C during an invoke, memory over 5,000 invokes, the offline pip
install."""

import gc
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import tracemalloc

import pytest

import actionhost

BINDING_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "bindings", "python")

CHILD = textwrap.dedent("""
    import sys
    import actionhost

    plugin = actionhost.load(sys.argv[1])

    def on_log(level, event):
        if event.get("event") == "blocking":
            print("blocking", flush=True)

    with plugin.instance(log=on_log) as instance:
        try:
            instance.invoke("block", {"seconds": 3600})
        except KeyboardInterrupt:
            # Raised once the plugin returned: the instance is idle and still works.
            print("interrupted", instance.invoke("echo")["ok"], flush=True)
            sys.exit(3)
    sys.exit(0)
""")


def test_ctrl_c_cancels_the_invoke_then_raises_keyboard_interrupt(echo):
    child = subprocess.Popen([sys.executable, "-c", CHILD, echo.path], stdout=subprocess.PIPE,
                             text=True, env=dict(os.environ))
    try:
        assert child.stdout.readline() == "blocking\n"  # the plugin is inside its wait
        child.send_signal(signal.SIGINT)
        assert child.stdout.readline() == "interrupted True\n"
        assert child.wait(timeout=60) == 3
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()


def rss_kib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def run_invokes(instance, count):
    for n in range(count):
        if n % 2:
            instance.invoke("block", {"seconds": 0})  # one log event each
        else:
            try:
                instance.invoke("fail", {"type": "EchoHiccup"})
            except actionhost.TransientError:
                pass


@pytest.mark.parametrize("where", ["main thread", "other thread"])
def test_five_thousand_invokes_keep_memory_flat(echo, where):
    events = [0]

    def count(level, event):
        events[0] += 1
    with echo.instance(log=count) as instance:
        def body():
            run_invokes(instance, 500)  # warm-up: caches, the call thread, free lists
            gc.collect()
            tracemalloc.start()
            before_traced = tracemalloc.take_snapshot()
            before_rss = rss_kib()
            run_invokes(instance, 5000)
            gc.collect()
            after_traced = tracemalloc.take_snapshot()
            after_rss = rss_kib()
            tracemalloc.stop()
            growth = sum(stat.size_diff for stat in
                         after_traced.compare_to(before_traced, "filename"))
            outcome.append((growth, after_rss - before_rss))
        outcome = []
        if where == "main thread":
            body()
        else:
            thread = threading.Thread(target=body)
            thread.start()
            thread.join()
    growth, rss_growth = outcome[0]
    assert events[0] == 2750, "every log event arrived (one per block)"
    assert growth < 64 * 1024, "Python heap grew by %d bytes over 5,000 invokes" % growth
    if not os.environ.get("ACTIONHOST_TEST_SANITIZED"):  # ASan's quarantine holds freed memory
        assert rss_growth < 4 * 1024, "RSS grew by %d KiB over 5,000 invokes" % rss_growth


def test_pip_installs_offline(tmp_path):
    """pip install --no-build-isolation with Debian's setuptools, into a --target folder."""
    source = tmp_path / "source"
    shutil.copytree(BINDING_DIR, source)  # setuptools writes build/ and *.egg-info beside it
    target = tmp_path / "site"
    subprocess.run(["/usr/bin/python3", "-m", "pip", "install", "--quiet", "--no-index",
                    "--no-build-isolation", "--no-deps", "--target", str(target), str(source)],
                   check=True, env=dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"))
    assert (target / "actionhost" / "py.typed").is_file()
    found = subprocess.run(["/usr/bin/python3", "-c",
                            "import actionhost, sys; print(actionhost.__file__); "
                            "print(actionhost.load.__module__)"],
                           check=True, capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=str(target))).stdout.split()
    assert found[0] == str(target / "actionhost" / "__init__.py")
    assert found[1] == "actionhost.plugin"
