#!/usr/bin/env bash
# Installs every Debian bookworm package SkipSeg needs to build, test and run its quickstart.
# Idempotent: apt-get skips what is already installed. Run as root.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # fixed dependencies
  libtorch-dev libinsighttoolkit5-dev libvtk9-dev libboost-program-options-dev
  # an optimised BLAS for LibTorch's convolutions that oneDNN does not take (Debian's default libblas
  # is the reference one): a small-channel conv3d ran 1.9x faster with it here
  libopenblas0-openmp
  # tcmalloc for the programs: glibc mapped and unmapped LibTorch's per-layer buffers at every tile
  # (27 % of skipseg-segment's time went to page faults); see Applications/CMakeLists.txt
  libtcmalloc-minimal4
  # GDCM's CMake files name its tools; without them every configure prints pages of warnings
  libgdcm-tools
  # an independent DICOM converter, to check ours against in tests
  dcm2niix
  # DICOM test files from several vendors and transfer syntaxes (JPEG 2000, JPEG-LS, RLE, big endian)
  # that the DICOM reader is checked on against dcm2niix
  python3-pydicom
  libgtest-dev libgmock-dev libbenchmark-dev
  # well-kept helpers: JSON (nlohmann), logging (spdlog, fmt)
  nlohmann-json3-dev libspdlog-dev libfmt-dev
  # off-screen rendering for VTK pictures
  xvfb xauth
  # validating the Slicer module description against its schema in tests
  libxml2-utils
  # SHA-256 (OpenSSL's libcrypto) for skipseg-batch's journal fingerprints; also pulled in by libhdf5-dev
  libssl-dev
  # the Slurm tests (job array, data-parallel training) start a private one-machine cluster (slurmctld,
  # slurmd, munged; ~5 s to install)
  slurm-wlm munge
  # Gloo's headers, which LibTorch's c10d headers include: data-parallel training on the CPU
  # (skipseg-train under torchrun or Slurm; without them only NCCL, on CUDA LibTorch builds, is compiled)
  libgloo-dev
  # real data a fresh machine can install: ch2 T1 MRI with its AAL atlas
  mricron-data
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-dependencies.sh: run as root (it calls apt-get)" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-dependencies.sh: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "install-dependencies.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
