"""Invocations against test-echo: results, every error class, cancel, timeout, one invocation
at a time, log events and callbacks that raise; and test-bad-status, whose status is outside the
enum."""

import json
import logging
import os
import threading

import pytest

import actionhost
from actionhost import _abi


@pytest.mark.parametrize("error_type, cls", [
    ("InvalidParameter", actionhost.UsageError),
    ("EchoNoCredentials", actionhost.CredentialsError),
    ("EchoNotReady", actionhost.PreconditionError),
    ("EchoRefused", actionhost.RemoteError),
    ("EchoHiccup", actionhost.TransientError),
    ("EchoTooSlow", actionhost.ActionTimeout),
    ("Cancelled", actionhost.Cancelled),
    ("InternalError", actionhost.ActionError),
    ("NotDeclaredAnywhere", actionhost.ActionError),
])
def test_every_error_class(echo, error_type, cls):
    with echo.instance() as instance:
        with pytest.raises(cls) as raised:
            instance.invoke("fail", {"type": error_type, "retryable": True})
    error = raised.value
    assert type(error) is cls  # internal and undeclared: ActionError itself, not a subclass
    assert error.type == error_type
    assert error.retryable is True
    assert error.result["ok"] is False
    assert error.result["error"]["type"] == error_type
    assert error.status == _abi.AH_ERROR
    assert error.error_class == (echo.errors[error_type]["class"]
                                 if error_type in echo.errors else "internal")


def test_result_is_a_dict_and_params_may_be_text(echo):
    with echo.instance({"greeting": "hello"}) as instance:
        assert instance.invoke("echo", {"n": 1}) == {"ok": True, "params": {"n": 1},
                                                     "greeting": "hello"}
        assert instance.invoke("echo", '{"s": "x"}')["params"] == {"s": "x"}
        assert instance.invoke("echo", b'{"b": []}')["params"] == {"b": []}
        assert instance.invoke("echo")["params"] == {}


def test_unknown_action_and_malformed_params(echo):
    with echo.instance() as instance:
        with pytest.raises(actionhost.ActionError) as raised:
            instance.invoke("no-such-action")
        assert raised.value.status == _abi.AH_UNKNOWN_ACTION
        with pytest.raises(actionhost.UsageError) as raised:
            instance.invoke("echo", "{not json")
        assert raised.value.status == _abi.AH_INVALID_ARGUMENT


def test_thrown_exception_is_internal(echo):
    with echo.instance() as instance:
        with pytest.raises(actionhost.ActionError) as raised:
            instance.invoke("throw")
    assert raised.value.type == "InternalError"
    assert raised.value.error_class == "internal"


@pytest.mark.parametrize("method", ["invoke", "invoke_text"])
def test_a_status_outside_the_enum_is_internal(method):
    # test-bad-status returns 77 with a result claiming success: neither may be believed.
    plugin = actionhost.Plugin(os.environ["ACTIONHOST_TEST_BAD_STATUS"])
    with plugin.instance() as instance:
        with pytest.raises(actionhost.ActionError) as raised:
            getattr(instance, method)("bad_status")
    error = raised.value
    assert (error.type, error.error_class, error.status, error.retryable) == (
        "InternalError", "internal", 77, False)
    assert 'returned status 77 for action "bad_status", which is not an ah_status value' in (
        error.message)
    assert error.result["ok"] is False


class Blocking:
    """A log function that says when the plugin has started blocking."""

    def __init__(self):
        self.started = threading.Event()
        self.events = []

    def __call__(self, level, event):
        self.events.append((level, event))
        if event.get("event") == "blocking":
            self.started.set()


def test_cancel_from_another_thread_mid_wait(echo):
    blocking = Blocking()
    with echo.instance(log=blocking) as instance:
        def cancel_once_blocking():
            assert blocking.started.wait(60)
            instance.cancel()
        canceller = threading.Thread(target=cancel_once_blocking)
        canceller.start()
        with pytest.raises(actionhost.Cancelled) as raised:
            instance.invoke("block", {"seconds": 3600})
        canceller.join()
        assert raised.value.status == _abi.AH_CANCELLED
        assert raised.value.type == "Cancelled"
        # The cancel was consumed: the instance works on.
        assert instance.invoke("echo")["ok"] is True


def test_timeout_cancels_through_the_abi(echo):
    blocking = Blocking()
    with echo.instance(log=blocking) as instance:
        with pytest.raises(actionhost.ActionTimeout) as raised:
            instance.invoke("block", {"seconds": 3600}, timeout=0.05)
        assert blocking.started.is_set()  # it did run, and was stopped
        assert raised.value.type == "Timeout"
        assert raised.value.status == _abi.AH_CANCELLED
        assert raised.value.result["error"]["message"].startswith("timed out after 0.05 s")
        assert instance.invoke("echo")["ok"] is True


def test_timeout_that_does_not_expire_returns_the_result(echo):
    with echo.instance() as instance:
        assert instance.invoke("block", {"seconds": 0}, timeout=3600) == {"ok": True,
                                                                           "blocked": True}
        with pytest.raises(actionhost.RemoteError):
            instance.invoke("fail", {}, timeout=3600)


def test_second_invoke_at_once_is_refused(echo):
    blocking = Blocking()
    with echo.instance(log=blocking) as instance:
        outcome = []
        runner = threading.Thread(target=lambda: outcome.append(
            pytest.raises(actionhost.Cancelled, instance.invoke, "block", {"seconds": 3600})))
        runner.start()
        assert blocking.started.wait(60)
        with pytest.raises(actionhost.ConcurrentInvoke, match="already running"):
            instance.invoke("echo")
        instance.cancel()
        runner.join()
        assert outcome
        assert instance.invoke("echo")["ok"] is True


def test_close_cancels_and_waits_for_a_running_invoke(echo):
    blocking = Blocking()
    instance = echo.instance(log=blocking)
    raised = []

    def run():
        try:
            instance.invoke("block", {"seconds": 3600})
        except actionhost.ActionError as error:
            raised.append(error)
    runner = threading.Thread(target=run)
    runner.start()
    assert blocking.started.wait(60)
    instance.close()
    runner.join()
    assert isinstance(raised[0], actionhost.Cancelled)
    assert instance.closed


def test_log_events_reach_the_logger_with_their_fields(echo, records):
    with echo.instance() as instance:
        instance.invoke("block", {"seconds": 0})
    [record] = [r for r in records if r.name == "actionhost.test-echo"]
    assert record.levelno == logging.INFO
    assert record.getMessage() == "waiting until cancelled"
    assert record.event == "blocking"
    assert record.plugin_message == "waiting until cancelled"  # "message" is the record's own
    assert record.event_fields == {"event": "blocking", "message": "waiting until cancelled"}


def test_log_events_reach_a_given_logger(echo):
    logger = logging.getLogger("my.worker")
    seen = []

    class Handler(logging.Handler):
        def emit(self, record):
            seen.append(record.event)
    handler = Handler()
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        with echo.instance(log=logger) as instance:
            instance.invoke("block", {"seconds": 0})
    finally:
        logger.removeHandler(handler)
    assert seen == ["blocking"]


def test_an_exception_in_the_callback_is_logged_not_lost(echo, records):
    def broken(level, event):
        raise RuntimeError("callback bug 1234")
    with echo.instance(log=broken) as instance:
        assert instance.invoke("block", {"seconds": 0}) == {"ok": True, "blocked": True}
    [record] = [r for r in records if r.name == "actionhost"]
    assert "raised (ignored)" in record.getMessage()
    assert record.exc_info[0] is RuntimeError
    assert "callback bug 1234" in str(record.exc_info[1])


def test_callback_object_lives_as_long_as_the_instance(echo):
    import gc
    blocking = Blocking()
    instance = echo.instance(log=blocking)
    del blocking
    gc.collect()
    instance.invoke("block", {"seconds": 0})  # would crash if the ctypes callback were freed
    instance.close()


def test_an_instance_dropped_without_close_is_collected(echo):
    import gc
    import weakref
    instance = echo.instance()
    instance.invoke("echo")  # from the main thread: starts the instance's call thread
    call_thread = instance._call_thread._thread
    collected = weakref.ref(instance)
    del instance
    gc.collect()
    assert collected() is None
    call_thread.join(60)
    assert not call_thread.is_alive()


def test_log_false_takes_no_events(echo, records):
    with echo.instance(log=False) as instance:
        assert instance.invoke("block", {"seconds": 0})["ok"] is True
    assert not [r for r in records if r.name.startswith("actionhost")]


def test_events_below_the_loggers_level_are_dropped(echo, records):
    logging.getLogger("actionhost").setLevel(logging.WARNING)
    with echo.instance() as instance:
        instance.invoke("block", {"seconds": 0})  # its event is INFO
    assert not [r for r in records if r.name == "actionhost.test-echo"]


def test_invoke_text_passes_json_through(echo):
    with echo.instance() as instance:
        text = instance.invoke_text("echo", '{"n": [1, 2]}')
        assert isinstance(text, str)
        assert json.loads(text)["params"] == {"n": [1, 2]}
        with pytest.raises(actionhost.TransientError) as raised:
            instance.invoke_text("fail", b'{"type": "EchoHiccup"}')
        assert raised.value.result["error"]["type"] == "EchoHiccup"
        with pytest.raises(actionhost.ActionTimeout):
            instance.invoke_text("block", '{"seconds": 3600}', timeout=0.05)
