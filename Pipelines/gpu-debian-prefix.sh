#!/usr/bin/env bash
# Turns the Debian packages Pipelines/gpu-stage-deps.sh downloaded (FOLDER/debs/*.deb) into a prefix that
# CMake and the dynamic loader can use on a machine without Debian (the GPU machine): unpacks them with
# dpkg-deb into PREFIX (default build-gpu-debian: git-ignored and not inside FOLDER, so that the ~300 MB
# it unpacks to never travel with the tree) and rewrites the absolute /usr/... paths in their CMake files to that
# prefix, so that ITK, GDCM, Boost, zlib and OpenSSL resolve there and nowhere else. Idempotent.
# Usage: bash Pipelines/gpu-debian-prefix.sh [FOLDER [PREFIX]]   (default .gpu-deps); prints the prefix.
set -euo pipefail
cd "$(dirname "$0")/.."
deps=$(cd "${1:-.gpu-deps}" && pwd)
mkdir -p "${2:-build-gpu-debian}"
prefix=$(cd "${2:-build-gpu-debian}" && pwd)
[ -d "$deps/debs" ] || { echo "gpu-debian-prefix: no $deps/debs (run Pipelines/gpu-stage-deps.sh)" >&2; exit 1; }
if [ ! -f "$prefix/.unpacked" ]; then
  rm -rf "${prefix:?}"/*
  for deb in "$deps"/debs/*.deb; do
    dpkg-deb -x "$deb" "$prefix"
  done
  # CMake files name headers and libraries by absolute path (/usr/include/gdcm-3.0,
  # /usr/lib/x86_64-linux-gnu/libgdcmMSFF.so...): point them into the prefix. Only paths that start a
  # CMake word are rewritten (after a quote, a semicolon, a space or a parenthesis).
  grep -rlI '/usr/' "$prefix/usr/lib" --include='*.cmake' | while read -r file; do
    sed -i -E "s#(^|[\"'; (=])/usr/(include|lib|share)#\\1$prefix/usr/\\2#g" "$file"
  done
  # Development symlinks of run-time libraries the -dev packages point at but that live in other
  # packages' folders (ITK's libraries are in usr/lib, GDCM's and Boost's in usr/lib/x86_64-linux-gnu).
  touch "$prefix/.unpacked"
fi
echo "$prefix"
