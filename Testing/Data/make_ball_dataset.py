#!/usr/bin/env python3
"""A small nnU-Net-style training dataset with the standard library only: CASES scans of SIZE^3 voxels
(2 mm) holding a noisy bright ball, and its label, as MetaImage files (a text header, then the voxels).

    make_ball_dataset.py FOLDER [CASES=3] [SIZE=24]

Writes FOLDER/dataset.json, FOLDER/imagesTr/caseK_0000.mha and FOLDER/labelsTr/caseK.mha. The same
seed per case gives the same files on every run (data-parallel training tests and benchmarks).
"""
import array
import json
import os
import random
import sys


def write(path, size, kind, values):
    header = (f"ObjectType = Image\nNDims = 3\nDimSize = {size} {size} {size}\nElementSpacing = 2 2 2\n"
              "Offset = 0 0 0\nTransformMatrix = 1 0 0 0 1 0 0 0 1\n"
              f"ElementType = {kind}\nElementByteOrderMSB = False\nElementDataFile = LOCAL\n")
    with open(path, "wb") as out:
        out.write(header.encode())
        out.write(values.tobytes())


def main():
    folder = sys.argv[1]
    cases = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 24
    os.makedirs(f"{folder}/imagesTr", exist_ok=True)
    os.makedirs(f"{folder}/labelsTr", exist_ok=True)
    radius2 = (size / 4) ** 2
    for case in range(cases):
        noise = random.Random(case)
        image, label = array.array("f"), array.array("B")
        centre = size / 2 - 2 + case % 4
        for k in range(size):
            for j in range(size):
                for i in range(size):
                    inside = (i - centre) ** 2 + (j - size / 2) ** 2 + (k - size / 2) ** 2 < radius2
                    label.append(1 if inside else 0)
                    image.append((200.0 if inside else 100.0) + noise.gauss(0, 10))
        write(f"{folder}/imagesTr/case{case}_0000.mha", size, "MET_FLOAT", image)
        write(f"{folder}/labelsTr/case{case}.mha", size, "MET_UCHAR", label)
    with open(f"{folder}/dataset.json", "w") as out:
        json.dump({"channel_names": {"0": "MR"}, "labels": {"background": 0, "ball": 1}, "numTraining": cases,
                   "file_ending": ".mha"}, out)


if __name__ == "__main__":
    main()
