#!/usr/bin/env bash
# A whole `actionhost run compshare-disk.detach` (one-call path) next to curl
# sending the same request, with hyperfine, over HTTP and HTTPS (throwaway self-signed
# certificate: the plugin's ca_file against curl --cacert), against nginx answering a fixed
# detach response; plus peak resident memory (GNU time's %M, KiB).
# Usage: bench/cold.sh [--actionhost PATH] [--runs N] [--rounds K] [--smoke] [--pin CPU]
#   default PATH: build/bench-release/bin/actionhost
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
actionhost=build/bench-release/bin/actionhost
runs=50
rounds=4
pin=0
while [ $# -gt 0 ]; do
  case "$1" in
    --actionhost) actionhost="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --pin) pin="$2"; shift 2 ;;
    --smoke) runs=3; rounds=2; shift ;;
    *) echo "usage: $0 [--actionhost PATH] [--runs N] [--rounds K] [--pin CPU] [--smoke]" >&2; exit 2 ;;
  esac
done
bench_need nginx hyperfine curl openssl python3 /usr/bin/time taskset
bench_tmp_init
bench_make_cert
bench_start_nginx http
http_url="$NGINX_URL"
bench_start_nginx https
https_url="$NGINX_URL"
body="$(bench_detach_body)"
params='{"Region":"cn-wlcb","UHostId":"uhost-emu-stopped","UDiskId":"udisk-emu-data1","Device":"/dev/vdb","Precheck":false,"Wait":false}'
printf '%s' "$params" >"$BENCH_TMP/params.json"
for scheme in http https; do
  url=$http_url; extra=""
  if [ $scheme = https ]; then url=$https_url; extra=",\"ca_file\":\"$BENCH_TMP/cert.pem\""; fi
  printf '{"public_key":"%s","private_key":"%s","base_url":"%s","region":"cn-wlcb"%s}' \
    "$BENCH_PUBLIC_KEY" "$BENCH_PRIVATE_KEY" "$url" "$extra" >"$BENCH_TMP/config-$scheme.json"
done

ah_cmd() {  # $1 = scheme
  echo "taskset -c $pin $actionhost run compshare-disk.detach --config $BENCH_TMP/config-$1.json --params $BENCH_TMP/params.json"
}
curl_cmd() {
  local url=$http_url cacert=""
  if [ "$1" = https ]; then url=$https_url; cacert="--cacert $BENCH_TMP/cert.pem"; fi
  echo "taskset -c $pin curl -sS -o /dev/null $cacert -H Content-Type:application/x-www-form-urlencoded -H Accept:application/json --data-binary @$BENCH_TMP/body.txt $url/"
}
printf '%s' "$body" >"$BENCH_TMP/body.txt"

# Check each command once (a failing command must not be timed as a fast one).
for scheme in http https; do
  out="$($(ah_cmd $scheme))" || { echo "cold: actionhost failed over $scheme: $out" >&2; exit 1; }
  case "$out" in *'"status":"detach_requested"'*) ;; *) echo "cold: unexpected result: $out" >&2; exit 1 ;; esac
  $(curl_cmd $scheme)
done

for scheme in http https; do
  echo "== $scheme: hyperfine, $rounds rounds of $runs runs per command, order alternating ==" >&2
  files=()
  for r in $(seq "$rounds"); do
    first=("-n" "actionhost $scheme" "$(ah_cmd $scheme)")
    second=("-n" "curl $scheme" "$(curl_cmd $scheme)")
    if [ $((r % 2)) -eq 0 ]; then tmp=("${first[@]}"); first=("${second[@]}"); second=("${tmp[@]}"); fi
    hyperfine -N --warmup 3 --runs "$runs" --style basic --export-json "$BENCH_TMP/$scheme-$r.json" \
      "${first[@]}" "${second[@]}" >&2
    files+=("$BENCH_TMP/$scheme-$r.json")
  done
  python3 - "$scheme" "${files[@]}" <<'PY'
import json, statistics, sys
scheme, files = sys.argv[1], sys.argv[2:]
times, medians = {}, {}
for f in files:
    for x in json.load(open(f))["results"]:
        times.setdefault(x["command"], []).extend(x["times"])
        medians.setdefault(x["command"], []).append(statistics.median(x["times"]))
def line(name):
    t = sorted(times[name])
    q = statistics.quantiles(t, n=100)
    return ("median %.2f ms (p10 %.2f, p90 %.2f, round medians %s)"
            % (1e3 * statistics.median(t), 1e3 * q[9], 1e3 * q[89],
               "/".join("%.2f" % (1e3 * m) for m in medians[name])))
a, c = f"actionhost {scheme}", f"curl {scheme}"
ratio = statistics.median(times[a]) / statistics.median(times[c])
target = 2.0 if scheme == "http" else 1.5
print(f"RESULT cold {scheme}: actionhost {line(a)}; curl {line(c)}; ratio {ratio:.2f} "
      f"(target <= {target}: {'met' if ratio <= target else 'MISSED by %.0f%%' % (100 * (ratio / target - 1))})")
PY
  for who in ah curl; do
    cmd="$(${who}_cmd $scheme)"
    rss=()
    for _ in 1 2 3; do rss+=("$( { /usr/bin/time -f %M $cmd >/dev/null; } 2>&1 | tail -1)"); done
    echo "RESULT peak RSS $who $scheme: ${rss[*]} KiB (target for actionhost <= 16384)"
  done
done
