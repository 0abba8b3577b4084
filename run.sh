#!/usr/bin/env bash
# Install what is missing, build the release preset, and run the main job: the
# default interrupt-storm scenario on the simulator, with its report.
# Extra arguments go to `pristine sim` (e.g. --seed 7).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
exec build/bin/pristine sim scenarios/timer-storm.toml --json build/timer-storm.json "$@"
