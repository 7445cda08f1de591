"""Golden fixtures for layers.pool (Keras MaxPooling2D / AveragePooling2D / Global*Pooling2D).

Run: /usr/bin/python3 cnf/golden/layers_pool.py
Expected outputs come from PyTorch in NCHW, with TensorFlow's asymmetric 'same' padding made
explicit: max pads with -inf (padding never wins), average divides the zero-padded window sum
by the number of in-bounds cells (Keras/TF exclude padding from the mean).
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from common import case, write

rng = np.random.default_rng(20261126)


def tf_same_pads(n, k, s):
    out = math.ceil(n / s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def pool(kind, x, pool_size, strides, padding):
    """x: NHWC numpy -> NHWC numpy."""
    t = torch.from_numpy(x).permute(0, 3, 1, 2).double()
    kh, kw = pool_size
    sh, sw = strides
    if padding == "same":
        top, bottom = tf_same_pads(x.shape[1], kh, sh)
        left, right = tf_same_pads(x.shape[2], kw, sw)
    else:
        top = bottom = left = right = 0
    pads = (left, right, top, bottom)
    if kind == "max":
        y = F.max_pool2d(F.pad(t, pads, value=float("-inf")), (kh, kw), (sh, sw))
    else:
        total = F.avg_pool2d(F.pad(t, pads, value=0.0), (kh, kw), (sh, sw)) * (kh * kw)
        ones = torch.ones(1, 1, x.shape[1], x.shape[2], dtype=torch.float64)
        count = F.avg_pool2d(F.pad(ones, pads, value=0.0), (kh, kw), (sh, sw)) * (kh * kw)
        y = total / count
    return y.permute(0, 2, 3, 1).numpy()


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


cases = []


def add(kind, shape, pool_size, strides=None, padding="valid", x=None):
    if x is None:
        x = rng.standard_normal(shape).astype(np.float32)
    layer = {"type": kind + "_pooling2d", "pool_size": pool_size}
    if strides is not None:
        layer["strides"] = strides
    layer["padding"] = padding
    ps = pair(pool_size)
    st = pair(strides) if strides is not None else ps
    y = pool(kind, x.astype(np.float64), ps, st, padding)
    name = "%s %s pool %s strides %s %s" % (kind, "x".join(map(str, shape)), pool_size, strides, padding)
    cases.append(case(name, layer, x, y, input_shape=list(shape[1:])))


for kind in ("max", "average"):
    add(kind, (2, 5, 7, 3), 2)                       # odd sizes, default strides, batch 2
    add(kind, (1, 7, 9, 2), 3, 2)                    # odd pool, stride 2
    add(kind, (2, 8, 10, 2), [2, 3], 3)              # rectangular pool, stride 3
    add(kind, (1, 9, 11, 1), 3, [3, 2])              # stride pair
    add(kind, (2, 5, 5, 3), 2, 2, "same")            # even pool, odd input: pad bottom/right only
    add(kind, (1, 6, 7, 2), 3, 2, "same")            # odd pool
    add(kind, (1, 4, 5, 2), 3, 1, "same")            # stride 1 keeps the size
    add(kind, (2, 7, 8, 2), 2, 3, "same")            # stride 3 > pool
    add(kind, (1, 5, 5, 1), 4, 1, "same")            # even pool: 1 top/left, 2 bottom/right
    add(kind, (1, 10, 7, 2), [3, 2], [3, 2], "same")
# All-negative input: a zero pad would win a max; -inf padding never does.
add("max", (1, 5, 6, 2), 3, 2, "same", x=-1.0 - rng.random((1, 5, 6, 2)).astype(np.float32))
# The walkthrough's 3x3 max pool on an odd-sized picture.
add("max", (1, 17, 19, 3), 3)

for kind in ("average", "max"):
    for keep in (False, True):
        x = rng.standard_normal((2, 5, 7, 3)).astype(np.float32)
        t = torch.from_numpy(x).double()
        y = t.mean(dim=(1, 2), keepdim=keep) if kind == "average" else t.amax(dim=(1, 2), keepdim=keep)
        layer = {"type": "global_%s_pooling2d" % kind}
        if keep:
            layer["keepdims"] = True
        cases.append(case("global %s keepdims=%s" % (kind, keep), layer, x, y.numpy(), input_shape=[5, 7, 3]))
x = rng.standard_normal((3, 1, 1, 4)).astype(np.float32)
cases.append(case("global average 1x1", {"type": "global_average_pooling2d"}, x, x.reshape(3, 4),
                  input_shape=[1, 1, 4]))

write("layers.pool", "pool.json", "cnf/golden/layers_pool.py (torch %s)" % torch.__version__, cases)
