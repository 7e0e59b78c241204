"""Instance: one plugin instance, its invocations, cancellation and log events.

Why a call runs where it runs: Python runs signal handlers only in the main thread, between
bytecodes, so a main thread blocked inside the C call would notice Ctrl-C only once the plugin
returned by itself (possibly never). So when the caller is the main thread and SIGINT has a
Python handler, or when a timeout is given, the C call runs on the instance's call thread while
the caller waits on a lock, which a signal interrupts: the binding then cancels the invocation
through the ABI, waits for the plugin to return (the instance must not be destroyed under it)
and re-raises KeyboardInterrupt. Any other thread calls the plugin directly: no hand-off cost, and
it never receives signals anyway.
"""

import ctypes
import json
import logging
import signal
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Tuple, Union

from . import _abi
from .errors import (ActionError, ActionhostError, ActionTimeout, ConcurrentInvoke,
                     InstanceCreateFailed, error_for)

if TYPE_CHECKING:
    from .plugin import Plugin

LogTarget = Union[None, bool, logging.Logger, Callable[[int, Dict[str, Any]], None]]

_LEVELS = {0: 5, 1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING, 4: logging.ERROR}
# LogRecord attributes an event field must not overwrite (Logger.makeRecord raises KeyError).
_RESERVED = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message",
                                                                                   "asctime"}


def _extra(event: Dict[str, Any]) -> Dict[str, Any]:
    """The event's fields as LogRecord attributes; a field named like one of the record's own
    (message, name, ...) is given as plugin_<name>. The whole event is also `event_fields`."""
    extra = {("plugin_" + key if key in _RESERVED else key): value
             for key, value in event.items()}
    extra["event_fields"] = event
    return extra


class _CallThread:
    """The instance's own thread for calls the caller must be able to stop waiting for."""

    def __init__(self, name: str) -> None:
        # Plain locks used as binary semaphores (released by the other thread): cheaper than
        # Semaphore or Event, which are built in Python on Condition.
        self._ready = threading.Lock()
        self._ready.acquire()
        self._job: Optional[Callable[[], None]] = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            self._ready.acquire()
            if self._stopping:
                return
            job, self._job = self._job, None
            if job is not None:
                job()
            # No reference to the last job (and through it the instance) stays on this thread:
            # an instance dropped without close() is still collected, and stops this thread.
            del job

    def run(self, job: Callable[[], None]) -> None:
        self._job = job
        self._ready.release()

    def stop(self) -> None:
        self._stopping = True
        self._ready.release()
        if self._thread is not threading.current_thread():
            self._thread.join()


class Instance:
    """One instance of a plugin. Use it as a context manager, or call close()."""

    def __init__(self, plugin: "Plugin", config: Union[None, str, bytes, Dict[str, Any]],
                 log: LogTarget) -> None:
        self.plugin = plugin
        self._lib = plugin._lib
        self._logger: Optional[logging.Logger] = None
        self._log_function: Optional[Callable[[int, Dict[str, Any]], None]] = None
        if log is None:
            self._logger = logging.getLogger("actionhost." + plugin.name)
        elif log is False:
            pass  # no callback at all: the plugin is told the host takes no events
        elif isinstance(log, logging.Logger):
            self._logger = log
        elif callable(log):
            self._log_function = log
        else:
            raise TypeError("log must be a logging.Logger, a callable log(level, event) or False")
        self._busy = threading.Lock()      # one invocation at a time (the ABI's rule)
        self._state = threading.Lock()     # handle and `running` against cancel() and close()
        self._running = False
        self._call_thread: Optional[_CallThread] = None
        self._done = threading.Lock()  # released by the call thread when the C call returned
        self._done.acquire()
        # The C callback object lives as long as the instance: the plugin keeps its pointer.
        self._callback = _abi.LOG_FN(self._on_log)
        self._host = _abi.HostApi(ctypes.sizeof(_abi.HostApi), _abi.HOST_API_VERSION_TEXT.encode(),
                                  None, self._callback if log is not False else _abi.LOG_FN())
        self._result = ctypes.c_void_p()
        # The same pointer seen as char*: slicing it copies the result in C, without the foreign
        # call of ctypes.string_at.
        self._result_chars = ctypes.POINTER(ctypes.c_char).from_buffer(self._result)
        self._result_len = ctypes.c_size_t()
        # Built once: the per-call path is a few microseconds, and these are part of it.
        self._invoke_fn = self._lib.ah_plugin_invoke
        self._result_ref = ctypes.byref(self._result)
        self._result_len_ref = ctypes.byref(self._result_len)
        handle = ctypes.c_void_p()
        status = self._lib.ah_plugin_create(ctypes.byref(self._host), _config_bytes(config),
                                            ctypes.byref(handle))
        if status != _abi.AH_OK:
            reason = "no message (the plugin returned no instance)"
            if handle.value:
                reason = _abi.read_string(self._lib.ah_plugin_last_error(handle)) or reason
                self._lib.ah_plugin_destroy(handle)
            raise InstanceCreateFailed(
                'plugin "%s": creating an instance failed with %s: %s'
                % (plugin.name, _abi.STATUS_NAMES.get(status, str(status)), reason), status)
        self._handle: Optional[ctypes.c_void_p] = handle

    # -- log events ------------------------------------------------------------------------
    def _on_log(self, _host_ctx: Optional[int], level: int, message: Optional[int]) -> None:
        # Runs inside the plugin's C call: nothing may propagate (ctypes would print and drop
        # it), so an exception from the user's callback is logged here instead.
        try:
            py_level = _LEVELS.get(level, logging.INFO)
            if self._logger is not None and not self._logger.isEnabledFor(py_level):
                return  # nobody listens at that level: not even parsed
            text = _abi.read_string(message) or "{}"
            try:
                event = json.loads(text)
            except ValueError:
                event = None
            if not isinstance(event, dict):
                event = {"event": "unparsed", "message": text}
            if self._log_function is not None:
                self._log_function(py_level, event)
            elif self._logger is not None:
                self._logger.log(py_level, "%s", event.get("message", text), extra=_extra(event))
        except BaseException:  # noqa: B902 - a KeyboardInterrupt must not vanish silently either
            logging.getLogger("actionhost").exception(
                'the log callback of an instance of plugin "%s" raised (ignored)',
                self.plugin.name)

    # -- invocations -----------------------------------------------------------------------
    def invoke(self, action: str, params: Union[None, str, bytes, Dict[str, Any]] = None,
               timeout: Optional[float] = None) -> Dict[str, Any]:
        """Runs `action` and returns its result. A failure raises the ActionError subclass of
        the error's class; `timeout` (seconds) cancels the invocation through the ABI and raises
        ActionTimeout. One invocation at a time: a second one from another thread while the
        first runs raises ConcurrentInvoke."""
        return self._invoke(action, _params_bytes(params), timeout, True)

    def invoke_text(self, action: str, params: Union[str, bytes] = b"{}",
                    timeout: Optional[float] = None) -> str:
        """invoke() without the JSON work of a successful call, for hosts that pass JSON on:
        `params` is JSON text and the result is returned as the plugin's JSON text. Failures
        raise exactly as invoke() does."""
        return self._invoke(action, _params_bytes(params), timeout, False)

    def _invoke(self, action: str, raw: bytes, timeout: Optional[float], parse: bool) -> Any:
        action_bytes = action.encode("utf-8")
        if not self._busy.acquire(blocking=False):
            raise ConcurrentInvoke(
                'plugin "%s": this instance is already running an invocation; calls on one '
                "instance must not overlap (use one instance per thread)" % self.plugin.name)
        try:
            # Holding _busy, the handle cannot go: close() takes _busy before destroying it. So
            # `_running` is set without _state (one attribute store is atomic under the GIL).
            if self._handle is None:
                raise ActionhostError("the instance is closed")
            self._running = True
            if timeout is None and not _signals_need_waiting():
                status = self._call(action_bytes, raw)
                timed_out = False
            else:
                status, timed_out = self._call_and_wait(action_bytes, raw, timeout)
            return self._outcome(action, status, timed_out, timeout, parse)
        finally:
            self._busy.release()

    def _call(self, action: bytes, raw: bytes) -> int:
        try:
            return self._invoke_fn(self._handle, action, raw, len(raw), self._result_ref,
                                   self._result_len_ref)
        finally:
            self._running = False

    def _call_and_wait(self, action: bytes, raw: bytes,
                       timeout: Optional[float]) -> Tuple[int, bool]:
        done = self._done  # held; the call thread releases it when the C call returned
        outcome = [_abi.AH_ERROR]

        def job() -> None:
            try:
                outcome[0] = self._call(action, raw)
            finally:
                done.release()

        if self._call_thread is None:
            self._call_thread = _CallThread("actionhost-%s-call" % self.plugin.name)
        self._call_thread.run(job)
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        timed_out = False
        interruption: Optional[BaseException] = None
        while True:
            try:
                left = -1 if deadline is None else max(0.0, deadline - time.monotonic())
                if done.acquire(timeout=left):  # interrupted by signals, as Event.wait
                    break
                timed_out = True
                deadline = None
                self._cancel_running()
            except BaseException as raised:  # noqa: B902 - Ctrl-C, or a signal handler's error
                # The plugin still runs on the call thread: stop it and wait for it to return
                # before the exception may unwind (and perhaps destroy the instance).
                if interruption is None:
                    interruption = raised
                deadline = None
                self._cancel_running()
        if interruption is not None:
            raise interruption
        return outcome[0], timed_out

    def _cancel_running(self) -> None:
        # Only while the call runs: an idle cancel would cancel the next invocation instead.
        with self._state:
            if self._running and self._handle is not None:
                self._lib.ah_plugin_cancel(self._handle)

    def _outcome(self, action: str, status: int, timed_out: bool, timeout: Optional[float],
                 parse: bool) -> Any:
        text = (self._result_chars[:self._result_len.value].decode("utf-8", "replace")
                if self._result_chars else None)
        if status == _abi.AH_OK and not parse and text:
            return text
        if status != _abi.AH_OK and status not in _abi.STATUS_NAMES:
            # A plugin's bug: a status outside ah_status vouches for no result, not even its own.
            message = ('plugin "%s" returned status %d for action "%s", which is not an ah_status '
                       "value; its result is not used" % (self.plugin.name, status, action))
            raise ActionError({"ok": False, "error": {"type": "InternalError", "message": message,
                                                      "retryable": False}}, status)
        result: Any = None
        problem = "empty"
        if text:
            try:
                result = json.loads(text)
                problem = "" if isinstance(result, dict) else "not an object"
            except ValueError as error:
                problem = str(error)
        if problem:
            last_error = "" if status == _abi.AH_OK else (
                _abi.read_string(self._lib.ah_plugin_last_error(self._handle)) or "")
            message = ('plugin "%s" returned a result for action "%s" that is not a JSON object '
                       "(%s) with %s" % (self.plugin.name, action, problem,
                                         _abi.STATUS_NAMES.get(status, str(status))))
            if last_error:
                message += ": " + last_error
            raise ActionError({"ok": False, "error": {"type": "InternalError", "message": message,
                                                      "retryable": False}}, _abi.AH_ERROR)
        if status == _abi.AH_OK:
            return result
        error = result.get("error")
        if timed_out and isinstance(error, dict):
            # As actionhost --timeout: the host knows better than the plugin why it stopped.
            error["type"] = "Timeout"
            error["message"] = "timed out after %g s (timeout): %s" % (timeout,
                                                                      error.get("message", ""))
            raise ActionTimeout(result, status, "timeout", error.get("retryable", True))
        raise error_for(result, status, self.plugin.errors)

    # -- cancellation and lifetime ---------------------------------------------------------
    def cancel(self) -> None:
        """ah_plugin_cancel(): any thread. Stops the invocation in progress; if none runs, the
        next invocation returns Cancelled at once (the ABI's rule). No-op once closed."""
        with self._state:
            if self._handle is not None:
                self._lib.ah_plugin_cancel(self._handle)

    def close(self) -> None:
        """Destroys the instance (idempotent). An invocation still running on another thread is
        cancelled and waited for first."""
        if not self._busy.acquire(blocking=False):
            self._cancel_running()
            self._busy.acquire()
        try:
            with self._state:
                handle, self._handle = self._handle, None
            if handle is not None:
                self._lib.ah_plugin_destroy(handle)
            if self._call_thread is not None:
                self._call_thread.stop()
                self._call_thread = None
        finally:
            self._busy.release()

    @property
    def closed(self) -> bool:
        return self._handle is None

    def __enter__(self) -> "Instance":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if getattr(self, "_handle", None) is not None:
                self.close()
        except Exception:  # noqa: BLE001 - never raise from a finaliser
            pass


# json.dumps with separators builds a new encoder per call; this one is built once (read-only).
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))


def _signals_need_waiting() -> bool:
    """Whether this call must leave the main thread free for a Python SIGINT handler."""
    return (threading.get_ident() == threading.main_thread().ident
            and callable(signal.getsignal(signal.SIGINT)))


def _config_bytes(config: Union[None, str, bytes, Dict[str, Any]]) -> Optional[bytes]:
    if config is None:
        return None
    if isinstance(config, bytes):
        return config
    if isinstance(config, str):
        return config.encode("utf-8")
    return json.dumps(config).encode("utf-8")


def _params_bytes(params: Union[None, str, bytes, Dict[str, Any]]) -> bytes:
    if params is None:
        return b"{}"
    if isinstance(params, bytes):
        return params
    if isinstance(params, str):
        return params.encode("utf-8")
    return _COMPACT_JSON.encode(params).encode("utf-8")
