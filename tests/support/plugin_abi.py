"""Raw C ABI access for the tests that need it (standard library only).

The declarations (the ah_status and version-verdict values, ah_host_api, ah_log_fn, the seven
exports with their argtypes and restype, the version rule) are the actionhost binding's
(bindings/python/actionhost/_abi.py, on PYTHONPATH): the ABI is declared once in Python. This
module only adds what a test needs beyond the binding: instances driven call by call, with NULL
pointers, wrong lengths or calls out of order, and a strict reading of returned strings.
"""

import ctypes

from actionhost._abi import (AH_CANCELLED, AH_ERROR, AH_INVALID_ARGUMENT,  # noqa: F401
                             AH_OK, AH_TIMEOUT, AH_UNKNOWN_ACTION, AH_UNSUPPORTED,
                             HOST_API_VERSION, HOST_API_VERSION_TEXT, LOG_FN, SYMBOLS,
                             VERSION_ACCEPTED, VERSION_HOST_TOO_OLD, VERSION_MALFORMED,
                             VERSION_PLUGIN_TOO_OLD, HostApi, check_version, declare,
                             open_library, parse_version)


def compatible(plugin_version, host=HOST_API_VERSION):
    """Whether a host of version `host` accepts the plugin (ah_plugin_api_version_compatible)."""
    return check_version(plugin_version, host) == VERSION_ACCEPTED


def read_string(pointer, length=None):
    """A plugin string copied out of its memory: NUL-terminated, or exactly `length` bytes.
    Stricter than the binding's: NULL and invalid UTF-8 fail the test."""
    if not pointer:
        raise ValueError("the plugin returned a NULL string")
    raw = ctypes.string_at(pointer) if length is None else ctypes.string_at(pointer, length)
    return raw.decode("utf-8")


def load_library(path):
    """dlopen the library (RTLD_NOW | RTLD_LOCAL) and declare every export; AttributeError names
    a missing one."""
    lib = open_library(path)
    for name, _, _ in SYMBOLS:
        declare(lib, name)
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
