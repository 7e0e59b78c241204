"""Which failures Celery retries, and after how long.

A failure is retried when its class is retryable in the plugin's manifest (every error type of
that class is declared `retryable`, the rule the other engine integrations apply to exit codes:
for compshare-disk `transient` and `timeout`) and this occurrence does not say otherwise
(`error.retryable`). Everything else (a usage error, a precondition such as a running
instance, refused credentials) fails at once: a retry would fail the same way.
"""

import random
from typing import Any, Dict, FrozenSet

import actionhost


def retryable_classes(manifest_errors: Dict[str, Any]) -> FrozenSet[str]:
    """The classes all of whose declared error types are retryable."""
    verdicts: Dict[str, bool] = {}
    for declaration in manifest_errors.values():
        if isinstance(declaration, dict) and isinstance(declaration.get("class"), str):
            kind = declaration["class"]
            verdicts[kind] = verdicts.get(kind, True) and declaration.get("retryable") is True
    return frozenset(kind for kind, retryable in verdicts.items() if retryable)


def should_retry(error: actionhost.ActionError, manifest_errors: Dict[str, Any]) -> bool:
    # The host's own Timeout (a soft time limit passed) counts as class timeout.
    return error.retryable and error.error_class in retryable_classes(manifest_errors)


def backoff_seconds(retries: int, base: float, ceiling: float) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(ceiling, base * 2**retries)].
    Celery's get_exponential_backoff_interval() works in whole seconds (randrange), too coarse
    for sub-second bases."""
    return random.uniform(0.0, min(ceiling, base * (2 ** min(retries, 32))))
