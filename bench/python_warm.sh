#!/usr/bin/env bash
# The bindings' warm path next to the C one: nginx answers a fixed detach (as in bench/warm.sh),
# then rounds alternate `bench_warm --server URL` (C: the floor and (b)), `python_warm.py --url
# URL` (the Python binding) and, when `go` is installed, bench/go_warm (the Go binding, built
# offline into the temp dir), all pinned to one CPU; the medians of the rounds are printed.
# Usage: bench/python_warm.sh [--bench PATH] [--plugin PATH] [--python PATH] [--cpu N]
#                             [--rounds N] [--calls N] [--smoke]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
bench=build/bench-release/bin/bench_warm
plugin=build/bench-release/lib/actionhost/plugins/libcompshare-disk.so
python=/usr/bin/python3
cpu=0 rounds=5 calls=300
while [ $# -gt 0 ]; do
  case "$1" in
    --bench) bench="$2"; shift 2 ;;
    --plugin) plugin="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    --cpu) cpu="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --calls) calls="$2"; shift 2 ;;
    --smoke) rounds=1; calls=5; shift ;;
    *) echo "python_warm.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
bench_need nginx taskset
bench_tmp_init
BENCH_PIN=$cpu bench_start_nginx http
go_bench=""
if command -v go >/dev/null 2>&1; then
  export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOTELEMETRY=off
  export GOCACHE="${GOCACHE:-$BENCH_TMP/go-cache}" GOPATH="${GOPATH:-$BENCH_TMP/go-path}"
  (cd "$here/go_warm" && go build -o "$BENCH_TMP/go_warm" .)
  go_bench="$BENCH_TMP/go_warm"
fi
for ((round = 0; round < rounds; round++)); do
  c() { taskset -c "$cpu" "$bench" --plugin "$plugin" --server "$NGINX_URL" --rounds 1 \
          --calls "$calls" --c-calls 0 | grep '^RESULT'; }
  py() { taskset -c "$cpu" "$python" "$here/python_warm.py" --plugin "$plugin" --url "$NGINX_URL" \
           --rounds 1 --calls "$calls" | grep '^RESULT'; }
  gob() { [ -z "$go_bench" ] || taskset -c "$cpu" "$go_bench" -plugin "$plugin" -url "$NGINX_URL" \
           -rounds 1 -calls "$calls" | grep '^RESULT'; }
  case $((round % 3)) in
    0) c; py; gob ;;
    1) py; gob; c ;;
    *) gob; c; py ;;
  esac
done | tee "$BENCH_TMP/results"
"$python" - "$BENCH_TMP/results" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    for key, value in re.findall(r"(\w+_median)=([\d.]+)", line):
        rows.setdefault(key, []).append(float(value))
m = {k: statistics.median(v) for k, v in rows.items()}
print("medians of the rounds (us): floor %.1f, C (b) %.1f" % (m["a_median"], m["b_median"]))
for name in ("ctypes", "thread", "bytes", "text", "logged", "main", "go_background", "go_cancellable",
             "go_logged"):
    if name + "_median" in m:
        print("  %-15s %7.1f  / C (b) = %.2f  (%+.1f us)" % (
            name, m[name + "_median"], m[name + "_median"] / m["b_median"],
            m[name + "_median"] - m["b_median"]))
PY
