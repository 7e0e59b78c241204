"""actionhost.exit_codes: the host's table (README "Exit codes") and its worst-outcome order."""

import actionhost
from actionhost import exit_codes


def test_classes_map_to_the_hosts_codes():
    assert {kind: exit_codes.for_class(kind) for kind in exit_codes.BY_CLASS} == {
        "usage": 2, "credentials": 3, "precondition": 4, "remote": 5, "transient": 6,
        "timeout": 7, "cancelled": 1, "internal": 1}
    assert exit_codes.for_class("no-such-class") == 1


def test_host_error_types():
    assert exit_codes.for_host_error_type("InvalidParameter") == 2
    assert exit_codes.for_host_error_type("PluginNotFound") == 8
    assert exit_codes.for_host_error_type("Timeout") == 7
    assert exit_codes.for_host_error_type("SomethingElse") == 1


def test_exceptions_count_by_their_class():
    failed = {"ok": False, "error": {"type": "InstanceNotStopped", "message": "m"}}
    assert exit_codes.for_exception(actionhost.PreconditionError(failed, 1, "precondition")) == 4
    assert exit_codes.for_exception(actionhost.ActionError(failed, 1)) == 1  # undeclared type
    assert exit_codes.for_exception(actionhost.PluginNotFound("x")) == 8
    assert exit_codes.for_exception(actionhost.InstanceCreateFailed("x", 2)) == 2
    assert exit_codes.for_exception(actionhost.InstanceCreateFailed("x", 1)) == 1
    assert exit_codes.for_exception(KeyboardInterrupt()) == 130


def test_worst_outcome_puts_signals_first_then_the_higher_code():
    assert exit_codes.worst([]) == 0
    assert exit_codes.worst([0, 6, 2]) == 6
    assert exit_codes.worst([9, 129, 8]) == 129
    assert exit_codes.worst([130, 143, 129]) == 143
    assert exit_codes.worse(130, 129) == 130
