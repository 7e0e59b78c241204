#!/usr/bin/env bash
# Runs bench_warm pinned to one CPU against the canned server, the emulator
# (both in process) and nginx (its own process, pinned to the same CPU) answering a fixed
# detach response. Usage: bench/warm.sh [--bench PATH] [--cpu N] [bench_warm options...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
bench=build/bench-release/bin/bench_warm
cpu=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bench) bench="$2"; shift 2 ;;
    --cpu) cpu="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
bench_need nginx taskset python3
bench_tmp_init
BENCH_PIN=$cpu bench_start_nginx http
taskset -c "$cpu" "$bench" --server canned --server emulator --server "$NGINX_URL" "${args[@]}"
