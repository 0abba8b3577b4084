#!/usr/bin/env bash
# A seed sweep on a Slurm cluster (docs/sweeps.md, "On a Slurm cluster"): an
# array job of SHARDS tasks, task I running `pristine sweep ... --shard
# I/SHARDS` and writing OUT/shard-I.json, then a merge job, started when every
# task has ended (afterany: a shard whose seeds failed exits 1 but still
# wrote its result), running `pristine sweep merge` into OUT/merged.json and
# OUT/summary.txt. OUT, the scenario and the pristine binary must be on a
# file system every node sees. Prints the two job ids, array job first.
#
#   scripts/slurm-sweep.sh --scenario scenarios/timer-storm.toml --seeds 1..1000000 \
#     --shards 100 --out /shared/sweep-1 [--cpus-per-task 8] [--pristine build/bin/pristine]
#     [--image IMG] [--no-merge] [-- SBATCH OPTIONS ...]
#
# Each task runs its shard on --cpus-per-task workers (default 1). Options
# after `--` go to both sbatch calls (e.g. --partition=long --time=2:00:00).
set -euo pipefail

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
die() {
  echo "slurm-sweep: $*" >&2
  exit 2
}

here=$(cd "$(dirname "$0")/.." && pwd)
pristine="$here/build/bin/pristine"
scenario="" seeds="" shards="" out="" cpus=1 image="" merge=1
sbatch_extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) scenario=${2:?--scenario needs a file}; shift 2 ;;
    --seeds) seeds=${2:?--seeds needs FIRST..LAST}; shift 2 ;;
    --shards) shards=${2:?--shards needs a count}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --cpus-per-task) cpus=${2:?--cpus-per-task needs a count}; shift 2 ;;
    --pristine) pristine=${2:?--pristine needs the binary}; shift 2 ;;
    --image) image=${2:?--image needs a file}; shift 2 ;;
    --no-merge) merge=0; shift ;;
    --) shift; sbatch_extra=("$@"); break ;;
    -h|--help) usage ;;
    *) die "unknown option '$1' (--help lists them)" ;;
  esac
done
[ -n "$scenario" ] && [ -n "$seeds" ] && [ -n "$shards" ] && [ -n "$out" ] ||
  die "--scenario, --seeds, --shards and --out are all needed (--help)"
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "--shards '$shards': expected a whole number from 1"
[[ "$cpus" =~ ^[1-9][0-9]*$ ]] || die "--cpus-per-task '$cpus': expected a whole number from 1"
[ -f "$scenario" ] || die "--scenario '$scenario': no such file"
[ -x "$pristine" ] || die "--pristine '$pristine': not an executable (build first, or name it)"
command -v sbatch >/dev/null || die "sbatch not found: this script submits to a Slurm cluster"

# Every node resolves the same absolute paths.
scenario=$(realpath "$scenario")
pristine=$(realpath "$pristine")
mkdir -p "$out"
out=$(realpath "$out")
image_args=()
if [ -n "$image" ]; then
  [ -f "$image" ] || die "--image '$image': no such file"
  image_args=(--image "$(realpath "$image")")
fi
[[ "$seeds" =~ ^([0-9]+)\.\.([0-9]+)$ ]] || die "--seeds '$seeds': expected FIRST..LAST (e.g. 1..1000)"
if [ ${#BASH_REMATCH[1]} -lt 19 ] && [ ${#BASH_REMATCH[2]} -lt 19 ]; then
  [ "${BASH_REMATCH[1]}" -le "${BASH_REMATCH[2]}" ] || die "--seeds '$seeds': the last seed is below the first"
fi
# pristine checks the rest (the range's size) in every task, refusing it alike.

# The two job scripts, kept in OUT beside what they write (to read or rerun).
q() { printf '%q ' "$@"; }
{
  echo '#!/usr/bin/env bash'
  echo "# Task I of the array: shard I/$shards (scripts/slurm-sweep.sh)."
  echo "out=$(printf '%q' "$out")"
  echo "exec $(q "$pristine" sweep "$scenario" --seeds "$seeds" -j "$cpus" "${image_args[@]}")" \
    "--shard \"\$SLURM_ARRAY_TASK_ID/$shards\" --json \"\$out/shard-\$SLURM_ARRAY_TASK_ID.json\""
} > "$out/shard-task.sh"
shard_files=()
for ((i = 0; i < shards; i++)); do shard_files+=("$out/shard-$i.json"); done
{
  echo '#!/usr/bin/env bash'
  echo "# Every shard's result as one sweep (scripts/slurm-sweep.sh)."
  echo "exec $(q "$pristine" sweep merge "${shard_files[@]}" --json "$out/merged.json") > $(q "$out/summary.txt")"
} > "$out/merge-task.sh"
chmod +x "$out/shard-task.sh" "$out/merge-task.sh"

array_job=$(sbatch --parsable --job-name=pristine-sweep --array="0-$((shards - 1))" --cpus-per-task="$cpus" \
  --output="$out/shard-%a.log" "${sbatch_extra[@]}" "$out/shard-task.sh")
array_job=${array_job%%;*}  # "id;cluster" on a multi-cluster setup
echo "$array_job"
[ "$merge" -eq 1 ] || exit 0
merge_job=$(sbatch --parsable --job-name=pristine-sweep-merge --dependency="afterany:$array_job" \
  --output="$out/merge.log" "${sbatch_extra[@]}" "$out/merge-task.sh")
echo "${merge_job%%;*}"
