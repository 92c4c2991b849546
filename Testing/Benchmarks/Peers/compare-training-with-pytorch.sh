#!/usr/bin/env bash
# skipseg-train's training step against a plain PyTorch loop (train_loop_reference.py) on the same
# nnU-Net-style 3D network (same parameter count, checked), loss, optimiser, patch 64^3 and batch 2, one
# after the other in one run; prints both rates and their ratio.
#
# Usage: Testing/Benchmarks/Peers/compare-training-with-pytorch.sh [cpu|cuda] [THREADS]
# Environment: SKIPSEG_BIN (default build/release/bin), PYTHON (a python3 that imports torch; default
#   python3, else /usr/bin/python3), ITERATIONS (the Python loop's; SkipSeg's benchmark does 4 on the
#   CPU and 40 on CUDA).
# SkipSeg's figure is step_per_s of SkipSegTrainingBenchmark with 2 loader threads: iterations per second
# of its loop less the time it waited for batches (the Python loop's batches are made in advance, without
# augmentation). data_wait says how much of SkipSeg's epoch the batches cost on top; on CUDA both use
# bfloat16 autocast.
set -euo pipefail
device=${1:-cpu} threads=${2:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
bin=${SKIPSEG_BIN:-$here/../../../build/release/bin}
python=${PYTHON:-python3}
"$python" -c 'import torch' 2>/dev/null || python=/usr/bin/python3
iterations=${ITERATIONS:-$([ "$device" = cuda ] && echo 40 || echo 4)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); device $device, $threads threads"
OMP_NUM_THREADS=$threads SKIPSEG_BENCHMARK_DEVICE=$device "$bin/SkipSegTrainingBenchmark" \
  --benchmark_filter='trainingThroughput/2' --benchmark_out="$work/skipseg.json" --benchmark_out_format=json >/dev/null
bf16=()
[ "$device" = cuda ] && bf16=(--bf16)
OMP_NUM_THREADS=$threads "$python" "$here/train_loop_reference.py" --device "$device" --threads "$threads" \
  --iterations "$iterations" "${bf16[@]}" >"$work/peer.json"

"$python" - "$work" <<'PY'
import json, sys
work = sys.argv[1]
ours = json.load(open(f"{work}/skipseg.json"))["benchmarks"][0]
peer = json.loads(open(f"{work}/peer.json").read().strip().splitlines()[-1])
if int(ours["parameters"]) != peer["parameters"]:
    sys.exit(f"different networks: SkipSeg {int(ours['parameters'])} parameters, the PyTorch loop {peer['parameters']}")
print(f"network: {peer['parameters']} parameters in both")
print(f"SkipSeg step: {ours['step_per_s']:.3f} it/s (with its data loading: {ours['iterations_per_s']:.3f} it/s, "
      f"waited for data {100 * ours['data_wait']:.0f} % of the epoch)")
print(f"PyTorch loop ({peer['torch']}): {peer['iterations_per_s']:.3f} it/s")
print(f"ratio SkipSeg/PyTorch: {ours['step_per_s'] / peer['iterations_per_s']:.2f} (>= 1: SkipSeg at least as fast)")
PY
