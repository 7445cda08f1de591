"""Shared writer for cnnkit golden fixtures.

Run the generators by hand with Debian's Python (not in CI):
    /usr/bin/python3 cnf/golden/<module>.py
Each writes <module>/src/test/resources/golden/<file>.json. Layouts are Keras's
(channels_last, conv kernels (kh, kw, in/groups, out), dense kernels (in, units)); the
expected outputs are computed with PyTorch (an independent implementation), converting
layouts explicitly.
"""
import json
import os

import numpy as np

FORMAT_VERSION = 1
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def tensor(a):
    a = np.asarray(a, dtype=np.float32)
    return {"shape": list(a.shape), "data": [float(x) for x in a.reshape(-1)]}


def case(name, layer, x, expected, weights=None, input_shape=None):
    """layer: cnnkit JSON layer object; x, expected: NHWC (or N..) arrays; weights: Keras layout."""
    c = {"name": name, "layer": layer, "input": tensor(x), "expected": tensor(expected)}
    if weights:
        c["weights"] = {k: tensor(v) for k, v in weights.items()}
    if input_shape is not None:
        c["input_shape"] = input_shape
    return c


def write(module, file, generator, cases):
    path = os.path.join(ROOT, module, "src", "test", "resources", "golden", file)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    doc = {"format_version": FORMAT_VERSION, "generator": generator, "cases": cases}
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, len(cases), "cases", os.path.getsize(path), "bytes")
