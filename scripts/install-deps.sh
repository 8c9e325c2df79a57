#!/usr/bin/env bash
# Installs what icm needs from Debian 12 packages, and nothing else.
# Idempotent and silent when everything is already there.
set -euo pipefail
pkgs=(g++ cmake ninja-build make libboost-dev libfmt-dev libgtest-dev libgmock-dev
      libbenchmark-dev pkg-config)
if [ "${ICM_WITH_CLANG:-0}" = 1 ]; then
  # libFuzzer and the sanitizer runtimes for clang (fuzzing in .ci/run).
  pkgs+=(clang libclang-rt-14-dev)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
