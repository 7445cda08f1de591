"""Golden fixtures for layers.merge (Keras Add / Subtract / Multiply / Average / Maximum / Minimum /
Concatenate).

Run: /usr/bin/python3 cnf/golden/layers_merge.py
Writes layers.merge/src/test/resources/golden/merge.json:
    {"format_version": 1, "generator": "cnf/golden/layers_merge.py", "cases": [
        {"name": ..., "layer": {"type": "add" | "subtract" | "multiply" | "average" | "maximum" |
                                         "minimum" | "concatenate" (+ "axis" for some concatenate)},
         "inputs": [{"shape": [...], "data": [...]}, ...], "expected": {"shape": [...], "data": [...]}}]}
Tensors are channels_last (N, H, W, C) or rank 2 (N, units), row-major. Inputs are float32 (seeded
numpy RNG, negatives included); the expected output is computed by PyTorch in float64 from those
float32 values, then stored as float32.

Keras 2 merge semantics (keras.layers.merge._Merge), reproduced here:
- Element-wise layers take 2 or more inputs; Subtract exactly 2 (first minus second).
- Batch sizes must be equal. The other dimensions broadcast where one side is 1, aligned from the
  last axis: (N,1,1,C) * (N,H,W,C) as squeeze-and-excitation does, (N,H,W,1) with (N,H,W,C),
  even (N,H,1,C) + (N,1,W,C) -> (N,H,W,C). Case names say "bcast" and give the shapes.
- Inputs of lower rank are expanded at axis 1 (after the batch) until the ranks agree, so (N,C)
  meets (N,H,W,C) as (N,1,1,C) (one case, named "rank2_expanded_at_axis1").
- Average is the sum divided by the number of inputs.
- Concatenate (default axis -1) does not broadcast: every dimension but the axis must match;
  negative axes count from the end (-2 of a rank-4 tensor is W); case names give the axis, and a
  layer without "axis" means the default.
"""
import numpy as np
import torch

from common import tensor, write

rng = np.random.default_rng(20261204)
cases = []


def rand(shape, ints=False):
    if ints:  # small integers: many exact ties between inputs (maximum / minimum)
        return rng.integers(-3, 4, size=shape).astype(np.float32)
    return (rng.standard_normal(shape) * 1.5).astype(np.float32)


def keras2_align(ts):
    """Keras 2 _Merge: expand lower-rank inputs at axis 1 until all ranks agree."""
    r = max(t.dim() for t in ts)
    out = []
    for t in ts:
        while t.dim() < r:
            t = t.unsqueeze(1)
        out.append(t)
    return out


def keras2_shape(shapes):
    """Keras 2's output shape rule (batch equal; other dims equal or 1), checked independently of torch."""
    assert len({s[0] for s in shapes}) == 1, "Keras 2 refuses different batch sizes"
    r = max(len(s) for s in shapes)
    full = [list(s[:1]) + [1] * (r - len(s)) + list(s[1:]) for s in shapes]
    out = []
    for dims in zip(*full):
        big = {d for d in dims if d != 1}
        assert len(big) <= 1, "shapes %s do not broadcast" % shapes
        out.append(big.pop() if big else 1)
    return out


def merge(kind, xs, axis=-1):
    ts = [torch.from_numpy(x).double() for x in xs]
    if kind == "concatenate":
        r = ts[0].dim()
        a = axis % r
        for t in ts:
            assert t.dim() == r and all(t.shape[i] == ts[0].shape[i] for i in range(r) if i != a), "concat shapes"
        return torch.cat(ts, dim=a).numpy()
    want = keras2_shape([x.shape for x in xs])
    ts = keras2_align(ts)
    if kind == "subtract":
        assert len(ts) == 2, "Subtract takes exactly 2 inputs"
        y = ts[0] - ts[1]
    elif kind in ("add", "average"):
        y = ts[0]
        for t in ts[1:]:
            y = y + t
        if kind == "average":
            y = y / len(ts)
    elif kind == "multiply":
        y = ts[0]
        for t in ts[1:]:
            y = y * t
    elif kind == "maximum":
        y = ts[0]
        for t in ts[1:]:
            y = torch.maximum(y, t)
    elif kind == "minimum":
        y = ts[0]
        for t in ts[1:]:
            y = torch.minimum(y, t)
    else:
        raise ValueError(kind)
    assert list(y.shape) == want, (y.shape, want)
    return y.numpy()


def dims(s):
    return "x".join(str(d) for d in s)


def add_case(kind, shapes, suffix="", axis=None, ints=False):
    xs = [rand(s, ints) for s in shapes]
    layer = {"type": kind}
    if axis is not None:
        layer["axis"] = axis
    y = merge(kind, xs, -1 if axis is None else axis)
    name = kind + "_" + "_".join(dims(s) for s in shapes)
    if kind == "concatenate":
        name += "_axis_default" if axis is None else "_axis%d" % axis
    if suffix:
        name += "_" + suffix
    cases.append({"name": name, "layer": layer, "inputs": [tensor(x) for x in xs], "expected": tensor(y)})


A = (1, 5, 7, 3)  # odd H, W; 3 channels
B = (2, 3, 5, 13)  # batch 2; 13 channels
C = (2, 3, 4, 5)
D = (2, 17)  # rank 2 (N, units)

# Element-wise, same shapes, 2 and 3 inputs.
for kind in ("add", "multiply", "average", "maximum", "minimum"):
    add_case(kind, [A, A])
    add_case(kind, [C, C, C])
add_case("subtract", [A, A])
add_case("subtract", [B, B])
add_case("maximum", [C, C, C], "integer_ties", ints=True)
add_case("minimum", [C, C], "integer_ties", ints=True)

# Rank 2.
for kind in ("add", "subtract", "multiply", "average", "maximum", "minimum"):
    add_case(kind, [D, D] if kind == "subtract" else [D, D, D])
add_case("multiply", [(3, 1), (3, 11)], "bcast_units")

# Keras 2 broadcasting (dims of 1 against the other input, batch equal).
add_case("multiply", [(2, 1, 1, 13), B], "bcast_se_scale_first")
add_case("multiply", [(2, 2, 3, 13), (2, 1, 1, 13)], "bcast_se_scale_second")
add_case("add", [(2, 3, 5, 1), (2, 3, 5, 9)], "bcast_channel1")
add_case("subtract", [(2, 2, 3, 13), (2, 1, 1, 13)], "bcast_second")
add_case("subtract", [(2, 1, 1, 13), (2, 2, 3, 13)], "bcast_first")
add_case("subtract", [(2, 3, 5, 1), (2, 3, 5, 7)], "bcast_channel1_first")
add_case("maximum", [(2, 3, 5, 1), (2, 3, 5, 7)], "bcast_channel1")
add_case("minimum", [(2, 3, 5, 7), (2, 1, 1, 7)], "bcast_hw1")
add_case("average", [(2, 3, 5, 7), (2, 1, 1, 7), (2, 3, 5, 1)], "bcast_three")
add_case("add", [(2, 3, 1, 7), (2, 1, 5, 7)], "bcast_both_sides")
add_case("multiply", [(2, 13), (2, 2, 3, 13)], "bcast_rank2_expanded_at_axis1")

# Concatenate (no broadcasting): default axis, explicit positive and negative axes, 2 and 3 inputs.
add_case("concatenate", [(2, 2, 3, 3), (2, 2, 3, 5), (2, 2, 3, 9)])
add_case("concatenate", [(1, 3, 5, 3), (1, 3, 5, 13)], axis=3)
add_case("concatenate", [(2, 3, 4, 5), (2, 3, 4, 1)], axis=-1)
add_case("concatenate", [(2, 2, 3, 7), (2, 3, 3, 7), (2, 1, 3, 7)], axis=1)
add_case("concatenate", [(1, 5, 3, 3), (1, 5, 7, 3)], axis=2)
add_case("concatenate", [(2, 3, 2, 5), (2, 3, 3, 5)], axis=-2)
add_case("concatenate", [(2, 1, 4, 3), (2, 4, 4, 3)], axis=-3)
add_case("concatenate", [(2, 3), (2, 5), (2, 9)])
add_case("concatenate", [(2, 7), (2, 6)], axis=1)
add_case("concatenate", [(2, 7), (2, 6)], axis=-1)

names = [c["name"] for c in cases]
assert len(names) == len(set(names)), "duplicate case names"
write("layers.merge", "merge.json", "cnf/golden/layers_merge.py", cases)
for c in cases:
    print("  %-62s -> %s" % (c["name"], c["expected"]["shape"]))
