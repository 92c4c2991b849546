#!/usr/bin/env bash
# Quickstart on a fresh Debian bookworm machine: installs what SkipSeg needs (when run as root), builds it,
# then shows a real scan's geometry and converts it, keeping every voxel where it was in the patient.
# The scan is ch2 (a T1 MRI at 1 mm, from the mricron-data package). Outputs go to ./quickstart-output
# (or the folder given as the first argument).
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
bash Pipelines/build.sh --target skipseg-info skipseg-convert
bin=build/release/bin
mkdir -p "$output"

echo "== The scan as stored: size, spacing, origin, direction, orientation code, pixel type, value range"
"$bin/skipseg-info" "$scan" | tee "$output/ch2-info.json"

echo "== Converted to NRRD and reoriented to LPS (ITK's and DICOM's axis order); world positions unchanged"
"$bin/skipseg-convert" "$scan" "$output/ch2-lps.nrrd" --orient LPS
"$bin/skipseg-info" "$output/ch2-lps.nrrd" | tee "$output/ch2-lps-info.json"

echo "quickstart.sh: done; outputs in $output"
