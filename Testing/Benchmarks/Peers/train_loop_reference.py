"""The peer of SkipSegTrainingBenchmark: the same nnU-Net-style 3D network, loss and optimiser as a plain
PyTorch training loop (what nnU-Net's trainer does per iteration, without its data pipeline).

Network: nnU-Net's PlainConvUNet as SkipSeg's "nnunet" architecture builds it (4 stages, 16..128
features, two 3x3x3 conv + InstanceNorm + LeakyReLU(0.01) per stage, strided first conv, transposed-conv
upsampling, a 1x1x1 head per decoder stage). Loss: cross-entropy + soft Dice on every deep-supervision
head (weights 1/2^i, lowest head off, normalised). SGD, momentum 0.99, Nesterov, weight decay 3e-5,
gradient norm clipped at 12. Batches of 2 patches of 64^3 are made in advance: this loop measures the
training step only, so compare it with SkipSeg's step rate (its time less the time it waited for data).

Prints one JSON line: parameters, iterations, seconds, iterations_per_s.
"""
import argparse
import json
import time

import torch
from torch import nn
import torch.nn.functional as F


class ConvBlock(nn.Sequential):
    def __init__(self, inputs, outputs, stride):
        super().__init__(nn.Conv3d(inputs, outputs, 3, stride, 1, bias=True),
                         nn.InstanceNorm3d(outputs, eps=1e-5, affine=True),
                         nn.LeakyReLU(0.01, inplace=True))


class PlainConvUNet(nn.Module):
    def __init__(self, features=(16, 32, 64, 128), in_channels=1, classes=2):
        super().__init__()
        self.encoder = nn.ModuleList()
        channels = in_channels
        for stage, width in enumerate(features):
            stride = 1 if stage == 0 else 2
            self.encoder.append(nn.Sequential(ConvBlock(channels, width, stride), ConvBlock(width, width, 1)))
            channels = width
        self.up = nn.ModuleList()
        self.decoder = nn.ModuleList()
        self.heads = nn.ModuleList()
        for below in range(len(features) - 1, 0, -1):
            skip = features[below - 1]
            self.up.append(nn.ConvTranspose3d(features[below], skip, 2, 2, bias=True))
            self.decoder.append(nn.Sequential(ConvBlock(2 * skip, skip, 1), ConvBlock(skip, skip, 1)))
            self.heads.append(nn.Conv3d(skip, classes, 1, bias=True))

    def forward(self, x):
        skips = []
        for stage in self.encoder:
            x = stage(x)
            skips.append(x)
        outputs = []
        for up, decode, head, skip in zip(self.up, self.decoder, self.heads, reversed(skips[:-1])):
            x = decode(torch.cat([up(x), skip], 1))
            outputs.append(head(x))
        return outputs[::-1]  # full resolution first


def dice_ce(logits, target):
    ce = F.cross_entropy(logits, target)
    probabilities = logits.softmax(1)
    one_hot = F.one_hot(target, logits.shape[1]).permute(0, 4, 1, 2, 3).to(probabilities.dtype)
    axes = (0, 2, 3, 4)
    intersection = (probabilities * one_hot).sum(axes)
    dice = (2 * intersection + 1e-5) / (probabilities.sum(axes) + one_hot.sum(axes) + 1e-5)
    return ce + (1 - dice[1:].mean())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--iterations", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--patch", type=int, default=64)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--bf16", action="store_true", help="bfloat16 autocast on CUDA, as skipseg-train")
    parser.add_argument("--features", default="16,32,64,128", help="features per stage (SkipSeg's plan)")
    arguments = parser.parse_args()
    if arguments.threads:
        torch.set_num_threads(arguments.threads)
    torch.manual_seed(1)
    device = torch.device(arguments.device)
    features = tuple(int(width) for width in arguments.features.split(","))
    network = PlainConvUNet(features).to(device)
    optimiser = torch.optim.SGD(network.parameters(), lr=1e-2, momentum=0.99, nesterov=True, weight_decay=3e-5)
    scales = len(features) - 1  # one output per decoder stage, full resolution first
    weights = torch.tensor([1 / 2 ** i for i in range(scales)])
    weights[-1] = 0
    weights = weights / weights.sum()
    size = arguments.patch
    image = torch.randn(arguments.batch, 1, size, size, size, device=device)
    target = (torch.rand(arguments.batch, size, size, size, device=device) > 0.8).long()
    targets = [target] + [target[:, ::2 ** k, ::2 ** k, ::2 ** k].contiguous() for k in range(1, scales)]

    def step():
        optimiser.zero_grad(set_to_none=True)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=arguments.bf16 and device.type == "cuda"):
            outputs = network(image)
        loss = sum(w * dice_ce(o.float(), t) for w, o, t in zip(weights, outputs, targets) if w > 0)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(network.parameters(), 12)
        optimiser.step()

    for _ in range(arguments.warmup):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    for _ in range(arguments.iterations):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    print(json.dumps({"peer": "plain PyTorch loop", "torch": torch.__version__,
                      "parameters": sum(p.numel() for p in network.parameters()),
                      "iterations": arguments.iterations, "seconds": round(seconds, 3),
                      "iterations_per_s": round(arguments.iterations / seconds, 4)}))


if __name__ == "__main__":
    main()
