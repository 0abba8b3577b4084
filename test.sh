#!/usr/bin/env bash
# Install what is missing, build the release preset, run every test (ctest);
# then the asan preset (host code under AddressSanitizer + UndefinedBehavior-
# Sanitizer, the kernel images from build/): the host tests but the QEMU boots
# and whole-scenario simulator runs (labels qemu, slow), then each fuzzer for a bounded number of inputs (label fuzz).
# Extra arguments go to every ctest run (e.g. -R Fuzz). Exits non-zero on any
# failure. docs/input-limits.md: what each part runs and how long it takes.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
jobs="$(nproc)"
start=$SECONDS
cmake --preset release >/dev/null
cmake --build --preset release -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs" "$@"
release_done=$SECONDS

cmake --preset asan >/dev/null
cmake --build --preset asan -j"$jobs"
ctest --preset asan -j"$jobs" -LE 'qemu|slow|fuzz' "$@"
asan_done=$SECONDS
ctest --preset asan -j"$jobs" -L fuzz "$@"
fuzz_done=$SECONDS
echo "test.sh: release build+tests $((release_done - start)) s, asan build+tests $((asan_done - release_done)) s," \
     "bounded fuzzing $((fuzz_done - asan_done)) s, total $((fuzz_done - start)) s"
