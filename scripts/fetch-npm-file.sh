#!/usr/bin/env bash
# Fetches one file of a pinned npm package into a cache directory, checking
# the package tarball against its pinned sha512 (the registry's integrity
# value, in hex) before anything is unpacked. Non-interactive; run by CMake at
# configure time (cmake/ChartJs.cmake) when the cache does not have the file.
#
#   fetch-npm-file.sh PACKAGE VERSION SHA512_HEX FILE_IN_PACKAGE DEST
#
# DEST is written whole (a temporary file renamed into place) or not at all.
set -euo pipefail

[ $# -eq 5 ] || { echo "usage: $0 PACKAGE VERSION SHA512_HEX FILE_IN_PACKAGE DEST" >&2; exit 2; }
package=$1 version=$2 sha512=$3 file=$4 dest=$5

command -v npm >/dev/null || { echo "fetch-npm-file: npm is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# npm pack downloads the tarball through npm's configured registry without
# running any of the package's scripts.
tarball=$(cd "$work" && npm pack --loglevel=error --ignore-scripts "$package@$version" 2>"$work/npm.log" | tail -n 1) || {
  echo "fetch-npm-file: npm pack $package@$version failed:" >&2; cat "$work/npm.log" >&2; exit 1; }
actual=$(sha512sum "$work/$tarball" | cut -d' ' -f1)
if [ "$actual" != "$sha512" ]; then
  echo "fetch-npm-file: $package@$version: sha512 $actual, pinned $sha512: refusing it" >&2
  exit 1
fi
tar -xzf "$work/$tarball" -C "$work" "package/$file"
mkdir -p "$(dirname "$dest")"
cp "$work/package/$file" "$dest.tmp.$$"
mv "$dest.tmp.$$" "$dest"
