#!/usr/bin/python3
"""Writes the ONNX graphs of the real Keras networks the side-by-side times (R1..R4).

Run with Debian's /usr/bin/python3 (python3-onnx, python3-h5py) from the repository root:

    /usr/bin/python3 cnf/bench/make_onnx_keras.py [KERAS_REAL_DIR]

Reads   ../shared/keras-real/<model>.h5 (the architecture in its model_config attribute)
Writes  bench/src/main/resources/onnx/<model>.onnx

The graph has the shape tf2onnx / keras2onnx give a channels_last Keras model: the NHWC input
"input" (batch open) goes through one Transpose to NCHW; Conv2D is a Conv with explicit pads
(TensorFlow's asymmetric "same": the extra row/column goes bottom/right), DepthwiseConv2D a Conv
with group = channels, BatchNormalization a BatchNormalization, Activation relu / relu6 a Relu /
Clip, Add an Add, AveragePooling2D / MaxPooling2D an AveragePool / MaxPool, Flatten a Transpose
back to NHWC and a Reshape (Keras flatten order), Dense a MatMul + Add, softmax a Softmax.

Like make_onnx.py the graphs hold no weight values: every weight is a graph input named
"<layer>/<weight>" (Keras names: kernel, depthwise_kernel, bias, gamma, beta, moving_mean,
moving_variance) in ONNX layout. The Java harness (io.cnnkit.bench.OrtModel) fills them with the
cnnkit model's own weights (loaded from the same .h5) and, by default, embeds them as
initializers before ONNX Runtime creates its session: the session then sees exactly the graph
an exporter would have written, constants included, and both engines compute with the same
numbers. The committed files stay a few KB.
"""
import json
import math
import pathlib
import sys

import h5py
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from make_onnx import OPSET, tf_padding  # noqa: E402  (same padding rule as the W graphs)

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "bench/src/main/resources/onnx"
MODELS = ["k2-vww96-mobilenet", "k2-resnet8-cifar10"]


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


class KerasGraph:
    """One Keras Functional or Sequential model_config as an ONNX graph."""

    def __init__(self, name, config):
        self.name = name
        self.nodes, self.inputs, self.inits, self.count = [], [], [], 0
        self.tensors = {}  # Keras layer name -> (onnx tensor, layout "NCHW" | "flat", shape NHWC without batch)
        cfg = config["config"]
        layers = cfg["layers"] if isinstance(cfg, dict) else cfg
        for layer in layers:
            self.layer(layer)
        outs = cfg.get("output_layers") if isinstance(cfg, dict) else None
        out = outs[0][0] if outs else layers[-1]["config"]["name"]
        if outs and len(outs) != 1:
            raise ValueError(f"{name}: {len(outs)} outputs; this script writes single-output graphs")
        t, layout, shape = self.tensors[out]
        if layout == "NCHW":
            t = self.node("Transpose", [t], perm=[0, 2, 3, 1])
        # the last node writes "output"
        self.nodes[-1].output[0] = "output"
        self.outputs = [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", *shape])]

    def node(self, op, inputs, **attrs):
        self.count += 1
        out = f"t{self.count}"
        self.nodes.append(helper.make_node(op, inputs, [out], name=f"{op.lower()}_{self.count}", **attrs))
        return out

    def weight(self, layer, weight, shape):
        name = f"{layer}/{weight}"
        self.inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape)))
        return name

    def const(self, name, value):
        # exporters write small constants (Clip bounds) as initializers
        self.inits.append(helper.make_tensor(name, TensorProto.FLOAT, [], [value]))
        return name

    def activation(self, what, act, t, layout):
        if act in (None, "linear"):
            return t
        if act == "relu":
            return self.node("Relu", [t])
        if act == "relu6":
            return self.node("Clip", [t, self.const("clip_min", 0.0), self.const("clip_max", 6.0)])
        if act == "softmax":
            if layout != "flat":
                raise ValueError(f"{what}: softmax on a feature map is not written by this script")
            return self.node("Softmax", [t], axis=-1)
        raise ValueError(f"{what}: activation {act!r} not supported here (linear, relu, relu6, softmax)")

    def source(self, layer, what):
        nodes = layer.get("inbound_nodes") or []
        if len(nodes) != 1:
            raise ValueError(f"{what}: {len(nodes)} inbound nodes; a shared layer is not supported here")
        return [self.tensors[n[0]] for n in nodes[0]]

    def layer(self, layer):
        kind, c = layer["class_name"], layer["config"]
        name = c["name"]
        what = f"{self.name} layer {name} ({kind})"
        if c.get("data_format", "channels_last") != "channels_last":
            raise ValueError(f"{what}: only channels_last models")
        if kind == "InputLayer":
            _, h, w, ch = c["batch_input_shape"]
            self.inputs.append(helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", h, w, ch]))
            self.tensors[name] = (self.node("Transpose", ["input"], perm=[0, 3, 1, 2]), "NCHW", (h, w, ch))
            return
        ins = self.source(layer, what)
        t, layout, shape = ins[0]
        if kind in ("Conv2D", "DepthwiseConv2D"):
            h, w, cin = shape
            kh, kw = pair(c["kernel_size"])
            sh, sw = pair(c["strides"])
            dh, dw = pair(c.get("dilation_rate", 1))
            oh, (pt, pb) = tf_padding(h, kh, sh, dh, c["padding"], what)
            ow, (pl, pr) = tf_padding(w, kw, sw, dw, c["padding"], what)
            if kind == "Conv2D":
                if c.get("groups", 1) != 1:
                    raise ValueError(f"{what}: grouped Conv2D not supported here")
                cout, group = c["filters"], 1
                kernel = self.weight(name, "kernel", (cout, cin, kh, kw))
            else:
                m = c.get("depth_multiplier", 1)
                cout, group = cin * m, cin
                kernel = self.weight(name, "depthwise_kernel", (cout, 1, kh, kw))
            conv_in = [t, kernel]
            if c.get("use_bias", True):
                conv_in.append(self.weight(name, "bias", (cout,)))
            t = self.node("Conv", conv_in, kernel_shape=[kh, kw], strides=[sh, sw], dilations=[dh, dw],
                          pads=[pt, pl, pb, pr], group=group)
            shape = (oh, ow, cout)
            t = self.activation(what, c.get("activation"), t, layout)
        elif kind == "BatchNormalization":
            axis = c["axis"][0] if isinstance(c["axis"], list) else c["axis"]
            if axis not in (-1, 3) or not c.get("center", True) or not c.get("scale", True):
                raise ValueError(f"{what}: only channel-axis BatchNormalization with center and scale")
            ch = shape[-1]
            t = self.node("BatchNormalization", [t] + [self.weight(name, w, (ch,)) for w in
                                                     ("gamma", "beta", "moving_mean", "moving_variance")],
                          epsilon=float(c["epsilon"]))
        elif kind in ("Activation", "ReLU"):
            act = c.get("activation", "relu")
            if kind == "ReLU":
                if c.get("negative_slope", 0) or c.get("threshold", 0):
                    raise ValueError(f"{what}: leaky or thresholded ReLU not supported here")
                act = "relu6" if c.get("max_value") == 6 else "relu"
                if c.get("max_value") not in (None, 6):
                    raise ValueError(f"{what}: ReLU max_value {c['max_value']} not supported here")
            t = self.activation(what, act, t, layout)
        elif kind == "Add":
            if any(i[1] != layout or i[2] != shape for i in ins):
                raise ValueError(f"{what}: inputs of different layouts or shapes: {[(i[1], i[2]) for i in ins]}")
            for other in ins[1:]:
                t = self.node("Add", [t, other[0]])
        elif kind in ("AveragePooling2D", "MaxPooling2D"):
            h, w, ch = shape
            ph, pw = pair(c["pool_size"])
            sh, sw = pair(c.get("strides") or [ph, pw])
            oh, (pt, pb) = tf_padding(h, ph, sh, 1, c["padding"], what)
            ow, (pl, pr) = tf_padding(w, pw, sw, 1, c["padding"], what)
            attrs = dict(kernel_shape=[ph, pw], strides=[sh, sw], pads=[pt, pl, pb, pr])
            if kind == "AveragePooling2D":
                # TensorFlow's average pooling averages only the cells inside the input
                t = self.node("AveragePool", [t], count_include_pad=0, **attrs)
            else:
                t = self.node("MaxPool", [t], **attrs)
            shape = (oh, ow, ch)
        elif kind == "GlobalAveragePooling2D":
            t = self.node("GlobalAveragePool", [t])
            t = self.node("Flatten", [t], axis=1)
            layout, shape = "flat", (shape[-1],)
        elif kind == "Flatten":
            if layout == "NCHW":
                t = self.node("Transpose", [t], perm=[0, 2, 3, 1])
            n = math.prod(shape)
            self.inits.append(helper.make_tensor(f"{name}/shape", TensorProto.INT64, [2], [-1, n]))
            t = self.node("Reshape", [t, f"{name}/shape"])
            layout, shape = "flat", (n,)
        elif kind == "Dense":
            if layout != "flat":
                raise ValueError(f"{what}: Dense on a feature map is not written by this script")
            units = c["units"]
            t = self.node("MatMul", [t, self.weight(name, "kernel", (shape[0], units))])
            if c.get("use_bias", True):
                t = self.node("Add", [t, self.weight(name, "bias", (units,))])
            shape = (units,)
            t = self.activation(what, c.get("activation"), t, layout)
        elif kind == "Dropout":
            pass  # inference: identity
        else:
            raise ValueError(f"{what}: layer class not supported by this script")
        self.tensors[name] = (t, layout, shape)

    def model(self):
        graph = helper.make_graph(self.nodes, self.name, self.inputs, self.outputs, initializer=self.inits)
        m = helper.make_model(graph, producer_name="cnnkit cnf/bench/make_onnx_keras.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
        m.ir_version = 8
        onnx.checker.check_model(m, full_check=True)
        return m


def main():
    src = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/keras-real"
    if not src.is_dir():
        sys.exit(f"{src}: no such folder; give the keras-real folder as the argument")
    OUT.mkdir(parents=True, exist_ok=True)
    for model in MODELS:
        with h5py.File(src / f"{model}.h5", "r") as f:
            config = f.attrs["model_config"]
        config = json.loads(config.decode() if isinstance(config, bytes) else config)
        m = KerasGraph(model, config).model()
        out = OUT / f"{model}.onnx"
        out.write_bytes(m.SerializeToString(deterministic=True))
        ops = sorted({n.op_type for n in m.graph.node})
        print(f"{out.relative_to(ROOT)}: {len(m.graph.node)} nodes ({', '.join(ops)}), "
              f"{len(m.graph.input) - 1} weight inputs, output "
              f"{[d.dim_param or d.dim_value for d in m.graph.output[0].type.tensor_type.shape.dim]}")


if __name__ == "__main__":
    main()
