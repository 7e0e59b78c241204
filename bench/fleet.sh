#!/usr/bin/env bash
# The fleet's throughput on Celery (1, 2, 4 worker processes) next to `actionhost run --batch
# --parallel N`, alternated, with load averages; see bench/fleet.py and docs/performance.md.
# Usage: bench/fleet.sh [--build DIR] [--repeat K] [--smoke]
# Skipped (exit 77) without redis-server or Debian's python3-celery.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v redis-server >/dev/null 2>&1 || { echo "bench: redis-server not found, skipped" >&2; exit 77; }
/usr/bin/python3 -c 'import celery, redis' 2>/dev/null ||
  { echo "bench: python3-celery or python3-redis missing, skipped" >&2; exit 77; }
exec /usr/bin/python3 "$here/fleet.py" "$@"
