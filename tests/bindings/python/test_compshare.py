"""The real compshare-disk plugin through the binding, against the compshare-emulator program."""

import json
import threading

import pytest

import actionhost
from conftest import (DATA1, DATA3, PRIVATE_KEY, PUBLIC_KEY, RUNNING, STOPPED, SYSTEM, config_for,
                      make_emulator)


def detach_params(**extra):
    params = {"Region": "cn-wlcb", "UHostId": STOPPED, "UDiskId": DATA1,
              "PollIntervalSeconds": 0.1}
    params.update(extra)
    return params


def test_detach(compshare, emulator, records):
    with compshare.instance(config_for(emulator)) as instance:
        result = instance.invoke("detach", detach_params())
    assert result["ok"] is True
    assert result["status"] == "detached"
    assert result["changed"] is True
    assert emulator.requests()["accepted"]["DetachCompshareDisk"] == 1
    events = [r.event for r in records if r.name == "actionhost.compshare-disk"]
    assert events[:2] == ["precheck", "detach_sent"]
    sent = next(r for r in records if getattr(r, "event", None) == "detach_sent")
    assert sent.uhost_id == STOPPED and sent.udisk_id == DATA1 and sent.device == "/dev/vdb"


def test_dry_run_writes_nothing(compshare, emulator):
    with compshare.instance(config_for(emulator)) as instance:
        result = instance.invoke("detach", detach_params(DryRun=True))
    assert result["ok"] is True
    assert result["status"] == "would_detach"
    assert result["changed"] is False
    assert "DetachCompshareDisk" not in emulator.requests()["counts"]


@pytest.mark.parametrize("params, config_extra, fault, cls, error_type", [
    (detach_params(Wait="yes"), {}, None, actionhost.UsageError, "InvalidParameter"),
    (detach_params(), {"public_key": "", "private_key": ""}, None,
     actionhost.CredentialsError, "CredentialsMissing"),
    (detach_params(), {"private_key": "0" * 40}, None, actionhost.CredentialsError, "AuthFailed"),
    (detach_params(UHostId=RUNNING, UDiskId=DATA3), {}, None,
     actionhost.PreconditionError, "InstanceNotStopped"),
    (detach_params(UDiskId=SYSTEM), {}, None,
     actionhost.PreconditionError, "SystemDiskNotDetachable"),
    (detach_params(), {}, {"action": "DetachCompshareDisk", "mode": "ret_code", "ret_code": 8000,
                           "message": "refused"}, actionhost.RemoteError, "ApiError"),
    (detach_params(), {}, {"action": "*", "mode": "http_status", "status": 503, "times": 10},
     actionhost.TransientError, "Transient"),
])
def test_error_classes(compshare, params, config_extra, fault, cls, error_type):
    with make_emulator() as emu:
        if fault:
            emu.add_fault(fault)
        with compshare.instance(config_for(emu, **config_extra)) as instance:
            with pytest.raises(cls) as raised:
                instance.invoke("detach", params)
    assert type(raised.value) is cls
    assert raised.value.type == error_type
    assert raised.value.result["ok"] is False
    assert raised.value.retryable == raised.value.result["error"]["retryable"]


def test_wait_timeout_is_the_timeout_class(compshare):
    with make_emulator(detach_delay_ms=600000) as emu:
        with compshare.instance(config_for(emu)) as instance:
            with pytest.raises(actionhost.ActionTimeout) as raised:
                instance.invoke("detach", detach_params(WaitTimeoutSeconds=0.3))
    assert raised.value.type == "WaitTimeout"
    assert raised.value.retryable is True


def test_cancel_from_another_thread_while_waiting(compshare):
    polled = threading.Event()

    def on_log(level, event):
        if event.get("event") == "poll":
            polled.set()
    with make_emulator(detach_delay_ms=600000) as emu:
        with compshare.instance(config_for(emu), log=on_log) as instance:
            def cancel_when_polling():
                assert polled.wait(60)
                instance.cancel()
            canceller = threading.Thread(target=cancel_when_polling)
            canceller.start()
            with pytest.raises(actionhost.Cancelled) as raised:
                instance.invoke("detach", detach_params(WaitTimeoutSeconds=3600))
            canceller.join()
    assert raised.value.result["error"]["type"] == "Cancelled"
    assert raised.value.result["detach_sent"] is True


def test_timeout_while_waiting(compshare):
    with make_emulator(detach_delay_ms=600000) as emu:
        with compshare.instance(config_for(emu)) as instance:
            with pytest.raises(actionhost.ActionTimeout) as raised:
                # 2 s: room for the precheck and the detach on a loaded machine before the timeout.
                instance.invoke("detach", detach_params(WaitTimeoutSeconds=3600), timeout=2)
    assert raised.value.type == "Timeout"
    assert raised.value.result["detach_sent"] is True


def fleet_state(count):
    """`count` stopped instances with one data disk each."""
    return {
        "KeyPairs": [{"PublicKey": PUBLIC_KEY, "PrivateKey": PRIVATE_KEY}],
        "Instances": [
            {"UHostId": "uhost-%d" % n, "Region": "cn-wlcb", "Zone": "cn-wlcb-01",
             "Name": "n%d" % n, "State": "Stopped",
             "DiskSet": [{"DiskId": "bsd-%d" % n, "DiskType": "CLOUD_SSD", "IsBoot": "True",
                          "Drive": "/dev/vda", "Size": 40},
                         {"DiskId": "udisk-%d" % n, "DiskType": "CLOUD_SSD", "IsBoot": "False",
                          "Drive": "/dev/vdb", "Size": 100}]}
            for n in range(count)],
    }


def test_sixteen_threads_each_with_its_own_instance(compshare):
    count = 16
    results = [None] * count
    start = threading.Barrier(count)

    def worker(n, emu):
        with compshare.instance(config_for(emu)) as instance:
            start.wait()
            results[n] = instance.invoke("detach", detach_params(UHostId="uhost-%d" % n,
                                                                  UDiskId="udisk-%d" % n))
    with make_emulator(state=fleet_state(count)) as emu:
        threads = [threading.Thread(target=worker, args=(n, emu)) for n in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert emu.requests()["accepted"]["DetachCompshareDisk"] == count
    assert [r["status"] for r in results] == ["detached"] * count
    assert sorted(r["resource"]["udisk_id"] for r in results) == sorted(
        "udisk-%d" % n for n in range(count))


def test_no_secret_in_exceptions_or_log_records(compshare, records):
    seen = []
    with make_emulator() as emu:
        # A wrong key pair (AuthFailed), an unknown config key, a credential in the params.
        wrong = "f" * 40
        with compshare.instance(config_for(emu, private_key=wrong)) as instance:
            with pytest.raises(actionhost.CredentialsError) as raised:
                instance.invoke("detach", detach_params())
            seen.append(raised.value)
            with pytest.raises(actionhost.UsageError) as raised:
                instance.invoke("detach", detach_params(PrivateKey=wrong))
            seen.append(raised.value)
        with pytest.raises(actionhost.InstanceCreateFailed) as raised:
            compshare.instance(config_for(emu, unknown_key=PRIVATE_KEY))
        seen.append(raised.value)
        with compshare.instance(config_for(emu)) as instance:
            instance.invoke("detach", detach_params())
    assert records  # the detach logged its events
    for secret in (PRIVATE_KEY, wrong):
        for error in seen:
            assert secret not in str(error) and secret not in repr(error)
            assert secret not in json.dumps(getattr(error, "result", {}))
        for record in records:
            assert secret not in record.getMessage()
            assert secret not in json.dumps(record.__dict__, default=str)
