"""The task: one plugin action, run in this worker process through the Python binding.

    run_action.delay("compshare-disk.detach", {"UHostId": "uhost-1", "UDiskId": "udisk-1"})

The result of a success is the plugin's result. A failure ends the task in FAILURE with
ActionFailed(result, exit code); retryable failures are retried first (retry_policy). The task id
is the action's ClientToken when the action has one and the params give none, so a redelivered or
retried task carries the same token as its first delivery.
"""

from typing import Any, Dict, Optional

import actionhost
from actionhost import exit_codes
from actionhost._abi import AH_TIMEOUT  # the binding's one copy of plugin_api.h's statuses
from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_shutdown

from . import worker_plugins
from .app import app
from .failures import ActionFailed, error_result
from .rate_limit import RegionRateLimiter
from .retry_policy import backoff_seconds, should_retry

TASK_NAME = "actionhost.run_action"
# Per process, like the plugin instances: its Redis connection is opened on first use, so a
# forked pool process opens its own.
_rate_limiter = RegionRateLimiter(app.actionhost_settings)  # type: ignore[attr-defined]


def _host_failure(error_type: str, message: str) -> ActionFailed:
    return ActionFailed(error_result(error_type, message),
                        exit_codes.for_host_error_type(error_type))


def _declares_client_token(plugin: actionhost.Plugin, action: str) -> bool:
    for declared in plugin.manifest.get("actions", []):
        if isinstance(declared, dict) and declared.get("name") == action:
            properties = (declared.get("params_schema") or {}).get("properties") or {}
            return "ClientToken" in properties
    return False


def _soft_time_limit(task: Task) -> Optional[float]:
    """The soft time limit of this delivery: the message's, else the task's, else the app's."""
    limits = task.request.timelimit or (None, None)
    return limits[1] or task.soft_time_limit or task.app.conf.task_soft_time_limit


@app.task(bind=True, name=TASK_NAME, throws=(ActionFailed,))
def run_action(self: Task, target: str, params: Dict[str, Any]) -> Dict[str, Any]:
    settings = self.app.actionhost_settings
    plugin_name, _, action = target.partition(".")
    if not plugin_name or not action:
        raise _host_failure("Usage", 'the target "%s" is not PLUGIN.ACTION' % target)
    if not isinstance(params, dict):
        raise _host_failure("InvalidParameter", "params must be a JSON object")
    try:
        plugin, instance = worker_plugins.instance(plugin_name, settings)
    except actionhost.ActionhostError as error:  # not found, failed to load, config refused
        raise ActionFailed(error_result(type(error).__name__, str(error)),
                           exit_codes.for_exception(error)) from None
    if "ClientToken" not in params and _declares_client_token(plugin, action):
        params = dict(params, ClientToken=self.request.id)
    region = params.get("Region")
    _rate_limiter.acquire(region if isinstance(region, str) else "")

    soft_limit = _soft_time_limit(self)
    try:
        # With a timeout the binding waits on the call interruptibly, and cancels the plugin
        # through the ABI when it passes or when Celery's soft-limit signal interrupts the wait.
        return instance.invoke(action, params, timeout=soft_limit)
    except actionhost.ActionError as error:
        failure = error
    except SoftTimeLimitExceeded:
        failure = actionhost.ActionTimeout(
            error_result("Timeout", "the soft time limit of %g s passed: the invocation was "
                         "cancelled through the ABI" % (soft_limit or 0), retryable=True),
            AH_TIMEOUT, "timeout", True)
    outcome = ActionFailed(failure.result, exit_codes.for_exception(failure))
    if should_retry(failure, plugin.errors):
        # Raises Retry (a new message, same task id), or `outcome` once max_retries is reached.
        raise self.retry(exc=outcome, max_retries=settings.max_retries,
                         countdown=backoff_seconds(self.request.retries, settings.retry_backoff,
                                                   settings.retry_backoff_max))
    raise outcome


@worker_process_shutdown.connect
def _close_instances(**_: Any) -> None:
    worker_plugins.close_all()
