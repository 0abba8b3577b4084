#!/usr/bin/env bash
# Runs ./test.sh (or the command given) in a clean clone on a fresh, minimal
# Debian bookworm: a debootstrap chroot with only the base system, git and
# sudo, so every package the project needs (Unicorn 2.1 from trixie included)
# must come from scripts/install-deps.sh. CI runs on a machine that has
# everything already (the machine's own tools, earlier installs), which can
# hide a missing install step; this cannot. Needs root, Debian's registry and
# npm's; not part of CI (it installs every package of the project, QEMU,
# clang and Chromium among them, and takes about 30 minutes on 2 cores).
# docs/dependencies.md, "Checking a fresh machine".
#
#   scripts/fresh-bookworm-check.sh [DIR] [-- COMMAND...]
#
# DIR (default /tmp/pristine-bookworm) must not exist: it is made, used and,
# unless KEEP=1, removed at the end. The clone is of this repository's HEAD.
set -euo pipefail

root=/tmp/pristine-bookworm
if [ $# -gt 0 ] && [ "$1" != "--" ]; then root=$1; shift; fi
[ "${1:-}" = "--" ] && shift
# Absolute: cleanup finds the processes left inside by their root directory.
root=$(realpath -m "$root")
command=("$@")
[ ${#command[@]} -gt 0 ] || command=(./test.sh)

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
[ "$(id -u)" -eq 0 ] || { echo "fresh-bookworm-check: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }
[ ! -e "$root" ] || { echo "fresh-bookworm-check: $root exists; give a new directory" >&2; exit 1; }
if ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

mounted=()
cleanup() {
  local i p
  # Daemons a test started inside (munge, Slurm's) would keep the mounts busy.
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -9 "${p#/proc/}" 2>/dev/null
  done
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -R "${mounted[i]}" 2>/dev/null || umount -lR "${mounted[i]}" || true; done
  if [ "${KEEP:-0}" != 1 ]; then rm -rf --one-file-system "$root"; fi
}
trap cleanup EXIT

echo "fresh-bookworm-check: a minimal bookworm in $root"
debootstrap --variant=minbase --include=ca-certificates,git,sudo bookworm "$root" http://deb.debian.org/debian >/dev/null
# A fresh machine's usual sources: the release, its updates, security.
cat >"$root/etc/apt/sources.list" <<'EOF'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
# What an installed machine has and debootstrap leaves out: name service
# (resolv.conf) and localhost (/etc/hosts: GDB's `target remote :PORT`
# resolves it, tests/boot_test.cpp).
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp /etc/hosts "$root/etc/hosts"
# The host's own certificate authorities (/usr/local/share/ca-certificates):
# a machine whose HTTPS goes through an intercepting proxy trusts its CA
# there, and npm (the chart library, cmake/ChartJs.cmake) needs it. A fresh
# machine on the same network is set up with it too.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  # (its rehash warns about the bundle file itself, which is not one certificate)
  chroot "$root" update-ca-certificates 2>&1 | grep -v '^rehash: warning: skipping ca-certificates.crt' || true
fi
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount --rbind /sys "$root/sys" && mounted+=("$root/sys")
mount --rbind /dev "$root/dev" && mounted+=("$root/dev")

git clone -q "$repo" "$root/work/pristine"
echo "fresh-bookworm-check: ${command[*]} in a clone of $(git -C "$repo" rev-parse --short HEAD), no standard input"
status=0
# The caller's environment, as CI runs with the machine's (its CA variables,
# NODE_EXTRA_CA_CERTS among them), and CI=true.
chroot "$root" /usr/bin/env HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin CI=true \
  bash -c 'cd /work/pristine && "$@"' bash "${command[@]}" </dev/null || status=$?
echo "fresh-bookworm-check: exit status $status"
exit "$status"
