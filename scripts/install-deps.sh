#!/usr/bin/env bash
# Installs the Debian packages Pristine needs, only those that are missing.
# Non-interactive (CI has no stdin): apt-get update first, then install.
set -euo pipefail

packages=(
  cmake g++ make pkg-config python3
  libunicorn-dev libcapstone-dev qemu-system-x86
  libfmt-dev libgtest-dev libbenchmark-dev libcli11-dev libtomlplusplus-dev
  nlohmann-json3-dev libelf-dev libdw-dev
  # The asan preset: clang with its sanitizer and libFuzzer runtimes, and
  # llvm-symbolizer (package llvm) for the sanitizers' stack traces.
  clang libclang-rt-14-dev llvm
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
