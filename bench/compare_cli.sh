#!/usr/bin/env bash
# bench/compare_cli.sh BASE_ICM NEW_ICM DATA_DIR THREADS [ROUNDS]
#
# The command-line tool end to end (CSV files to payouts.csv, measures.csv
# and control_totals.csv), two builds run alternately, ROUNDS times (default
# 2), with the reference plan: wall time and peak RSS from /usr/bin/time.
# As with compare.sh, a ratio means something only between runs made side
# by side on this shared machine. Both builds must write the same bytes:
# the script stops when they differ.
#
#   bench/compare_cli.sh /tmp/base/examples/icm build-perf/examples/icm \
#       build-perf/bench/data/p10000_t10000000 2 3
set -euo pipefail
base=${1:?usage: bench/compare_cli.sh BASE_ICM NEW_ICM DATA_DIR THREADS [ROUNDS]}
new=${2:?}
data=${3:?}
threads=${4:?}
rounds=${5:-2}
plan=$(dirname "$0")/../rules/reference-marginal.icm
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for _ in $(seq "$rounds"); do
  for build in "$base" "$new"; do
    tag=$([ "$build" = "$base" ] && echo base || echo new)
    rm -rf "$out/$tag"
    /usr/bin/time -f "%e %M" -o "$out/time" "$build" run "$plan" --data "$data" --out "$out/$tag" \
      --threads "$threads" >/dev/null
    read -r wall kib <"$out/time"
    printf '%-4s %s: %6.2f s  %4d MiB\n' "$tag" "$build" "$wall" $((kib / 1024))
  done
  for f in payouts measures control_totals; do
    cmp -s "$out/base/$f.csv" "$out/new/$f.csv" || { echo "$f.csv differs between the builds" >&2; exit 1; }
  done
done
