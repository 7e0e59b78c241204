#!/usr/bin/env bash
# Instructions per line of `actionhost run compshare-disk.detach --batch FILE --parallel 8`: the
# deterministic figure behind bench/batch.sh's wall clock. The emulator holds 10 data disks on
# each of LINES/10 instances; callgrind counts the whole actionhost process (start-up included)
# detaching them one call each (Precheck false, Wait false). Prints the total per line and the
# inclusive cost per line of the pieces of a line (the plugin's call and within it Poco's
# exchange and the two progress events; the host's checks of the result, the events and the
# line; start-up's loading):
# Usage: bench/batch_instructions.sh [--actionhost PATH] [--emulator PATH] [--lines N] [--smoke]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
actionhost=build/bench-release/bin/actionhost
emulator=build/bench-release/bin/compshare-emulator
lines=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --actionhost) actionhost="$2"; shift 2 ;;
    --emulator) emulator="$2"; shift 2 ;;
    --lines) lines="$2"; shift 2 ;;
    --smoke) lines=20; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "batch_instructions.sh: unknown option $1 (--actionhost PATH, --emulator PATH, --lines N, --smoke)" >&2; exit 2 ;;
  esac
done
case "$lines" in
  ''|*[!0-9]*|0) echo "batch_instructions.sh: --lines must be a positive whole number" >&2; exit 2 ;;
esac
bench_need valgrind callgrind_annotate python3
bench_tmp_init

python3 - "$lines" "$BENCH_TMP" "$BENCH_PUBLIC_KEY" "$BENCH_PRIVATE_KEY" <<'PY'
import json, sys
lines, tmp, pub, priv = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
instances, batch = [], []
for h in range((lines + 9) // 10):
    hid = f"uhost-i{h:04d}"
    disks = [{"DiskId": f"bsd-i{h:04d}", "DiskType": "CLOUD_SSD", "IsBoot": "True", "Drive": "/dev/vda", "Size": 100}]
    for d in range(10):
        did, drive = f"udisk-i{h:04d}-{d}", "/dev/vd" + chr(ord("b") + d)
        disks.append({"DiskId": did, "DiskType": "CLOUD_SSD", "IsBoot": "False", "Drive": drive, "Size": 200})
        batch.append({"Region": "cn-wlcb", "UHostId": hid, "UDiskId": did, "Device": drive,
                      "Precheck": False, "Wait": False})
    instances.append({"UHostId": hid, "Region": "cn-wlcb", "Zone": "cn-wlcb-01", "Name": hid,
                      "State": "Stopped", "DiskSet": disks})
json.dump({"KeyPairs": [{"PublicKey": pub, "PrivateKey": priv}], "Instances": instances, "Disks": []},
          open(f"{tmp}/state.json", "w"))
with open(f"{tmp}/batch.jsonl", "w") as f:
    for line in batch[:lines]:
        f.write(json.dumps(line) + "\n")
PY
bench_start_emulator "$emulator" --state "$BENCH_TMP/state.json"
printf '{"public_key":"%s","private_key":"%s","base_url":"%s","region":"cn-wlcb"}' \
  "$BENCH_PUBLIC_KEY" "$BENCH_PRIVATE_KEY" "$EMULATOR_URL" >"$BENCH_TMP/config.json"

out="$BENCH_TMP/callgrind.out"
valgrind --tool=callgrind --callgrind-out-file="$out" "$actionhost" run compshare-disk.detach \
  --config "$BENCH_TMP/config.json" --batch "$BENCH_TMP/batch.jsonl" --parallel 8 \
  >"$BENCH_TMP/results.jsonl" 2>"$BENCH_TMP/stderr.txt" || {
  tail -5 "$BENCH_TMP/stderr.txt" >&2
  exit 1
}
# Every line accepted: a run that failed somewhere measures something else.
accepted=$(grep -c '"status":"detach_requested"' "$BENCH_TMP/results.jsonl" || true)
if [ "$accepted" != "$lines" ]; then
  echo "batch_instructions.sh: $accepted of $lines lines were accepted" >&2
  exit 1
fi
callgrind_annotate --inclusive=yes --threshold=100 "$out" >"$BENCH_TMP/annotate.txt"
python3 - "$BENCH_TMP/annotate.txt" "$lines" "$here" <<'PY'
import sys
path, lines = sys.argv[1], int(sys.argv[2])
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, sys.argv[3])
from callgrind_inclusive import InclusiveCounts
counts = InclusiveCounts(path)
total, cost = counts.total, counts.cost
print(f"instructions per line of a {lines}-line batch at --parallel 8 (callgrind, start-up included):")
print(f"  total                                   {total / lines / 1000:7.1f} k")
events = cost("compshare::detach::progress::sent(") + cost("compshare::detach::progress::done(")
pieces = [
    ("the plugin's call (ah_plugin_invoke)", cost("???:ah_plugin_invoke")),
    ("  Poco's send", cost("Poco::Net::HTTPClientSession::sendRequest(")),
    ("  Poco's receive", cost("Poco::Net::HTTPClientSession::receiveResponse(")),
    ("  the two events (log callback incl.)", events),
    ("the host's result check", cost("actionhost::core::json_object_problem")),
    ("the host's framing of the events", cost("actionhost::core::log_sink::write(")),
    ("the host's line check", cost("actionhost::core::check_input(")),
    ("loading (ld.so relocations)", cost("_dl_relocate_object")),
]
for label, value in pieces:
    print(f"  {label:40s}{value / lines / 1000:7.1f} k")
print(f"RESULT batch_instructions lines={lines} per_line={total / lines:.0f}")
PY
