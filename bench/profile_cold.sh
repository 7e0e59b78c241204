#!/usr/bin/env bash
# The figures of a cold `actionhost run compshare-disk.detach` (one-call path) that the load of a
# shared machine does not move, next to curl sending the same request: instructions of the whole
# process (callgrind) with where they go, peak RSS and minor page faults (GNU time), over HTTP and
# HTTPS against nginx's fixed detach answer (the set-up of bench/cold.sh). With --before, an
# older build is measured the same way, alternating with the new one run by run.
# Usage: bench/profile_cold.sh [--actionhost PATH] [--before PATH] [--runs N] [--smoke]
#   default PATH: build/bench-release/bin/actionhost; N: GNU time runs per command (default 7)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
actionhost=build/bench-release/bin/actionhost
before=""
runs=7
while [ $# -gt 0 ]; do
  case "$1" in
    --actionhost) actionhost="$2"; shift 2 ;;
    --before) before="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --smoke) runs=1; shift ;;
    *) echo "usage: $0 [--actionhost PATH] [--before PATH] [--runs N] [--smoke]" >&2; exit 2 ;;
  esac
done
bench_need nginx curl openssl python3 /usr/bin/time valgrind callgrind_annotate
bench_tmp_init
bench_make_cert
bench_start_nginx http
http_url="$NGINX_URL"
bench_start_nginx https
https_url="$NGINX_URL"
printf '%s' "$(bench_signed_body Action=DetachCompshareDisk Region=cn-wlcb UHostId=uhost-emu-stopped \
  UDiskId=udisk-emu-data1 Device=/dev/vdb)" >"$BENCH_TMP/body.txt"
printf '%s' '{"Region":"cn-wlcb","UHostId":"uhost-emu-stopped","UDiskId":"udisk-emu-data1","Device":"/dev/vdb","Precheck":false,"Wait":false}' \
  >"$BENCH_TMP/params.json"
for scheme in http https; do  # https: the certificate as ca_file, as curl --cacert
  url=$http_url trust=""
  [ $scheme = https ] && { url=$https_url; trust=",\"ca_file\":\"$BENCH_TMP/cert.pem\""; }
  printf '{"public_key":"%s","private_key":"%s","base_url":"%s","region":"cn-wlcb"%s}' \
    "$BENCH_PUBLIC_KEY" "$BENCH_PRIVATE_KEY" "$url" "$trust" >"$BENCH_TMP/config-$scheme.json"
done

ah_args() {  # $1 = scheme
  echo "run compshare-disk.detach --config $BENCH_TMP/config-$1.json --params $BENCH_TMP/params.json"
}
curl_cmd() {  # $1 = scheme
  local url=$http_url trust=""
  [ "$1" = https ] && { url=$https_url; trust="--cacert $BENCH_TMP/cert.pem"; }
  echo "curl -sS -o /dev/null $trust -H Content-Type:application/x-www-form-urlencoded -H Accept:application/json --data-binary @$BENCH_TMP/body.txt $url/"
}

# Instructions of one run, and the inclusive share of the pieces of docs/performance.md
# section 3 (function names as callgrind_annotate prints them).
instructions() {  # $1 = label, rest = the command
  local label="$1"; shift
  local out="$BENCH_TMP/callgrind.out"
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>"$BENCH_TMP/vg.txt"
  python3 - "$label" "$out" <<'PY'
import re, subprocess, sys
label, out = sys.argv[1], sys.argv[2]
text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", out],
                      capture_output=True, text=True, check=True).stdout
total = int(re.search(r"^([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", text, re.M).group(1).replace(",", ""))
pieces = {  # the largest inclusive count of any function matching, in millions
    "loading the program (ld.so)": r"\b_dl_start\b",
    "dlopen (plugin and TLS module)": r"\bdlopen@@|\b_dl_open\b",
    "TLS context": r"tls_module::make_connector|Poco::Net::Context::Context\(",
    "RAND_seed": r"\bRAND_seed\b",
    "TLS handshake": r"\bSSL_do_handshake\b|\bSSL_connect\b",
    "invoke": r"\bah_plugin_invoke\b",
}
found = []
for name, pattern in pieces.items():
    best = 0
    for line in text.splitlines():
        m = re.match(r"^\s*([\d,]+) \(", line)
        if m and re.search(pattern, line):
            best = max(best, int(m.group(1).replace(",", "")))
    if best:
        found.append(f"{name} {best / 1e6:.1f} M")
print(f"RESULT instructions {label}: {total / 1e6:.1f} M" + (" (" + ", ".join(found) + ")" if found else ""))
open(out + ".total", "w").write(str(total))
PY
  mv "$out.total" "$BENCH_TMP/total-${label// /-}"
}

# The instruction ratio to curl, next to the wall-clock target it stands in for.
ratio() {  # $1 = scheme
  python3 - "$1" "$BENCH_TMP" <<'PY'
import sys
scheme, tmp = sys.argv[1], sys.argv[2]
total = lambda who: int(open(f"{tmp}/total-{scheme}-{who}").read())
target = {"http": 1.15, "https": 1.2}[scheme]
print(f"RESULT instructions {scheme} actionhost / curl: {total('actionhost') / total('curl'):.2f} "
      f"(the wall-clock target: <= {target})")
PY
}

# Peak RSS (KiB) and minor page faults, median of $runs runs, the commands alternating.
memory() {  # $1 = scheme
  local scheme="$1" i who
  local -a whos=(actionhost curl)
  [ -n "$before" ] && whos=(before actionhost curl)
  : >"$BENCH_TMP/mem.txt"
  for i in $(seq "$runs"); do
    for who in "${whos[@]}"; do
      case $who in
        actionhost) cmd="$actionhost $(ah_args "$scheme")" ;;
        before) cmd="$before $(ah_args "$scheme")" ;;
        curl) cmd="$(curl_cmd "$scheme")" ;;
      esac
      /usr/bin/time -f "$who %M %R" -a -o "$BENCH_TMP/mem.txt" $cmd >/dev/null 2>&1
    done
  done
  python3 - "$scheme" "$BENCH_TMP/mem.txt" <<'PY'
import collections, statistics, sys
scheme, rss, faults = sys.argv[1], collections.defaultdict(list), collections.defaultdict(list)
for line in open(sys.argv[2]):
    who, kib, minor = line.split()
    rss[who].append(int(kib)); faults[who].append(int(minor))
target = 12 * 1024
for who in rss:
    m = statistics.median(rss[who])
    verdict = (f"; target <= {target} KiB: " + ("met" if m <= target else f"MISSED by {m - target:.0f} KiB")
               if scheme == "https" and who != "curl" else "")
    print(f"RESULT peak RSS {scheme} {who}: median {m:.0f} KiB (range {min(rss[who])}-{max(rss[who])}), "
          f"minor faults {statistics.median(faults[who]):.0f}{verdict}")
PY
}

for scheme in http https; do
  [ "$("$actionhost" $(ah_args $scheme) 2>/dev/null | grep -c detach_requested)" = 1 ] ||
    { echo "profile_cold: actionhost failed over $scheme" >&2; exit 1; }
  [ -n "$before" ] && instructions "$scheme before" $before $(ah_args $scheme)
  instructions "$scheme actionhost" $actionhost $(ah_args $scheme)
  instructions "$scheme curl" $(curl_cmd $scheme)
  ratio $scheme
  memory $scheme
done
