#!/usr/bin/env bash
# `actionhost run compshare-disk.detach --batch FILE.jsonl --parallel N`
# detaching 1,000 disks across 100 instances (one-call path: Precheck false, Wait false) on the
# compshare-emulator program, for N = 1, 2, 4, 8, next to the emulator's own capacity measured
# with wrk (tests/emulator/bench/describe.lua), and the ratio. --action attach attaches 1,000
# free disks instead (Precheck false, Wait false), --action status reads each disk's place.
# --floors PATH (detach only): each round also sends the same 1,000 signed requests at N = 8
# with bench_batch_floor (PATH), over a plain socket (raw) and over Poco's client (poco), with
# none of our work: what a client reaches on the same machine without it.
# Usage: bench/batch.sh [--actionhost PATH] [--emulator PATH] [--repeat K] [--smoke]
#                       [--action detach|attach|status] [--floors PATH]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
actionhost=build/bench-release/bin/actionhost
emulator=build/bench-release/bin/compshare-emulator
hosts=100
disks_per_host=10
parallels="1 2 4 8"
repeat=3
wrk_seconds=5
action=detach
floors=""
while [ $# -gt 0 ]; do
  case "$1" in
    --actionhost) actionhost="$2"; shift 2 ;;
    --emulator) emulator="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --smoke) hosts=20; disks_per_host=5; parallels="1 4"; repeat=1; wrk_seconds=1; shift ;;
    --action) action="$2"; shift 2 ;;
    --floors) floors="$2"; shift 2 ;;
    *) echo "usage: $0 [--actionhost PATH] [--emulator PATH] [--repeat K] [--smoke] [--action detach|attach|status] [--floors PATH]" >&2; exit 2 ;;
  esac
done
case "$action" in  # the result status of every line, and what the rate counts
  detach) expect=detach_requested; noun=detaches ;;
  attach) expect=attach_requested; noun=attaches ;;
  status) expect=read; noun=reads ;;
  *) echo "batch: --action must be detach, attach or status" >&2; exit 2 ;;
esac
if [ -n "$floors" ] && [ "$action" != detach ]; then
  echo "batch: --floors sends detach requests; it needs --action detach" >&2; exit 2
fi
bench_need python3 curl wrk
bench_tmp_init

# A state of $hosts stopped instances with $disks_per_host data disks each (attach: as many free
# disks instead, each line attaching one), and the batch file.
python3 - "$hosts" "$disks_per_host" "$BENCH_TMP" "$BENCH_PUBLIC_KEY" "$BENCH_PRIVATE_KEY" "$action" <<'PY'
import json, sys
hosts, per, tmp, pub, priv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
action = sys.argv[6]
instances, lines, free = [], [], []
for h in range(hosts):
    hid = f"uhost-b{h:03d}"
    disks = [{"DiskId": f"bsd-b{h:03d}", "DiskType": "CLOUD_SSD", "IsBoot": "True", "Drive": "/dev/vda", "Size": 100}]
    for d in range(per):
        did, drive = f"udisk-b{h:03d}-{d:02d}", "/dev/vd" + chr(ord("b") + d)
        if action == "attach":
            free.append({"DiskId": did, "Region": "cn-wlcb", "Zone": "cn-wlcb-01", "Size": 200})
            lines.append({"Region": "cn-wlcb", "Zone": "cn-wlcb-01", "UHostId": hid, "UDiskId": did,
                          "Precheck": False, "Wait": False})
            continue
        disks.append({"DiskId": did, "DiskType": "CLOUD_SSD", "IsBoot": "False", "Drive": drive, "Size": 200})
        lines.append({"Region": "cn-wlcb", "UHostId": hid, "UDiskId": did, "Device": drive,
                      "Precheck": False, "Wait": False} if action == "detach" else
                     {"Region": "cn-wlcb", "UHostId": hid, "UDiskId": did})
    instances.append({"UHostId": hid, "Region": "cn-wlcb", "Zone": "cn-wlcb-01", "Name": hid,
                      "State": "Stopped", "DiskSet": disks})
json.dump({"KeyPairs": [{"PublicKey": pub, "PrivateKey": priv}], "Instances": instances, "Disks": free},
          open(f"{tmp}/state.json", "w"))
with open(f"{tmp}/batch.jsonl", "w") as f:
    for l in lines:
        f.write(json.dumps(l) + "\n")
PY
total=$((hosts * disks_per_host))

# For the floors: each line's DetachCompshareDisk request, signed, as the plugin sends it.
if [ -n "$floors" ]; then
  python3 - "$BENCH_TMP/batch.jsonl" "$BENCH_PUBLIC_KEY" "$BENCH_PRIVATE_KEY" >"$BENCH_TMP/bodies.txt" <<'PY'
import hashlib, json, sys, urllib.parse
pub, priv = sys.argv[2], sys.argv[3]
for line in open(sys.argv[1]):
    j = json.loads(line)
    p = {"Action": "DetachCompshareDisk", "PublicKey": pub}
    p.update({k: j[k] for k in ("Region", "UHostId", "UDiskId", "Device")})
    p["Signature"] = hashlib.sha1(("".join(k + p[k] for k in sorted(p)) + priv).encode()).hexdigest()
    print("&".join(k + "=" + urllib.parse.quote(p[k], safe="-._~") for k in sorted(p)))
PY
fi

bench_start_emulator "$emulator" --state "$BENCH_TMP/state.json"
printf '{"public_key":"%s","private_key":"%s","base_url":"%s","region":"cn-wlcb"}' \
  "$BENCH_PUBLIC_KEY" "$BENCH_PRIVATE_KEY" "$EMULATOR_URL" >"$BENCH_TMP/config.json"

# The emulator's capacity: wrk over keep-alive connections, default-size answers.
wrk_rate() {
  wrk -t2 -c16 -d"${wrk_seconds}s" -s "$here/../tests/emulator/bench/describe.lua" "$EMULATOR_URL/" |
    awk '/Requests\/sec/ {print $2}'
}
# describe.lua reads uhost-emu-stopped of the default state: load it for wrk, then ours back.
put_state() { curl -sS -f -X PUT --data-binary @"$1" "$EMULATOR_URL/_emulator/state" >/dev/null; }
"$emulator" --print-default-state >"$BENCH_TMP/default-state.json"

results=()
# The rate of the run timed by $start and $end: printed as "RESULT $2: ...", kept under key $1.
record() {
  local rate
  rate=$(python3 -c "print(round($total/($end-$start),1))")
  echo "RESULT $2: $total $noun in $(python3 -c "print(round($end-$start,3))") s = $rate $noun/s"
  results+=("$1 $rate")
}
for r in $(seq "$repeat"); do
  put_state "$BENCH_TMP/default-state.json"
  cap=$(wrk_rate)
  echo "RESULT wrk capacity run $r: $cap requests/s"
  results+=("cap $cap")
  for n in $parallels; do
    put_state "$BENCH_TMP/state.json"
    start=$(date +%s.%N)
    "$actionhost" run compshare-disk.$action --config "$BENCH_TMP/config.json" \
      --batch "$BENCH_TMP/batch.jsonl" --parallel "$n" >"$BENCH_TMP/out.jsonl" 2>"$BENCH_TMP/err.txt"
    end=$(date +%s.%N)
    # Every line a JSON result, in input order, all accepted (a wrong answer is no throughput).
    # BENCH_NO_CHECK=1: time only (for builds older than the --parallel output fix).
    if [ -z "${BENCH_NO_CHECK:-}" ] && ! python3 - "$BENCH_TMP/batch.jsonl" "$BENCH_TMP/out.jsonl" "$expect" <<'PY'
import json, sys
expect = sys.argv[3]
inputs = [json.loads(l)["UDiskId"] for l in open(sys.argv[1])]
raw = open(sys.argv[2]).read().split("\n")
assert raw[-1] == "", "output does not end with a newline"
out = [json.loads(l) for l in raw[:-1]]
assert len(out) == len(inputs), f"{len(out)} result lines for {len(inputs)} input lines"
for i, (want, r) in enumerate(zip(inputs, out)):
    assert r["resource"]["udisk_id"] == want, f"line {i + 1}: result for {r['resource']['udisk_id']}, expected {want}"
    assert r["status"] == expect, f"line {i + 1}: {r['status']}: {r.get('message')}"
PY
    then
      echo "batch: N=$n: the results above are wrong" >&2
      exit 1
    fi
    record "n$n" "batch run $r N=$n"
  done
  for client in ${floors:+raw poco}; do
    put_state "$BENCH_TMP/state.json"
    start=$(date +%s.%N)
    "$floors" --client "$client" --url "$EMULATOR_URL" --bodies "$BENCH_TMP/bodies.txt" \
      --parallel 8 >"$BENCH_TMP/floor.txt"
    end=$(date +%s.%N)
    accepted=$(grep -c '"RetCode":0' "$BENCH_TMP/floor.txt" || true)
    if [ "$accepted" != "$total" ]; then
      echo "batch: the $client floor got $accepted accepted answers of $total" >&2
      exit 1
    fi
    record "f$client" "floor run $r $client N=8"
  done
done
printf '%s\n' "${results[@]}" | NOUN=$noun python3 -c '
import collections, os, statistics, sys
noun = os.environ["NOUN"]
d = collections.defaultdict(list)
ratios = collections.defaultdict(list)  # each batch run against the wrk figure of its own round
cap_now = None
for line in sys.stdin:
    k, v = line.split(); v = float(v); d[k].append(v)
    if k == "cap":
        cap_now = v
    else:
        ratios[k].append(v / cap_now)
cap = statistics.median(d.pop("cap"))
print(f"SUMMARY emulator capacity (wrk, median of {len(ratios and next(iter(ratios.values())))} runs): {cap:.0f} requests/s")
for k, v in d.items():
    m = statistics.median(v)
    if k.startswith("f"):  # a floor: the same requests at N = 8 without our work
        r = sorted(ratios[k])
        line = (f"SUMMARY floor {k[1:]} N=8: median {m:.0f} {noun}/s, per round "
                f"{100*statistics.median(r):.0f}% of capacity (range {100*r[0]:.0f}-{100*r[-1]:.0f}%)")
        if "n8" in d:
            ours = statistics.median(d["n8"])
            line += f"; the batch at N=8 reaches {100*ours/m:.0f}% of it"
        print(line)
        continue
    r = sorted(ratios[k])
    print(f"SUMMARY N={k[1:]}: median {m:.0f} {noun}/s (runs {sorted(v)}), {100*m/cap:.0f}% of the median capacity; "
          f"per round {100*statistics.median(r):.0f}% (range {100*r[0]:.0f}-{100*r[-1]:.0f}%)")
    if k == "n8":  # the target: at N = 8, at least 75 % of the emulator capacity
        share = statistics.median(r)
        print(f"SUMMARY N=8 target >= 75% of capacity: " + ("met" if share >= 0.75 else
              f"MISSED by {75 - 100 * share:.0f} points") + f" (per-round median {100 * share:.0f}%)")
'
