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


# ---------------------------------------------------------------------------------------------
# More layers (dense_more.json: reshape, permute, repeat_vector, softmax axes, ReLU options,
# rescaling; dense_norm.json: normalization, layer_normalization, group/instance normalization).
# A separate generator so that dense.json above stays byte-identical. Cases may carry "keras":
# a whole Keras model JSON (Keras 1, 2 or 3 spelling) with the same layer named "layer"; the
# Java test parses it through the engine and expects the same output.
# ---------------------------------------------------------------------------------------------
rng = np.random.default_rng(20261205)
more = []
norm = []

K3_POLICY = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}


def keras1(cls, config, input_shape):
    layer = {"name": "layer", "trainable": True, "batch_input_shape": [None] + list(input_shape),
             "input_dtype": "float32"}
    layer.update(config)
    return {"class_name": "Sequential", "config": [{"class_name": cls, "config": layer}], "keras_version": "1.2.2"}


def keras2(cls, config, input_shape):
    layer = {"name": "layer", "trainable": True, "dtype": "float32"}
    layer.update(config)
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None] + list(input_shape), "dtype": "float32",
                                                "sparse": False, "ragged": False, "name": "input_1"}},
        {"class_name": cls, "config": layer}]}, "keras_version": "2.13.1", "backend": "tensorflow"}


def keras3(cls, config, input_shape, module="keras.layers"):
    shape = [None] + list(input_shape)
    layer = {"name": "layer", "trainable": True, "dtype": K3_POLICY}
    layer.update(config)
    return {"module": "keras", "class_name": "Sequential", "config": {
        "name": "sequential", "trainable": True, "dtype": K3_POLICY, "layers": [
            {"module": "keras.layers", "class_name": "InputLayer",
             "config": {"batch_shape": shape, "dtype": "float32", "sparse": False, "name": "input_layer"},
             "registered_name": None},
            {"module": module, "class_name": cls, "config": layer, "registered_name": None,
             "build_config": {"input_shape": shape}}],
        "build_input_shape": shape}, "registered_name": None, "build_config": {"input_shape": shape}}


def add(target, name, layer, x, y, weights=None, keras=None):
    c = case(name, layer, x, y, weights=weights, input_shape=list(x.shape[1:]))
    if keras is not None:
        c["keras"] = keras
    target.append(c)


# reshape: row-major over the NHWC data (numpy reshape = tf.reshape)
def reshape(name, x, target, keras=None):
    y = t(x).reshape((x.shape[0],) + tuple(target)).numpy()
    add(more, name, {"type": "reshape", "target_shape": list(target)}, x, y, keras=keras)


x = randn(2, 3, 4, 5)
reshape("reshape (3, 4, 5) -> (5, 12)", x, (5, 12), keras2("Reshape", {"target_shape": [5, 12]}, x.shape[1:]))
reshape("reshape (3, 4, 5) -> (-1, 6)", x, (-1, 6), keras3("Reshape", {"target_shape": [-1, 6]}, x.shape[1:]))
x = randn(3, 35)
reshape("reshape (35,) -> (7, -1, 1)", x, (7, -1, 1), keras1("Reshape", {"target_shape": [7, -1, 1]}, x.shape[1:]))
x = randn(2, 3, 5, 7)
reshape("reshape (3, 5, 7) -> (105,)", x, (105,))
reshape("reshape (3, 5, 7) -> (7, 5, 3)", x, (7, 5, 3))


# permute: output axis i is input axis dims[i] (1-based, batch axis fixed)
def permute(name, x, dims, keras=None):
    y = t(x).permute(0, *dims).numpy()
    add(more, name, {"type": "permute", "dims": list(dims)}, x, y, keras=keras)


x = randn(2, 3, 4, 5)
permute("permute [2, 1, 3]", x, (2, 1, 3), keras2("Permute", {"dims": [2, 1, 3]}, x.shape[1:]))
permute("permute [3, 1, 2]", x, (3, 1, 2), keras3("Permute", {"dims": [3, 1, 2]}, x.shape[1:]))
permute("permute [1, 3, 2]", x, (1, 3, 2), keras1("Permute", {"dims": [1, 3, 2]}, x.shape[1:]))
permute("permute identity [1, 2, 3]", x, (1, 2, 3))
permute("permute (3, 7) [2, 1]", randn(2, 3, 7), (2, 1))
permute("permute rank 4 [4, 2, 1, 3]", randn(2, 2, 3, 5, 3), (4, 2, 1, 3))


# repeat_vector: (N, F) -> (N, n, F)
def repeat_vector(name, x, n, keras=None):
    y = t(x)[:, None, :].repeat(1, n, 1).numpy()
    add(more, name, {"type": "repeat_vector", "n": n}, x, y, keras=keras)


x = randn(3, 7)
repeat_vector("repeat_vector n 4", x, 4, keras2("RepeatVector", {"n": 4}, x.shape[1:]))
repeat_vector("repeat_vector n 1", randn(2, 5), 1, keras1("RepeatVector", {"n": 1}, (5,)))
repeat_vector("repeat_vector n 3 (Keras 3)", randn(2, 9), 3, keras3("RepeatVector", {"n": 3}, (9,)))


# softmax along any axes (Keras Softmax(axis)): exp(x - logsumexp over the axes)
def softmax(name, x, axis, keras=None):
    axes = axis if isinstance(axis, list) else [axis]
    dims = tuple(a % x.ndim for a in axes)
    xt = t(x)
    y = torch.exp(xt - torch.logsumexp(xt, dim=dims, keepdim=True))
    add(more, name, {"type": "activation", "activation": "softmax", "axis": axis}, x, y.numpy(), keras=keras)


x = randn(2, 3, 4, 5) * 2
softmax("Softmax axis 1", x, 1, keras2("Softmax", {"axis": 1}, x.shape[1:]))
softmax("Softmax axis 2", x, 2)
softmax("Softmax axis -2", x, -2, keras3("Softmax", {"axis": -2}, x.shape[1:]))
softmax("Softmax axis -3", x, -3)
softmax("Softmax axis -1", x, -1, keras2("Softmax", {"axis": -1}, x.shape[1:]))
softmax("Softmax axis [1, 2]", x, [1, 2], keras2("Softmax", {"axis": [1, 2]}, x.shape[1:]))
softmax("Softmax axis [1, 3]", x, [1, 3])
softmax("Softmax axis [2, 3] (trailing)", x, [2, 3])
softmax("Softmax axis [-1, 1, 2] (whole sample)", x, [-1, 1, 2])
softmax("Softmax (N, 7) axis 1", randn(3, 7), 1)
softmax("Softmax (N, 3, 7) axis 1", randn(2, 3, 7), 1)


# ReLU layer options, as keras.backend.relu computes them (Keras 2 and 3 alike): x * (x > threshold)
# (or relu(x)), clipped to [0, max_value], minus negative_slope * relu(threshold - x).
def keras_relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    if negative_slope != 0:
        neg = torch.relu(threshold - x)
    y = x * (x > threshold).double() if threshold != 0 else torch.relu(x)
    if max_value is not None:
        y = y.clamp(0, max_value)
    if negative_slope != 0:
        y = y - negative_slope * neg
    return y


def relu_input(*specials):
    x = randn(2, 3, 4, 5) * 3
    flat = x.reshape(-1)
    for i, v in enumerate(specials):
        flat[7 * i + 1] = v  # exact threshold / max_value hits
    return x


def relu_case(name, opts, specials=(), k2=True, k3=False):
    x = relu_input(*specials)
    y = keras_relu(t(x), **opts)
    layer = {"type": "activation", "activation": "relu"}
    layer.update(opts)
    cfg = {"max_value": opts.get("max_value"), "negative_slope": float(opts.get("negative_slope", 0.0)),
           "threshold": float(opts.get("threshold", 0.0))}
    keras = keras3("ReLU", cfg, x.shape[1:]) if k3 else keras2("ReLU", cfg, x.shape[1:]) if k2 else None
    add(more, name, layer, x, y.numpy(), keras=keras)


relu_case("ReLU max_value 6", {"max_value": 6.0}, (6.0, 0.0, -0.0))
relu_case("ReLU negative_slope 0.2", {"negative_slope": 0.2}, (0.0,), k3=True)
relu_case("ReLU threshold 0.5 (x == threshold gives 0)", {"threshold": 0.5}, (0.5, 0.5))
relu_case("ReLU max_value 2.5 negative_slope 0.3 threshold 1", {"max_value": 2.5, "negative_slope": 0.3,
                                                                  "threshold": 1.0}, (1.0, 2.5), k3=True)
relu_case("ReLU threshold 3 above max_value 2, negative_slope 0.1", {"max_value": 2.0, "negative_slope": 0.1,
                                                                       "threshold": 3.0}, (3.0, 2.0))
relu_case("ReLU max_value 0", {"max_value": 0.0}, (0.0,))
x = relu_input(6.0, 0.0)
add(more, "activation relu6", {"type": "activation", "activation": "relu6"}, x, t(x).clamp(0, 6).numpy(),
    keras=keras2("Activation", {"activation": "relu6"}, x.shape[1:]))
x = randn(3, 10)
k = randn(10, 6) * 2
b = randn(6)
add(more, "dense relu6", {"type": "dense", "units": 6, "activation": "relu6"}, x,
    F.linear(t(x), t(k).T, t(b)).clamp(0, 6).numpy(), weights={"kernel": k, "bias": b})
x = relu_input(0.75)
add(more, "ThresholdedReLU theta 0.75", {"type": "activation", "activation": "relu", "threshold": 0.75}, x,
    (t(x) * (t(x) > 0.75).double()).numpy(), keras=keras2("ThresholdedReLU", {"theta": 0.75}, x.shape[1:]))


# rescaling: x * scale + offset, scale/offset broadcast with NumPy rules
def rescaling(name, x, scale, offset, keras=None):
    y = t(x) * t(scale) + t(offset)
    layer = {"type": "rescaling", "scale": scale, "offset": offset}
    add(more, name, layer, x, y.numpy(), keras=keras)


x = np.floor(rng.random((2, 3, 4, 3)) * 256).astype(np.float32)
rescaling("rescaling 1/255", x, 1 / 255.0, 0.0, keras2("Rescaling", {"scale": 1 / 255.0, "offset": 0.0}, x.shape[1:]))
rescaling("rescaling 1/127.5 - 1", x, 1 / 127.5, -1.0, keras3("Rescaling", {"scale": 1 / 127.5, "offset": -1.0},
                                                              x.shape[1:]))
x = randn(2, 3, 5, 3)
rescaling("rescaling per channel", x, [0.5, 2.0, -1.25], [0.1, -0.2, 0.3],
          keras3("Rescaling", {"scale": {"class_name": "__numpy__", "config": {"value": [0.5, 2.0, -1.25],
                                                                                "dtype": "float32"}},
                               "offset": [0.1, -0.2, 0.3]}, x.shape[1:]))
rescaling("rescaling scale along W (5, 1), offset per channel", x, [[0.5], [1.5], [-2.0], [0.25], [3.0]],
          [0.0, 1.0, -1.0])
rescaling("rescaling (N, 7) scale 3 offset per feature", randn(3, 7), 3.0, [0.5, 1, 1.5, 2, 2.5, 3, 3.5])

write("layers.dense", "dense_more.json", "cnf/golden/layers_dense.py (torch %s)" % torch.__version__, more)


# normalization (Keras Normalization): (x - mean) / maximum(sqrt(variance), 1e-7), mean/variance over
# the kept axes (sorted, as Keras keeps them), or mean + x * maximum(sqrt(variance), 1e-7) with invert.
def normalization(name, x, axis, mean=None, variance=None, invert=False, constants=False, keras=None,
                  zero_var=False):
    ndim = x.ndim
    keep = [] if axis is None else sorted(a % ndim for a in (axis if isinstance(axis, list) else [axis]))
    kept = tuple(x.shape[a] for a in keep)
    bshape = [x.shape[d] if d in keep else 1 for d in range(ndim)]
    if mean is None:
        mean = (randn(*kept) * 0.5).astype(np.float32)
        variance = (0.2 + rng.random(kept) * 2).astype(np.float32)
        if zero_var:
            v = variance.reshape(-1)
            v[0] = 0.0
            v[-1] = 1e-16  # sqrt below 1e-7: clamped
    m = t(np.asarray(mean, np.float32) * np.ones(kept, np.float32)).reshape(bshape)
    v = t(np.asarray(variance, np.float32) * np.ones(kept, np.float32)).reshape(bshape)
    d = torch.clamp(torch.sqrt(v.float()).double(), min=float(np.float32(1e-7)))
    y = m + t(x) * d if invert else (t(x) - m) / d
    layer = {"type": "normalization"}
    if axis is None:
        layer["axis"] = []
    elif axis != -1:
        layer["axis"] = axis
    if invert:
        layer["invert"] = True
    weights = None
    if constants:
        layer["mean"] = np.asarray(mean).tolist()
        layer["variance"] = np.asarray(variance).tolist()
    else:
        weights = {"mean": mean, "variance": variance, "count": np.array(1000, np.float32)}
    add(norm, name, layer, x, y.numpy(), weights=weights, keras=keras)


def norm_cfg(axis, invert=False, mean=None, variance=None):
    ax = [] if axis is None else (axis if isinstance(axis, list) else [axis])
    return {"axis": ax, "invert": invert, "mean": mean, "variance": variance}


x = randn(2, 3, 4, 5) * 3 + 1
normalization("normalization axis -1", x, -1, keras=keras2("Normalization", norm_cfg(-1), x.shape[1:]))
normalization("normalization axis 1", x, 1, keras=keras3("Normalization", norm_cfg(1), x.shape[1:]))
normalization("normalization axis [3, 1] (kept sorted)", x, [3, 1],
              keras=keras2("Normalization", norm_cfg([3, 1]), x.shape[1:]))
normalization("normalization axis None (one mean)", x, None, keras=keras2("Normalization", norm_cfg(None),
                                                                          x.shape[1:]))
normalization("normalization variance 0 and 1e-16 (epsilon clamp)", x, -1, zero_var=True)
normalization("normalization invert", x, -1, invert=True, keras=keras3("Normalization", norm_cfg(-1, True),
                                                                      x.shape[1:]))
x = randn(3, 7) * 2
normalization("normalization (N, 7) mean/variance given", x, -1, mean=np.float32(0.5), variance=np.float32(2.0),
              constants=True, keras=keras2("Normalization", norm_cfg(-1, False, 0.5, 2.0), x.shape[1:]))
mv = (randn(7) * 0.3).astype(np.float32)
vv = (0.5 + rng.random(7)).astype(np.float32)
normalization("normalization (N, 7) per-feature lists given", x, -1, mean=mv, variance=vv, constants=True,
              keras=keras3("Normalization", norm_cfg(-1, False, mv.tolist(), vv.tolist()), x.shape[1:]))


# layer_normalization (Keras LayerNormalization): gamma/beta of the axes' sizes in the given order,
# laid over the sorted axes by a plain reshape (Keras's _broadcast).
def layer_norm(name, x, axis, center=True, scale=True, epsilon=None, keras=None):
    ndim = x.ndim
    given = [a % ndim for a in (axis if isinstance(axis, list) else [axis])]
    shape = tuple(x.shape[a] for a in given)
    gamma = (0.5 + rng.random(shape)).astype(np.float32)
    beta = randn(*shape)
    eps = 1e-3 if epsilon is None else epsilon
    srt = sorted(given)
    xt = t(x)
    bshape = [x.shape[d] if d in srt else 1 for d in range(ndim)]
    if srt == list(range(ndim - len(srt), ndim)):
        # trailing axes: torch's own layer_norm (an independent implementation)
        y = F.layer_norm(xt, tuple(x.shape[a] for a in srt), eps=eps)
    else:
        mean = xt.mean(dim=tuple(srt), keepdim=True)
        var = ((xt - mean) ** 2).mean(dim=tuple(srt), keepdim=True)
        y = (xt - mean) / torch.sqrt(var + eps)
    if scale:
        y = y * t(gamma).reshape(bshape)
    if center:
        y = y + t(beta).reshape(bshape)
    layer = {"type": "layer_normalization"}
    if axis != -1:
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
    add(norm, name, layer, x, y.numpy(), weights=weights, keras=keras)


def ln_cfg(axis, epsilon=1e-3, center=True, scale=True, k3=False):
    c = {"axis": axis, "epsilon": epsilon, "center": center, "scale": scale,
         "beta_initializer": {"class_name": "Zeros", "config": {}},
         "gamma_initializer": {"class_name": "Ones", "config": {}},
         "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}
    if k3:
        c["rms_scaling"] = False
        c["beta_initializer"] = {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                                 "registered_name": None}
        c["gamma_initializer"] = {"module": "keras.initializers", "class_name": "Ones", "config": {},
                                  "registered_name": None}
    return c


x = randn(2, 3, 4, 5) * 2 + 0.5
layer_norm("layer_normalization axis -1", x, -1, keras=keras2("LayerNormalization", ln_cfg([3]), x.shape[1:]))
layer_norm("layer_normalization axis [1, 2, 3]", x, [1, 2, 3],
           keras=keras3("LayerNormalization", ln_cfg([1, 2, 3], k3=True), x.shape[1:]))
layer_norm("layer_normalization axis 1 (not trailing)", x, 1,
           keras=keras3("LayerNormalization", ln_cfg(1, k3=True), x.shape[1:]))
layer_norm("layer_normalization axis [1, 3]", x, [1, 3])
layer_norm("layer_normalization axis [3, 1] (gamma reshaped as Keras does)", x, [3, 1],
           keras=keras2("LayerNormalization", ln_cfg([3, 1]), x.shape[1:]))
layer_norm("layer_normalization axis [-2, -1]", x, [-2, -1])
layer_norm("layer_normalization center only", x, -1, scale=False)
layer_norm("layer_normalization scale only epsilon 1e-5", x, -1, center=False, epsilon=1e-5,
           keras=keras2("LayerNormalization", ln_cfg([3], 1e-5, False, True), x.shape[1:]))
layer_norm("layer_normalization neither, epsilon 0.5", x, -1, center=False, scale=False, epsilon=0.5)
layer_norm("layer_normalization (N, 7)", randn(3, 7) * 3, -1)
layer_norm("layer_normalization (N, 5, 9) axis 1", randn(2, 5, 9), 1)


# group / instance normalization (tensorflow_addons, Keras 3): torch's group_norm on channels-first data
def group_norm(name, x, groups, axis=-1, center=True, scale=True, epsilon=None, type_="group_normalization",
               keras=None):
    a = axis % x.ndim
    c = x.shape[a]
    g = c if groups == -1 else groups
    gamma = (0.5 + rng.random(c)).astype(np.float32)
    beta = randn(c)
    eps = 1e-3 if epsilon is None else epsilon
    xt = t(x).movedim(a, 1)
    if type_ == "instance_normalization" and x.ndim >= 3:
        y = F.instance_norm(xt, weight=t(gamma) if scale else None, bias=t(beta) if center else None, eps=eps)
    else:
        y = F.group_norm(xt, g, weight=t(gamma) if scale else None, bias=t(beta) if center else None, eps=eps)
    y = y.movedim(1, a)
    layer = {"type": type_}
    if type_ == "group_normalization":
        layer["groups"] = groups
    if axis != -1:
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
    add(norm, name, layer, x, y.numpy(), weights=weights, keras=keras)


def gn_cfg(groups, axis=-1, epsilon=1e-3, center=True, scale=True):
    return {"groups": groups, "axis": axis, "epsilon": epsilon, "center": center, "scale": scale,
            "beta_initializer": {"class_name": "Zeros", "config": {}},
            "gamma_initializer": {"class_name": "Ones", "config": {}},
            "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}


x = randn(2, 3, 5, 6) * 2 + 1
group_norm("group_normalization groups 2 (Addons)", x, 2, keras=keras2("Addons>GroupNormalization", gn_cfg(2),
                                                                      x.shape[1:]))
group_norm("group_normalization groups 3 (Keras 3)", x, 3,
           keras=keras3("GroupNormalization", gn_cfg(3), x.shape[1:]))
group_norm("group_normalization groups 1", x, 1)
group_norm("group_normalization groups -1 (one per channel)", x, -1,
           keras=keras2("Addons>GroupNormalization", gn_cfg(-1), x.shape[1:]))
group_norm("group_normalization groups 6 = channels", x, 6)
x = randn(2, 4, 3, 9)
group_norm("group_normalization 9 channels groups 3 center only epsilon 1e-5", x, 3, scale=False, epsilon=1e-5,
           keras=keras2("GroupNormalization", gn_cfg(3, -1, 1e-5, True, False), x.shape[1:]))
group_norm("group_normalization scale only", x, 9, center=False)
group_norm("group_normalization neither", x, 3, center=False, scale=False)
x = randn(2, 6, 3, 5)
group_norm("group_normalization axis 1 groups 3", x, 3, axis=1,
           keras=keras2("Addons>GroupNormalization", gn_cfg(3, 1), x.shape[1:]))
group_norm("group_normalization axis -2 groups 3", randn(2, 4, 6, 5), 3, axis=-2)
group_norm("group_normalization (N, 10) groups 5", randn(3, 10) * 2, 5)
group_norm("group_normalization (N, 7, 6) groups 2", randn(2, 7, 6), 2)

x = randn(2, 4, 5, 3) * 2 - 1
group_norm("instance_normalization (Addons)", x, -1, type_="instance_normalization",
           keras=keras2("Addons>InstanceNormalization", gn_cfg(-1), x.shape[1:]))
group_norm("instance_normalization center/scale off epsilon 1e-5", x, -1, center=False, scale=False, epsilon=1e-5,
           type_="instance_normalization",
           keras=keras2("InstanceNormalization", gn_cfg(3, -1, 1e-5, False, False), x.shape[1:]))
group_norm("instance_normalization axis 1", randn(2, 5, 3, 4), -1, axis=1, type_="instance_normalization",
           keras=keras2("Addons>InstanceNormalization", gn_cfg(5, 1), (5, 3, 4)))
group_norm("instance_normalization 7 channels scale only", randn(3, 3, 5, 7), -1, center=False,
           type_="instance_normalization")

write("layers.dense", "dense_norm.json", "cnf/golden/layers_dense.py (torch %s)" % torch.__version__, norm)
