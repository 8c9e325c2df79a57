#!/usr/bin/env bash
# Packaging test: build and install icm into a temporary prefix, then build and
# run one consumer (consumer/main.cpp) three ways:
#   1. CMake, find_package(icm CONFIG) against the installed prefix;
#   2. CMake, find_package(icm CONFIG) against the build tree (export());
#   3. c++ -std=c++20 main.cpp $(pkg-config --cflags --libs icm), also after
#      moving the prefix (icm.pc is relocatable).
# Each consumer must print 1337.59. Then examples/embed (a host program that
# builds its data in memory and runs a plan) is built against the installed
# prefix with find_package and with pkg-config, and must print its payout
# lines. Exits non-zero on the first failure.
#
# Environment: ICM_SOURCE_DIR (default: this checkout), ICM_PACKAGE_JOBS
# (default 2), ICM_PACKAGE_KEEP=1 keeps the temporary directory, CXX.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=${ICM_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
jobs=${ICM_PACKAGE_JOBS:-2}
cxx=${CXX:-c++}
work=$(mktemp -d "${TMPDIR:-/tmp}/icm-package.XXXXXX")
expected=1337.59

cleanup() {
  if [[ ${ICM_PACKAGE_KEEP:-0} == 1 ]]; then
    echo "package test: kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

step() { echo "== package test: $*"; }
fail() {
  echo "package test: FAIL: $*" >&2
  exit 1
}

generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi

# Runs a consumer binary and checks what it prints.
check_run() {
  local what=$1 binary=$2 out
  out=$("$binary") || fail "$what: $binary exited with status $?"
  [[ $out == "$expected" ]] || fail "$what: printed '$out', expected '$expected'"
  echo "   $what: $out"
}

prefix=$work/prefix
step "configure, build and install icm from $source_dir into $prefix"
cmake -S "$source_dir" -B "$work/build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release \
  -DICM_BUILD_TESTS=OFF -DICM_BUILD_BENCH=OFF -DICM_BUILD_EXAMPLES=OFF \
  -DICM_BUILD_FUZZERS=OFF -DICM_INSTALL=ON \
  -DCMAKE_INSTALL_PREFIX="$prefix" >"$work/configure.log" ||
  { cat "$work/configure.log"; fail "configuring icm"; }
cmake --build "$work/build" --parallel "$jobs" || fail "building icm"
cmake --install "$work/build" >"$work/install.log" ||
  { cat "$work/install.log"; fail "installing icm"; }

step "check the installed files"
config=$(find "$prefix" -name icmConfig.cmake -print -quit)
pc=$(find "$prefix" -name icm.pc -print -quit)
[[ -n $config ]] || fail "no icmConfig.cmake under $prefix"
[[ -n $pc ]] || fail "no icm.pc under $prefix"
config_dir=$(dirname "$config")
for f in icmConfigVersion.cmake icmTargets.cmake; do
  [[ -f $config_dir/$f ]] || fail "no $f in $config_dir"
done
[[ -f $prefix/include/icm/decimal.hpp ]] || fail "headers not installed in $prefix/include/icm"
[[ -n $(find "$prefix" -name 'libicm.*' -print -quit) ]] || fail "no libicm under $prefix"
# Boost is private to the library: the package must not require it.
if grep -n Boost "$config_dir"/icmTargets*.cmake "$config" "$pc"; then
  fail "the installed package mentions Boost"
fi
if grep -rln 'boost/' "$prefix/include"; then
  fail "an installed header includes Boost"
fi

cmake_consumer() {
  local what=$1 dir=$2
  shift 2
  cmake -S "$here/consumer" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON "$@" >"$dir.log" 2>&1 ||
    { cat "$dir.log"; fail "$what: configuring the consumer"; }
  cmake --build "$dir" >>"$dir.log" 2>&1 ||
    { cat "$dir.log"; fail "$what: building the consumer"; }
  check_run "$what" "$dir/icm_package_consumer"
}

step "CMake consumer, installed package"
cmake_consumer "find_package (installed)" "$work/consumer-installed" \
  -DCMAKE_PREFIX_PATH="$prefix"

step "CMake consumer, build tree"
cmake_consumer "find_package (build tree)" "$work/consumer-build-tree" \
  -Dicm_DIR="$work/build"

pkg_config_consumer() {
  local what=$1 pc_dir=$2 flags
  flags=$(PKG_CONFIG_PATH=$pc_dir pkg-config --cflags --libs icm) ||
    fail "$what: pkg-config cannot find icm in $pc_dir"
  echo "   pkg-config flags: $flags"
  # shellcheck disable=SC2086 # the flags are meant to be split into words
  "$cxx" -std=c++20 "$here/consumer/main.cpp" $flags -o "$work/consumer-pc" ||
    fail "$what: compiling with pkg-config flags"
  check_run "$what" "$work/consumer-pc"
}

step "pkg-config consumer"
pkg_config_consumer "pkg-config" "$(dirname "$pc")"

# examples/embed: exit status 0 and the payout lines worked out by hand in
# its main.cpp.
embed_expected=(
  'ana 2026-Q1 commission +6000\.00 USD'
  'ana 2026-Q2 commission +7500\.00 USD'
  'ana 2026-Q2 accelerator_bonus +2500\.00 USD'
  'ben 2026-Q1 commission +3000\.00 USD'
  'Total paid: 19000\.00 USD'
)
check_embed() {
  local what=$1 binary=$2 out pattern
  out=$("$binary") || fail "$what: $binary exited with status $?"
  for pattern in "${embed_expected[@]}"; do
    grep -Eq "$pattern" <<<"$out" || { echo "$out"; fail "$what: no line matching '$pattern'"; }
  done
  echo "   $what: ${#embed_expected[@]} expected lines"
}

step "examples/embed, find_package (installed)"
embed_build=$work/embed-installed
cmake -S "$source_dir/examples/embed" -B "$embed_build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON \
  -DCMAKE_PREFIX_PATH="$prefix" >"$embed_build.log" 2>&1 ||
  { cat "$embed_build.log"; fail "embed: configuring"; }
cmake --build "$embed_build" >>"$embed_build.log" 2>&1 ||
  { cat "$embed_build.log"; fail "embed: building"; }
check_embed "embed (find_package)" "$embed_build/embed"

step "examples/embed, pkg-config"
embed_flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs icm) ||
  fail "embed: pkg-config cannot find icm"
# shellcheck disable=SC2086 # the flags are meant to be split into words
"$cxx" -std=c++20 "$source_dir/examples/embed/main.cpp" $embed_flags -o "$work/embed-pc" ||
  fail "embed: compiling with pkg-config flags"
check_embed "embed (pkg-config)" "$work/embed-pc"

step "pkg-config consumer, prefix moved"
mv "$prefix" "$work/moved"
pkg_config_consumer "pkg-config (moved prefix)" "$(dirname "${pc/#$prefix/$work/moved}")"

echo "package test: OK"
