#!/usr/bin/env python3
"""Writes the TorchScript model of SkipSeg's end-to-end segmentation benchmark (issue 3's target model).

A residual 3D U-Net of about 4.8M parameters, the shape of MONAI's UNet with channels (16, 32, 64, 128, 256),
strides 2 and num_res_units=2 (instance norm without affine parameters, PReLU, transposed-convolution
upsampling, skips concatenated), written here in plain PyTorch so that only Debian's python3-torch is needed.
Weights are seeded (same file content for the same PyTorch version); PReLU slopes are randomised so they matter.
The labels are not trained: the benchmark measures time and memory, not anatomy.

The float32 weights are ~19 MB and random (incompressible), so the file is generated into the build folder
rather than committed:

  python3 Testing/Data/make_benchmark_model.py BUILD/Data/Benchmark/resunet3d_4.8M.pt

(the SkipSegSegmentationBenchmark target runs this itself when CMake found python3 with torch).
"""
import argparse
import json
import os

import torch
from torch import nn

DESCRIPTION = {
    "format": "skipseg-torchscript/1",
    "spatial_dims": 3,
    "in_channels": 1,
    "axis_order": "xyz",
    "orientation": "RAS",
    "spacing": [1.5, 1.5, 1.5],
    "patch_size": [96, 96, 96],
    "normalization": {"scheme": "scale", "a_min": -200, "a_max": 300, "b_min": 0.0, "b_max": 1.0, "clip": True},
    "output": "logits",
    "labels": {"0": "background", "1": "liver", "2": "spleen", "3": "kidney"},
}


def norm_act(channels):
    return [nn.InstanceNorm3d(channels), nn.PReLU()]


class ResidualUnit(nn.Module):
    """`subunits` convolutions (the first one strided), each followed by norm + PReLU unless it is the last
    convolution of the network's top output; plus a shortcut that matches shape (strided 3x3x3 or 1x1x1
    convolution, or the identity)."""

    def __init__(self, in_channels, out_channels, stride, subunits, last_conv_only=False):
        super().__init__()
        layers = []
        channels = in_channels
        for index in range(subunits):
            layers.append(nn.Conv3d(channels, out_channels, 3, stride=stride if index == 0 else 1, padding=1))
            if not (last_conv_only and index == subunits - 1):
                layers.extend(norm_act(out_channels))
            channels = out_channels
        self.convolutions = nn.Sequential(*layers)
        if stride != 1:
            self.shortcut = nn.Conv3d(in_channels, out_channels, 3, stride=stride, padding=1)
        elif in_channels != out_channels:
            self.shortcut = nn.Conv3d(in_channels, out_channels, 1)
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        return self.convolutions(x) + self.shortcut(x)


class Level(nn.Module):
    """down -> [x, inner(x)] concatenated -> up: one resolution level wrapped around the next one."""

    def __init__(self, down, inner, up):
        super().__init__()
        self.down = down
        self.inner = inner
        self.up = up

    def forward(self, x):
        x = self.down(x)
        return self.up(torch.cat([x, self.inner(x)], dim=1))


def up_block(in_channels, out_channels, is_top):
    transposed = nn.ConvTranspose3d(in_channels, out_channels, 3, stride=2, padding=1, output_padding=1)
    return nn.Sequential(transposed, *norm_act(out_channels),
                         ResidualUnit(out_channels, out_channels, 1, subunits=1, last_conv_only=is_top))


def build_level(in_channels, out_channels, channels, is_top):
    here = channels[0]
    if len(channels) > 2:
        inner = build_level(here, here, channels[1:], is_top=False)
        up_channels = here * 2
    else:
        inner = ResidualUnit(here, channels[1], 1, subunits=2)  # the bottom, at the coarsest resolution
        up_channels = here + channels[1]
    down = ResidualUnit(in_channels, here, 2, subunits=2)
    return Level(down, inner, up_block(up_channels, out_channels, is_top))


class ResidualUNet3d(nn.Module):
    def __init__(self, in_channels, out_channels, channels=(16, 32, 64, 128, 256)):
        super().__init__()
        self.body = build_level(in_channels, out_channels, list(channels), is_top=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


def make_model(seed):
    torch.manual_seed(seed)
    model = ResidualUNet3d(DESCRIPTION["in_channels"], len(DESCRIPTION["labels"]))
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.PReLU):
                module.weight.uniform_(0.05, 0.4)
    return model.eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", help="the .pt file to write")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--check", action="store_true", help="run one 96^3 patch through the saved model")
    arguments = parser.parse_args()

    model = make_model(arguments.seed)
    parameters = sum(p.numel() for p in model.parameters())
    scripted = torch.jit.script(model)
    folder = os.path.dirname(os.path.abspath(arguments.output))
    os.makedirs(folder, exist_ok=True)
    temporary = arguments.output + ".partial"
    torch.jit.save(scripted, temporary, _extra_files={"skipseg.json": json.dumps(DESCRIPTION)})
    os.replace(temporary, arguments.output)  # never leave a half-written model for the build to trust
    print(f"{arguments.output}: residual 3D U-Net, {parameters} parameters, torch {torch.__version__}")
    if arguments.check:
        loaded = torch.jit.load(arguments.output)
        with torch.no_grad():
            output = loaded(torch.rand(1, 1, 96, 96, 96))
        print(f"one 96^3 patch -> {tuple(output.shape)}")


if __name__ == "__main__":
    main()
