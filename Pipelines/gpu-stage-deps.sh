#!/usr/bin/env bash
# Run on the Debian development machine before Pipelines/gpu-check.sh: copies what a GPU machine
# lacks (it has PyTorch, CMake and a compiler, but no Debian packages and no internet) into one
# git-ignored folder that travels with the working tree:
#   include/nlohmann, share/cmake/nlohmann_json   nlohmann-json (header-only)
#   include/spdlog, include/fmt                   spdlog + fmt, used header-only there
#   src/googletest                                GoogleTest sources, built there with SkipSeg's flags
#   include/benchmark, lib/<arch>/...benchmark... Google Benchmark (prebuilt; used only with the C++11 ABI)
#   shared/fixtures/{torchscript_unet3d,nnunet_v2_plain3d}  the model fixtures the Torch tests read
#   shared/data/totalsegmentator/...             the CT (NIfTI and DICOM) the programs are run on there
#   debs/*.deb                                   ITK, GDCM, Boost.Program_options, zlib, OpenSSL and their
#                                                run-time libraries missing on the GPU machine's Ubuntu, for
#                                                the whole product (programs) built there without VTK;
#                                                Pipelines/gpu-debian-prefix.sh unpacks them there (~27 MB)
# Usage: bash Pipelines/gpu-stage-deps.sh [FOLDER]   (default .gpu-deps; then carry that folder)
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-.gpu-deps}
arch=x86_64-linux-gnu
shared=${SKIPSEG_SHARED_DIR:-../shared}

need() { [ -e "$1" ] || { echo "gpu-stage-deps: missing $1 (install $2)" >&2; exit 1; }; }
need /usr/include/nlohmann/json.hpp nlohmann-json3-dev
need /usr/include/spdlog/spdlog.h libspdlog-dev
need /usr/include/fmt/format-inl.h libfmt-dev
need /usr/src/googletest/googletest/CMakeLists.txt googletest

rm -rf "$dest"
mkdir -p "$dest/include" "$dest/share/cmake" "$dest/src" "$dest/lib/$arch/cmake" "$dest/shared/fixtures"
cp -a /usr/include/nlohmann /usr/include/spdlog /usr/include/fmt "$dest/include/"
cp -a /usr/share/cmake/nlohmann_json "$dest/share/cmake/"
cp -a /usr/src/googletest "$dest/src/"
if [ -d /usr/include/benchmark ] && [ -d /usr/lib/$arch/cmake/benchmark ]; then
  cp -a /usr/include/benchmark "$dest/include/"
  cp -a /usr/lib/$arch/cmake/benchmark "$dest/lib/$arch/cmake/"
  cp -a /usr/lib/$arch/libbenchmark*.so* /usr/lib/$arch/libbenchmark*.a "$dest/lib/$arch/" 2>/dev/null || true
fi
# MONAI (pure Python) for the sliding-window comparison there: its monai/ package as a tarball (0.75 MB).
monai_source=${MONAI_SOURCE:-/opt/monai-1.3.2}
if [ -d "$monai_source/monai" ]; then
  tar -C "$monai_source" -cJf "$dest/src/monai.tar.xz" monai
else
  echo "gpu-stage-deps: no MONAI source at $monai_source (MONAI_SOURCE): the GPU benchmark runs without its peer" >&2
fi
for fixture in torchscript_unet3d nnunet_v2_plain3d; do
  if [ -d "$shared/fixtures/$fixture" ]; then
    cp -a "$shared/fixtures/$fixture" "$dest/shared/fixtures/"
  else
    echo "gpu-stage-deps: fixture $shared/fixtures/$fixture not found: tests that need it will skip there" >&2
  fi
done

for scan in example_ct.nii.gz example_ct_dicom example_ct_sm.nii.gz example_seg.nii.gz; do
  source_path="$shared/data/totalsegmentator/$scan"
  if [ -e "$source_path" ]; then
    mkdir -p "$dest/shared/data/totalsegmentator"
    cp -a "$source_path" "$dest/shared/data/totalsegmentator/"
  else
    echo "gpu-stage-deps: $source_path not found: the end-to-end run there will skip it" >&2
  fi
done

# Debian packages for the whole product. The run-time libraries listed are those the GPU machine's
# Ubuntu 24.04 lacks for ITK and GDCM (../shared/notes/gpu-machine.md); VTK is not carried (18 MB plus
# its X and OpenGL libraries, and that machine has no display): the product is built there with
# SKIPSEG_WITH_VTK=OFF.
debs=(
  libinsighttoolkit5.2 libinsighttoolkit5-dev libgdcm3.0 libgdcm-dev libeigen3-dev
  libdouble-conversion3 libdouble-conversion-dev
  libcharls2 libjpeg62-turbo libjson-c5 libminc2-5.3.0 libopenjp2-7
  libboost1.74-dev libboost-program-options1.74.0 libboost-program-options1.74-dev
  zlib1g zlib1g-dev libssl3 libssl-dev
)
if [ "${SKIPSEG_STAGE_DEBS:-1}" = 1 ]; then
  mkdir -p "$dest/debs"
  (cd "$dest/debs" && apt-get download "${debs[@]}") || {
    echo "gpu-stage-deps: apt-get download failed: the GPU machine will build only the Torch-only part" >&2
    rm -rf "$dest/debs"
  }
fi

# The folder must not be committed: ignore it locally (it is carried, not tracked).
if [ -d .git ] && ! grep -qxF "/$dest/" .git/info/exclude 2>/dev/null; then
  echo "/$dest/" >>.git/info/exclude
fi
du -sh "$dest"
echo "staged $dest; on the GPU machine: bash Pipelines/gpu-check.sh (carry \"$dest\")"
