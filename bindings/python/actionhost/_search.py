"""Finding a plugin by name as actionhost does: the folders of `plugin_path`, then those of
ACTIONHOST_PLUGIN_PATH (both colon-separated; a folder named twice is searched once); in each
folder the *.json manifests in name order, the first manifest of that name wins, and its
`library` is relative to the manifest's folder."""

import json
import os
from typing import Iterable, List, Optional, Sequence, Tuple, Union

from .errors import PluginNotFound

PathSpec = Union[None, str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]


def search_dirs(plugin_path: PathSpec) -> List[str]:
    """The folders to search, in order, without repeats."""
    entries: List[str] = []

    def add(spec: Union[str, "os.PathLike[str]"]) -> None:
        entries.extend(part for part in os.fspath(spec).split(":") if part)

    if isinstance(plugin_path, (str, os.PathLike)):
        add(plugin_path)
    elif plugin_path is not None:
        for item in plugin_path:
            add(item)
    add(os.environ.get("ACTIONHOST_PLUGIN_PATH", ""))
    unique: List[str] = []
    for entry in entries:
        if entry not in unique:
            unique.append(entry)
    return unique


def _manifests(folder: str) -> Iterable[Tuple[str, dict]]:
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".json"))
    except OSError:
        return  # a missing or unreadable folder holds no plugin, as for actionhost
    for name in names:
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8") as file:
                document = json.load(file)
        except (OSError, ValueError):
            continue  # `actionhost check` reports unreadable manifests
        if isinstance(document, dict):
            yield path, document


def find_library(name: str, plugin_path: PathSpec) -> Tuple[str, Optional[str]]:
    """(library path, manifest path) of the plugin called `name`; PluginNotFound otherwise,
    worded as actionhost words it."""
    folders = search_dirs(plugin_path)
    for folder in folders:
        for manifest_path, manifest in _manifests(folder):
            library = manifest.get("library")
            if manifest.get("name") == name and isinstance(library, str) and library:
                return os.path.join(folder, library), manifest_path
    raise PluginNotFound('no plugin named "%s" in the plugin path %s'
                         % (name, ":".join(folders) if folders else "(empty)"))
