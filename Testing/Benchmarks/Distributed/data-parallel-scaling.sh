#!/usr/bin/env bash
# Iterations per second of skipseg-train with 1 and 2 processes (Gloo on loopback) for the same global batch,
# the scaling efficiency, and the share of rank 0's time spent blocked in communication.
#
#   data-parallel-scaling.sh SKIPSEG_TRAIN SKIPSEG_PLAN SOURCE_DIR [ITERATIONS=30] [SIZE=48] [PATCH=32]
#
# Dataset: 4 synthetic scans (Testing/Data/make_ball_dataset.py), a U-Net with 8..64 features, global batch 4.
# Runs: one process with 1 Torch thread, one with 2 threads, and two ranks with 1 thread each (the machine's
# two cores either way). Time per iteration is the epoch's time (1 validation batch included) / ITERATIONS.
# Not a test: run it on a quiet machine and note `uptime` (Documentation/Benchmarks.md).
set -euo pipefail
train=$(realpath "$1")
plan=$(realpath "$2")
source_dir=$(realpath "$3")
iterations=${4:-30}
size=${5:-48}
patch=${6:-32}

scratch=$(mktemp -d /tmp/skipseg-ddp-bench-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
python3 "$source_dir/Testing/Data/make_ball_dataset.py" "$scratch/data" 4 "$size"
"$plan" "$scratch/data" --output "$scratch/plans.json" --folds 2 --base-features 8 --max-features 64 \
  --max-patch "$patch" --log-level warning
common=("$scratch/plans.json" --fold all --cache "$scratch/cache" --network unet --epochs 1 --validation-iterations 1
  --batch-size 4 --optimizer sgd --threads 1 --device cpu --log-level warning)
"$train" "${common[@]}" --iterations 1 --output "$scratch/warm-up"  # fills the cache

# seconds, communication seconds of rank 0's epoch
epoch() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["history"][-1]; print(r["seconds"], r.get("communication_seconds", 0))' \
    "$1/training_history.json"
}
report() {  # name, processes, folder
  read -r seconds communication < <(epoch "$3")
  python3 - "$1" "$2" "$seconds" "$communication" "$iterations" <<'PY'
import sys
name, processes, seconds, communication, iterations = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:5]), int(sys.argv[5])
print(f"{name:28s} {processes} process(es): {iterations / seconds:6.2f} it/s, {1000 * seconds / iterations:7.1f} ms/it, "
      f"communication {100 * communication / seconds:4.1f}% of rank 0's time")
PY
}
echo "load before: $(uptime)"
"$train" "${common[@]}" --iterations "$iterations" --torch-threads 1 --output "$scratch/one-1"
report "1 process, 1 thread" 1 "$scratch/one-1"
"$train" "${common[@]}" --iterations "$iterations" --torch-threads 2 --output "$scratch/one-2"
report "1 process, 2 threads" 1 "$scratch/one-2"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for rank in 0 1; do
  RANK=$rank WORLD_SIZE=2 LOCAL_RANK=$rank MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
    "$train" "${common[@]}" --iterations "$iterations" --torch-threads 1 --output "$scratch/two" --distributed &
done
wait
report "2 ranks, 1 thread each" 2 "$scratch/two"
python3 - "$(epoch "$scratch/one-1" | cut -d' ' -f1)" "$(epoch "$scratch/two" | cut -d' ' -f1)" <<'PY'
import sys
one, two = map(float, sys.argv[1:3])
print(f"scaling efficiency of 2 ranks against 1 process with 1 thread: {one / (2 * two):.2f} (speed-up {one / two:.2f}x)")
PY
python3 - "$scratch/two/model.ssm" <<'PY'
import json, sys, zipfile
archive = zipfile.ZipFile(sys.argv[1])
root = archive.namelist()[0].split("/")[0]
count = sum(archive.getinfo(root + "/" + t["record"]).file_size // 4
            for m in json.loads(archive.read(root + "/skipseg-model.json"))["members"] for t in m["tensors"]
            if t["kind"] == "parameter")
print(f"gradient exchanged per iteration: {count} parameters, {4 * count / 2**20:.2f} MiB of float32")
PY
echo "load after: $(uptime)"
