#!/usr/bin/env bash
# bench/compare.sh BASE_BUILD NEW_BUILD FILTER [ROUNDS]
#
# Runs one benchmark of run_bench alternately from two build trees (say the
# previous commit's and this one's), each run in its own process, ROUNDS
# times (default 2). On a shared machine timings drift by tens of percent
# between runs; a ratio is only meaningful between runs made side by side.
# Both trees need bench/data (link one to the other: the data is the same).
#
#   bench/compare.sh /tmp/base/build-perf build-perf 'BM_run_files/10000/10000000/2/0' 3
set -euo pipefail
base=${1:?usage: bench/compare.sh BASE_BUILD NEW_BUILD FILTER [ROUNDS]}
new=${2:?}
filter=${3:?}
rounds=${4:-2}
for _ in $(seq "$rounds"); do
  for tree in "$base" "$new"; do
    line=$("$tree/bench/run_bench" --benchmark_filter="$filter" 2>&1 | grep -E '^BM_' | tr -s ' ')
    echo "$tree: $line"
  done
done
