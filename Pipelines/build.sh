#!/usr/bin/env bash
# Configures and builds SkipSeg with the release preset (build/release). Extra arguments go to cmake --build.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" "$@"
