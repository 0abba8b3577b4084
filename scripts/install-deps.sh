#!/usr/bin/env bash
# Installs the Debian packages Pristine needs, only those that are missing.
# Non-interactive (CI has no stdin): apt-get update first, then install.
set -euo pipefail

packages=(
  cmake g++ make pkg-config python3
  libcapstone-dev qemu-system-x86
  # The AArch64 images (hw-aarch64/): the cross compiler, and QEMU's virt board.
  g++-aarch64-linux-gnu qemu-system-arm
  libfmt-dev libgtest-dev libbenchmark-dev libcli11-dev libtomlplusplus-dev
  nlohmann-json3-dev libelf-dev libdw-dev
  # Validates the JSON report against docs/report.schema.json (tests/validate_json.py).
  python3-jsonschema
  # The asan preset: clang with its sanitizer and libFuzzer runtimes, and
  # llvm-symbolizer (package llvm) for the sanitizers' stack traces.
  clang libclang-rt-14-dev llvm
  # tests/slurm_sweep_test.sh: a one-node Slurm cluster (slurmctld, slurmd,
  # sbatch) and its authentication daemon, for scripts/slurm-sweep.sh.
  slurm-wlm munge
  # `pristine report --html` (docs/reports.md): headless Chromium renders the
  # page in its test and takes the docs' screenshot.
  chromium
  # tests/boot_test.cpp drives `pristine boot --debug` from GDB (docs/debugging.md).
  gdb
)
# npm fetches the page's pinned Chart.js at configure time
# (scripts/fetch-npm-file.sh); Debian's npm only where no npm is installed
# (a Node.js install may bring its own, which Debian's would conflict with).
command -v npm >/dev/null || packages+=(npm)

# Unicorn 2.1 or newer (docs/dependencies.md): bookworm ships 2.0.1, whose
# every guest store takes a slow path. Trixie's 2.1.1 depends only on libc6
# (>= 2.34), so it installs on bookworm. Its two .deb files are fetched with
# a private sources list (trixie only, for these two packages), leaving the
# system's sources untouched; apt then replaces 2.0.1 (the new package
# Breaks and Provides libunicorn2).
readonly unicorn_minimum=2.1.1
readonly unicorn_suite=trixie

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
need_unicorn=0
pkg-config --atleast-version="$unicorn_minimum" unicorn 2>/dev/null || need_unicorn=1
[ ${#missing[@]} -eq 0 ] && [ $need_unicorn -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]} unicorn" >&2; exit 1; }
  sudo=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive

if [ ${#missing[@]} -ne 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ $need_unicorn -eq 1 ]; then
  echo "install-deps: installing Unicorn >= $unicorn_minimum from Debian $unicorn_suite"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  chmod 777 "$work"  # apt downloads as its sandbox user (_apt), which must write here
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $unicorn_suite main" \
    > "$work/sources.list"
  private=(-o "Dir::Etc::sourcelist=$work/sources.list" -o Dir::Etc::sourceparts=/dev/null
           -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
  apt-get "${private[@]}" update -qq
  (cd "$work" && apt-get "${private[@]}" download libunicorn2t64 libunicorn-dev >/dev/null)
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$work"/libunicorn2t64_*.deb "$work"/libunicorn-dev_*.deb >/dev/null
  pkg-config --atleast-version="$unicorn_minimum" unicorn || {
    echo "install-deps: Unicorn is still older than $unicorn_minimum after the install ($(pkg-config --modversion unicorn))" >&2
    exit 1
  }
fi
