"""Golden fixtures for the activation bundles (activations/<name>), computed with PyTorch.

    /usr/bin/python3 cnf/golden/activations.py

Semantics are Keras 2 (tf.keras 2.13). Where torch's built-in differs from Keras 2 the
Keras formula is written out with torch ops: hard_sigmoid (Keras 2: clip(0.2x + 0.5, 0, 1),
torch: x/6 + 1/2), relu with max_value/negative_slope/threshold (keras.backend.relu).
All arithmetic is float32, as Keras runs it.
"""
import numpy as np
import torch
import torch.nn.functional as F

import common

GEN = "cnf/golden/activations.py (torch %s)" % torch.__version__
rng = np.random.default_rng(20261126)

# Negatives, zero, tiny and large magnitudes (+-50), and the points where piecewise
# functions switch (hard_sigmoid +-2.5, relu6 6, the relu thresholds below).
EDGES = [-50, -30, -20, -10, -6, -5, -3, -2.5, -2, -1.5, -1, -0.5, -1e-3, -1e-6, 0, 1e-6, 1e-3,
         0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 10, 20, 30, 50]


def relu_keras(x, max_value=None, negative_slope=0.0, threshold=0.0):
    """keras.backend.relu (tf.keras 2.13), which the ReLU layer calls, step by step."""
    negative_part = torch.relu(threshold - x)
    if threshold != 0:
        y = x * (x > threshold).to(x.dtype)
    else:
        y = torch.relu(x)
    if max_value is not None:
        y = torch.clamp(y, 0.0, max_value)
    if negative_slope != 0:
        y = y - negative_slope * negative_part
    return y


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

# name -> [(case suffix, options, function)]
FUNCTIONS = {
    "linear": [("", {}, lambda x: x)],
    "relu": [
        ("", {}, relu_keras),
        ("max_value_6", {"max_value": 6.0}, lambda x: relu_keras(x, max_value=6.0)),
        ("max_value_1.5", {"max_value": 1.5}, lambda x: relu_keras(x, max_value=1.5)),
        ("negative_slope", {"negative_slope": 0.1}, lambda x: relu_keras(x, negative_slope=0.1)),
        ("threshold", {"threshold": 0.5}, lambda x: relu_keras(x, threshold=0.5)),
        ("slope_threshold", {"negative_slope": 0.2, "threshold": 1.0},
         lambda x: relu_keras(x, negative_slope=0.2, threshold=1.0)),
        ("all_three", {"max_value": 4.0, "negative_slope": 0.25, "threshold": 1.5},
         lambda x: relu_keras(x, 4.0, 0.25, 1.5)),
        ("threshold_above_max", {"max_value": 1.0, "threshold": 2.0},
         lambda x: relu_keras(x, max_value=1.0, threshold=2.0)),
        ("explicit_defaults", {"max_value": None, "negative_slope": 0.0, "threshold": 0.0}, relu_keras),
    ],
    "sigmoid": [("", {}, torch.sigmoid)],
    "tanh": [("", {}, torch.tanh)],
    "leaky_relu": [
        ("", {}, lambda x: F.leaky_relu(x, 0.3)),
        ("alpha_0.1", {"alpha": 0.1}, lambda x: F.leaky_relu(x, 0.1)),
        ("negative_slope_0.2", {"negative_slope": 0.2}, lambda x: F.leaky_relu(x, 0.2)),
    ],
    "elu": [
        ("", {}, F.elu),
        ("alpha_0.5", {"alpha": 0.5}, lambda x: F.elu(x, 0.5)),
        ("alpha_2", {"alpha": 2.0}, lambda x: F.elu(x, 2.0)),
    ],
    "selu": [("", {}, lambda x: SELU_SCALE * F.elu(x.double(), SELU_ALPHA).float())],
    "gelu": [
        ("", {}, F.gelu),
        ("exact", {"approximate": False}, F.gelu),
        ("approximate", {"approximate": True}, lambda x: F.gelu(x, approximate="tanh")),
    ],
    "swish": [("", {}, F.silu)],
    "silu": [("", {}, F.silu)],
    "softplus": [("", {}, lambda x: F.softplus(x.double()).float())],
    "softsign": [("", {}, F.softsign)],
    "hard_sigmoid": [("", {}, lambda x: torch.clamp(0.2 * x + 0.5, 0.0, 1.0))],
    "relu6": [("", {}, F.relu6)],
    "exponential": [("", {}, torch.exp)],
    "mish": [("", {}, F.mish)],
}
# Keras 2 names bundled together: silu is swish's second name (same function, same bundle).
MODULE = {"silu": "swish"}


def inputs(name):
    """(case name, float32 array) pairs: edges, a fine grid, an odd NHWC batch."""
    edges = np.array(EDGES, np.float32)
    if name != "exponential":  # exp(1000) = inf, which JSON cannot carry
        edges = np.concatenate([[-1000, -100], edges, [100, 1000]]).astype(np.float32)
    grid = np.linspace(-8, 8, 65, dtype=np.float32).reshape(5, 13)
    nhwc = (rng.standard_normal((2, 3, 5, 7)) * 4).astype(np.float32)
    return [("edges", edges.reshape(1, -1)), ("grid", grid), ("nhwc", nhwc)]


def softmax_cases():
    def sm(x):
        return torch.softmax(torch.from_numpy(x), dim=-1).numpy()

    rows = [
        ("nhwc_last7", (rng.standard_normal((2, 3, 5, 7)) * 3).astype(np.float32)),
        ("single_column", np.array([[-50.0], [0.0], [50.0]], np.float32)),
        ("large", np.array([[1000, 999, 998, -1000, 0], [-1000, -1001, -999, -1000, -1000],
                            [50, -50, 0, 49.5, 50], [88, 89, 90, 91, 92]], np.float32)),
        ("equal_rows", np.array([[3.0] * 6, [-20.0] * 6], np.float32)),
        ("wide_rows", (rng.standard_normal((3, 31)) * 20).astype(np.float32)),
        ("one_hot_like", np.array([[0, 0, 100, 0], [-100, 0, 0, 0]], np.float32)),
    ]
    return [common.case(n, {"type": "activation", "activation": "softmax"}, x, sm(x)) for n, x in rows]


def main():
    for name, variants in FUNCTIONS.items():
        cases = []
        for suffix, options, fn in variants:
            layer = {"type": "activation", "activation": name, **options}
            for iname, x in inputs(name):
                y = fn(torch.from_numpy(x)).numpy().astype(np.float32)
                assert np.all(np.isfinite(y)), (name, suffix, iname)
                cases.append(common.case(iname + ("_" + suffix if suffix else ""), layer, x, y))
        common.write("activations/" + MODULE.get(name, name), name + ".json", GEN, cases)
    common.write("activations/softmax", "softmax.json", GEN, softmax_cases())


if __name__ == "__main__":
    main()
