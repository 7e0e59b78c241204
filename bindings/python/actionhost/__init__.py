"""actionhost: load actionhost plugins in this process through their C ABI (ctypes only).

    import actionhost

    plugin = actionhost.load("compshare-disk")          # or a path to the .so
    with plugin.instance({"region": "cn-wlcb"}) as instance:
        try:
            result = instance.invoke("detach", {"UHostId": "...", "UDiskId": "..."}, timeout=600)
        except actionhost.TransientError as error:      # error.type, error.retryable, error.result
            ...

See bindings/python/README.md.
"""

from .errors import (ActionError, ActionhostError, ActionTimeout, Cancelled, ConcurrentInvoke,
                     CredentialsError, InstanceCreateFailed, PluginIncompatible, PluginLoadFailed,
                     PluginNotFound, PreconditionError, RemoteError, TransientError, UsageError)
from . import exit_codes
from .instance import Instance
from .plugin import Plugin, load

__all__ = [
    "load", "Plugin", "Instance", "exit_codes",
    "ActionhostError", "PluginNotFound", "PluginLoadFailed", "PluginIncompatible",
    "InstanceCreateFailed", "ConcurrentInvoke",
    "ActionError", "UsageError", "CredentialsError", "PreconditionError", "RemoteError",
    "TransientError", "ActionTimeout", "Cancelled",
]
__version__ = "0.1.0"
