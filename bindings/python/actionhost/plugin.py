"""Plugin: one loaded plugin library (its exports resolved, the version rule applied)."""

import ctypes
import json
import os
from typing import Any, Dict, List, Optional, Union

from . import _abi
from ._search import PathSpec, find_library
from .errors import PluginIncompatible, PluginLoadFailed, PluginNotFound
from .instance import Instance, LogTarget



class Plugin:
    """A plugin library loaded in this process. The library stays loaded as long as the Plugin
    or any of its instances lives (ctypes never unloads it)."""

    def __init__(self, library_path: str, display_name: Optional[str] = None) -> None:
        prefix = 'plugin "%s": ' % display_name if display_name else ""
        self.path = library_path
        if not os.path.exists(library_path):
            raise PluginNotFound("%s%s does not exist" % (prefix, library_path))
        try:
            lib = _abi.open_library(library_path)
        except OSError as error:
            raise PluginLoadFailed("%scannot load %s: %s" % (prefix, library_path, error)) from None
        # The version first, as ah_plugin_symbols orders it: a plugin of another API version is
        # refused by the rule, not for a symbol it lacks.
        for index, (symbol, _, _) in enumerate(_abi.SYMBOLS):
            try:
                _abi.declare(lib, symbol)
            except AttributeError:
                raise PluginLoadFailed(
                    "%s%s does not export %s (required by the plugin API; check the linker "
                    "version script)" % (prefix, library_path, symbol)) from None
            if index == 0:
                version = _abi.read_string(lib.ah_plugin_api_version())
                self.api_version = version if version is not None else "(null)"
                problem = _abi.version_problem(self.api_version)
                if problem:
                    raise PluginIncompatible("%s%s is %s" % (prefix, library_path, problem))
        self._lib = lib
        text = _abi.read_string(lib.ah_plugin_manifest())
        try:
            manifest = json.loads(text) if text is not None else None
        except ValueError as error:
            raise PluginLoadFailed("%s%s: its manifest is not JSON: %s"
                                   % (prefix, library_path, error)) from None
        if not isinstance(manifest, dict) or not isinstance(manifest.get("name"), str):
            raise PluginLoadFailed("%s%s: its manifest is not an object with a name"
                                   % (prefix, library_path))
        self.manifest: Dict[str, Any] = manifest
        errors = manifest.get("errors")
        self.errors: Dict[str, Any] = errors if isinstance(errors, dict) else {}

    @property
    def name(self) -> str:
        return str(self.manifest["name"])

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", ""))

    @property
    def actions(self) -> List[str]:
        return [str(action.get("name")) for action in self.manifest.get("actions", [])
                if isinstance(action, dict)]

    def instance(self, config: Union[None, str, bytes, Dict[str, Any]] = None,
                 log: LogTarget = None) -> Instance:
        """A new instance (a context manager that destroys it). `config` is the instance config
        (a dict, or JSON text); `log` receives the plugin's log events: a logging.Logger, or a
        callable log(level, event) with a `logging` level and the event as a dict, or False for
        none. By default they go to the logger "actionhost.<plugin name>"."""
        return Instance(self, config, log)

    def __repr__(self) -> str:
        return "Plugin(name=%r, version=%r, path=%r)" % (self.name, self.version, self.path)


def load(name_or_path: Union[str, "os.PathLike[str]"], plugin_path: PathSpec = None) -> Plugin:
    """Loads a plugin by library path (anything with a "/" or ending in ".so"), or by name from
    the manifests in `plugin_path` then ACTIONHOST_PLUGIN_PATH, as actionhost finds it."""
    spec = os.fspath(name_or_path)
    if "/" in spec or spec.endswith(".so"):
        return Plugin(spec)
    library, _ = find_library(spec, plugin_path)
    return Plugin(library, display_name=spec)

