"""The integration's settings, read from the environment of the worker or of actionhost-fleet.

Nothing here comes from task arguments: tasks and their arguments sit in the broker, so the
plugin's config (and through it any credential) is read where the worker runs. Every bad value is
refused with a message naming the variable.
"""

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional

from kombu.utils.url import maybe_sanitize_url

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


class SettingsError(ValueError):
    """A variable of the environment has a value the integration cannot use."""


@dataclass(frozen=True)
class Settings:
    broker_url: str = DEFAULT_BROKER
    # {plugin name: instance config}; a plugin not named gets {} (it reads its own environment).
    plugin_configs: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    max_retries: int = 5
    retry_backoff: float = 2.0        # seconds before the first retry (full jitter)
    retry_backoff_max: float = 120.0  # ceiling of one backoff
    soft_time_limit: Optional[float] = None
    visibility_timeout: float = 3600.0
    # {Region: invocations per second across every worker of the broker}; "*" for any other.
    rate_limits: Dict[str, float] = field(default_factory=dict)

    @property
    def broker_for_people(self) -> str:
        """The broker URL with its password masked, for messages and logs."""
        return str(maybe_sanitize_url(self.broker_url))

    def plugin_config(self, plugin: str) -> Dict[str, Any]:
        return dict(self.plugin_configs.get(plugin, {}))

    def rate_limit(self, region: str) -> Optional[float]:
        return self.rate_limits.get(region, self.rate_limits.get("*"))


def _number(env: Mapping[str, str], name: str, default: Optional[float], minimum: float,
            integer: bool = False) -> Optional[float]:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        raise SettingsError("%s=%r is not %s" % (name, text, "an integer" if integer
                                                 else "a number")) from None
    if not math.isfinite(value) or value < minimum:
        raise SettingsError("%s=%r must be at least %g" % (name, text, minimum))
    return value


def _plugin_configs(env: Mapping[str, str]) -> Dict[str, Dict[str, Any]]:
    path = env.get("ACTIONHOST_CELERY_CONFIG", "").strip()
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as file:
            document = json.load(file)
    except OSError as error:
        raise SettingsError("ACTIONHOST_CELERY_CONFIG: cannot read %s: %s"
                            % (path, error.strerror)) from None
    except ValueError as error:
        # The parser's message may quote the text, which holds credentials: position only.
        raise SettingsError("ACTIONHOST_CELERY_CONFIG: %s is not valid JSON (line %s)"
                            % (path, getattr(error, "lineno", "?"))) from None
    if not isinstance(document, dict) or not all(isinstance(v, dict) for v in document.values()):
        raise SettingsError('ACTIONHOST_CELERY_CONFIG: %s must be an object of plugin configs, '
                            '{"compshare-disk": {...}}' % path)
    return document


def _rate_limits(env: Mapping[str, str]) -> Dict[str, float]:
    text = env.get("ACTIONHOST_CELERY_RATE_LIMITS", "").strip()
    if not text:
        return {}
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
            for v in document.values()):
        raise SettingsError('ACTIONHOST_CELERY_RATE_LIMITS=%r must be a JSON object of positive '
                            'numbers per Region, e.g. {"cn-wlcb": 20, "*": 50}' % text)
    return {str(k): float(v) for k, v in document.items()}


def from_environment(env: Optional[Mapping[str, str]] = None) -> Settings:
    env = os.environ if env is None else env
    broker = env.get("ACTIONHOST_CELERY_BROKER", "").strip() or DEFAULT_BROKER
    if not broker.startswith(("redis://", "rediss://", "redis+socket://")):
        raise SettingsError("ACTIONHOST_CELERY_BROKER=%r: expected a redis:// URL"
                            % maybe_sanitize_url(broker))
    return Settings(
        broker_url=broker,
        plugin_configs=_plugin_configs(env),
        max_retries=int(_number(env, "ACTIONHOST_CELERY_MAX_RETRIES", 5, 0, integer=True) or 0),
        retry_backoff=float(_number(env, "ACTIONHOST_CELERY_RETRY_BACKOFF", 2.0, 0) or 0.0),
        retry_backoff_max=float(_number(env, "ACTIONHOST_CELERY_RETRY_BACKOFF_MAX", 120.0, 0)
                                or 0.0),
        soft_time_limit=_number(env, "ACTIONHOST_CELERY_SOFT_TIME_LIMIT", None, 0.001),
        visibility_timeout=float(_number(env, "ACTIONHOST_CELERY_VISIBILITY_TIMEOUT", 3600.0, 1)
                                 or 3600.0),
        rate_limits=_rate_limits(env),
    )
