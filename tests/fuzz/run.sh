#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS - build the libFuzzer targets and run each for SECONDS.
#
# Builds the `fuzz` preset (clang, -fsanitize=fuzzer,address,undefined) in
# $ICM_FUZZ_BUILD_DIR (default build-fuzz/ at the repo root), installing clang
# and its runtimes through scripts/install-deps.sh when missing. Each fuzzer
# starts from a copy of its seed corpus in a temp dir (the repo's corpus is
# never modified) and runs in one process. Exits non-zero when any fuzzer reports a
# crash, a sanitizer error, a leak or a timeout; the reproducer is kept in
# $ICM_FUZZ_ARTIFACTS (default: the temp dir, printed) for minimisation.
#
#   tests/fuzz/run.sh 60                       # what .ci/run does
#   ICM_FUZZERS="fuzz_plan" tests/fuzz/run.sh 600
set -euo pipefail

seconds=${1:?usage: tests/fuzz/run.sh SECONDS}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${ICM_FUZZ_BUILD_DIR:-$root/build-fuzz}
fuzzers=${ICM_FUZZERS:-fuzz_plan fuzz_csv fuzz_stream fuzz_decimal}

if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
    >/dev/null 2>&1; then
  ICM_WITH_CLANG=1 "$root/scripts/install-deps.sh"
fi

cmake --preset fuzz -S "$root" -B "$build" >/dev/null
# shellcheck disable=SC2086
cmake --build "$build" -j"${ICM_FUZZ_BUILD_JOBS:-2}" --target $fuzzers

work=$(mktemp -d "${TMPDIR:-/tmp}/icm-fuzz.XXXXXX")
artifacts=${ICM_FUZZ_ARTIFACTS:-$work/artifacts}
mkdir -p "$artifacts"

# Per fuzzer: seed corpus, dictionary, and the longest input worth trying.
corpus_of() { case $1 in fuzz_plan) echo plan ;; fuzz_csv | fuzz_stream) echo csv ;; *) echo decimal ;; esac; }
dict_of() { case $1 in fuzz_plan) echo "$here/plan.dict" ;; fuzz_csv | fuzz_stream) echo "$here/csv.dict" ;; esac; }
max_len_of() { case $1 in fuzz_plan | fuzz_csv | fuzz_stream) echo 4096 ;; *) echo 512 ;; esac; }

status=0
summary=""
for f in $fuzzers; do
  corpus="$work/corpus-$f"
  mkdir -p "$corpus"
  cp "$here/corpus/$(corpus_of "$f")"/* "$corpus/"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len_of "$f")"
        -print_final_stats=1 -artifact_prefix="$artifacts/$f-")
  dict=$(dict_of "$f")
  [ -n "$dict" ] && args+=(-dict="$dict")
  log="$work/$f.log"
  echo "== $f: ${seconds}s (log $log)"
  rc=0
  # One process (no -jobs): its output is the log.
  (cd "$work" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     "$build/tests/fuzz/$f" "${args[@]}" "$corpus" >"$log" 2>&1) || rc=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  if [ "$rc" -ne 0 ] || grep -qE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:' "$log"; then
    status=1
    # The report's head (where: the stack) and the log's tail (what input);
    # the reproducer as base64 too, since a CI machine's temp dir is gone
    # once the job ends.
    echo "!! $f failed (exit $rc); the report:"
    grep -m1 -A30 -E '^fuzz_[a-z]+: |ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:' "$log" || true
    echo "!! tail of the log:"
    tail -12 "$log"
    for a in "$artifacts/$f-"*; do
      [ -e "$a" ] || continue
      echo "   artifact: $a ($(wc -c <"$a") bytes); base64:"
      head -c 8192 "$a" | base64 -w 120 | sed 's/^/     /'
    done
  fi
  echo "$f: ${done_line:-no DONE line}"
  summary+="$f: ${done_line:-no DONE line}"$'\n'
done

echo "== summary"
printf '%s' "$summary"
if [ "$status" -eq 0 ] && [ -z "${ICM_FUZZ_ARTIFACTS:-}" ]; then rm -rf "$work"; fi
exit "$status"
