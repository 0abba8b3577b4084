#!/usr/bin/env bash
# scripts/slurm-sweep.sh on a one-node Slurm cluster started here: munged,
# slurmctld and slurmd with their own configuration, key, sockets, ports and
# state in a temporary directory (nothing of the system's is used or
# touched). A two-shard array job and its merge job run a few seeds of a
# short scenario; the merged result must equal the local `pristine sweep` of
# the same range. Every daemon started is stopped on the way out, pass or fail.
#
#   tests/slurm_sweep_test.sh BUILD_DIR SOURCE_DIR
#
# The daemons run as root (directly, or through `sudo -n`): slurmd starts the
# jobs as the submitting user. Registered in tests/CMakeLists.txt (labels
# slow, slurm).
set -euo pipefail

build=$(realpath "${1:?usage: $0 BUILD_DIR SOURCE_DIR}")
source=$(realpath "${2:?usage: $0 BUILD_DIR SOURCE_DIR}")
pristine="$build/bin/pristine"
readonly seeds=1..5 shards=2 timeout_s=120

fail() {
  echo "slurm_sweep_test: FAIL: $*" >&2
  for log in "$work"/*.log "$work"/out/*.log; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo -n)
for tool in munged mungekey slurmctld slurmd sbatch squeue scontrol; do
  command -v "$tool" >/dev/null || PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null ||
    { echo "slurm_sweep_test: $tool not found: run scripts/install-deps.sh" >&2; exit 1; }
done
export PATH="$PATH:/usr/sbin:/sbin"

work=$(mktemp -d /tmp/pristine-slurm-test-XXXXXX)
chmod 755 "$work"  # slurmd (root) writes here; the jobs (this user) read and write out/
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do "${as_root[@]}" kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    # Bounded: a daemon that ignores SIGTERM for 10 s is killed.
    for _ in $(seq 100); do "${as_root[@]}" kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    "${as_root[@]}" kill -KILL "$pid" 2>/dev/null || true
  done
  "${as_root[@]}" rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Poll `condition` (a command) every 0.2 s until it holds or `seconds` pass.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${seconds}s waiting for $what"
    sleep 0.2
  done
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# munge: its own key, socket and state.
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/out"
chmod 700 "$work/munge"
"${as_root[@]}" mungekey --create --keyfile="$work/munge/munge.key" >/dev/null
"${as_root[@]}" chmod 400 "$work/munge/munge.key"
"${as_root[@]}" munged --foreground --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/seed" --log-file="$work/munged.log" \
  >>"$work/munged.log" 2>&1 &
pids+=($!)
wait_for 20 "munged's socket" test -S "$work/munge/socket"

host=$(hostname -s)
cat > "$work/slurm.conf" <<CONF
ClusterName=pristine-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=sweep Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
"${as_root[@]}" env SLURM_CONF="$SLURM_CONF" slurmctld -D -i -f "$SLURM_CONF" >>"$work/slurmctld.log" 2>&1 &
pids+=($!)
"${as_root[@]}" env SLURM_CONF="$SLURM_CONF" slurmd -D -f "$SLURM_CONF" -N "$host" >>"$work/slurmd.log" 2>&1 &
pids+=($!)
node_idle() { [ "$(sinfo -h -n "$host" -o %t 2>/dev/null)" = "idle" ]; }
wait_for 60 "the node to be idle (sinfo)" node_idle

started=$SECONDS
jobs=$("$source/scripts/slurm-sweep.sh" --scenario "$source/tests/sweep-short.toml" --seeds "$seeds" --shards "$shards" \
  --out "$work/out" --pristine "$pristine") || fail "scripts/slurm-sweep.sh failed"
read -r -d '' array_job merge_job <<<"$jobs" || true
[ -n "$array_job" ] && [ -n "$merge_job" ] || fail "expected two job ids, got: $jobs"
jobs_gone() { [ -z "$(squeue -h -j "$array_job,$merge_job" -o %i 2>/dev/null)" ]; }
wait_for "$timeout_s" "jobs $array_job and $merge_job to leave the queue (squeue)" jobs_gone
echo "slurm_sweep_test: the Slurm sweep of seeds $seeds in $shards shards took $((SECONDS - started)) s"

[ -f "$work/out/merged.json" ] || fail "the merge job wrote no merged.json"
"$pristine" sweep "$source/tests/sweep-short.toml" --seeds "$seeds" --json "$work/local.json" \
  >"$work/local-summary.txt" 2>/dev/null || fail "the local sweep failed"
cmp "$work/local.json" "$work/out/merged.json" || fail "the merged result differs from the local sweep"
cmp "$work/local-summary.txt" "$work/out/summary.txt" || fail "the merged summary differs from the local sweep's"
echo "slurm_sweep_test: PASS (merged result equals the local sweep of seeds $seeds)"
