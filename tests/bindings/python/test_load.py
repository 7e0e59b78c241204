"""Loading: by path and by name, the version rule in the host's words, missing plugins and
exports, instance creation failures."""

import os
import re

import pytest

import actionhost
from actionhost import _abi

HEADER = os.path.join(os.path.dirname(__file__), "..", "..", "..", "plugin_api", "include",
                      "actionhost", "plugin_api.h")


def test_binding_version_is_the_headers():
    with open(HEADER, encoding="utf-8") as header:
        text = header.read()
    parts = tuple(int(re.search(r"#define AH_PLUGIN_API_VERSION_%s (\d+)" % part, text).group(1))
                  for part in ("MAJOR", "MINOR", "PATCH"))
    assert _abi.HOST_API_VERSION == parts


def test_symbols_are_the_headers_in_order():
    with open(HEADER, encoding="utf-8") as header:
        names = re.findall(r'\{"(ah_plugin_\w+)", offsetof', header.read())
    assert [name for name, _, _ in _abi.SYMBOLS] == names


@pytest.mark.parametrize("plugin, host, verdict", [
    ("1.0.0", (1, 0, 0), _abi.VERSION_ACCEPTED),
    ("1.0.1", (1, 0, 0), _abi.VERSION_HOST_TOO_OLD),
    ("1.1.0", (1, 0, 5), _abi.VERSION_HOST_TOO_OLD),
    ("1.0.9", (1, 1, 0), _abi.VERSION_ACCEPTED),
    ("2.0.0", (1, 9, 9), _abi.VERSION_HOST_TOO_OLD),
    ("0.9.0", (1, 0, 0), _abi.VERSION_PLUGIN_TOO_OLD),
    ("01.0.0", (1, 0, 0), _abi.VERSION_MALFORMED),
    ("1.0", (1, 0, 0), _abi.VERSION_MALFORMED),
    ("1.0.4294967296", (1, 0, 0), _abi.VERSION_MALFORMED),
    (None, (1, 0, 0), _abi.VERSION_MALFORMED),
])
def test_version_rule(plugin, host, verdict):
    assert _abi.check_version(plugin, host) == verdict


def test_load_by_path_and_manifest(compshare, plugin_dir):
    plugin = actionhost.load(os.path.join(plugin_dir, "libcompshare-disk.so"))
    assert plugin.name == "compshare-disk"
    assert plugin.manifest == compshare.manifest
    assert plugin.actions == ["detach", "attach", "status"]
    assert plugin.version == compshare.manifest["version"]
    assert plugin.errors["Transient"]["class"] == "transient"


def test_load_by_name_from_environment(monkeypatch, echo_dir):
    monkeypatch.setenv("ACTIONHOST_PLUGIN_PATH", "/nonexistent:" + echo_dir)
    assert actionhost.load("test-echo").name == "test-echo"


def test_plugin_path_comes_before_environment(monkeypatch, echo_dir, plugin_dir):
    monkeypatch.setenv("ACTIONHOST_PLUGIN_PATH", echo_dir)
    assert actionhost.load("compshare-disk", plugin_path=[plugin_dir]).name == "compshare-disk"


def test_not_found_names_the_path(monkeypatch, tmp_path):
    monkeypatch.setenv("ACTIONHOST_PLUGIN_PATH", str(tmp_path / "b"))
    with pytest.raises(actionhost.PluginNotFound) as raised:
        actionhost.load("nothing-here", plugin_path=str(tmp_path / "a"))
    assert str(raised.value) == 'no plugin named "nothing-here" in the plugin path %s:%s' % (
        tmp_path / "a", tmp_path / "b")


def test_missing_library_file(tmp_path):
    with pytest.raises(actionhost.PluginNotFound):
        actionhost.load(str(tmp_path / "libnone.so"))


def test_not_a_library(tmp_path):
    path = tmp_path / "libjunk.so"
    path.write_text("not ELF")
    with pytest.raises(actionhost.PluginLoadFailed, match="cannot load"):
        actionhost.load(str(path))


@pytest.mark.parametrize("library, version, reason", [
    ("libtest-newer-minor.so", "1.1.0", "the host is too old (upgrade actionhost)"),
    ("libtest-newer-major.so", "2.0.0", "the host is too old (upgrade actionhost)"),
    ("libtest-older-major.so", "0.9.0", "the plugin is too old (rebuild it against 1.x)"),
])
def test_incompatible_in_the_hosts_words(broken_dir, library, version, reason):
    path = os.path.join(broken_dir, library)
    with pytest.raises(actionhost.PluginIncompatible) as raised:
        actionhost.load(path)
    assert str(raised.value) == (
        '%s is built for plugin API "%s" but this host implements 1.0.0: %s'
        % (path, version, reason))


def test_missing_export(broken_dir):
    with pytest.raises(actionhost.PluginLoadFailed, match="does not export ah_plugin_cancel"):
        actionhost.load(os.path.join(broken_dir, "libtest-no-cancel.so"))


def test_create_failure_carries_the_plugins_message(echo):
    with pytest.raises(actionhost.InstanceCreateFailed) as raised:
        echo.instance({"fail_create": True})
    assert "fail_create was set in the config" in str(raised.value)
    assert raised.value.status == _abi.AH_ERROR


def test_invalid_config_is_refused(echo):
    with pytest.raises(actionhost.InstanceCreateFailed) as raised:
        echo.instance("[1, 2")
    assert raised.value.status == _abi.AH_INVALID_ARGUMENT
    assert "AH_INVALID_ARGUMENT" in str(raised.value)


def test_log_must_be_a_logger_or_callable(echo):
    with pytest.raises(TypeError):
        echo.instance(log=42)


def test_closed_instance_refuses_invoke(echo):
    instance = echo.instance()
    instance.close()
    instance.close()  # idempotent
    assert instance.closed
    with pytest.raises(actionhost.ActionhostError, match="closed"):
        instance.invoke("echo")
    instance.cancel()  # a no-op once closed
