#!/usr/bin/env python3
"""MONAI's standard inference recipe for one CT, the peer that skipseg-segment is measured against.

Load -> channel first -> RAS -> 1.5 mm (bilinear) -> scale -200..300 HU to 0..1 (clipped) ->
sliding_window_inference (96^3, overlap 0.5, Gaussian blending, sw_batch_size 1) with the TorchScript
model -> softmax -> back to the scan's grid with Invertd (bilinear on the probabilities) -> argmax ->
labels written as NIfTI. The model description (spacing, patch, scaling) is read from the model's
skipseg.json, so both programs run the same settings. Prints one JSON line: seconds per stage.

Usage: monai_recipe.py SCAN MODEL.pt OUTPUT.nii.gz [--threads N] [--sw-batch N]
Needs torch and MONAI (1.3.x; on this project's machines: MONAI's source tree on PYTHONPATH).
"""
import argparse
import json
import os
import time

import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scan")
    parser.add_argument("model")
    parser.add_argument("output")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sw-batch", type=int, default=1)
    parser.add_argument("--overlap", type=float, default=0.5)
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    if not arguments.output.endswith(".nii.gz"):
        parser.error("OUTPUT must end in .nii.gz")
    output_stem = os.path.basename(arguments.output)[:-len(".nii.gz")]

    started = time.perf_counter()
    import monai
    from monai.data import decollate_batch
    from monai.inferers import sliding_window_inference
    from monai.transforms import (AsDiscreted, Compose, EnsureChannelFirstd, Invertd, LoadImaged, Orientationd,
                                  SaveImaged, ScaleIntensityRanged, Spacingd)

    extra = {"skipseg.json": ""}
    model = torch.jit.load(arguments.model, _extra_files=extra).eval()
    description = json.loads(extra["skipseg.json"])
    scaling = description["normalization"]
    timings = {"import_and_load_model": time.perf_counter() - started}

    preprocessing = Compose([
        LoadImaged(keys="image", image_only=False),
        EnsureChannelFirstd(keys="image"),
        Orientationd(keys="image", axcodes=description["orientation"]),
        Spacingd(keys="image", pixdim=description["spacing"], mode="bilinear"),
        ScaleIntensityRanged(keys="image", a_min=scaling["a_min"], a_max=scaling["a_max"], b_min=scaling["b_min"],
                             b_max=scaling["b_max"], clip=scaling["clip"]),
    ])
    postprocessing = Compose([
        Invertd(keys="pred", transform=preprocessing, orig_keys="image", nearest_interp=False, to_tensor=True),
        AsDiscreted(keys="pred", argmax=True),
        SaveImaged(keys="pred", output_dir=os.path.dirname(os.path.abspath(arguments.output)), output_postfix="",
                   output_ext=".nii.gz", resample=False, separate_folder=False, print_log=False, output_dtype="uint8",
                   output_name_formatter=lambda meta, saver: {"subject": output_stem}),
    ])

    mark = time.perf_counter()
    data = preprocessing({"image": arguments.scan})
    timings["read_and_preprocess"] = time.perf_counter() - mark
    mark = time.perf_counter()
    with torch.no_grad():
        logits = sliding_window_inference(data["image"].unsqueeze(0), roi_size=description["patch_size"],
                                          sw_batch_size=arguments.sw_batch, predictor=model,
                                          overlap=arguments.overlap, mode="gaussian")
        data["pred"] = torch.softmax(logits, 1)[0]
    timings["sliding_window"] = time.perf_counter() - mark
    mark = time.perf_counter()
    postprocessing(data)
    timings["invert_argmax_write"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    print(json.dumps({"peer": "monai " + monai.__version__, "torch": torch.__version__, "threads": arguments.threads,
                      "timings_seconds": timings}))


if __name__ == "__main__":
    main()
