#!/usr/bin/env python3
"""MONAI's sliding_window_inference on the settings of SkipSegInferenceBenchmark, the GPU peer of issue 10.

A random volume (seed 0) of the given size, already on the device, one input channel; the TorchScript
model given; cubic patches; overlap 0.5; Gaussian blending (MONAI's default sigma_scale 0.125, as
SkipSeg); float32 with TF32 off (as SkipSeg's float32); no gradients. For each sw_batch_size: one warm-up
call, then --repeats timed calls (the device synchronised before and after each); prints one JSON line
per batch size with the median and the fastest seconds.

Usage: monai_sliding_window.py MODEL.pt [--volume 244x202x224] [--patch 96] [--sw-batch 1,4,8]
                               [--device cuda] [--repeats 5]
Needs torch and MONAI (1.3.x source on PYTHONPATH will do: gpu-check.sh unpacks the staged copy).
"""
import argparse
import json
import statistics
import time

import torch


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--volume", default="244x202x224")
    parser.add_argument("--patch", type=int, default=96)
    parser.add_argument("--sw-batch", default="1,4")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()

    from monai.inferers import sliding_window_inference
    import monai

    device = torch.device(arguments.device)
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    size = [int(extent) for extent in arguments.volume.split("x")]
    generator = torch.Generator().manual_seed(0)
    volume = torch.rand([1, 1] + size, generator=generator).to(device)
    model = torch.jit.load(arguments.model, map_location=device).eval()
    patch = [arguments.patch] * 3
    for batch in [int(value) for value in arguments.sw_batch.split(",")]:
        seconds = []
        with torch.no_grad():
            for repeat in range(arguments.repeats + 1):
                synchronize(device)
                started = time.perf_counter()
                output = sliding_window_inference(volume, roi_size=patch, sw_batch_size=batch, predictor=model,
                                                  overlap=0.5, mode="gaussian")
                synchronize(device)
                if repeat > 0:  # the first call warms up cuDNN and the allocator
                    seconds.append(time.perf_counter() - started)
        print(json.dumps({"peer": f"MONAI {monai.__version__}", "device": str(device), "volume": arguments.volume,
                          "patch": arguments.patch, "sw_batch_size": batch, "classes": int(output.shape[1]),
                          "median_s": round(statistics.median(seconds), 4), "fastest_s": round(min(seconds), 4)}),
              flush=True)


if __name__ == "__main__":
    main()
