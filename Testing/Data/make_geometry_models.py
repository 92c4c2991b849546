#!/usr/bin/env python3
"""Writes the TorchScript models that SkipSeg's geometry tests use (Data/Testing/*.pt).

Each model's output depends on position in a way that only a correct pipeline maps back onto the
scan: class 1 wins where the input intensity increases along the tensor's FIRST spatial axis. Which
patient direction that axis is depends on the model's `orientation` and `axis_order`, so a wrong
reorientation, axis permutation or flip makes the labels land elsewhere.

  derivative_ras_xyz.pt  orientation RAS, axis_order xyz: tensor axis 0 = image i after RAS = toward patient Right
  derivative_lps_zyx.pt  orientation LPS, axis_order zyx: tensor axis 0 = image k after LPS = toward Superior
  derivative_2d_xyz.pt   2D, orientation RAS, xyz: slices along k; tensor axis 0 = toward Right
  channel_order_ras_xyz.pt  two input channels: class 1 where channel 1 exceeds channel 0, so channels
                         fed in the wrong order give the complement

Run with Debian's python3-torch (1.13): python3 Testing/Data/make_geometry_models.py Data/Testing
"""
import json
import sys

import torch


class FirstAxisIncrease(torch.nn.Module):
    """Logits [background, increase]: background 0, increase = 10 * central difference along axis 2."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        central = torch.zeros_like(x)
        central[:, :, 1:-1] = (x[:, :, 2:] - x[:, :, :-2]) * 5.0
        return torch.cat([torch.zeros_like(x), central], dim=1)


class SecondChannelAboveFirst(torch.nn.Module):
    """Logits [background, above]: background 0, above = 10 * (channel 1 - channel 0)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        above = (x[:, 1:2] - x[:, 0:1]) * 10.0
        return torch.cat([torch.zeros_like(above), above], dim=1)


def save(folder, name, description, network=None):
    module = torch.jit.script((network or FirstAxisIncrease()).eval())
    torch.jit.save(module, f"{folder}/{name}", _extra_files={"skipseg.json": json.dumps(description)})


def main(folder):
    common = {"format": "skipseg-torchscript/1", "in_channels": 1, "normalization": {"scheme": "none"},
              "output": "logits", "labels": {"0": "background", "1": "increase"}}
    save(folder, "derivative_ras_xyz.pt", dict(common, spatial_dims=3, axis_order="xyz", orientation="RAS",
                                                spacing=[2.0, 2.0, 2.0], patch_size=[24, 24, 24]))
    save(folder, "derivative_lps_zyx.pt", dict(common, spatial_dims=3, axis_order="zyx", orientation="LPS",
                                                spacing=[2.0, 2.0, 2.0], patch_size=[24, 24, 24]))
    save(folder, "derivative_2d_xyz.pt", dict(common, spatial_dims=2, axis_order="xyz", orientation="RAS",
                                               spacing=[2.0, 2.0, 2.0], patch_size=[32, 32]))
    save(folder, "channel_order_ras_xyz.pt",
         dict(common, in_channels=2, spatial_dims=3, axis_order="xyz", orientation="RAS", spacing=[2.0, 2.0, 2.0],
              patch_size=[24, 24, 24], labels={"0": "background", "1": "above"}), SecondChannelAboveFirst())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Data/Testing")
