#!/usr/bin/env python3
"""Warm, in-process cost of one detach through the Python binding, against a server on loopback.

The same one-call path as bench_warm's (b) (Precheck false, Wait false, one API call), timed per
call with time.perf_counter_ns, in modes that alternate in rounds (order rotated each round):

  ctypes   the ABI called by hand through ctypes, as a careful host would: prebuilt arguments,
           the result copied with string_at, no JSON, no log callback (the floor of any ctypes
           host; bench_warm's host takes no log events either);
  thread   instance.invoke(dict) from a non-main thread, log=False: the binding calls the
           plugin directly, with the JSON work (params out, result in) a dict API implies;
  bytes    the same with the params as prebuilt bytes (no json.dumps);
  text     instance.invoke_text(bytes) from a non-main thread, log=False: no JSON work at all;
  logged   the same as thread with a log callable: the plugin's detach_sent event crosses into
           Python (ctypes callback, json.loads of the event);
  main     instance.invoke(dict) from the main thread, log=False: the call runs on the
           instance's call thread so that Ctrl-C can cancel it (instance.py explains why).

Usage: python_warm.py --plugin LIB --url URL [--rounds N] [--calls N] [--smoke]
Prints a table and one RESULT line (medians and p99 in microseconds). Exit 1 on a wrong answer.
"""

import argparse
import ctypes
import json
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings",
                                "python"))
import actionhost  # noqa: E402
from actionhost import _abi  # noqa: E402

PUBLIC_KEY = "ucloudsomeone@example.com1296235120854146120"
PRIVATE_KEY = "46f09bb9fab4f12dfc160dae12273d5332b5debe"
PARAMS = {"Region": "cn-wlcb", "UHostId": "uhost-emu-stopped", "UDiskId": "udisk-emu-data1",
          "Device": "/dev/vdb", "Precheck": False, "Wait": False}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(call, count):
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - start) / 1000.0)
    return samples


def in_thread(function):
    """Runs function() on a new thread and returns what it returned."""
    out = []
    thread = threading.Thread(target=lambda: out.append(function()))
    thread.start()
    thread.join()
    return out[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.rounds, args.calls = 1, 5
    config = {"public_key": PUBLIC_KEY, "private_key": PRIVATE_KEY, "base_url": args.url,
              "region": "cn-wlcb"}
    plugin = actionhost.load(args.plugin)
    instance = plugin.instance(config, log=False)
    logged = plugin.instance(config, log=lambda level, event: None)
    raw_params = json.dumps(PARAMS, separators=(",", ":")).encode()

    # The hand-made ctypes host: its own instance, no log callback, arguments built once.
    lib = plugin._lib
    handle = ctypes.c_void_p()
    if lib.ah_plugin_create(None, json.dumps(config).encode(), ctypes.byref(handle)) != 0:
        sys.exit("ah_plugin_create failed")
    result, length = ctypes.c_void_p(), ctypes.c_size_t()
    invoke, result_ref, length_ref = lib.ah_plugin_invoke, ctypes.byref(result), ctypes.byref(length)

    def by_hand():
        status = invoke(handle, b"detach", raw_params, len(raw_params), result_ref, length_ref)
        ctypes.string_at(result.value, length.value)
        return status

    # Every path checked once: a wrong answer must not pass as a fast one.
    if by_hand() != 0:
        sys.exit("ctypes: unexpected status")
    for check in (lambda: instance.invoke("detach", PARAMS),
                  lambda: logged.invoke("detach", PARAMS),
                  lambda: in_thread(lambda: instance.invoke("detach", raw_params)),
                  lambda: json.loads(instance.invoke_text("detach", raw_params))):
        if check().get("status") != "detach_requested":
            sys.exit("binding: unexpected result")

    samples = {"ctypes": [], "thread": [], "bytes": [], "text": [], "logged": [], "main": []}
    modes = [
        ("ctypes", lambda: timed(by_hand, args.calls)),
        ("thread", lambda: in_thread(lambda: timed(
            lambda: instance.invoke("detach", PARAMS), args.calls))),
        ("main", lambda: timed(lambda: instance.invoke("detach", PARAMS), args.calls)),
        ("bytes", lambda: in_thread(lambda: timed(
            lambda: instance.invoke("detach", raw_params), args.calls))),
        ("text", lambda: in_thread(lambda: timed(
            lambda: instance.invoke_text("detach", raw_params), args.calls))),
        ("logged", lambda: in_thread(lambda: timed(
            lambda: logged.invoke("detach", PARAMS), args.calls))),
    ]
    for round_number in range(args.rounds):
        for k in range(len(modes)):
            name, run = modes[(round_number + k) % len(modes)]
            samples[name].extend(run())
    instance.close()
    logged.close()
    lib.ah_plugin_destroy(handle)

    print("== python binding (%s) - %d rounds, per-call microseconds ==" % (args.url, args.rounds))
    print("%-44s %7s %9s %9s" % ("path", "calls", "median", "p99"))
    labels = {"ctypes": "ctypes by hand (no JSON)", "thread": "invoke(dict), other thread (direct)",
              "bytes": "invoke(bytes), other thread (direct)",
              "text": "invoke_text(bytes), other thread (direct)",
              "logged": "invoke(dict), other thread, log callable",
              "main": "invoke(dict), main thread (call thread)"}
    medians = {}
    for name, values in samples.items():
        medians[name] = statistics.median(values)
        print("%-44s %7d %9.1f %9.1f" % (labels[name], len(values), medians[name],
                                         percentile(values, 0.99)))
    print("RESULT python " + " ".join("%s_median=%.1f %s_p99=%.1f" % (
        name, medians[name], name, percentile(values, 0.99)) for name, values in samples.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
