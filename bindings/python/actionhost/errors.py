"""Exceptions of the actionhost binding: one ActionError subclass per error class of the manifest.

A failed invoke raises the subclass named by the class the plugin's manifest declares for the
result's error.type; an internal or undeclared type raises ActionError itself. The message is the
plugin's error.message, which the plugin promises is free of secrets; the binding adds nothing
from the config or the params.
"""

from typing import Any, Dict, Optional, Type


class ActionhostError(Exception):
    """Base of every exception the binding raises."""


class PluginNotFound(ActionhostError):
    """No plugin of that name in the plugin path, or no such library file."""


class PluginLoadFailed(ActionhostError):
    """The library or its manifest could not be loaded (dlopen, a missing export, bad JSON)."""


class PluginIncompatible(ActionhostError):
    """The plugin's API version is refused by the version rule (same wording as actionhost)."""


class InstanceCreateFailed(ActionhostError):
    """ah_plugin_create() refused the config (status and the plugin's last error in the text)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class ConcurrentInvoke(ActionhostError):
    """invoke() was called on an instance that is already running an invocation (calls on one
    instance are serialised by the ABI's rule; use one instance per thread)."""


class ActionError(ActionhostError):
    """A failed action. `type` is the result's error.type, `retryable` its error.retryable (the
    manifest's value when the result has none), `error_class` the manifest's class for the type
    ("internal" when undeclared), `status` the ah_status, and `result` the whole result dict."""

    error_class = "internal"

    def __init__(self, result: Dict[str, Any], status: int, declared_class: Optional[str] = None,
                 declared_retryable: Optional[bool] = None) -> None:
        error = result.get("error") if isinstance(result.get("error"), dict) else {}
        self.result: Dict[str, Any] = result
        self.status: int = status
        self.type: str = str(error.get("type", "InternalError"))
        self.message: str = str(error.get("message", ""))
        retryable = error.get("retryable", declared_retryable)
        self.retryable: bool = bool(retryable) if retryable is not None else False
        if declared_class is not None:
            self.error_class = declared_class
        super().__init__("%s: %s" % (self.type, self.message))

    def __repr__(self) -> str:
        return "%s(type=%r, retryable=%r, message=%r)" % (
            type(self).__name__, self.type, self.retryable, self.message)


class UsageError(ActionError):
    error_class = "usage"


class CredentialsError(ActionError):
    error_class = "credentials"


class PreconditionError(ActionError):
    error_class = "precondition"


class RemoteError(ActionError):
    error_class = "remote"


class TransientError(ActionError):
    error_class = "transient"


class ActionTimeout(ActionError):
    error_class = "timeout"


class Cancelled(ActionError):
    error_class = "cancelled"


ERROR_CLASSES: Dict[str, Type[ActionError]] = {
    cls.error_class: cls
    for cls in (UsageError, CredentialsError, PreconditionError, RemoteError, TransientError,
                ActionTimeout, Cancelled)
}


def error_for(result: Dict[str, Any], status: int, errors: Dict[str, Any]) -> ActionError:
    """The exception for a failed result, chosen by the manifest's `errors` declarations."""
    error = result.get("error") if isinstance(result.get("error"), dict) else {}
    declared = errors.get(error.get("type")) if isinstance(error.get("type"), str) else None
    if not isinstance(declared, dict):
        return ActionError(result, status)
    cls = ERROR_CLASSES.get(declared.get("class", ""), ActionError)
    return cls(result, status, declared.get("class"), declared.get("retryable"))
