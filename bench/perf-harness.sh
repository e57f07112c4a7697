#!/usr/bin/env bash
# The reference page-performance method beside the page's own benchmark: the built dist/ and the
# floor (the smallest embind page that computes one figure, -preload and -inline variants) measured
# in one run, interleaved, in headless Chromium, then the tables (bytes and requests before the
# first result, first result, recompute, long tasks, the page fully live) as markdown.
#
#   bench/perf-harness.sh HARNESS_DIR [LOCAL_RUNS] [MOBILE_RUNS]
#
# HARNESS_DIR holds measure.js, instrument.js, summarize.js, serve.py and floor/build.sh (the
# method's files; they are not part of this repository). MOBILE_RUNS 0 skips the mobile profile
# (Lighthouse's mobile throttling: 562.5 ms RTT, 1.47 Mbps down, 4x CPU). Needs dist/
# (scripts/build), python3, em++ and Chromium (scripts/setup). Ports 8100, 8104 and 8105.
set -euo pipefail
cd "$(dirname "$0")/.."
H=$(cd "${1:?usage: bench/perf-harness.sh HARNESS_DIR [LOCAL_RUNS] [MOBILE_RUNS]}" && pwd)
LOCAL_RUNS=${2:-9}
MOBILE_RUNS=${3:-5}
. scripts/env.sh
[ -f dist/index.html ] || { echo "dist/ is missing: run scripts/build" >&2; exit 1; }
T=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$T/blank"
echo '<!doctype html><title>blank</title>' > "$T/blank/index.html"
bash "$H/floor/build.sh" "$T/floor" >/dev/null
python3 "$H/serve.py" "$T/blank" 8100 & pids+=($!)
python3 "$H/serve.py" "$T/floor" 8104 & pids+=($!)
python3 "$H/serve.py" dist 8105 & pids+=($!)
sleep 1
# The method's scripts resolve playwright-core from NODE_PATH: this repository's node_modules.
export NODE_PATH="$PWD/node_modules${NODE_PATH:+:$NODE_PATH}"
export PERF_OUT="$T/measure"
APPS='^(floor/embind-Oz-(preload|inline)|vramcalc)$'
(cd "$T" && node "$H/measure.js" local "$LOCAL_RUNS" "$APPS" >/dev/null)
if [ "$MOBILE_RUNS" -gt 0 ]; then
  (cd "$T" && node "$H/measure.js" mobile "$MOBILE_RUNS" "$APPS" >/dev/null)
fi
node "$H/summarize.js" "$T/measure/results"
