#!/usr/bin/env bash
# A whole `actionhost run compshare-disk.detach` (one-call path) next to curl
# sending the same request, with hyperfine, over HTTP and HTTPS (throwaway self-signed
# certificate: the plugin's ca_file against curl --cacert), against nginx answering a fixed
# detach response; plus peak resident memory (GNU time's %M, KiB).
# The "store" row is HTTPS with the default trust store, as a real user has it: no ca_file,
# SSL_CERT_DIR = a hashed copy of the system store plus the test certificate, next to
# curl --capath on the same directory and the ca_file run (same hyperfine rounds); and, for
# comparison, the store as OpenSSL's default verify paths read it (the whole system bundle
# parsed, then the directory): SSL_CERT_FILE = the system bundle, SSL_CERT_DIR = the copy.
# --action attach or status times that action's one call instead (attach: Precheck false, Wait
# false; status: its one Describe, nginx serving the emulator's own answer to it).
# Usage: bench/cold.sh [--actionhost PATH] [--runs N] [--rounds K] [--smoke] [--pin CPU]
#                      [--only http|https|store] [--action detach|attach|status] [--emulator PATH]
#   default PATH: build/bench-release/bin/actionhost (and compshare-emulator beside it)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
actionhost=build/bench-release/bin/actionhost
runs=50
rounds=4
pin=0
schemes="http https store"
action=detach
emulator=build/bench-release/bin/compshare-emulator
while [ $# -gt 0 ]; do
  case "$1" in
    --actionhost) actionhost="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --pin) pin="$2"; shift 2 ;;
    --smoke) runs=3; rounds=2; shift ;;
    --only) schemes="$2"; shift 2 ;;
    --action) action="$2"; shift 2 ;;
    --emulator) emulator="$2"; shift 2 ;;
    *) echo "usage: $0 [--actionhost PATH] [--runs N] [--rounds K] [--pin CPU] [--smoke] [--only http|https|store] [--action detach|attach|status] [--emulator PATH]" >&2; exit 2 ;;
  esac
done
bench_need nginx hyperfine curl openssl python3 /usr/bin/time taskset
bench_tmp_init
# Per action: its params, the one request it sends (curl sends the same), nginx's answer and
# the result status that says the run went through.
case "$action" in
  detach)
    params='{"Region":"cn-wlcb","UHostId":"uhost-emu-stopped","UDiskId":"udisk-emu-data1","Device":"/dev/vdb","Precheck":false,"Wait":false}'
    request=(Action=DetachCompshareDisk Region=cn-wlcb UHostId=uhost-emu-stopped UDiskId=udisk-emu-data1 Device=/dev/vdb)
    answer='{"Action":"DetachCompshareDiskResponse","RetCode":0}'
    expect=detach_requested ;;
  attach)
    params='{"Region":"cn-wlcb","Zone":"cn-wlcb-01","UHostId":"uhost-emu-stopped","UDiskId":"udisk-free","Precheck":false,"Wait":false}'
    request=(Action=AttachCompshareDisk Region=cn-wlcb UHostId=uhost-emu-stopped UDiskId=udisk-free Zone=cn-wlcb-01)
    answer='{"Action":"AttachCompshareDiskResponse","RetCode":0}'
    expect=attach_requested ;;
  status)
    params='{"Region":"cn-wlcb","UHostId":"uhost-emu-stopped","UDiskId":"udisk-emu-data1"}'
    request=(Action=DescribeCompShareInstance Region=cn-wlcb UHostIds.0=uhost-emu-stopped)
    bench_start_emulator "$emulator"  # its answer to the read, served by nginx as is
    answer="$(curl -sS -f -H Content-Type:application/x-www-form-urlencoded \
      --data-binary "$(bench_signed_body "${request[@]}")" "$EMULATOR_URL/")"
    case "$answer" in *"'"*|*'$'*) echo "cold: the Describe answer has a quote or \$ nginx would misread" >&2; exit 1 ;; esac
    expect=read ;;
  *) echo "cold: --action must be detach, attach or status" >&2; exit 2 ;;
esac
bench_make_cert
bench_make_store
bench_start_nginx http "$answer"
http_url="$NGINX_URL"
bench_start_nginx https "$answer"
https_url="$NGINX_URL"
body="$(bench_signed_body "${request[@]}")"
printf '%s' "$params" >"$BENCH_TMP/params.json"
for scheme in http https store; do
  url=$https_url; extra=""
  if [ $scheme = http ]; then url=$http_url; fi
  if [ $scheme = https ]; then extra=",\"ca_file\":\"$BENCH_TMP/cert.pem\""; fi
  printf '{"public_key":"%s","private_key":"%s","base_url":"%s","region":"cn-wlcb"%s}' \
    "$BENCH_PUBLIC_KEY" "$BENCH_PRIVATE_KEY" "$url" "$extra" >"$BENCH_TMP/config-$scheme.json"
done

# Only the store round sees SSL_CERT_DIR (through `env`, for hyperfine -N and GNU time alike:
# its exec costs every command of that round the same, so it is added to all of them). A
# caller's SSL_CERT_FILE (some images export the system bundle) would replace the store, and
# CURL_CA_BUNDLE curl's: both are removed.
store_env="env -u SSL_CERT_FILE -u CURL_CA_BUNDLE SSL_CERT_DIR=$BENCH_STORE"
ah_cmd() {  # $1 = scheme
  local prefix=""
  case "$1" in
    store|store-ca-file) prefix="$store_env " ;;
    store-bundle) prefix="$store_env SSL_CERT_FILE=$BENCH_SYSTEM_BUNDLE " ;;
  esac
  local config=$1
  case "$1" in store-ca-file) config=https ;; store-bundle) config=store ;; esac
  echo "${prefix}taskset -c $pin $actionhost run compshare-disk.$action --config $BENCH_TMP/config-$config.json --params $BENCH_TMP/params.json"
}
curl_cmd() {
  local url=$https_url trust="" prefix=""
  case "$1" in
    http) url=$http_url ;;
    https) trust="--cacert $BENCH_TMP/cert.pem" ;;
    store) trust="--capath $BENCH_STORE"; prefix="$store_env " ;;
  esac
  echo "${prefix}taskset -c $pin curl -sS -o /dev/null $trust -H Content-Type:application/x-www-form-urlencoded -H Accept:application/json --data-binary @$BENCH_TMP/body.txt $url/"
}
printf '%s' "$body" >"$BENCH_TMP/body.txt"
echo "cold: compshare-disk.$action; store = $BENCH_STORE_COUNT certificates (the system's and the test CA), hashed" >&2

# Check each command once (a failing command must not be timed as a fast one).
for scheme in http https store store-ca-file store-bundle; do
  out="$($(ah_cmd $scheme))" || { echo "cold: actionhost failed over $scheme: $out" >&2; exit 1; }
  case "$out" in *"\"status\":\"$expect\""*) ;; *) echo "cold: unexpected result: $out" >&2; exit 1 ;; esac
  case $scheme in store-*) ;; *) $(curl_cmd $scheme) ;; esac
done

for scheme in $schemes; do
  echo "== $scheme: hyperfine, $rounds rounds of $runs runs per command, order rotating ==" >&2
  commands=("actionhost $scheme" "$(ah_cmd $scheme)" "curl $scheme" "$(curl_cmd $scheme)")
  if [ $scheme = store ]; then
    commands+=("actionhost ca_file" "$(ah_cmd store-ca-file)"
               "actionhost bundle+dir" "$(ah_cmd store-bundle)")
  fi
  count=$((${#commands[@]} / 2))
  files=()
  for r in $(seq "$rounds"); do
    args=()
    for i in $(seq 0 $((count - 1))); do
      k=$(((i + r) % count))
      args+=("-n" "${commands[$((2 * k))]}" "${commands[$((2 * k + 1))]}")
    done
    hyperfine -N --warmup 3 --runs "$runs" --style basic --export-json "$BENCH_TMP/$scheme-$r.json" \
      "${args[@]}" >&2
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
def round_ratios(a, b):
    """Each round's median of a over b's: the two ran minutes apart at most, under one load."""
    return "/".join("%.2f" % (x / y) for x, y in zip(medians[a], medians[b]))
def verdict(ratio, target):
    return f"{ratio:.2f} (target <= {target}: " + (
        f"met by {100 * (1 - ratio / target):.0f}%)" if ratio <= target
        else f"MISSED by {100 * (ratio / target - 1):.0f}%)")
median = {name: statistics.median(t) for name, t in times.items()}
a, c = f"actionhost {scheme}", f"curl {scheme}"
target = {"http": 2.0, "https": 1.5, "store": 0.5}[scheme]
out = (f"RESULT cold {scheme}: actionhost {line(a)}; curl {line(c)}; "
       f"ratio {verdict(median[a] / median[c], target)}, per round {round_ratios(a, c)}")
if scheme == "store":
    f = "actionhost ca_file"
    b = "actionhost bundle+dir"
    out += (f"; actionhost ca_file {line(f)}; store / ca_file "
            f"{verdict(median[a] / median[f], 1.2)}, per round {round_ratios(a, f)}; "
            f"actionhost bundle+dir {line(b)} (store / bundle+dir {median[a] / median[b]:.2f})")
print(out)
PY
  for who in ah curl; do
    cmd="$(${who}_cmd $scheme)"
    rss=()
    for _ in 1 2 3; do rss+=("$( { /usr/bin/time -f %M $cmd >/dev/null; } 2>&1 | tail -1)"); done
    echo "RESULT peak RSS $who $scheme: ${rss[*]} KiB (target for actionhost <= 16384)"
  done
done
