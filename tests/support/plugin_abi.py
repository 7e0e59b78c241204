"""The actionhost plugin C ABI for Python ctypes hosts (standard library only).

One place that declares the seven ah_plugin_* exports (argtypes and restype), the ah_host_api
struct and the version rule of plugin_api.h, plus a small Plugin/Instance wrapper the tests share.

Strings the plugin returns are declared c_void_p and copied with ctypes.string_at: a c_char_p
result would be copied up to the first NUL and the pointer lost, and the plugin owns the memory.
The host's version is read from plugin_api.h itself, so it cannot drift from the header.
"""

import ctypes
import os
import re

# ah_status (plugin_api.h).
AH_OK = 0
AH_ERROR = 1
AH_INVALID_ARGUMENT = 2
AH_UNKNOWN_ACTION = 3
AH_CANCELLED = 4
AH_TIMEOUT = 5
AH_UNSUPPORTED = 6

# ah_api_version_verdict (plugin_api.h).
VERSION_ACCEPTED = 0
VERSION_MALFORMED = 1
VERSION_HOST_TOO_OLD = 2
VERSION_PLUGIN_TOO_OLD = 3

HEADER = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                      "plugin_api", "include", "actionhost", "plugin_api.h")


def _header_version():
    with open(HEADER, encoding="utf-8") as header:
        text = header.read()
    parts = []
    for part in ("MAJOR", "MINOR", "PATCH"):
        match = re.search(r"#define AH_PLUGIN_API_VERSION_%s (\d+)" % part, text)
        if match is None:
            raise RuntimeError("%s does not define AH_PLUGIN_API_VERSION_%s" % (HEADER, part))
        parts.append(int(match.group(1)))
    return tuple(parts)


HOST_API_VERSION = _header_version()  # (major, minor, patch) of AH_PLUGIN_API_VERSION
HOST_API_VERSION_TEXT = "%d.%d.%d" % HOST_API_VERSION

# void (*ah_log_fn)(void* host_ctx, ah_log_level level, const char* message); the message is
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


# Every export, in the order a host resolves them (ah_plugin_symbols): (name, restype, argtypes).
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

_PART = r"(0|[1-9][0-9]*)"
_MAX_PART = 4294967295


def parse_version(text):
    """(major, minor, patch) of a strict "MAJOR.MINOR.PATCH" (no leading zero), else None."""
    if not isinstance(text, str):
        return None
    match = re.fullmatch(r"\.".join([_PART] * 3), text)
    if match is None:
        return None
    parts = tuple(int(part) for part in match.groups())
    return parts if all(part <= _MAX_PART for part in parts) else None


def check_version(plugin_version, host=HOST_API_VERSION):
    """The version rule (ah_plugin_api_version_check): majors equal, host minor >= plugin minor,
    with equal minors host patch >= plugin patch. Returns a VERSION_* verdict."""
    plugin = parse_version(plugin_version)
    if plugin is None:
        return VERSION_MALFORMED
    if plugin[0] != host[0]:
        return VERSION_HOST_TOO_OLD if plugin[0] > host[0] else VERSION_PLUGIN_TOO_OLD
    return VERSION_ACCEPTED if plugin[1:] <= tuple(host[1:]) else VERSION_HOST_TOO_OLD


def compatible(plugin_version, host=HOST_API_VERSION):
    """Whether a host of version `host` accepts the plugin (ah_plugin_api_version_compatible)."""
    return check_version(plugin_version, host) == VERSION_ACCEPTED


def read_string(pointer, length=None):
    """A plugin string copied out of its memory: NUL-terminated, or exactly `length` bytes."""
    if not pointer:
        raise ValueError("the plugin returned a NULL string")
    raw = ctypes.string_at(pointer) if length is None else ctypes.string_at(pointer, length)
    return raw.decode("utf-8")


def load_library(path):
    """dlopen the library (RTLD_NOW | RTLD_LOCAL) and declare every export; AttributeError names
    a missing one."""
    lib = ctypes.CDLL(path, mode=os.RTLD_NOW | os.RTLD_LOCAL)
    for name, restype, argtypes in SYMBOLS:
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


class IncompatiblePlugin(Exception):
    """The plugin's API version is refused by the version rule."""


class Host:
    """An ah_host_api whose log callback calls on_log(host_ctx, level, message_text). Keep it
    alive as long as any instance created with it (it owns the C callback)."""

    def __init__(self, on_log=None, host_ctx=None):
        self.on_log = on_log
        self._callback = LOG_FN(self._log)
        self.api = HostApi(ctypes.sizeof(HostApi), HOST_API_VERSION_TEXT.encode(), host_ctx,
                           self._callback if on_log is not None else LOG_FN())

    def _log(self, host_ctx, level, message):
        self.on_log(host_ctx, level, read_string(message))


class Instance:
    """One plugin instance. A failed create keeps the instance the plugin returned (it carries
    the error); destroy() releases it either way."""

    def __init__(self, lib, config=None, host=None):
        self.lib = lib
        self.host = host  # kept alive with the instance
        self.handle = ctypes.c_void_p()
        if isinstance(config, str):
            config = config.encode("utf-8")
        self.create_status = lib.ah_plugin_create(
            ctypes.byref(host.api) if host is not None else None, config,
            ctypes.byref(self.handle))

    def last_error(self):
        return read_string(self.lib.ah_plugin_last_error(self.handle)) if self.handle else ""

    def raw_invoke(self, action, params, length=None):
        """(status, result pointer, result length) exactly as returned: the result lives until
        the next call on this instance."""
        if isinstance(action, str):
            action = action.encode("utf-8")
        if length is None:
            length = 0 if params is None else len(params)
        result, result_len = ctypes.c_void_p(), ctypes.c_size_t(0)
        status = self.lib.ah_plugin_invoke(self.handle, action, params, length,
                                           ctypes.byref(result), ctypes.byref(result_len))
        return status, result, result_len.value

    def invoke(self, action, params=b"{}", length=None):
        """(status, result text or None, last error text)."""
        status, result, result_len = self.raw_invoke(action, params, length)
        text = read_string(result, result_len) if result.value else None
        return status, text, self.last_error()

    def cancel(self):
        self.lib.ah_plugin_cancel(self.handle)

    def destroy(self):
        if self.handle:
            self.lib.ah_plugin_destroy(self.handle)
            self.handle = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.destroy()


class Plugin:
    """A plugin library loaded as the C hosts load it: every export declared, the version rule
    applied before anything else is called (IncompatiblePlugin when it refuses)."""

    def __init__(self, path):
        self.path = path
        self.lib = load_library(path)
        version = self.api_version()
        verdict = check_version(version)
        if verdict != VERSION_ACCEPTED:
            why = {VERSION_MALFORMED: "the plugin's version is not MAJOR.MINOR.PATCH",
                   VERSION_HOST_TOO_OLD: "the host is too old",
                   VERSION_PLUGIN_TOO_OLD: "the plugin is too old"}[verdict]
            raise IncompatiblePlugin('%s is built for plugin API "%s" but this host implements '
                                     '%s: %s' % (path, version, HOST_API_VERSION_TEXT, why))

    def api_version(self):
        return read_string(self.lib.ah_plugin_api_version())

    def manifest(self):
        return read_string(self.lib.ah_plugin_manifest())

    def instance(self, config=None, host=None):
        return Instance(self.lib, config, host)
