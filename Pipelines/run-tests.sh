#!/usr/bin/env bash
# Installs what SkipSeg needs (as root), builds it and runs every test, slow ones included.
# This is the README's test command and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then
  bash Pipelines/install-dependencies.sh
fi
bash Pipelines/build.sh
# VTK's off-screen pictures need an X display; Xvfb gives one where there is none.
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1280x1024x24" ctest --preset all -j "$(nproc)" "$@"
fi
exec ctest --preset all -j "$(nproc)" "$@"
