"""Golden fixtures for layers.dense (Keras Flatten, Dense, Dropout, BatchNormalization, PReLU,
Activation layers).

Run: /usr/bin/python3 cnf/golden/layers_dense.py
Expected outputs come from PyTorch: F.linear with the Keras kernel (in, units) transposed to
torch's (units, in), F.batch_norm in inference mode on NCHW, softmax/relu/elu from torch.
"""
import numpy as np
import torch
import torch.nn.functional as F

from common import case, write

rng = np.random.default_rng(20261127)
cases = []


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def t(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float32)).double()


# flatten: NHWC order (numpy reshape of a channels_last tensor, as Keras channels_last).
for shape in ((2, 3, 4, 5), (1, 5, 7, 3), (3, 4, 6)):
    x = randn(*shape)
    cases.append(case("flatten %s" % "x".join(map(str, shape)), {"type": "flatten"}, x,
                      x.reshape(shape[0], -1), input_shape=list(shape[1:])))


def dense(name, x, units, use_bias=True, activation=None):
    k = randn(x.shape[-1], units) * 0.3
    b = randn(units)
    y = F.linear(t(x), t(k).T, t(b) if use_bias else None)
    if activation == "relu":
        y = torch.relu(y)
    elif activation == "softmax":
        y = torch.softmax(y, dim=-1)
    layer = {"type": "dense", "units": units}
    if not use_bias:
        layer["use_bias"] = False
    if activation:
        layer["activation"] = activation
    weights = {"kernel": k}
    if use_bias:
        weights["bias"] = b
    cases.append(case(name, layer, x, y.numpy(), weights=weights, input_shape=list(x.shape[1:])))


dense("dense 3x7 -> 5 with bias", randn(3, 7), 5)
dense("dense 2x7 -> 5 without bias", randn(2, 7), 5, use_bias=False)
dense("dense 4x96 -> 70 (two unit blocks)", randn(4, 96), 70)
dense("dense relu", randn(3, 10), 6, activation="relu")
dense("dense softmax", randn(3, 10), 6, activation="softmax")
dense("dense on the last axis of 2x4x6", randn(2, 4, 6), 3)
dense("dense on the last axis of 1x3x5x4 without bias", randn(1, 3, 5, 4), 7, use_bias=False)

# dropout: identity at inference.
x = randn(2, 3, 3, 4)
cases.append(case("dropout 0.5", {"type": "dropout", "rate": 0.5, "seed": 3}, x, x, input_shape=[3, 3, 4]))


def bn(name, x, center, scale, epsilon=None, axis=None):
    c = x.shape[-1] if axis in (None, -1, x.ndim - 1) else x.shape[axis]
    gamma = (0.5 + rng.random(c)).astype(np.float32)
    beta = randn(c)
    mean = randn(c) * 0.5
    var = (0.2 + rng.random(c)).astype(np.float32)
    eps = 1e-3 if epsilon is None else epsilon
    ax = x.ndim - 1 if axis in (None, -1) else axis
    xt = t(x).movedim(ax, 1)  # torch normalises dim 1
    y = F.batch_norm(xt, t(mean), t(var), t(gamma) if scale else None, t(beta) if center else None,
                     training=False, eps=eps).movedim(1, ax)
    layer = {"type": "batch_normalization"}
    if axis is not None:
        layer["axis"] = axis
    if epsilon is not None:
        layer["epsilon"] = epsilon
    if not center:
        layer["center"] = False
    if not scale:
        layer["scale"] = False
    weights = {}
    if scale:
        weights["gamma"] = gamma
    if center:
        weights["beta"] = beta
    weights["moving_mean"] = mean
    weights["moving_variance"] = var
    cases.append(case(name, layer, x, y.numpy(), weights=weights, input_shape=list(x.shape[1:])))


bn("batchnorm center+scale", randn(2, 3, 4, 5), True, True)
bn("batchnorm center only", randn(2, 3, 4, 5), True, False)
bn("batchnorm scale only", randn(2, 3, 4, 5), False, True)
bn("batchnorm neither", randn(2, 3, 4, 5), False, False)
bn("batchnorm epsilon 1e-5 axis 3", randn(1, 5, 3, 6), True, True, epsilon=1e-5, axis=3)
bn("batchnorm features (N, C)", randn(4, 9), True, True)
bn("batchnorm axis 1 of (N, H, W, C)", randn(2, 3, 4, 5), True, True, axis=1)


def prelu(name, x, shared_axes):
    shape = list(x.shape[1:])
    for a in shared_axes or []:
        shape[a - 1] = 1
    alpha = (rng.random(shape) * 0.5).astype(np.float32)
    y = torch.where(t(x) > 0, t(x), t(alpha)[None] * t(x))
    layer = {"type": "prelu"}
    if shared_axes is not None:
        layer["shared_axes"] = shared_axes
    cases.append(case(name, layer, x, y.numpy(), weights={"alpha": alpha}, input_shape=list(x.shape[1:])))


prelu("prelu shared_axes [1, 2]", randn(2, 4, 5, 3), [1, 2])
prelu("prelu no shared axes", randn(2, 4, 5, 3), None)
prelu("prelu shared_axes [2]", randn(1, 3, 4, 2), [2])
prelu("prelu features", randn(3, 6), None)

# activation layers (functions registered by the test as small reference activations)
x = randn(2, 3, 4, 5)
cases.append(case("activation softmax over the last axis", {"type": "activation", "activation": "softmax"}, x,
                  torch.softmax(t(x), dim=-1).numpy(), input_shape=[3, 4, 5]))
cases.append(case("Softmax axis 3", {"type": "activation", "activation": "softmax", "axis": 3}, x,
                  torch.softmax(t(x), dim=-1).numpy(), input_shape=[3, 4, 5]))
x = randn(2, 3, 4, 5) * 4
xt = t(x)
# Keras relu(x, alpha=0.1, max_value=6, threshold=0.5)
y = torch.where(xt > 0.5, xt.clamp(max=6.0), 0.1 * (xt - 0.5))
cases.append(case("relu max_value 6 negative_slope 0.1 threshold 0.5",
                  {"type": "activation", "activation": "relu", "max_value": 6.0, "negative_slope": 0.1,
                   "threshold": 0.5}, x, y.numpy(), input_shape=[3, 4, 5]))
cases.append(case("elu alpha 0.7", {"type": "activation", "activation": "elu", "alpha": 0.7}, x,
                  F.elu(xt, alpha=0.7).numpy(), input_shape=[3, 4, 5]))
cases.append(case("relu", {"type": "activation", "activation": "relu"}, x, torch.relu(xt).numpy(),
                  input_shape=[3, 4, 5]))

write("layers.dense", "dense.json", "cnf/golden/layers_dense.py (torch %s)" % torch.__version__, cases)
