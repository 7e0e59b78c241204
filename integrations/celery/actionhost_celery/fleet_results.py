"""Turning the tasks' outcomes back into `actionhost run --batch` output: one result per input
line, in input order, each starting with "line"; the exit code of each by the manifest's class
(decided on the worker, which has the plugin loaded), the worst of them for the whole run; the
summary line of the host."""

import json
from collections import Counter
from typing import Any, Dict, Optional, Tuple

from actionhost import exit_codes
from celery import states
from celery.exceptions import TimeLimitExceeded

from .failures import ActionFailed, error_result

Outcome = Tuple[Dict[str, Any], int]  # (result, exit code)


def from_task_meta(meta: Dict[str, Any]) -> Outcome:
    """The outcome of a finished task from its result-backend record."""
    status, value = meta.get("status"), meta.get("result")
    if status == states.SUCCESS:
        if isinstance(value, dict):
            return value, exit_codes.OK
        return error_result("InternalError", "the task returned %s, not a result object"
                            % type(value).__name__), exit_codes.FAILURE
    if isinstance(value, ActionFailed):
        return value.result, value.exit_code
    if isinstance(value, TimeLimitExceeded):
        return error_result("Timeout", "the task passed its hard time limit and its worker "
                            "process was killed; the action's outcome is unknown"), \
            exit_codes.TIMEOUT
    if status == states.REVOKED:
        return error_result("Cancelled", "the task was revoked"), exit_codes.FAILURE
    return error_result("InternalError", "the task failed outside the action: %s: %s"
                        % (type(value).__name__, value)), exit_codes.FAILURE


def unknown_outcome(why: str) -> Outcome:
    """A line whose outcome could not be read: not reported as done (retryable: collect again)."""
    return error_result("ResultUnknown", why, retryable=True), exit_codes.TRANSIENT


def refused(message: str) -> Outcome:
    return error_result("InvalidParameter", message), exit_codes.USAGE


def result_text(result: Dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))


def line_text(line: int, result: Dict[str, Any]) -> str:
    """{"line":N,...the result...}, as actionhost --batch prints it."""
    merged: Dict[str, Any] = {"line": line}
    merged.update((k, v) for k, v in result.items() if k != "line")
    return result_text(merged)


class Summary:
    """ "12 lines: 10 ok (detached 9, already_detached 1), 2 failed (Transient 2); exit 6" """

    def __init__(self) -> None:
        self.lines = 0
        self.ok: Counter = Counter()
        self.failed: Counter = Counter()
        self.exit_code = exit_codes.OK

    def add(self, result: Dict[str, Any], code: int) -> None:
        self.lines += 1
        self.exit_code = exit_codes.worse(self.exit_code, code)
        if code == exit_codes.OK:
            status = result.get("status")
            self.ok[status if isinstance(status, str) else ""] += 1
        else:
            error = result.get("error") if isinstance(result.get("error"), dict) else {}
            kind = error.get("type")
            self.failed[kind if isinstance(kind, str) else "no error.type"] += 1

    @staticmethod
    def _counted(counts: Counter, what: str) -> str:
        listed = ", ".join("%s %d" % (kind, n) for kind, n in sorted(counts.items()) if kind)
        text = "%d %s" % (sum(counts.values()), what)
        return "%s (%s)" % (text, listed) if listed else text

    def text(self, exit_code: Optional[int] = None) -> str:
        code = self.exit_code if exit_code is None else exit_code
        return "%d %s: %s, %s; exit %d" % (
            self.lines, "line" if self.lines == 1 else "lines", self._counted(self.ok, "ok"),
            self._counted(self.failed, "failed"), code)
