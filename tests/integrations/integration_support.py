"""Shared pieces of the engine integration tests: the emulator, actionhost's paths and the
generated files. Environment (set by CTest): ACTIONHOST_BIN, ACTIONHOST_PLUGIN_DIR,
COMPSHARE_EMULATOR_BIN, EMULATOR_MODULE_DIR, INTEGRATIONS_DIR, COMPSHARE_MANIFEST."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.environ["EMULATOR_MODULE_DIR"])
from emulator_process import EmulatorProcess  # noqa: E402

BIN = os.environ["ACTIONHOST_BIN"]
PLUGIN_DIR = os.environ["ACTIONHOST_PLUGIN_DIR"]
EMULATOR = os.environ["COMPSHARE_EMULATOR_BIN"]
INTEGRATIONS = os.environ["INTEGRATIONS_DIR"]
SAFETY_TIMEOUT = 300

with open(os.environ["COMPSHARE_MANIFEST"], encoding="utf-8") as _f:
    MANIFEST = json.load(_f)

# The emulator's own default key pair (tests/emulator/README.md "The default state").
PUBLIC_KEY = "ucloudsomeone@example.com1296235120854146120"
PRIVATE_KEY = "46f09bb9fab4f12dfc160dae12273d5332b5debe"
STOPPED_HOST, DATA_DISK = "uhost-emu-stopped", "udisk-emu-data1"
RUNNING_HOST, RUNNING_DISK = "uhost-emu-running", "udisk-emu-data3"


def clean_env(**extra):
    """No COMPSHARE_* or profile file of the caller's: the tests give every value."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COMPSHARE_", "ANSIBLE_")) and k != "ACTIONHOST_PLUGIN_PATH"}
    env["XDG_CONFIG_HOME"] = os.path.join(tempfile.gettempdir(), "integrations-no-profile")
    env.update(extra)
    return env


def fleet_state(hosts, disks):
    """Stopped instances uhost-fleet-H with data disks udisk-fleet-H-D (as bench/batch.sh)."""
    instances = []
    for h in range(hosts):
        disk_set = [{"DiskId": f"bsd-fleet-{h}", "IsBoot": "True", "Drive": "/dev/vda",
                     "Size": 100}]
        disk_set += [{"DiskId": f"udisk-fleet-{h}-{d}", "IsBoot": "False",
                      "Drive": "/dev/vd" + chr(ord("b") + d), "Size": 200} for d in range(disks)]
        instances.append({"UHostId": f"uhost-fleet-{h}", "Region": "cn-wlcb",
                          "Zone": "cn-wlcb-01", "State": "Stopped", "DiskSet": disk_set})
    return {"KeyPairs": [{"PublicKey": PUBLIC_KEY, "PrivateKey": PRIVATE_KEY}],
            "Instances": instances, "Disks": []}


def emulator(**kwargs):
    return EmulatorProcess(EMULATOR, **kwargs)


def accepted(emu, action="DetachCompshareDisk"):
    return emu.requests()["accepted"].get(action, 0)


def run(argv, env, stdin=None, cwd=None):
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=SAFETY_TIMEOUT)
