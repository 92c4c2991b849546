#!/usr/bin/env bash
# Quickstart on a fresh Debian bookworm machine: installs what SkipSeg needs (when run as root), builds
# the programs, and runs the main job on a real scan: ch2, a T1 brain MRI at 1 mm from the mricron-data
# package, segmented with the demonstration model SkipSeg ships (Data/Models/brain-demo.ssm: left and
# right cerebrum, cerebellum; trained by SkipSeg on this one scan, not a clinical model).
# Writes into ./quickstart-output (or the folder given as the first argument):
#   ch2-info.json          the scan's geometry as skipseg-info reports it
#   ch2-labels.nii.gz      the labels, on exactly the scan's grid
#   ch2-labels.json        what was run: model, options, timings per stage, label volumes
#   render/*.vtp           one mesh per label in world (LPS) coordinates, for 3D Slicer or ParaView
#   render/slices.png      axial, coronal and sagittal slices with the labels over the scan
#   render/surfaces.png    a 3D picture of the meshes
set -euo pipefail
cd "$(dirname "$0")/.."
output="${1:-quickstart-output}"
scan=/usr/share/mricron/templates/ch2.nii.gz

if [ "$(id -u)" -eq 0 ]; then
  bash Pipelines/install-dependencies.sh
fi
if [ ! -f "$scan" ]; then
  echo "quickstart.sh: $scan is missing: install mricron-data (sudo bash Pipelines/install-dependencies.sh)" >&2
  exit 3
fi
bash Pipelines/build.sh --target skipseg-info skipseg-segment
bin=build/release/bin
mkdir -p "$output"

echo "== The scan: size, spacing, origin, direction, orientation code, pixel type, value range"
"$bin/skipseg-info" "$scan" | tee "$output/ch2-info.json"

echo "== Segmenting with the shipped demonstration model (no --model: the default)"
"$bin/skipseg-segment" --input "$scan" --output "$output/ch2-labels.nii.gz" \
  --largest-component per-label --render "$output/render"

echo "== Label volumes (from the sidecar)"
if command -v python3 >/dev/null 2>&1; then
  python3 - "$output/ch2-labels.json" <<'PY'
import json, sys
for name, label in json.load(open(sys.argv[1]))["labels"].items():
    print(f"  {name}: {label['volume_mm3'] / 1000:.1f} ml")
PY
fi
echo "quickstart.sh: done; labels, meshes and pictures in $output"
