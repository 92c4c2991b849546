#!/usr/bin/env python3
"""Largest absolute difference between the float32 parameters of two SkipSeg model files (.ssm).

    compare-model-weights.py A.ssm B.ssm TOLERANCE

Reads the files' own index (archive/skipseg-model.json: each tensor's name, dtype, shape and record) with
the standard library only, prints the largest difference, and exits 1 when it exceeds TOLERANCE or when
the two files do not hold the same tensors.
"""
import array
import json
import sys
import zipfile


def parameters(path):
    archive = zipfile.ZipFile(path)
    root = archive.namelist()[0].split("/")[0]
    index = json.loads(archive.read(root + "/skipseg-model.json"))
    tensors = {}
    for member in index["members"]:
        for tensor in member["tensors"]:
            if tensor["kind"] == "parameter" and tensor["dtype"] == "float32":
                values = array.array("f")
                values.frombytes(archive.read(root + "/" + tensor["record"]))
                tensors[member["name"] + "/" + tensor["name"]] = values
    return tensors


def main():
    first, second, tolerance = parameters(sys.argv[1]), parameters(sys.argv[2]), float(sys.argv[3])
    if first.keys() != second.keys() or not first:
        print("the models hold different parameters")
        return 1
    largest = max(abs(a - b) for name in first for a, b in zip(first[name], second[name]))
    print(f"{len(first)} parameter tensors, largest difference {largest:.3g} (tolerance {tolerance:g})")
    return 0 if largest <= tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
