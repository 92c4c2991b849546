#!/usr/bin/env bash
# Data-parallel skipseg-train through Pipelines/slurm/skipseg-train.sbatch on a private one-machine cluster
# (private-cluster.sh): a job of 2 tasks (2 ranks over Gloo, 2 samples each of a global batch of 4) must end
# with the weights of one process trained with the batch of 4, within 1e-5.
#
#   slurm-train-test.sh SKIPSEG_TRAIN SKIPSEG_PLAN SOURCE_DIR
#
# Exits 77 (CTest: skipped) without root, slurm-wlm or munge.
set -euo pipefail

train=$(realpath "$1")
plan=$(realpath "$2")
source_dir=$(realpath "$3")
here=$(dirname "$(realpath "$0")")

SKIPSEG_CLUSTER_TOOLS="srun python3"
# shellcheck source=private-cluster.sh
source "$here/private-cluster.sh"

# --- three 24^3 scans of a noisy ball and their labels
data="$scratch/data"
python3 "$source_dir/Testing/Data/make_ball_dataset.py" "$data" 3 24
"$plan" "$data" --output "$scratch/plans.json" --folds 3 --base-features 4 --max-features 16 --max-patch 16 \
  --log-level warning

common=("$scratch/plans.json" --cache "$scratch/cache" --network unet --epochs 1 --iterations 3
  --validation-iterations 2 --batch-size 4 --optimizer sgd --threads 1 --torch-threads 1 --device cpu
  --log-level warning)
# --- the reference: one process, the whole batch
"$train" "${common[@]}" --output "$scratch/single"

# --- the same through Slurm: 2 tasks on the one node, rendezvous on loopback (the node's name need not
# resolve here) on a free port, one CPU each
mkdir -p "$scratch/out"
MASTER_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SKIPSEG_TRAIN="$train" MASTER_ADDR=127.0.0.1 MASTER_PORT
timeout 240 sbatch --wait --nodes=1 --ntasks=2 --cpus-per-task=1 --mem=1G --time=5 --output="$scratch/out/train-%j.log" \
  "$source_dir/Pipelines/slurm/skipseg-train.sbatch" "${common[@]}" --output "$scratch/pair" ||
  fail "the Slurm training job failed"
grep -q "2 ranks on" "$scratch"/out/train-*.log || fail "the job did not start 2 ranks"
[ -f "$scratch/pair/model.ssm" ] || fail "no model from the Slurm job"
python3 "$here/compare-model-weights.py" "$scratch/single/model.ssm" "$scratch/pair/model.ssm" 1e-5 ||
  fail "the 2-task job's weights differ from one process's"
echo "PASS: a 2-task Slurm job trained the weights of one process with the global batch"
