"""Shared fixtures of the binding's tests. CTest passes the built artefacts in the environment:

ACTIONHOST_TEST_PLUGIN_DIR   folder of compshare-disk's library and manifest
ACTIONHOST_TEST_ECHO_DIR     folder of test-echo's library and manifest
ACTIONHOST_TEST_BROKEN_DIR   folder of the test plugins of other API versions
ACTIONHOST_TEST_BAD_STATUS   test-bad-status's library (its invoke returns 77)
ACTIONHOST_TEST_EMULATOR     the compshare-emulator program
and PYTHONPATH holds bindings/python and tests/emulator.
"""

import json
import logging
import os
import sys
import tempfile

import pytest

from emulator_process import EmulatorProcess

import actionhost

PUBLIC_KEY = "ucloudsomeone@example.com1296235120854146120"
PRIVATE_KEY = "46f09bb9fab4f12dfc160dae12273d5332b5debe"
STOPPED, RUNNING = "uhost-emu-stopped", "uhost-emu-running"
DATA1, DATA2, DATA3, SYSTEM = ("udisk-emu-data1", "udisk-emu-data2", "udisk-emu-data3",
                               "bsd-emu-system")


def env_path(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail("%s is not set (run these tests through ctest)" % name)
    return value


@pytest.fixture(scope="session")
def plugin_dir():
    return env_path("ACTIONHOST_TEST_PLUGIN_DIR")


@pytest.fixture(scope="session")
def echo_dir():
    return env_path("ACTIONHOST_TEST_ECHO_DIR")


@pytest.fixture(scope="session")
def broken_dir():
    return env_path("ACTIONHOST_TEST_BROKEN_DIR")


@pytest.fixture(scope="session")
def compshare(plugin_dir):
    return actionhost.load("compshare-disk", plugin_path=plugin_dir)


@pytest.fixture(scope="session")
def echo(echo_dir):
    return actionhost.load("test-echo", plugin_path=echo_dir)


@pytest.fixture(autouse=True)
def isolated_credentials(monkeypatch, tmp_path):
    """Credentials only from the config: no COMPSHARE_* variables and an empty HOME."""
    for name in list(os.environ):
        if name.startswith("COMPSHARE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def make_emulator(state=None, detach_delay_ms=0):
    return EmulatorProcess(env_path("ACTIONHOST_TEST_EMULATOR"), state=state,
                           detach_delay_ms=detach_delay_ms)


@pytest.fixture
def emulator():
    with make_emulator() as emu:
        yield emu


def config_for(emu, **extra):
    config = {"public_key": PUBLIC_KEY, "private_key": PRIVATE_KEY, "base_url": emu.url,
              "region": "cn-wlcb", "max_retries": 0}
    config.update(extra)
    return config


class RecordingHandler(logging.Handler):
    """Keeps every record that reaches it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def records():
    """Every log record of the "actionhost" loggers during the test."""
    handler = RecordingHandler()
    logger = logging.getLogger("actionhost")
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(old_level)
