#!/usr/bin/env bash
# Builds and tests SkipSeg's Torch modules against LibTorch 2.x on a CPU machine: Debian trixie's
# libtorch-dev (2.6, g++ 14) in a chroot next to this bookworm system. The brief requires every change to
# build and pass there too; the GPU machine (PyTorch 2.11 wheel) is lent only now and then.
#
# Usage (as root, on Debian): bash Pipelines/check-libtorch2.sh [CHROOT]   (default /opt/trixie)
# First run: debootstrap + packages (~1 min, 1.4 GB), build (~10 min on 2 cores); later runs reuse both.
# The repository's parent folder is bind-mounted at the same path, so ../shared fixtures are found.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
parent=$(dirname "$root")
chroot_dir=${1:-/opt/trixie}
build=build-libtorch2
packages=(g++ cmake ninja-build ccache libtorch-dev libgtest-dev libgmock-dev nlohmann-json3-dev
  libspdlog-dev libssl-dev libbenchmark-dev libboost-program-options-dev libgloo-dev binutils)

[ "$(id -u)" = 0 ] || { echo "check-libtorch2: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }
if [ ! -x "$chroot_dir/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -q debootstrap
  debootstrap --variant=minbase --include=ca-certificates trixie "$chroot_dir" http://deb.debian.org/debian
fi
mounted=()
cleanup() { for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" || true; done; }
trap cleanup EXIT
for folder in /proc /sys /dev "$parent"; do
  mkdir -p "$chroot_dir$folder"
  if ! mountpoint -q "$chroot_dir$folder"; then
    mount --bind "$folder" "$chroot_dir$folder"
    mounted+=("$chroot_dir$folder")
  fi
done
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
chroot "$chroot_dir" bash -c "export DEBIAN_FRONTEND=noninteractive
  dpkg -s ${packages[*]} >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q --no-install-recommends ${packages[*]}; }"

chroot "$chroot_dir" bash -euo pipefail -c "
  cd '$root'
  export CCACHE_DIR='$parent/.ccache-libtorch2'
  echo \"LibTorch \$(dpkg-query -W -f='\${Version}' libtorch-dev), \$(g++ --version | head -1)\"
  cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSKIPSEG_TORCH_ONLY=ON \
    -DTorch_DIR=/usr/lib/x86_64-linux-gnu/cmake/Torch -DSKIPSEG_SHARED_DIR='$parent/shared' \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -Wno-dev > /tmp/skipseg-libtorch2-configure.log
  cmake --build $build -j \$(nproc)
  OMP_NUM_THREADS=1 ctest --test-dir $build -j \$(nproc) --timeout 900 --output-on-failure"
echo "check-libtorch2: OK"
