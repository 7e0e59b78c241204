#!/usr/bin/env bash
# Moves a data disk between two Compshare instances with actionhost, against the bundled
# emulator: detach it from a stopped instance, attach it to another, then read where it is.
# Usage: move-a-disk.sh BIN_DIR   (the folder holding actionhost and compshare-emulator)
# Exits 0 when the disk ended up on the second instance, with the device it got printed.
set -euo pipefail
bin=${1:?usage: move-a-disk.sh BIN_DIR}

# The emulator prints one JSON line once it accepts connections: wait for it, never sleep.
coproc EMULATOR { exec "$bin/compshare-emulator" --listen 127.0.0.1:0 --detach-delay-ms 300; }
trap 'kill -TERM "$EMULATOR_PID" 2>/dev/null || true; wait "$EMULATOR_PID" 2>/dev/null || true' EXIT
read -r listening <&"${EMULATOR[0]}"
url=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$listening")

# The emulator's built-in state accepts the public documentation test-vector key pair.
export COMPSHARE_PUBLIC_KEY='ucloudsomeone@example.com1296235120854146120'
export COMPSHARE_PRIVATE_KEY='46f09bb9fab4f12dfc160dae12273d5332b5debe'
export COMPSHARE_BASE_URL="$url" COMPSHARE_REGION=cn-wlcb

disk=udisk-emu-data1 from=uhost-emu-stopped to=uhost-emu-running
run() { "$bin/actionhost" run "compshare-disk.$1" --log-format text --params "$2"; }
field() { python3 -c 'import json,sys; r=json.load(sys.stdin); print(eval(sys.argv[1], {}, {"r": r}))' "$1"; }

# 1. Detach (the instance must be Stopped); waits until the disk has left it.
run detach "{\"UHostId\":\"$from\",\"UDiskId\":\"$disk\",\"PollIntervalSeconds\":0.2}" | field 'r["status"]'
# 2. Attach to the other instance; waits until it shows there with a device.
device=$(run attach "{\"UHostId\":\"$to\",\"UDiskId\":\"$disk\",\"PollIntervalSeconds\":0.2}" \
         | field 'r["resource"]["device"]')
echo "attached $disk to $to as $device"
# 3. Check where it is (read only): a workflow polls this while it waits.
run status "{\"UHostId\":\"$to\",\"UDiskId\":\"$disk\"}" | field 'r["disk"]'
