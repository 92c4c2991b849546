#!/usr/bin/env bash
# Submits a skipseg-batch run as a Slurm job array of N shards plus the merge job that runs after it.
#
#   Pipelines/slurm/submit.sh N [--wait] -- --model M --input IN --output-dir OUT [skipseg-batch options]
#
# Prints "<array job id> <merge job id>". With --wait it returns when the merge job has ended, with the
# merge's exit code (0: every case done exactly once). Extra sbatch options (partition, account, GPUs):
# SKIPSEG_SBATCH_OPTIONS="--partition=gpu --gres=gpu:1".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

usage() { echo "usage: $0 N [--wait] -- skipseg-batch options (with --output-dir)" >&2; exit 2; }
[ $# -ge 2 ] || usage
count=$1
shift
[[ "$count" =~ ^[1-9][0-9]*$ ]] || usage
wait_flag=()
if [ "$1" = "--wait" ]; then
  wait_flag=(--wait)
  shift
fi
[ "${1:-}" = "--" ] || usage
shift

output_dir=""
arguments=("$@")
for (( i = 0; i < ${#arguments[@]}; ++i )); do
  case "${arguments[$i]}" in
    --output-dir) output_dir=${arguments[$((i + 1))]:-} ;;
    --output-dir=*) output_dir=${arguments[$i]#--output-dir=} ;;
  esac
done
[ -n "$output_dir" ] || { echo "$0: --output-dir is required" >&2; exit 2; }
mkdir -p "$output_dir"

read -r -a extra <<< "${SKIPSEG_SBATCH_OPTIONS:-}"
array_job=$(sbatch --parsable "${extra[@]}" --array="0-$((count - 1))" \
  --output="${output_dir}/skipseg-batch-%A_%a.log" "$here/skipseg-array.sbatch" "$@")
array_job=${array_job%%;*}
merge_job=$(sbatch --parsable "${wait_flag[@]}" "${extra[@]}" --dependency="afterany:${array_job}" \
  --output="${output_dir}/skipseg-merge-%j.log" "$here/skipseg-merge.sbatch" "$output_dir" "$count") || status=$?
echo "${array_job} ${merge_job%%;*}"
exit "${status:-0}"
