"""The plugin instances of this worker process.

Celery's prefork pool runs one task at a time in each child process, and a plugin instance keeps
its TLS context and its keep-alive HTTPS connection for as long as it lives. So each worker
thread (one per prefork child; several with --pool threads) creates one instance per plugin on
first use and keeps it: this cache is the one piece of global mutable state, as Celery's worker
model requires. It is per thread (an instance runs one invocation at a time) and is emptied in a
forked child, which must never use its parent's instances.
"""

import os
import threading
from typing import Dict, Tuple

import actionhost

from .settings import Settings

_local = threading.local()
_plugins: Dict[str, actionhost.Plugin] = {}  # libraries stay loaded anyway (ctypes never unloads)
_plugins_lock = threading.Lock()


def _forget_after_fork() -> None:
    global _local
    _local = threading.local()


os.register_at_fork(after_in_child=_forget_after_fork)


def plugin(name: str) -> actionhost.Plugin:
    """The plugin called `name`, loaded once per process (ACTIONHOST_PLUGIN_PATH)."""
    with _plugins_lock:
        if name not in _plugins:
            _plugins[name] = actionhost.load(name)
        return _plugins[name]


def instance(name: str, settings: Settings) -> Tuple[actionhost.Plugin, actionhost.Instance]:
    """This thread's instance of the plugin `name`, created with the worker's config for it."""
    instances: Dict[str, actionhost.Instance] = getattr(_local, "instances", None) or {}
    _local.instances = instances
    loaded = plugin(name)
    if name not in instances or instances[name].closed:
        instances[name] = loaded.instance(settings.plugin_config(name))
    return loaded, instances[name]


def close_all() -> None:
    """Destroys this thread's instances (at worker process shutdown)."""
    instances: Dict[str, actionhost.Instance] = getattr(_local, "instances", None) or {}
    for kept in instances.values():
        kept.close()
    instances.clear()
