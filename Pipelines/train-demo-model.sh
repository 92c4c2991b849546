#!/usr/bin/env bash
# Trains the demonstration model that SkipSeg ships (Data/Models/brain-demo.ssm) with SkipSeg
# itself, from a scan any Debian machine can install (package mricron-data):
#   image  /usr/share/mricron/templates/ch2.nii.gz     (the "Colin 27" T1 MRI, 1 mm)
#   labels from ch2bet.nii.gz (brain mask) and aal.nii.gz (116 hand-drawn AAL regions on ch2), grouped:
#          1 left cerebrum, 2 right cerebrum, 3 cerebellum (AAL 91-116: cerebellum and vermis).
#          AAL leaves white matter and CSF unlabelled; inside the brain mask those voxels take the group
#          of the nearest labelled voxel (a breadth-first fill inside the mask).
# It is a demonstration on ONE scan, trained and evaluated on that same scan: not a clinical model.
#
# Usage: Pipelines/train-demo-model.sh [BUILD_DIR] [WORK_DIR]
# Writes the model, its training log, history and curves into Data/Models/ of this checkout.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$repo/build}"
work="${2:-${TMPDIR:-/tmp}/skipseg-demo-model}"
templates=/usr/share/mricron/templates
for file in ch2.nii.gz ch2bet.nii.gz aal.nii.gz; do
  [[ -f "$templates/$file" ]] || { echo "train-demo-model: $templates/$file not found (apt-get install mricron-data)" >&2; exit 3; }
done

dataset="$work/Dataset001_BrainCh2"
mkdir -p "$dataset/imagesTr" "$dataset/labelsTr"
cp "$templates/ch2.nii.gz" "$dataset/imagesTr/ch2_0000.nii.gz"

# Label map: same header as aal.nii.gz (same grid as ch2), voxel values regrouped. Python's standard
# library only: the three files are uint8 NIfTI-1 with the same 181x217x181 grid.
python3 - "$templates/aal.nii.gz" "$templates/ch2bet.nii.gz" "$dataset/labelsTr/ch2.nii.gz" <<'PY'
import collections, gzip, struct, sys

def read(path):
    data = gzip.open(path).read()
    dims = struct.unpack('<8h', data[40:56])
    datatype = struct.unpack('<h', data[70:72])[0]
    offset = int(struct.unpack('<f', data[108:112])[0])
    if datatype != 2:
        sys.exit(f'{path}: expected uint8 voxels (NIfTI datatype 2), got {datatype}')
    return data[:offset], dims[1:4], bytearray(data[offset:offset + dims[1] * dims[2] * dims[3]])

aal_header, size, aal = read(sys.argv[1])
_, mask_size, brain = read(sys.argv[2])
if size != mask_size:
    sys.exit('aal.nii.gz and ch2bet.nii.gz have different grids')
nx, ny, nz = size

def group(region):
    if region == 0:
        return 0
    if region >= 91:
        return 3                       # cerebellum and vermis
    return 1 if region % 2 == 1 else 2  # AAL: odd ids left, even ids right

labels = bytearray(len(aal))
queue = collections.deque()
for v, region in enumerate(aal):
    if region and brain[v]:
        labels[v] = group(region)
        queue.append(v)
# Breadth-first fill of the unlabelled brain voxels from the labelled ones (6-neighbourhood).
while queue:
    v = queue.popleft()
    i, rest = v % nx, v // nx
    j, k = rest % ny, rest // ny
    for ok, w in ((i > 0, v - 1), (i < nx - 1, v + 1), (j > 0, v - nx), (j < ny - 1, v + nx),
                  (k > 0, v - nx * ny), (k < nz - 1, v + nx * ny)):
        if ok and brain[w] and not labels[w]:
            labels[w] = labels[v]
            queue.append(w)
with gzip.open(sys.argv[3], 'wb') as out:
    out.write(aal_header + bytes(labels))
counts = collections.Counter(labels)
print('labels (voxels):', {k: counts[k] for k in sorted(counts)})
PY

cat > "$dataset/dataset.json" <<'JSON'
{
  "channel_names": {"0": "T1"},
  "labels": {"background": 0, "left_cerebrum": 1, "right_cerebrum": 2, "cerebellum": 3},
  "numTraining": 1,
  "file_ending": ".nii.gz",
  "name": "BrainCh2",
  "description": "ch2 (Colin 27) T1 from mricron-data with AAL regions grouped into left/right cerebrum and cerebellum"
}
JSON

# 4 mm voxels, a small network (8 to 64 features) and 32^3 patches (128 mm): CPU minutes.
"$build/bin/skipseg-plan" "$dataset" --output "$work/plans.json" --spacing 4,4,4 \
  --base-features 8 --max-features 64 --max-patch 32 --folds 1 --seed 1
# Left and right have their own labels: no mirroring along x (tensor axis 2).
"$build/bin/skipseg-train" "$work/plans.json" --configuration 3d_fullres --fold all --output "$work/run" \
  --network nnunet --epochs 25 --iterations 20 --validation-iterations 4 --batch-size 2 \
  --optimizer adamw --learning-rate 0.003 --mirror-axes 0,1 --seed 1 --threads 1 --device cpu \
  --checkpoint-every 10

models="$repo/Data/Models"
mkdir -p "$models"
cp "$work/run/model.ssm" "$models/brain-demo.ssm"
cp "$work/run/training.log" "$models/brain-demo.training.log"
cp "$work/run/training_history.json" "$models/brain-demo.history.json"
cp "$work/run/training_curves.png" "$models/brain-demo.curves.png"
cp "$work/run/validation.json" "$models/brain-demo.validation.json"
echo "train-demo-model: wrote $models/brain-demo.ssm"
