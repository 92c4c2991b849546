#!/usr/bin/env bash
# skipseg-train's training step against a plain PyTorch loop (train_loop_reference.py) on the same
# nnU-Net-style 3D network (same parameter count, checked), loss, optimiser, patch and batch 2, one
# after the other in one run; prints both rates and their ratio. PLAN small: 4 stages of 16..128 features,
# 64^3 patches; fullres: a CT-like 3d_fullres plan, 6 stages of 32..320 features, 128^3 patches.
#
# Usage: Testing/Benchmarks/Peers/compare-training-with-pytorch.sh [cpu|cuda] [THREADS] [small|fullres]
# Environment: SKIPSEG_BIN (default build/release/bin), PYTHON (a python3 that imports torch; default
#   python3, else /usr/bin/python3), ITERATIONS (both loops'; default 4 on the CPU, 40 on CUDA).
# SkipSeg's figure is step_per_s of SkipSegTrainingBenchmark with 2 loader threads: iterations per second
# of its loop less the time it waited for batches (the Python loop's batches are made in advance, without
# augmentation). data_wait says how much of SkipSeg's epoch the batches cost on top; on CUDA both use
# bfloat16 autocast.
set -euo pipefail
device=${1:-cpu} threads=${2:-$(nproc)} plan=${3:-small}
case $plan in
  small) features=16,32,64,128 patch=64 ;;
  fullres) features=32,64,128,256,320,320 patch=128 ;;
  *) echo "compare-training-with-pytorch: unknown plan $plan (small or fullres)" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
bin=${SKIPSEG_BIN:-$here/../../../build/release/bin}
python=${PYTHON:-python3}
"$python" -c 'import torch' 2>/dev/null || python=/usr/bin/python3
iterations=${ITERATIONS:-$([ "$device" = cuda ] && echo 40 || echo 4)}
export SKIPSEG_BENCHMARK_PLAN=$plan SKIPSEG_BENCHMARK_ITERATIONS=$iterations
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); device $device, $threads threads, plan $plan ($features features, $patch^3 patches, batch 2)"
OMP_NUM_THREADS=$threads SKIPSEG_BENCHMARK_DEVICE=$device "$bin/SkipSegTrainingBenchmark" \
  --benchmark_filter='trainingThroughput/2' --benchmark_out="$work/skipseg.json" --benchmark_out_format=json >/dev/null
bf16=()
[ "$device" = cuda ] && bf16=(--bf16)
OMP_NUM_THREADS=$threads "$python" "$here/train_loop_reference.py" --device "$device" --threads "$threads" \
  --iterations "$iterations" --features "$features" --patch "$patch" "${bf16[@]}" >"$work/peer.json"

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
