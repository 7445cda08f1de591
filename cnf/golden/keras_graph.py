"""Golden fixtures for keras.test: real Keras Functional models run as graphs by PyTorch.

Run by hand with Debian's Python (torch 1.13, h5py, numpy; not in CI):
    /usr/bin/python3 cnf/golden/keras_graph.py
It writes keras.test/src/test/resources/golden/keras_graph.json. Where keras_real.py runs chains,
this script follows the graph of each model of shared/keras-real/ that has branches, residual
Adds or several outputs, in float64, on the same deterministic input

    x[0, h, w, c] = ((h*7 + w*3 + c*11) mod 255) / 255        (NHWC, batch 1)

It reuses keras_real.py for reading the files (architecture from the root attribute model_config
or the .json beside the file; weights through each layer group's weight_names, never by built
paths), for the single-input layers (TF asymmetric 'same' padding, kernel layouts, BN epsilon,
NHWC flatten, PReLU shared axes), for the parameter count (every weight in model_weights) and for
the per-stage summary (shape, sum, sum of |x|, min, max, values at 7 fixed flat NHWC positions).

The graph: the architecture's layer list, each layer's inbound_nodes giving its input tensors
    Keras 1/2: [[["name", node_index, tensor_index, {kwargs}], ...]]   (one inner list per node)
    Keras 3:   [{"args": [...], "kwargs": {...}}] with each tensor an object whose
               config.keras_history is [name, node_index, tensor_index]; a merge layer (Add)
               has args [[t1, t2]]
and input_layers / output_layers (the model outputs, in that order). A layer called more than
once (a shared layer, several inbound nodes) is refused: its stage would not be one tensor.

Added here for graphs (keras_real.py's chains have none of them):
- Add: the element-wise sum of its inputs (same shapes).
- SeparableConv2D: depthwise_kernel (kh, kw, C, M) as in DepthwiseConv2D (output channel c*M + m,
  with the layer's strides, padding and dilation), then pointwise_kernel (1, 1, C*M, F) as a 1x1
  stride-1 convolution, then the optional bias, then the activation.
- MaxPooling2D 'same': TensorFlow's asymmetric padding with -inf (padded cells never win).
  AveragePooling2D 'same': padded cells are left out of the average (TensorFlow's count).
- GlobalAveragePooling2D keepdims.

Layout surprises met in these files:
- k2-fer-mini-xception stores layer conv2d_1 as conv2d_1/conv2d_1_1/kernel:0 (as MTCNN does):
  only weight_names finds it. Its SeparableConv2D and Conv2D layers (but the last) have no bias.
- k3-resnet8-cifar10 (Keras 3.7) is a legacy full-model HDF5: model_weights/ with layer_names and
  weight_names, datasets without the ':0' suffix (conv2d/kernel), InputLayer with batch_shape
  (not batch_input_shape), BatchNormalization axis -1 where k2-resnet8 (Keras 2.4) has [3].
  A Keras 3 native layout (layers/<path>/vars/<i>, no weight_names) is also read, by each
  supported class's variable order, but none of these files needs it.
- k2-mtcnn-12net has an open input (None, None, None, 3); it runs at 20x20 as in keras_real.py.
- The layer list is topological but a layer's inputs need not be the layer before it
  (fer: conv2d_3 reads activation_2, listed five layers earlier); evaluation follows inbound_nodes.
"""
import json
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras_real as kr  # noqa: E402
from common import tensor  # noqa: E402

GENERATOR = "cnf/golden/keras_graph.py"
OPEN_HW = (20, 20)  # the size keras_real.py uses for MTCNN's open (None, None) input

torch.set_default_dtype(torch.float64)


# ---------------------------------------------------------------------------------- architecture

def layers_of(model):
    c = model["config"]
    if isinstance(c, list) or "input_layers" not in c:
        raise ValueError("not a Functional model: " + model["class_name"])
    return list(c["layers"])


def layer_name(l):
    return l["config"]["name"] if "name" in l["config"] else l["name"]


def refs(node_list):
    """[(name, node_index, tensor_index)] of output_layers / input_layers (also Keras 3's flat form)."""
    if node_list and isinstance(node_list[0], str):
        node_list = [node_list]
    return [(r[0], int(r[1]), int(r[2])) for r in node_list]


def keras3_tensors(v, out):
    """Collects the keras_history of every Keras 3 tensor object inside v (args nest lists)."""
    if isinstance(v, dict):
        if v.get("class_name") == "__keras_tensor__":
            h = v["config"]["keras_history"]
            out.append((h[0], int(h[1]), int(h[2])))
        else:
            for x in v.values():
                keras3_tensors(x, out)
    elif isinstance(v, (list, tuple)):
        for x in v:
            keras3_tensors(x, out)
    return out


def inbound(l):
    """The input tensors of a layer as [(name, node_index, tensor_index)]; [] for an InputLayer."""
    nodes = l.get("inbound_nodes", [])
    if not nodes:
        return []
    if len(nodes) != 1:
        raise ValueError("layer %s is called %d times (shared layer): not supported" % (layer_name(l), len(nodes)))
    node = nodes[0]
    if isinstance(node, dict):  # Keras 3
        ins = keras3_tensors(node.get("args", []), [])
        in_kwargs = keras3_tensors(node.get("kwargs", {}), [])
        if in_kwargs:
            raise ValueError("layer %s takes tensors in kwargs %s: not supported" % (layer_name(l), in_kwargs))
        return ins
    return [(e[0], int(e[1]), int(e[2])) for e in node]  # Keras 1/2: [name, node, tensor(, kwargs)]


# ------------------------------------------------------------------------------------- weights

# Variable order of a Keras 3 native layer (layers/<path>/vars/<i>), which has no weight_names.
def native_order(cls, cfg):
    bias = ["bias"] if cfg.get("use_bias", True) else []
    if cls in ("Conv2D", "Dense"):
        return ["kernel"] + bias
    if cls == "DepthwiseConv2D":
        return ["depthwise_kernel"] + bias
    if cls == "SeparableConv2D":
        return ["depthwise_kernel", "pointwise_kernel"] + bias
    if cls == "BatchNormalization":
        return (["gamma"] if cfg.get("scale", True) else []) + (["beta"] if cfg.get("center", True) else []) + [
            "moving_mean", "moving_variance"]
    if cls == "PReLU":
        return ["alpha"]
    return []


def weights_native(f, layers):
    """Keras 3 native layout: the vars group whose 'name' attribute is the layer name."""
    by_name = {}

    def visit(path, obj):
        if isinstance(obj, h5py.Group) and path.endswith("vars") and "name" in obj.attrs:
            by_name[kr.text(obj.attrs["name"])] = obj

    f["layers"].visititems(visit)
    out = {}
    for l in layers:
        name, cls = layer_name(l), l["class_name"]
        order = native_order(cls, l["config"])
        g = by_name.get(name)
        n = 0 if g is None else len(g.keys())
        if n != len(order):
            raise ValueError("layer %s (%s): %d vars in the file, expected %s" % (name, cls, n, order))
        out[name] = [(order[i], np.array(g[str(i)], dtype=np.float32)) for i in range(n)]
    return out


def weights(f, layers):
    if "model_weights" in f or "layer_names" in f.attrs:
        return kr.weights_of(f)
    if "layers" in f:
        return weights_native(f, layers)
    raise ValueError("no model_weights/, layer_names or layers/ in the file")


# -------------------------------------------------------------------------------------- layers

def check(cond, what):
    if not cond:
        raise ValueError(what)


def same_pool_pad(x, cfg, fill):
    ph, pw = cfg["pool_size"]
    sh, sw = cfg["strides"]
    t, b = kr.same_pad(x.shape[2], ph, sh)
    l_, r = kr.same_pad(x.shape[3], pw, sw)
    return F.pad(x, (l_, r, t, b), value=fill), (ph, pw), (sh, sw)


def pool(cls, cfg, x):
    cfg = dict(cfg, strides=cfg.get("strides") or cfg["pool_size"])  # strides null: the pool size
    if cfg["padding"] == "valid":
        return kr.forward(cls, cfg, {}, x)
    check(cfg["padding"] == "same", "padding " + str(cfg["padding"]))
    if cls == "MaxPooling2D":
        xp, k, s = same_pool_pad(x, cfg, float("-inf"))
        return F.max_pool2d(xp, k, s)
    xp, k, s = same_pool_pad(x, cfg, 0.0)
    ones, _, _ = same_pool_pad(torch.ones_like(x[:, :1]), cfg, 0.0)
    return F.avg_pool2d(xp, k, s) / F.avg_pool2d(ones, k, s)  # mean over the cells inside the input


def separable(cfg, w, x):
    dk = w["depthwise_kernel"]  # (kh, kw, C, M)
    kh, kw, c, m = dk.shape
    k = dk.permute(2, 3, 0, 1).reshape(c * m, 1, kh, kw)  # output channel c*M + m
    x = kr.conv_padding(x, cfg, kh, kw)
    x = F.conv2d(x, k, None, stride=tuple(cfg["strides"]), dilation=tuple(cfg["dilation_rate"]), groups=c)
    pk = w["pointwise_kernel"]  # (1, 1, C*M, F)
    check(tuple(pk.shape[:3]) == (1, 1, c * m), "pointwise_kernel shape %s" % (tuple(pk.shape),))
    x = F.conv2d(x, pk.permute(3, 2, 0, 1), w.get("bias"))
    return kr.activation(x, cfg["activation"])


SIMPLE = ("Conv2D", "BatchNormalization", "Activation", "Flatten", "Dense", "Dropout", "PReLU", "DepthwiseConv2D",
          "ZeroPadding2D")


def apply(l, w, xs):
    """One layer (the architecture entry l) on its input tensors xs (torch, NCHW while 4-D)."""
    cls, cfg, name = l["class_name"], l["config"], layer_name(l)
    where = "layer %s (%s)" % (name, cls)
    check(cfg.get("data_format", "channels_last") == "channels_last", where + ": data_format " + str(cfg.get("data_format")))
    if cls == "Add":
        check(len(xs) >= 2 and all(x.shape == xs[0].shape for x in xs), where + ": input shapes %s" % [tuple(x.shape) for x in xs])
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out
    check(len(xs) == 1, where + ": %d inputs" % len(xs))
    x = xs[0]
    if cls in ("Conv2D", "SeparableConv2D"):
        check(x.dim() == 4, where + ": input rank %d" % x.dim())
        check(cfg.get("groups", 1) == 1, where + ": groups " + str(cfg.get("groups")))
        check(cfg["padding"] in ("valid", "same"), where + ": padding " + str(cfg["padding"]))
        check(("bias" in w) == cfg.get("use_bias", True), where + ": use_bias vs stored weights %s" % list(w))
    if cls == "SeparableConv2D":
        check(w["depthwise_kernel"].shape[3] == cfg.get("depth_multiplier", 1), where + ": depth_multiplier")
        return separable(cfg, w, x)
    if cls in ("MaxPooling2D", "AveragePooling2D"):
        return pool(cls, cfg, x)
    if cls == "ReLU":
        # Keras: x >= max_value -> max_value; threshold <= x < max_value -> x; x < threshold -> slope*(x-threshold)
        t, slope, mx = cfg.get("threshold", 0.0), cfg.get("negative_slope", 0.0), cfg.get("max_value")
        y = torch.where(x >= t, x, slope * (x - t))
        return y if mx is None else torch.clamp(y, max=mx)
    if cls == "DepthwiseConv2D":
        check(cfg["padding"] in ("valid", "same"), where + ": padding " + str(cfg["padding"]))
        check(cfg.get("depth_multiplier", 1) >= 1, where + ": depth_multiplier")
    if cls == "ZeroPadding2D":
        check(isinstance(cfg["padding"], list) and len(cfg["padding"]) == 2
              and all(isinstance(p, list) and len(p) == 2 for p in cfg["padding"]), where + ": padding " + str(cfg["padding"]))
    if cls == "GlobalAveragePooling2D":
        y = x.mean(dim=(2, 3), keepdim=bool(cfg.get("keepdims", False)))
        return y
    if cls == "BatchNormalization":
        axis = cfg["axis"]
        axis = axis if isinstance(axis, list) else [axis]
        check(axis in ([-1], [x.dim() - 1]), where + ": axis " + str(cfg["axis"]))
    if cls == "Dense":
        check(x.dim() == 2, where + ": Dense on a rank-%d tensor" % x.dim())
    if cls == "PReLU":
        check(list(cfg.get("shared_axes") or []) == [1, 2], where + ": shared_axes " + str(cfg.get("shared_axes")))
    if cls not in SIMPLE:
        raise ValueError(where + ": class not supported by keras_graph.py")
    return kr.forward(cls, cfg, w, x)


# --------------------------------------------------------------------------------------- graph

def run_graph(model, wts, x_nhwc, dtype=np.float64):
    """Runs the graph; returns ([(name, class, input names, NHWC output)] in layer-list order, outputs)."""
    layers = layers_of(model)
    c = model["config"]
    in_refs, out_refs = refs(c["input_layers"]), refs(c["output_layers"])
    check(len(in_refs) == 1, "%d model inputs: one supported" % len(in_refs))
    values = {}  # (name, node, tensor) -> torch tensor
    values[in_refs[0]] = torch.from_numpy(x_nhwc.astype(dtype)).permute(0, 3, 1, 2)
    pending = list(layers)
    while pending:
        progress = False
        for l in list(pending):
            name, cls = layer_name(l), l["class_name"]
            if cls == "InputLayer":
                check((name, 0, 0) in values, "InputLayer %s is not a model input" % name)
                pending.remove(l)
                progress = True
                continue
            ins = inbound(l)
            check(ins, "layer %s has no inbound node" % name)
            if not all(r in values for r in ins):
                continue
            w = {k: torch.from_numpy(v.astype(dtype)) for k, v in wts.get(name, [])}
            values[(name, 0, 0)] = apply(l, w, [values[r] for r in ins])
            pending.remove(l)
            progress = True
        check(progress, "graph cannot be evaluated: waiting layers %s" % [layer_name(l) for l in pending])
    stages = [(layer_name(l), l["class_name"], [r[0] for r in inbound(l)], kr.nhwc(values[(layer_name(l), 0, 0)]))
              for l in layers]
    outputs = [(r[0], kr.nhwc(values[r])) for r in out_refs]
    return stages, outputs


def input_shape(model, hw):
    layers = layers_of(model)
    name = refs(model["config"]["input_layers"])[0][0]
    cfg = next(l["config"] for l in layers if layer_name(l) == name)
    shape = cfg.get("batch_input_shape") or cfg.get("batch_shape")
    check(len(shape) == 4, "input shape %s" % shape)
    h, w = shape[1], shape[2]
    if h is None or w is None:
        h, w = hw
    return [h, w, shape[3]]


def model_case(file, hw=OPEN_HW):
    stem = file[:-len(".h5")]
    with h5py.File(os.path.join(kr.SRC, file), "r") as f:
        model = kr.architecture(stem, f)
        wts = weights(f, layers_of(model))
    h, w, c = input_shape(model, hw)
    x = kr.det_input(h, w, c)
    stages, outputs = run_graph(model, wts, x)
    _, out32 = run_graph(model, wts, x, np.float32)
    rel32 = max(float(np.max(np.abs(b - a) / np.maximum(np.abs(a), 1.0))) for (_, a), (_, b) in zip(outputs, out32))
    print("%-26s input %s  float32-vs-float64 largest rel diff %.3g" % (file, x.shape, rel32))
    for n, a in outputs:
        print("   output %-14s %-16s first %s" % (n, a.shape, np.round(a.reshape(-1)[:6], 6).tolist()))
    return stem, {
        "file": file,
        "input_shape": [h, w, c],
        "params": kr.keras_param_count(wts),
        "outputs": [{"name": n, "expected": tensor(a)} for n, a in outputs],
        # "class" and keras_real.json's "keras_class" both name the Keras class (one stage helper reads both files).
        "stages": [{"name": n, "class": cls, "keras_class": cls, "inputs": ins, **kr.summary(a)}
                   for n, cls, ins, a in stages],
    }


# -------------------------------------------------------------------------------------- checks

def self_check():
    """The graph-only layers against plain numpy loops on a small random case."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((1, 7, 6, 3))  # NHWC
    # SeparableConv2D, same, stride 2, depth multiplier 2, with bias.
    dk, pk, b = rng.standard_normal((3, 3, 3, 2)), rng.standard_normal((1, 1, 6, 4)), rng.standard_normal(4)
    cfg = {"strides": [2, 2], "padding": "same", "dilation_rate": [1, 1], "activation": "linear"}
    got = kr.nhwc(separable(cfg, {"depthwise_kernel": torch.from_numpy(dk), "pointwise_kernel": torch.from_numpy(pk),
                                  "bias": torch.from_numpy(b)}, torch.from_numpy(x).permute(0, 3, 1, 2)))
    oh, ow = 4, 3
    t, _ = kr.same_pad(7, 3, 2)
    l_, _ = kr.same_pad(6, 3, 2)
    want = np.zeros((1, oh, ow, 4))
    for i in range(oh):
        for j in range(ow):
            dw = np.zeros(6)
            for c in range(3):
                for m in range(2):
                    for a in range(3):
                        for bb in range(3):
                            y, z = i * 2 + a - t, j * 2 + bb - l_
                            if 0 <= y < 7 and 0 <= z < 6:
                                dw[c * 2 + m] += x[0, y, z, c] * dk[a, bb, c, m]
            want[0, i, j] = dw @ pk[0, 0] + b
    assert np.allclose(got, want, atol=1e-12), "SeparableConv2D self-check"
    # MaxPooling2D / AveragePooling2D 3x3 stride 2 same on an all-negative input (padding must not win).
    xn = -np.abs(x) - 1
    for cls in ("MaxPooling2D", "AveragePooling2D"):
        got = kr.nhwc(pool(cls, {"pool_size": [3, 3], "strides": [2, 2], "padding": "same"},
                           torch.from_numpy(xn).permute(0, 3, 1, 2)))
        want = np.zeros((1, oh, ow, 3))
        for i in range(oh):
            for j in range(ow):
                win = xn[0, max(i * 2 - t, 0):i * 2 - t + 3, max(j * 2 - l_, 0):j * 2 - l_ + 3]
                want[0, i, j] = win.max(axis=(0, 1)) if cls == "MaxPooling2D" else win.mean(axis=(0, 1))
        assert np.allclose(got, want, atol=1e-12), cls + " same self-check"


def sanity(stem, case):
    for o in case["outputs"]:
        a = np.array(o["expected"]["data"], dtype=np.float64).reshape(o["expected"]["shape"])
        assert np.all(np.isfinite(a)), stem + " output not finite"
    layers = {s["name"]: s for s in case["stages"]}
    for o in case["outputs"]:
        s = layers[o["name"]]
        assert s["shape"] == o["expected"]["shape"]
    softmax_heads = {"k2-resnet8-cifar10": ["dense"], "k3-resnet8-cifar10": ["dense"], "k2-mtcnn-12net": ["conv4-1"],
                     "k2-donkeycar-2heads": ["angle_out"], "k2-fer-mini-xception": ["predictions"],
                     "k2-kws-mobilenetv2": ["predictions"]}[stem]
    for o in case["outputs"]:
        if o["name"] in softmax_heads:
            a = np.array(o["expected"]["data"], dtype=np.float64).reshape(o["expected"]["shape"])
            sums = a.sum(axis=-1)
            assert np.allclose(sums, 1, atol=1e-6), "%s %s softmax sums %s" % (stem, o["name"], sums)


def cross_check(doc):
    """The MTCNN trunk + conv4-1 must equal keras_real.py's chain on the same 20x20 input."""
    with h5py.File(os.path.join(kr.SRC, "k2-mtcnn-12net.h5"), "r") as f:
        model = kr.architecture("k2-mtcnn-12net", f)
        wts = kr.weights_of(f)
    chain_out = kr.run(model, wts, kr.det_input(20, 20, 3), ("conv4-2",))[-1][2]
    o = doc["models"]["k2-mtcnn-12net"]["outputs"][0]
    graph_out = np.array(o["expected"]["data"], dtype=np.float32).reshape(o["expected"]["shape"])
    assert o["name"] == "conv4-1" and np.array_equal(graph_out, chain_out.astype(np.float32)), "MTCNN vs chain"
    r2, r3 = (np.array(doc["models"][m]["outputs"][0]["expected"]["data"]) for m in
              ("k2-resnet8-cifar10", "k3-resnet8-cifar10"))
    print("resnet8 k2 vs k3 (different training runs) largest output difference %.3g" % np.max(np.abs(r2 - r3)))


def main():
    self_check()
    files = ["k2-resnet8-cifar10.h5", "k3-resnet8-cifar10.h5", "k2-mtcnn-12net.h5", "k2-donkeycar-2heads.h5",
             "k2-fer-mini-xception.h5", "k2-kws-mobilenetv2.h5"]
    models = {}
    for file in files:
        stem, case = model_case(file)
        sanity(stem, case)
        models[stem] = case
    doc = {"format_version": 1, "generator": GENERATOR,
           "input_formula": "x[0,h,w,c] = ((h*7 + w*3 + c*11) % 255) / 255",
           "models": models}
    cross_check(doc)
    os.makedirs(kr.OUT, exist_ok=True)
    path = os.path.join(kr.OUT, "keras_graph.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
