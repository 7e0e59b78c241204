"""The C ABI of plugin_api.h as ctypes declarations (standard library only).

Mirrors the header's ah_plugin_symbols (names in resolving order, the version first), its
typedefs, ah_host_api and the version rule ah_plugin_api_version_check(), which a ctypes host
cannot call because it is an inline function. Strings the plugin returns are declared c_void_p
and copied with ctypes.string_at: a c_char_p result would be copied up to the first NUL and the
pointer lost, and the plugin owns that memory only until the next call on the instance.
"""

import ctypes
import os
import re
from typing import Optional, Tuple

# AH_PLUGIN_API_VERSION of the header this binding mirrors (a test compares it with the header).
HOST_API_VERSION: Tuple[int, int, int] = (1, 0, 0)
HOST_API_VERSION_TEXT = "%d.%d.%d" % HOST_API_VERSION

# ah_status
AH_OK = 0
AH_ERROR = 1
AH_INVALID_ARGUMENT = 2
AH_UNKNOWN_ACTION = 3
AH_CANCELLED = 4
AH_TIMEOUT = 5
AH_UNSUPPORTED = 6
STATUS_NAMES = {AH_OK: "AH_OK", AH_ERROR: "AH_ERROR", AH_INVALID_ARGUMENT: "AH_INVALID_ARGUMENT",
                AH_UNKNOWN_ACTION: "AH_UNKNOWN_ACTION", AH_CANCELLED: "AH_CANCELLED",
                AH_TIMEOUT: "AH_TIMEOUT", AH_UNSUPPORTED: "AH_UNSUPPORTED"}

# ah_api_version_verdict
VERSION_ACCEPTED = 0
VERSION_MALFORMED = 1
VERSION_HOST_TOO_OLD = 2
VERSION_PLUGIN_TOO_OLD = 3

# ah_log_fn: void (*)(void* host_ctx, ah_log_level level, const char* message). The message is
# c_void_p so that it is read with string_at like every other plugin string.
LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)


class HostApi(ctypes.Structure):
    """ah_host_api."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("api_version", ctypes.c_char_p),  # an input the host owns: c_char_p is right here
        ("host_ctx", ctypes.c_void_p),
        ("log", LOG_FN),
    ]


# ah_plugin_symbols with each typedef: (name, restype, argtypes), in resolving order.
SYMBOLS = (
    ("ah_plugin_api_version", ctypes.c_void_p, []),
    ("ah_plugin_manifest", ctypes.c_void_p, []),
    ("ah_plugin_create", ctypes.c_int,
     [ctypes.POINTER(HostApi), ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]),
    ("ah_plugin_destroy", None, [ctypes.c_void_p]),
    ("ah_plugin_invoke", ctypes.c_int,
     [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
      ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)]),
    ("ah_plugin_last_error", ctypes.c_void_p, [ctypes.c_void_p]),
    ("ah_plugin_cancel", None, [ctypes.c_void_p]),
)

_VERSION_RE = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
_MAX_PART = 4294967295


def parse_version(text: Optional[str]) -> Optional[Tuple[int, int, int]]:
    """ah_plugin_api_version_parse(): strict MAJOR.MINOR.PATCH, no leading zero, 32-bit parts."""
    if not isinstance(text, str):
        return None
    match = _VERSION_RE.fullmatch(text)
    if match is None:
        return None
    major, minor, patch = (int(part) for part in match.groups())
    if max(major, minor, patch) > _MAX_PART:
        return None
    return major, minor, patch


def check_version(plugin_version: Optional[str],
                  host: Tuple[int, int, int] = HOST_API_VERSION) -> int:
    """ah_plugin_api_version_check(), line for line."""
    plugin = parse_version(plugin_version)
    if plugin is None:
        return VERSION_MALFORMED
    if plugin[0] != host[0]:
        return VERSION_HOST_TOO_OLD if plugin[0] > host[0] else VERSION_PLUGIN_TOO_OLD
    if plugin[1] != host[1]:
        return VERSION_HOST_TOO_OLD if plugin[1] > host[1] else VERSION_ACCEPTED
    return VERSION_HOST_TOO_OLD if plugin[2] > host[2] else VERSION_ACCEPTED


def version_problem(plugin_version: str, host: Tuple[int, int, int] = HOST_API_VERSION) -> str:
    """"" when accepted, else the reason in the words of the host (host/src/api_version.cpp)."""
    verdict = check_version(plugin_version, host)
    if verdict == VERSION_ACCEPTED:
        return ""
    versions = 'built for plugin API "%s" but this host implements %d.%d.%d' % (
        (plugin_version,) + tuple(host))
    if verdict == VERSION_MALFORMED:
        return versions + ": the plugin's version is not MAJOR.MINOR.PATCH"
    if verdict == VERSION_HOST_TOO_OLD:
        return versions + ": the host is too old (upgrade actionhost)"
    return versions + ": the plugin is too old (rebuild it against %d.x)" % host[0]


def read_string(pointer: Optional[int], length: Optional[int] = None) -> Optional[str]:
    """A plugin string copied out of its memory (None for NULL): NUL-terminated, or exactly
    `length` bytes. Invalid UTF-8 is replaced rather than raised: it is the plugin's bug."""
    if not pointer:
        return None
    raw = ctypes.string_at(pointer) if length is None else ctypes.string_at(pointer, length)
    return raw.decode("utf-8", errors="replace")


def open_library(path: str) -> ctypes.CDLL:
    """dlopen (RTLD_NOW | RTLD_LOCAL) without declaring anything yet."""
    return ctypes.CDLL(path, mode=os.RTLD_NOW | os.RTLD_LOCAL)


def declare(lib: ctypes.CDLL, name: str) -> None:
    """Declares one export; AttributeError when the library lacks it."""
    for symbol, restype, argtypes in SYMBOLS:
        if symbol == name:
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes
            return
    raise KeyError(name)
