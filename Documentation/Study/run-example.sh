#!/usr/bin/env bash
# The worked example of Documentation/Study.md: two datasets (generated shapes, slabs of a real CT),
# a residual and a plain network trained on each, the explanatory experiments and the ablation grids.
# Usage: bash Documentation/Study/run-example.sh WORK_FOLDER [BUILD_BIN_FOLDER]
# Needs an X display for the charts (or Xvfb installed: the programs start one).
# Each step's start, end and load average go to WORK_FOLDER/timings.txt.
set -euo pipefail
work=${1:?give a work folder}
bin=${2:-build/release/bin}
here=$(cd "$(dirname "$0")" && pwd)
data=${SKIPSEG_SHARED_DATA:-$here/../../../shared/data}
# One Torch thread: on a machine whose cores are busy, OpenMP threads waiting for each other made the
# lesion study 10x slower with 2 threads than with 1.
threads=${THREADS:-1}
# Budgets (batches = epochs x iterations, batch size): what Documentation/Study.md reports. The pairs'
# own pseudo Dice uses 10 validation batches per epoch (it does not touch the weights).
shapes_pair="--epochs 20 --iterations 25 --batch-size 8 --validation-iterations 10"
shapes_grid="--epochs 12 --iterations 25 --batch-size 8"
ct_pair="--epochs 40 --iterations 25 --batch-size 8 --optimizer adamw --validation-iterations 10"
ct_grid="--epochs 20 --iterations 25 --batch-size 8 --optimizer adamw"
# The explanatory experiments: a 21x21 landscape, random lesions of every count, 3 draws each.
explain="--grid 21 --lesion-max 0 --lesion-draws 3"
mkdir -p "$work"
timings=$work/timings.txt

# Runs a step and records its wall time and the load average before and after.
step() {
  local name=$1
  shift
  local start
  start=$(date +%s)
  echo "$(date -u +%H:%M:%S) start $name (load $(cut -d' ' -f1-3 /proc/loadavg))" >>"$timings"
  "$@"
  echo "$(date -u +%H:%M:%S) end   $name: $(($(date +%s) - start)) s (load $(cut -d' ' -f1-3 /proc/loadavg))" >>"$timings"
}

# Trains the residual (2 residual blocks per level) and the plain network (4 conv units per level:
# the same number of convolutions) on one plans file and fold.
train_pair() {
  local plans=$1 fold=$2 prefix=$3 budget=$4
  for kind in residual plain; do
    if [ "$kind" = residual ]; then block='"block": "residual", "blocks_per_stage": 2'; else block='"block": "conv", "blocks_per_stage": 4'; fi
    [ -f "$work/$prefix-$kind/model.ssm" ] && continue
    step "$prefix-$kind training" "$bin/skipseg-train" "$plans" --configuration 2d --fold "$fold" --network unet \
      --network-options "{$block, \"base_features\": 8, \"deep_supervision\": false}" \
      $budget --seed 1 --torch-threads "$threads" --device cpu --output "$work/$prefix-$kind"
  done
}

# The fold of `plans` whose validation case is `case`.
fold_of() {
  python3 -c "import json,sys; f=json.load(open(sys.argv[1]))['folds']; print([i for i,x in enumerate(f) if sys.argv[2] in x['validation']][0])" "$1" "$2"
}

# 1. Generated shapes: 5 cases of 32 images 64x64, fold 0 holds one case (32 images) out.
[ -d "$work/shapes" ] || step "shapes dataset" "$bin/skipseg-study" make-dataset shapes --output "$work/shapes"
[ -f "$work/shapes-plans.json" ] || "$bin/skipseg-plan" "$work/shapes" --output "$work/shapes-plans.json" --folds 5 --seed 1
train_pair "$work/shapes-plans.json" 0 shapes "$shapes_pair"
step "shapes explain" "$bin/skipseg-study" explain "$work/shapes-residual" --compare "$work/shapes-plain" \
  --output "$work/shapes-explain" $explain --torch-threads "$threads"
step "shapes ablate" "$bin/skipseg-study" ablate "$work/shapes" --variants "$here/variants.json" \
  --output "$work/shapes-ablation" --folds 5 --fold 0 $shapes_grid --seed 1 --torch-threads "$threads"

# 2. The example CT with four organs of its TotalSegmentator labels: the slices where they appear, cut
#    into a training slab (lower 65 %) and a held-out slab (upper 35 %).
ct=$data/totalsegmentator
[ -d "$work/ct" ] || step "ct dataset" "$bin/skipseg-study" make-dataset ct-slabs --image "$ct/example_ct.nii.gz" \
  --labels "$ct/example_seg_fast_force_split.nii.gz" --keep-labels 5,1,2,3 \
  --label-names liver,spleen,kidney_right,kidney_left --output "$work/ct"
# Patches of at most 64x64 (the whole 112x128 slice was 3.5x slower per iteration on this machine).
[ -f "$work/ct-plans.json" ] || "$bin/skipseg-plan" "$work/ct" --output "$work/ct-plans.json" --folds 2 --seed 1 \
  --max-patch 64
fold=$(fold_of "$work/ct-plans.json" slab_heldout)
train_pair "$work/ct-plans.json" "$fold" ct "$ct_pair"
step "ct explain" "$bin/skipseg-study" explain "$work/ct-residual" --compare "$work/ct-plain" --analyses landscape,lesion \
  --output "$work/ct-explain" $explain --torch-threads "$threads"
# ablate plans the dataset itself unless OUTPUT/plans.json exists: the same plans as the pair.
mkdir -p "$work/ct-ablation"
[ -f "$work/ct-ablation/plans.json" ] || cp "$work/ct-plans.json" "$work/ct-ablation/plans.json"
step "ct ablate" "$bin/skipseg-study" ablate "$work/ct" --variants "$here/variants-ct.json" --output "$work/ct-ablation" \
  --folds 2 --fold "$fold" $ct_grid --seed 1 --torch-threads "$threads"
