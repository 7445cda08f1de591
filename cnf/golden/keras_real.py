"""Golden fixtures for keras.test: real Keras files run by an independent PyTorch forward pass.

Run by hand with Debian's Python (torch 1.13, h5py, numpy; not in CI):
    /usr/bin/python3 cnf/golden/keras_real.py
It reads each file of shared/keras-real/ (../shared/keras-real from the repository root, or
$KERAS_REAL) directly with h5py: the architecture from the root attribute model_config (or the
.json beside a weights-only file), the weights through each layer group's weight_names (never
by building paths: k2-mtcnn-12net stores conv1/conv1_1/kernel:0). It then runs the chain in
PyTorch (float64, so the reference is more exact than the float32 engine under test) on the
deterministic input

    x[0, h, w, c] = ((h*7 + w*3 + c*11) mod 255) / 255        (NHWC, batch 1)

which the Java test regenerates, and writes keras.test/src/test/resources/golden/keras_real.json:
per model the expected output, a summary of every stage (shape, sum, sum of |x|, min, max and a
few values at fixed flat NHWC positions), and Keras's parameter count, computed as Keras's
model.summary() does for a loaded model: the sum of the sizes of every weight in model_weights
(optimizer_weights are not the model's).

Layout care (what a port gets wrong):
- TensorFlow 'same' padding is asymmetric: total = max((ceil(n/s)-1)*s + (k-1)*d + 1 - n, 0),
  top/left = total // 2, the extra row/column goes to the bottom/right.
- Conv2D kernels are (kh, kw, in, out) -> torch (out, in, kh, kw); DepthwiseConv2D kernels are
  (kh, kw, C, mult) -> torch (C*mult, 1, kh, kw) with output channel c*mult + m, groups=C.
- BatchNormalization uses the epsilon of each layer's config.
- Flatten follows channels_last (NHWC) order: the torch NCHW tensor is permuted back first.
- PReLU alpha (1, 1, C) broadcasts over H and W (shared_axes [1, 2]).

The MTCNN P-Net (k2-mtcnn-12net) has two heads on one trunk (a graph with branches); cnnkit
runs chains, so its case here is the chain the Java test builds by dropping the conv4-2 head
from the JSON: trunk + conv4-1 (softmax face score).

A second document, keras_real_params.json, gives Keras's parameter count per layer for the
every-layer-type model of the Java test (KerasRealTest.EVERY_TYPE), with Keras's rules written
out per class here, independently of cnnkit's summary code.
"""
import json
import math
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, tensor  # noqa: E402

SRC = os.environ.get("KERAS_REAL", os.path.join(os.path.dirname(ROOT), "shared", "keras-real"))
OUT = os.path.join(ROOT, "keras.test", "src", "test", "resources", "golden")
SAMPLES = 7  # values recorded per stage at fixed flat positions

torch.set_default_dtype(torch.float64)


def det_input(h, w, c):
    """The deterministic NHWC input (batch 1); the Java test computes the same formula in float32."""
    x = np.zeros((1, h, w, c), dtype=np.float32)
    for i in range(h):
        for j in range(w):
            for k in range(c):
                x[0, i, j, k] = np.float32(((i * 7 + j * 3 + k * 11) % 255)) / np.float32(255)
    return x


def text(v):
    return v.decode("utf8") if isinstance(v, bytes) else str(v)


def architecture(name, f):
    if "model_config" in f.attrs:
        return json.loads(text(f.attrs["model_config"]))
    with open(os.path.join(SRC, name + ".json")) as j:
        return json.load(j)


def weights_of(f):
    """layer name -> list of (weight name, array) in weight_names order."""
    g = f["model_weights"] if "model_weights" in f else f
    out = {}
    for ln in g.attrs["layer_names"]:
        ln = text(ln)
        grp = g[ln]
        wn = grp.attrs.get("weight_names")
        names = [] if wn is None or len(wn) == 0 else [text(n) for n in wn]  # weightless: empty float64 array
        out[ln] = [(short(n), np.array(grp[n], dtype=np.float32)) for n in names]
    return out


def short(weight_name):
    """conv1_1/kernel:0 -> kernel; Keras 1 convolution2d_1_W:0 -> kernel, ..._b:0 -> bias."""
    n = weight_name.split("/")[-1].replace(":0", "")
    if n.endswith("_W"):
        return "kernel"
    if n.endswith("_b"):
        return "bias"
    return n


def keras_param_count(weights, only=None):
    """Sum of weight sizes (Keras's Total params); only: weight names to count (non-trainable ones)."""
    return int(sum(a.size for ws in weights.values() for n, a in ws if only is None or n in only))


def chain(model):
    c = model["config"]
    return list(c if isinstance(c, list) else c["layers"])  # Keras 1 Sequential: a plain list


def names_after(model, last):
    names = [l["config"]["name"] for l in chain(model)]
    return tuple(names[names.index(last) + 1:])


def same_pad(n, k, s, d=1):
    out = math.ceil(n / s)
    total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
    return total // 2, total - total // 2


def activation(x, name, channel_dim=1):
    if name in (None, "linear"):
        return x
    if name == "relu":
        return torch.relu(x)
    if name == "sigmoid":
        return torch.sigmoid(x)
    if name == "tanh":
        return torch.tanh(x)
    if name == "softmax":
        return torch.softmax(x, dim=channel_dim)
    raise ValueError("activation " + name)


def conv_padding(x, cfg, kh, kw):
    if cfg["padding"] == "valid":
        return x
    sh, sw = cfg["strides"]
    dh, dw = cfg.get("dilation_rate", [1, 1])
    t, b = same_pad(x.shape[2], kh, sh, dh)
    l, r = same_pad(x.shape[3], kw, sw, dw)
    return F.pad(x, (l, r, t, b))


def run(model, weights, x_nhwc, drop=(), dtype=np.float64):
    """Runs the chain on x (NHWC numpy); returns [(name, class, NHWC output)] per layer."""
    th = any(l["config"].get("dim_ordering") == "th" for l in chain(model))
    x = torch.from_numpy(x_nhwc.astype(dtype)).permute(0, 3, 1, 2)  # NCHW while 4-D
    stages = []
    for l in chain(model):
        cls = l["class_name"]
        cfg = l["config"]
        name = cfg["name"]
        if cls == "InputLayer" or name in drop:
            continue
        w = {k: torch.from_numpy(v.astype(dtype)) for k, v in weights.get(name, [])}
        x = forward(cls, cfg, w, x, channels_first=th)
        stages.append((name, cls, nhwc(x)))
    return stages


def nhwc(x):
    """A torch tensor (NCHW while 4-D) as an NHWC numpy array."""
    out = x.permute(0, 2, 3, 1) if x.dim() == 4 else x
    return out.detach().numpy()


def forward(cls, cfg, w, x, channels_first=False):
    """One layer of Keras class cls (config cfg, weights w by short name) on x (torch, NCHW while 4-D)."""
    if cls == "Convolution2D" and cfg.get("dim_ordering") == "th":
        # Keras 1 on Theano: kernel (out, in, kh, kw) and a true convolution (Theano flips the kernel);
        # border_mode same on odd kernels is Theano's 'half': (k - 1) / 2 on every side.
        k = w["kernel"].flip([2, 3])
        kh, kw = k.shape[2], k.shape[3]
        assert list(cfg["subsample"]) == [1, 1] and kh % 2 == 1 and kw % 2 == 1
        pad = (kh // 2, kw // 2) if cfg["border_mode"] == "same" else (0, 0)
        x = F.conv2d(x, k, w.get("bias"), padding=pad)
        return activation(x, cfg["activation"])
    if cls == "Convolution2D":  # Keras 1
        assert cfg["dim_ordering"] == "tf"
        cfg = dict(cfg, strides=cfg["subsample"], padding=cfg["border_mode"], dilation_rate=[1, 1])
        cls = "Conv2D"
    if cls == "Conv2D":
        k = w["kernel"].permute(3, 2, 0, 1)  # (kh,kw,in,out) -> (out,in,kh,kw)
        kh, kw = k.shape[2], k.shape[3]
        x = conv_padding(x, cfg, kh, kw)
        x = F.conv2d(x, k, w.get("bias"), stride=tuple(cfg["strides"]), dilation=tuple(cfg["dilation_rate"]))
        x = activation(x, cfg["activation"])
    elif cls == "DepthwiseConv2D":
        dk = w["depthwise_kernel"]  # (kh, kw, C, mult)
        kh, kw, c, m = dk.shape
        k = dk.permute(2, 3, 0, 1).reshape(c * m, 1, kh, kw)
        x = conv_padding(x, cfg, kh, kw)
        x = F.conv2d(x, k, w.get("bias"), stride=tuple(cfg["strides"]), dilation=tuple(cfg["dilation_rate"]),
                     groups=c)
        x = activation(x, cfg["activation"])
    elif cls == "BatchNormalization":
        eps = cfg["epsilon"]
        x = F.batch_norm(x if x.dim() == 4 else x, w["moving_mean"], w["moving_variance"], w.get("gamma"),
                         w.get("beta"), training=False, eps=eps)
    elif cls == "Activation":
        x = activation(x, cfg["activation"])
    elif cls == "PReLU":
        a = w["alpha"].permute(2, 0, 1)  # (1,1,C) -> (C,1,1)
        x = torch.where(x >= 0, x, a * x)
    elif cls == "ZeroPadding2D":
        (t, b), (l_, r) = cfg["padding"]
        x = F.pad(x, (l_, r, t, b))
    elif cls == "MaxPooling2D":
        assert cfg.get("padding", cfg.get("border_mode")) == "valid"  # Keras 1: border_mode
        x = F.max_pool2d(x, tuple(cfg["pool_size"]), tuple(cfg["strides"]))
    elif cls == "AveragePooling2D":
        assert cfg["padding"] == "valid"
        x = F.avg_pool2d(x, tuple(cfg["pool_size"]), tuple(cfg["strides"]))
    elif cls == "GlobalAveragePooling2D":
        x = x.mean(dim=(2, 3))
    elif cls in ("Dropout", "SpatialDropout2D"):
        pass  # inference
    elif cls == "Conv2DTranspose":
        assert cfg["padding"] == "valid" and cfg.get("output_padding") is None and list(cfg["dilation_rate"]) == [1, 1]
        k = w["kernel"].permute(3, 2, 0, 1)  # (kh, kw, out, in) -> (in, out, kh, kw)
        x = F.conv_transpose2d(x, k, w.get("bias"), stride=tuple(cfg["strides"]))
        x = activation(x, cfg["activation"])
    elif cls == "UpSampling2D":
        assert cfg.get("interpolation", "nearest") == "nearest"
        sh, sw = cfg["size"]
        x = x.repeat_interleave(sh, dim=2).repeat_interleave(sw, dim=3)
    elif cls == "Cropping2D":
        (t, b), (l_, r) = cfg["cropping"]
        x = x[:, :, t:x.shape[2] - b, l_:x.shape[3] - r]
    elif cls == "GlobalMaxPooling2D":
        x = x.amax(dim=(2, 3))
    elif cls == "Reshape":
        target = list(cfg["target_shape"])
        flat = x.permute(0, 2, 3, 1) if x.dim() == 4 else x  # Keras reshapes channels_last data
        y = flat.reshape([x.shape[0]] + target)
        x = y.permute(0, 3, 1, 2) if y.dim() == 4 else y
    elif cls == "Flatten" and channels_first:
        x = x.reshape(x.shape[0], -1)  # Keras flattens (C, H, W)
    elif cls == "Flatten":
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # channels_last order
    elif cls == "Dense":
        x = x @ w["kernel"] + (w["bias"] if "bias" in w else 0)
        x = activation(x, cfg["activation"], channel_dim=1)
    else:
        raise ValueError("class " + cls)
    return x


def summary(a):
    flat = a.reshape(-1)
    idx = sorted({int(round(i * (flat.size - 1) / (SAMPLES - 1))) for i in range(SAMPLES)})
    return {"shape": list(a.shape), "sum": float(a.sum()), "abs_sum": float(np.abs(a).sum()),
            "min": float(a.min()), "max": float(a.max()),
            "samples": [[i, float(np.float32(flat[i]))] for i in idx]}


def case(file, name, hw, drop=(), through=None):
    """drop: layers removed from the chain (a head); through: the last layer kept (a prefix)."""
    path = os.path.join(SRC, file)
    with h5py.File(path, "r") as f:
        model = architecture(name, f)
        weights = weights_of(f)
    if through:
        drop = names_after(model, through)
    first = [l for l in chain(model)][0]["config"]
    shape = first.get("batch_input_shape")
    if first.get("dim_ordering") == "th":
        # channels_first (C, H, W); k1-th-mnist-cnn writes it without the batch entry
        c, sh, sw = shape if len(shape) == 3 else shape[1:]
        shape = [None, sh, sw, c]
    c = shape[3]
    h, w = hw if hw else (shape[1], shape[2])
    x = det_input(h, w, c)
    stages = run(model, weights, x, drop)
    out = stages[-1][2]
    # The same pass in float32 shows how far float32 arithmetic alone moves the output.
    out32 = run(model, weights, x, drop, np.float32)[-1][2]
    rel32 = float(np.max(np.abs(out32 - out) / np.maximum(np.abs(out), 1.0)))
    print("%-28s input %s output %s  float32-vs-float64 largest rel diff %.3g" % (file, x.shape, out.shape, rel32))
    for n, cls, a in stages:
        print("   %-24s %-22s %-18s sum %.6g" % (n, cls, a.shape, a.sum()))
    kept = {n: ws for n, ws in weights.items() if n not in drop}
    return {
        "file": file,
        "input_shape": [h, w, c],
        "dropped_layers": list(drop),
        "keras_params": keras_param_count(kept),
        "keras_params_file": keras_param_count(weights),
        # BatchNormalization's moving statistics are Keras's non-trainable params.
        "keras_non_trainable": keras_param_count(kept, ("moving_mean", "moving_variance")),
        # The whole tensor before the last layer (pre-softmax features of the classifiers).
        "penultimate": dict(name=stages[-2][0], **tensor(stages[-2][2])) if len(stages) > 1 else None,
        "torch_float32_rel_diff": rel32,
        "expected": tensor(out),
        "stages": [dict(name=n, keras_class=cls, **summary(a)) for n, cls, a in stages],
    }


def every_type_params():
    """Keras's per-layer parameter counts for KerasRealTest.EVERY_TYPE (input 16x16x3)."""
    rows = []
    # (name, class, keras count) with Keras's rules:
    #   Conv2D: kh*kw*(in/groups)*filters (+ filters)   DepthwiseConv2D: kh*kw*C*mult (+ C*mult)
    #   BatchNormalization: 4*C (2*C non-trainable)       PReLU: alpha over the non-shared axes
    #   Dense: in*units (+ units); pooling, padding, flatten, dropout, activation: 0
    #   merge layers (Add, ..., Concatenate, Keras 1 Merge): 0; a graph's summary starts with its InputLayer
    h, w, c = 16, 16, 3
    rows.append(("input", "InputLayer", 0))
    rows.append(("c1", "Conv2D", 3 * 3 * c * 8 + 8)); c = 8  # same
    rows.append(("bn1", "BatchNormalization", 4 * c))
    rows.append(("pr1", "PReLU", c))  # shared_axes [1, 2]
    rows.append(("zp1", "ZeroPadding2D", 0)); h, w = h + 2, w + 2
    rows.append(("dw1", "DepthwiseConv2D", 3 * 3 * c * 2 + c * 2)); c = 16; h, w = h - 2, w - 2
    rows.append(("gc1", "Conv2D", 1 * 1 * (c // 4) * 8)); c = 8  # groups 4, no bias
    rows.append(("mp1", "MaxPooling2D", 0)); h, w = h // 2, w // 2
    rows.append(("ap1", "AveragePooling2D", 0))  # 3x3 stride 1 same
    for name, cls in (("add1", "Add"), ("sub1", "Subtract"), ("mul1", "Multiply"), ("avg1", "Average"),
                      ("max1", "Maximum"), ("min1", "Minimum"), ("mrg1", "Merge")):
        rows.append((name, cls, 0))
    rows.append(("cat1", "Concatenate", 0)); c = 16
    #   SeparableConv2D: kh*kw*C*M + C*M*F (+ F)   Conv2DTranspose: kh*kw*F*C (+ F)
    #   LayerNormalization: 2 * normalised size   Group/InstanceNormalization: 2*C
    #   Normalization: mean + variance (kept axes) + count, all non-trainable; reshaping layers: 0
    rows.append(("sc1", "SeparableConv2D", 3 * 3 * c * 2 + c * 2 * 8 + 8)); c = 8
    rows.append(("ct1", "Conv2DTranspose", 3 * 3 * 4 * c + 4)); c = 4; h, w = 2 * h, 2 * w
    rows.append(("up1", "UpSampling2D", 0)); h, w = 2 * h, 2 * w
    rows.append(("cr1", "Cropping2D", 0)); h, w = h - 2, w - 4
    rows.append(("ln1", "LayerNormalization", 2 * c))
    rows.append(("gn1", "GroupNormalization", 2 * c))
    rows.append(("in1", "InstanceNormalization", 2 * c))
    rows.append(("rs1", "Rescaling", 0))
    rows.append(("nm1", "Normalization", c + c + 1))
    rows.append(("pm1", "Permute", 0)); h, w = w, h
    rows.append(("rh1", "Reshape", 0))
    rows.append(("gp1", "GlobalAveragePooling2D", 0)); h, w = 1, 1  # keepdims
    rows.append(("gm1", "GlobalMaxPooling2D", 0))  # keepdims
    rows.append(("act1", "Activation", 0))
    rows.append(("do1", "Dropout", 0))
    rows.append(("fl1", "Flatten", 0))
    rows.append(("rv1", "RepeatVector", 0))
    rows.append(("fl2", "Flatten", 0)); n = 3 * h * w * c
    rows.append(("d1", "Dense", n * 10 + 10))
    rows.append(("pr2", "PReLU", 10))
    rows.append(("d2", "Dense", 10 * 4 + 4))
    model = {"name": "every_type", "input_shape": [16, 16, 3], "layers": [
        {"type": "conv2d", "name": "c1", "filters": 8, "kernel_size": 3, "padding": "same"},
        {"type": "batch_normalization", "name": "bn1"},
        {"type": "prelu", "name": "pr1", "shared_axes": [1, 2]},
        {"type": "zero_padding2d", "name": "zp1", "padding": 1},
        {"type": "depthwise_conv2d", "name": "dw1", "kernel_size": 3, "depth_multiplier": 2},
        {"type": "conv2d", "name": "gc1", "filters": 8, "kernel_size": 1, "groups": 4, "use_bias": False},
        {"type": "max_pooling2d", "name": "mp1", "pool_size": 2},
        {"type": "average_pooling2d", "name": "ap1", "pool_size": 3, "strides": 1, "padding": "same"},
        {"type": "add", "name": "add1", "inputs": ["ap1", "mp1"]},
        {"type": "subtract", "name": "sub1", "inputs": ["add1", "mp1"]},
        {"type": "multiply", "name": "mul1", "inputs": ["sub1", "ap1"]},
        {"type": "average", "name": "avg1", "inputs": ["mul1", "mp1", "ap1"]},
        {"type": "maximum", "name": "max1", "inputs": ["avg1", "mp1"]},
        {"type": "minimum", "name": "min1", "inputs": ["max1", "ap1"]},
        {"type": "merge", "name": "mrg1", "mode": "sum", "inputs": ["min1", "mp1"]},
        {"type": "concatenate", "name": "cat1", "inputs": ["mrg1", "mp1"]},
        {"type": "separable_conv2d", "name": "sc1", "filters": 8, "kernel_size": 3, "padding": "same",
         "depth_multiplier": 2},
        {"type": "conv2d_transpose", "name": "ct1", "filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
        {"type": "up_sampling2d", "name": "up1", "size": 2},
        {"type": "cropping2d", "name": "cr1", "cropping": [[1, 1], [2, 2]]},
        {"type": "layer_normalization", "name": "ln1"},
        {"type": "group_normalization", "name": "gn1", "groups": 2},
        {"type": "instance_normalization", "name": "in1"},
        {"type": "rescaling", "name": "rs1", "scale": 0.5},
        {"type": "normalization", "name": "nm1"},
        {"type": "permute", "name": "pm1", "dims": [2, 1, 3]},
        {"type": "reshape", "name": "rh1", "target_shape": [60, 14, 4]},
        {"type": "global_average_pooling2d", "name": "gp1", "keepdims": True},
        {"type": "global_max_pooling2d", "name": "gm1", "keepdims": True},
        {"type": "activation", "name": "act1", "activation": "relu"},
        {"type": "dropout", "name": "do1", "rate": 0.5},
        {"type": "flatten", "name": "fl1"},
        {"type": "repeat_vector", "name": "rv1", "n": 3},
        {"type": "flatten", "name": "fl2"},
        {"type": "dense", "name": "d1", "units": 10},
        {"type": "prelu", "name": "pr2"},
        {"type": "dense", "name": "d2", "units": 4, "activation": "softmax"},
    ]}
    assert [l["name"] for l in model["layers"]] == [r[0] for r in rows][1:]
    return {"model": model, "rows": [{"name": r[0], "keras_class": r[1], "params": r[2]} for r in rows],
            "total": sum(r[2] for r in rows), "non_trainable": 2 * 8 + (4 + 4 + 1)}


def main():
    cases = [
        case("k2-vww96-mobilenet.h5", "k2-vww96-mobilenet", None),
        case("k2-jettagger-conv2d-bn.h5", "k2-jettagger-conv2d-bn", None),
        case("k2-conv2d-sigmoid.h5", "k2-conv2d-sigmoid", None),
        case("k2-mtcnn-12net.h5", "k2-mtcnn-12net", (20, 20), drop=("conv4-2",)),
        # Prefixes before the first layer cnnkit lacks (Reshape; UpSampling2D):
        case("k1-tf-conv2d-reshape.h5", "k1-tf-conv2d-reshape", None),
        case("k2-conv-avgpool-gap.h5", "k2-conv-avgpool-gap", None),
        case("k2-convtranspose-crop-gmp.h5", "k2-convtranspose-crop-gmp", None),
        case("k1-th-mnist-cnn.h5", "k1-th-mnist-cnn", None),
    ]
    os.makedirs(OUT, exist_ok=True)
    doc = {"format_version": 1, "generator": "cnf/golden/keras_real.py",
           "input_formula": "x[0,h,w,c] = ((h*7 + w*3 + c*11) % 255) / 255",
           "models": cases}
    path = os.path.join(OUT, "keras_real.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")
    path = os.path.join(OUT, "keras_real_params.json")
    with open(path, "w") as f:
        json.dump({"format_version": 1, "generator": "cnf/golden/keras_real.py", **every_type_params()}, f,
                  indent=1)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
