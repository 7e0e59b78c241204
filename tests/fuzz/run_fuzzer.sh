#!/bin/sh
# Runs one libFuzzer target for a bounded time on a COPY of its seed corpus (the tree stays
# clean) and fails on any crash, leak, timeout or out-of-memory. Crash inputs are kept in
# ARTIFACT_DIR for reproduction: FUZZER ARTIFACT_DIR/crash-...
# Usage: run_fuzzer.sh FUZZER SEED_DIR SECONDS DICT ARTIFACT_DIR
set -eu
fuzzer=$1 seeds=$2 seconds=$3 dict=$4 artifacts=$5
work=$(mktemp -d "${TMPDIR:-/tmp}/actionhost-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/corpus" "$artifacts"
cp "$seeds"/* "$work/corpus/"
seed_count=$(ls "$work/corpus" | wc -l)
echo "fuzzing $(basename "$fuzzer") for ${seconds}s from $seed_count seeds"
# detect_leaks: libFuzzer reports leaks only with ASan's leak checker enabled.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=1" \
UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:halt_on_error=1:print_stacktrace=1" \
  "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
  -dict="$dict" -print_final_stats=1 -artifact_prefix="$artifacts/" "$work/corpus"
echo "corpus grew from $seed_count to $(ls "$work/corpus" | wc -l) inputs"
