#!/usr/bin/env bash
# Instructions per one-call detach invoke (Precheck false, Wait false), the deterministic
# per-call figure of docs/performance.md: nginx answers the fixed detach, bench_warm
# --instructions N makes N warm calls inside counted_one_call_invokes(), and callgrind counts
# only there (--toggle-collect). Prints per call:
#   total  everything ah_plugin_invoke executes in the calling thread;
#   poco   Poco's HTTP exchange: the inclusive cost of HTTPClientSession::sendRequest and
#          HTTPClientSession::receiveResponse (and all they call);
#   ours   total - poco: params, signature, form, the rest of the transport (request object,
#          body write and read, stale check), reply parse, result.
# and met/MISSED against the targets (total <= 100 k, ours <= 40 k). --breakdown adds the
# inclusive cost of the main pieces of ours.
# Usage: bench/instructions.sh [--bench PATH] [--plugin PATH] [--calls N] [--breakdown] [--smoke]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
bench=build/bench-release/bin/bench_warm
plugin=""
calls=2000
breakdown=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bench) bench="$2"; shift 2 ;;
    --plugin) plugin="$2"; shift 2 ;;
    --calls) calls="$2"; shift 2 ;;
    --breakdown) breakdown=1; shift ;;
    --smoke) calls=20; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "instructions.sh: unknown option $1 (--bench PATH, --plugin PATH, --calls N, --breakdown, --smoke)" >&2; exit 2 ;;
  esac
done
bench_need valgrind callgrind_annotate nginx python3
bench_tmp_init
bench_start_nginx http
out="$BENCH_TMP/callgrind.out"
valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
  --toggle-collect='*counted_one_call_invokes*' \
  "$bench" ${plugin:+--plugin "$plugin"} --server "$NGINX_URL" --instructions "$calls" \
  >"$BENCH_TMP/bench.log" 2>"$BENCH_TMP/valgrind.log" || {
  cat "$BENCH_TMP/bench.log" "$BENCH_TMP/valgrind.log" >&2
  exit 1
}
grep -q "failures=0" "$BENCH_TMP/bench.log" || { cat "$BENCH_TMP/bench.log" >&2; exit 1; }
callgrind_annotate --inclusive=yes --threshold=100 "$out" >"$BENCH_TMP/annotate.txt"
python3 - "$BENCH_TMP/annotate.txt" "$calls" "$breakdown" "$here" <<'PY'
import sys
path, calls, breakdown = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, sys.argv[4])
from callgrind_inclusive import InclusiveCounts
counts = InclusiveCounts(path)
total, cost = counts.total, counts.cost
poco = (cost("Poco::Net::HTTPClientSession::sendRequest(")
        + cost("Poco::Net::HTTPClientSession::receiveResponse("))
ours = total - poco
k = lambda v: v / calls / 1000
print("instructions per one-call detach invoke (%d calls, callgrind):" % calls)
print("  total %7.1f k   target <= 100 k: %s" % (k(total), "met" if k(total) <= 100 else "MISSED"))
print("  poco  %7.1f k   (HTTPClientSession::sendRequest + receiveResponse, inclusive)" % k(poco))
print("  ours  %7.1f k   target <= 40 k: %s" % (k(ours), "met" if k(ours) <= 40 else "MISSED"))
if breakdown:
    pieces = [
        ("params (parse_detach_params)", "parse_detach_params("),
        ("signature (sign)", "compshare::sign"),
        ("form (form_encode)", "compshare::form_encode"),
        ("transport::post (incl. poco)", "transport::post("),
        ("reply (parse_response)", "compshare::parse_response("),
        ("result (to_outcome)", "to_outcome("),
    ]
    for label, fragment in pieces:
        print("    %-30s %7.1f k" % (label, k(cost(fragment))))
print("RESULT instructions total=%.0f poco=%.0f ours=%.0f" % (
    total / calls, poco / calls, ours / calls))
PY
