"""actionhost's exit codes, for Python hosts that report outcomes the way `actionhost` does.

The codes and their order are the host's (host/src/exit_codes.hpp, README "Exit codes"): a
failure counts by the class the plugin's manifest declares for its error.type, the host's own
error types have fixed codes, and of several outcomes the worst wins (a cancellation by signal
above everything, then the higher code). They live here, next to the exceptions that carry the
class, so that every Python host (examples/03-python-host, the Celery integration's fleet
command) uses one table instead of copying it.
"""

from typing import Dict, Iterable

from .errors import (ActionError, InstanceCreateFailed, PluginIncompatible,
                     PluginLoadFailed, PluginNotFound)

OK = 0
FAILURE = 1
USAGE = 2
CREDENTIALS = 3
PRECONDITION = 4
REMOTE = 5
TRANSIENT = 6
TIMEOUT = 7
PLUGIN = 8
OUTPUT_LOST = 9
SIGHUP = 129
SIGINT = 130
SIGTERM = 143

# The declared class of an error.type -> exit code. "cancelled" and "internal" are 1: a
# cancellation the host itself made by signal has the signal's code instead.
BY_CLASS: Dict[str, int] = {
    "usage": USAGE, "credentials": CREDENTIALS, "precondition": PRECONDITION, "remote": REMOTE,
    "transient": TRANSIENT, "timeout": TIMEOUT, "cancelled": FAILURE, "internal": FAILURE,
}

# The host's own error types (those a host reports without asking the plugin) -> exit code.
HOST_ERROR_TYPES: Dict[str, int] = {
    "Usage": USAGE, "InvalidParameter": USAGE, "InvalidConfig": USAGE, "UnknownAction": USAGE,
    "PluginNotFound": PLUGIN, "PluginLoadFailed": PLUGIN, "PluginIncompatible": PLUGIN,
    "InstanceCreateFailed": FAILURE, "Cancelled": FAILURE, "Timeout": TIMEOUT,
    "InternalError": FAILURE,
}


def for_class(error_class: str) -> int:
    """The exit code of a declared error class (1 for an unknown one, as for `internal`)."""
    return BY_CLASS.get(error_class, FAILURE)


def for_host_error_type(error_type: str) -> int:
    """The exit code of one of the host's own error types (1 for any other)."""
    return HOST_ERROR_TYPES.get(error_type, FAILURE)


def for_exception(error: BaseException) -> int:
    """The exit code `actionhost run` would give the failure this exception reports."""
    if isinstance(error, ActionError):
        return for_class(error.error_class)
    if isinstance(error, (PluginNotFound, PluginLoadFailed, PluginIncompatible)):
        return PLUGIN
    if isinstance(error, InstanceCreateFailed):
        return USAGE if error.status == 2 else FAILURE  # AH_INVALID_ARGUMENT: a refused config
    if isinstance(error, KeyboardInterrupt):
        return SIGINT
    return FAILURE  # any other ActionhostError, or an exception of the caller's


def _rank(code: int) -> int:
    return 1000 + code if code >= 128 else code


def worse(first: int, second: int) -> int:
    """The worse of two exit codes: a signal's (143 > 130 > 129) above all, then the higher."""
    return first if _rank(first) >= _rank(second) else second


def worst(codes: Iterable[int]) -> int:
    """The worst of several exit codes; 0 for none."""
    result = OK
    for code in codes:
        result = worse(result, code)
    return result
