#!/usr/bin/env bash
# Submits skipseg-batch as a Slurm job array over a synthetic dataset, on a private one-machine cluster
# (one slurmctld, one slurmd, one munged, all started here and stopped at the end), and checks that every
# case was done exactly once and that the merged summary says so.
#
#   slurm-array-test.sh SKIPSEG_BATCH SOURCE_DIR
#
# Needs root and Debian's slurm-wlm and munge; without them it exits 77 (CTest: skipped). The cluster lives
# in a scratch folder with its own ports and munge socket: nothing in /etc is touched and a Slurm already
# running on the machine is left alone. The batch uses the test-checksum worker (SHA-256 of each input),
# which coreutils' sha256sum checks independently.
set -euo pipefail

batch=$(realpath "$1")
source_dir=$(realpath "$2")
tasks=4
cases=13

skip() { echo "SKIP: $*" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (slurmd runs jobs as their user; munged's key must be protected)"
for tool in munged munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (apt-get install slurm-wlm munge)"
done

scratch=$(mktemp -d /tmp/skipseg-slurm-XXXXXX)
chmod 755 "$scratch"
stop_daemons() {
  for pidfile in "$scratch"/run/slurmd.pid "$scratch"/run/slurmctld.pid "$scratch"/run/munged.pid; do
    if [ -s "$pidfile" ]; then
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}
show_logs() {
  for log in "$scratch"/log/*.log "$scratch"/out/*.log; do
    [ -f "$log" ] && { echo "----- $log"; tail -n 30 "$log"; }
  done
}
finish() {
  status=$?
  [ $status -eq 0 ] || [ $status -eq 77 ] || show_logs >&2
  stop_daemons
  rm -rf "$scratch"
  exit $status
}
trap finish EXIT
trap 'exit 143' TERM INT  # so that the daemons are stopped when the test is interrupted
mkdir -p "$scratch"/{run,log,state,spool,munge}

# --- munge: a private key and socket
dd if=/dev/urandom of="$scratch/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$scratch/munge/munge.key"
chmod 700 "$scratch/munge"
socket="$scratch/run/munge.socket"
munged --force --key-file="$scratch/munge/munge.key" --socket="$socket" --pid-file="$scratch/run/munged.pid" \
  --log-file="$scratch/log/munged.log" --seed-file="$scratch/munge/munged.seed"
munge --socket="$socket" -n | unmunge --socket="$socket" | grep -q "STATUS: *Success" || { echo "munge does not work" >&2; exit 1; }

# --- slurm: one controller and one node on this machine, on ports of our own, by address (a container's
# host name need not resolve)
host=$(hostname -s)
cpus=$(nproc)
memory_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
port=$(( 20000 + ($$ % 20000) ))
export SLURM_CONF="$scratch/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=skipsegtest
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${port}
SlurmdPort=$(( port + 1 ))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${socket}
StateSaveLocation=${scratch}/state
SlurmdSpoolDir=${scratch}/spool
SlurmctldPidFile=${scratch}/run/slurmctld.pid
SlurmdPidFile=${scratch}/run/slurmd.pid
SlurmctldLogFile=${scratch}/log/slurmctld.log
SlurmdLogFile=${scratch}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
NodeName=${host} NodeAddr=127.0.0.1 NodeHostname=${host} CPUs=${cpus} RealMemory=${memory_mb} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do
  sinfo -h -o "%T" 2>/dev/null | grep -qE "^idle" && break
  sleep 0.2
done
sinfo -h -o "%T" | grep -qE "^idle" || { echo "the Slurm node did not come up: $(sinfo 2>&1)" >&2; exit 1; }

# --- a synthetic dataset: scans in nested folders and one DICOM series folder
data="$scratch/data"
for i in $(seq 1 $(( cases - 1 ))); do
  mkdir -p "$data/patient$i"
  head -c $(( 1000 + i * 37 )) /dev/urandom > "$data/patient$i/ct.nii.gz"
done
mkdir -p "$data/dicom/series1"
for slice in 1 2 3; do
  { head -c 128 /dev/zero; printf 'DICM'; head -c 500 /dev/urandom; } > "$data/dicom/series1/IM$slice"
done

# --- the job array and its merge, through the documented submit script
out="$scratch/out"
export SKIPSEG_BATCH="$batch"
# The script asks for a real node's resources; this one is small. A job that cannot start would wait forever.
export SKIPSEG_SBATCH_OPTIONS="--cpus-per-task=1 --mem=256M --time=5"
ids=$(timeout 180 bash "$source_dir/Pipelines/slurm/submit.sh" "$tasks" --wait -- \
  --worker test-checksum --input "$data" --output-dir "$out" --log-level info) || {
  echo "the merge job failed" >&2; exit 1; }
echo "array and merge jobs: $ids"

# --- checks: every task ran, every case was done exactly once, outputs are right
fail() { echo "FAIL: $*" >&2; exit 1; }
for (( k = 0; k < tasks; ++k )); do
  [ -f "$out/skipseg-summary.shard-$k-of-$tasks.json" ] || fail "no summary from shard $k"
done
journal_lines=$(cat "$out"/skipseg-journal.shard-*-of-$tasks.jsonl | wc -l)
[ "$journal_lines" -eq "$cases" ] || fail "$journal_lines journal lines for $cases cases"
duplicates=$(cat "$out"/skipseg-journal.shard-*-of-$tasks.jsonl | grep -o '"case_id":"[^"]*"' | sort | uniq -d)
[ -z "$duplicates" ] || fail "cases done twice: $duplicates"
python3 - "$out/skipseg-summary.json" "$cases" "$tasks" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
cases, tasks = int(sys.argv[2]), int(sys.argv[3])
assert summary["counts"] == {"total": cases, "done": cases, "skipped": 0, "failed": 0}, summary["counts"]
assert summary["duplicates"] == [] and summary["missing_shards"] == [], summary
ids = [row["case_id"] for row in summary["cases"]]
assert len(ids) == len(set(ids)) == cases, ids
assert summary["shard_count"] == tasks and len(summary["merged_from"]) == tasks
PY
for i in $(seq 1 $(( cases - 1 ))); do
  (cd "$data/patient$i" && tail -n +2 "$out/patient${i}_ct.sha256" | sha256sum --check --status) ||
    fail "wrong checksum output for patient$i"
done
(cd "$data/dicom/series1" && tail -n +2 "$out/dicom_series1.sha256" | sha256sum --check --status) ||
  fail "wrong checksum output for the DICOM series"
outputs=$(find "$out" -name '*.sha256' | wc -l)
[ "$outputs" -eq "$cases" ] || fail "$outputs outputs for $cases cases"
echo "PASS: $tasks array tasks did $cases cases, each exactly once"
