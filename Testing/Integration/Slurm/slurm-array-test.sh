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

SKIPSEG_CLUSTER_TOOLS=sha256sum
# shellcheck source=private-cluster.sh
source "$(dirname "$0")/private-cluster.sh"

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
