#!/usr/bin/env bash
# Measures compshare-emulator throughput with wrk over keep-alive connections.
# Usage: tests/emulator/bench/run-wrk.sh [BINARY] [wrk options...]
#   default BINARY: build/release/bin/compshare-emulator; default wrk options: -t2 -c16 -d10s
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="${1:-build/release/bin/compshare-emulator}"
shift || true
if [ "$#" -eq 0 ]; then
  set -- -t2 -c16 -d10s
fi

# Wait for the emulator's one listening line on stdout, never sleep.
coproc EMULATOR { exec "$binary" --listen 127.0.0.1:0; }
trap 'kill -TERM "$EMULATOR_PID" 2>/dev/null || true; wait "$EMULATOR_PID" 2>/dev/null || true' EXIT
read -r listening <&"${EMULATOR[0]}"
url=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$listening")
echo "run-wrk: $binary at $url; wrk $*" >&2
wrk "$@" -s "$here/describe.lua" "$url/"
