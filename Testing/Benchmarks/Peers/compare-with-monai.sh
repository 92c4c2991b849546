#!/usr/bin/env bash
# skipseg-segment against MONAI's standard recipe (monai_recipe.py) on the same scan, model and
# settings, one after the other in one run: wall time, peak resident memory, label agreement, ratios.
#
# Usage: Testing/Benchmarks/Peers/compare-with-monai.sh SCAN MODEL.pt [THREADS] [-- extra skipseg-segment flags]
# Environment: SKIPSEG_BIN (default build/release/bin), PYTHON (a python3 that imports torch and monai;
#   default: python3, else /usr/bin/python3), MONAI_SOURCE (a MONAI source tree to put on PYTHONPATH),
#   WORK (folder for the outputs; default a temporary one, removed).
# MODEL is a TorchScript file with skipseg.json (e.g. Testing/Data/make_benchmark_model.py's 4.8M U-Net),
# so that both programs read the same spacing, patch size and intensity scaling.
# Needs GNU time (Debian: time), python3-torch and python3-nibabel; MONAI is not a Debian package: put
# its source tree (e.g. tag 1.3.2) on MONAI_SOURCE.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,12p' "$0"; exit 2; }
scan=$1 model=$2 threads=${3:-1}
shift $(( $# >= 3 ? 3 : 2 ))
[ "${1:-}" = "--" ] && shift
here=$(cd "$(dirname "$0")" && pwd)
bin=${SKIPSEG_BIN:-$here/../../../build/release/bin}
python=${PYTHON:-python3}
"$python" -c 'import torch' 2>/dev/null || python=/usr/bin/python3
[ -n "${MONAI_SOURCE:-}" ] && export PYTHONPATH="$MONAI_SOURCE${PYTHONPATH:+:$PYTHONPATH}"
"$python" -c 'import monai' || { echo "compare-with-monai: $python cannot import monai (set MONAI_SOURCE)" >&2; exit 1; }
work=${WORK:-$(mktemp -d)}
[ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"

measure() {  # name command...: wall seconds and peak RSS (kB) from GNU time
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" ||
    { cat "$work/$name.err" >&2; echo "compare-with-monai: $name failed" >&2; exit 1; }
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); threads per program: $threads"
measure skipseg "$bin/skipseg-segment" --input "$scan" --model "$model" --output "$work/skipseg.nii.gz" \
  --threads "$threads" --log-level warning "$@"
measure monai "$python" "$here/monai_recipe.py" "$scan" "$model" "$work/monai.nii.gz" --threads "$threads"

"$python" - "$work" <<'PY'
import json, sys
import nibabel, numpy
work = sys.argv[1]
def timed(name):
    seconds, kilobytes = open(f"{work}/{name}.time").read().split()[-2:]
    return float(seconds), int(kilobytes) / 1024
skipseg_s, skipseg_mb = timed("skipseg")
monai_s, monai_mb = timed("monai")
a = numpy.asarray(nibabel.load(f"{work}/skipseg.nii.gz").dataobj)
b = numpy.asarray(nibabel.load(f"{work}/monai.nii.gz").dataobj).reshape(a.shape)
agreement = float((a == b).mean())
sidecar = json.load(open(f"{work}/skipseg.json"))
peer = json.loads(open(f"{work}/monai.out").read().strip().splitlines()[-1])
print(f"{'':28s} {'SkipSeg':>10s} {peer['peer']:>12s} {'ratio':>7s}")
print(f"{'wall time (s)':28s} {skipseg_s:10.1f} {monai_s:12.1f} {skipseg_s / monai_s:7.2f}")
print(f"{'peak resident memory (MiB)':28s} {skipseg_mb:10.0f} {monai_mb:12.0f} {skipseg_mb / monai_mb:7.2f}")
print(f"label agreement: {100 * agreement:.3f} % of {a.size} voxels")
print("SkipSeg stages (s):", json.dumps(sidecar.get("timings_seconds", {})))
inference = sidecar.get("inference", {})
print("SkipSeg network:", {k: inference.get(k) for k in ("tiles", "tiles_reused_constant_input", "forward_passes",
                                                          "network_seconds", "precision", "threads")})
print("MONAI stages (s):", json.dumps(peer["timings_seconds"]))
PY
