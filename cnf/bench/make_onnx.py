#!/usr/bin/python3
"""Writes an ONNX graph for every cnnkit workload description of the bench module.

Run with Debian's /usr/bin/python3 (python3-onnx) from the repository root:

    /usr/bin/python3 cnf/bench/make_onnx.py

Reads   launcher/src/main/resources/workloads/*.json  -> bench/src/main/resources/onnx/<name>.onnx
        bench/src/test/resources/workloads/*.json  -> bench/src/test/resources/onnx/<name>.onnx

The graphs hold no weights: every weight is a graph input named "<layer>/<weight>" in ONNX
layout (conv kernel (out, in, kh, kw), dense kernel (in, units) as MatMul takes it, bias
(units,)). The Java harness (io.cnnkit.bench.OrtModel) copies cnnkit's own weights into those
inputs, so both engines compute with the same numbers and the files stay a few KB.

Semantics are Keras channels_last: the input "input" is NHWC (batch dimension open), the graph
transposes to NCHW for Conv/MaxPool, pads exactly like TensorFlow's asymmetric "same" (the extra
row/column goes bottom/right), transposes back to NHWC before Flatten (so flatten order is
Keras's H, W, C) and at the output.
"""
import json
import math
import pathlib
import sys

import onnx
from onnx import TensorProto, helper

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIRS = [
    (ROOT / "launcher/src/main/resources/workloads", ROOT / "bench/src/main/resources/onnx"),
    (ROOT / "bench/src/test/resources/workloads", ROOT / "bench/src/test/resources/onnx"),
]
OPSET = 13

CONV_PARAMS = {"filters", "kernel_size", "strides", "padding", "dilation_rate", "use_bias", "activation",
               "kernel_initializer", "bias_initializer"}
POOL_PARAMS = {"pool_size", "strides", "padding"}
DENSE_PARAMS = {"units", "activation", "use_bias", "kernel_initializer", "bias_initializer"}


def pair(v, what):
    if isinstance(v, int):
        return (v, v)
    if isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) for x in v):
        return tuple(v)
    raise ValueError(f"{what} must be an int or a pair, got {v!r}")


def tf_padding(size, k, s, d, padding, what):
    """Output size and (before, after) padding of one spatial axis, as TensorFlow computes them."""
    k_eff = (k - 1) * d + 1
    if padding == "valid":
        out = (size - k_eff) // s + 1
        pads = (0, 0)
    elif padding == "same":
        out = -(-size // s)
        total = max((out - 1) * s + k_eff - size, 0)
        pads = (total // 2, total - total // 2)
    else:
        raise ValueError(f"{what}: padding must be valid or same, got {padding!r}")
    if out < 1:
        raise ValueError(f"{what}: empty output for input {size}, kernel {k}, stride {s}, padding {padding}")
    return out, pads


class Graph:
    def __init__(self, desc):
        self.name = desc["name"]
        h, w, c = desc["input_shape"]
        self.nodes, self.inputs, self.count = [], [], 0
        self.inputs.append(helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", h, w, c]))
        self.cur = self.node("Transpose", ["input"], perm=[0, 3, 1, 2])
        self.layout, self.shape = "NCHW", (h, w, c)
        for i, layer in enumerate(desc["layers"], 1):
            self.layer(i, dict(layer))
        if self.layout == "NCHW":
            self.cur = self.node("Transpose", [self.cur], perm=[0, 2, 3, 1])
        out_shape = ["N", *self.shape]
        self.nodes[-1].output[0] = "output"
        self.outputs = [helper.make_tensor_value_info("output", TensorProto.FLOAT, out_shape)]

    def node(self, op, inputs, **attrs):
        self.count += 1
        out = f"t{self.count}"
        self.nodes.append(helper.make_node(op, inputs, [out], name=f"{op.lower()}_{self.count}", **attrs))
        return out

    def weight(self, layer, weight, shape):
        name = f"{layer}/{weight}"
        self.inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape)))
        return name

    def activation(self, what, act):
        if act in (None, "linear"):
            return
        if act != "relu":
            raise ValueError(f"{what}: activation {act!r} is not supported here (relu, linear)")
        self.cur = self.node("Relu", [self.cur])

    def layer(self, i, l):
        kind = l.pop("type")
        name = l.pop("name", None)
        what = f"{self.name} layer {i} ({kind})"
        if kind == "conv2d":
            self.check(what, l, CONV_PARAMS)
            if name is None:
                raise ValueError(f"{what}: weight layers need a name (the ONNX weight inputs are named after it)")
            h, w, cin = self.shape
            cout = l["filters"]
            kh, kw = pair(l["kernel_size"], what + " kernel_size")
            sh, sw = pair(l.get("strides", 1), what + " strides")
            dh, dw = pair(l.get("dilation_rate", 1), what + " dilation_rate")
            padding = l.get("padding", "valid")
            oh, (pt, pb) = tf_padding(h, kh, sh, dh, padding, what)
            ow, (pl, pr) = tf_padding(w, kw, sw, dw, padding, what)
            ins = [self.cur, self.weight(name, "kernel", (cout, cin, kh, kw))]
            if l.get("use_bias", True):
                ins.append(self.weight(name, "bias", (cout,)))
            self.cur = self.node("Conv", ins, kernel_shape=[kh, kw], strides=[sh, sw], dilations=[dh, dw],
                                 pads=[pt, pl, pb, pr])
            self.shape = (oh, ow, cout)
            self.activation(what, l.get("activation"))
        elif kind == "max_pooling2d":
            self.check(what, l, POOL_PARAMS)
            h, w, c = self.shape
            ph, pw = pair(l["pool_size"], what + " pool_size")
            sh, sw = pair(l.get("strides") or [ph, pw], what + " strides")
            padding = l.get("padding", "valid")
            oh, (pt, pb) = tf_padding(h, ph, sh, 1, padding, what)
            ow, (pl, pr) = tf_padding(w, pw, sw, 1, padding, what)
            # ONNX MaxPool ignores padded cells, as TensorFlow's max pooling does
            self.cur = self.node("MaxPool", [self.cur], kernel_shape=[ph, pw], strides=[sh, sw],
                                 pads=[pt, pl, pb, pr])
            self.shape = (oh, ow, c)
        elif kind == "activation":
            self.check(what, l, {"activation"})
            self.activation(what, l["activation"])
        elif kind == "flatten":
            self.check(what, l, set())
            if self.layout == "NCHW":
                self.cur = self.node("Transpose", [self.cur], perm=[0, 2, 3, 1])
                self.layout = "flat"
            self.cur = self.node("Flatten", [self.cur], axis=1)
            self.shape = (math.prod(self.shape),)
        elif kind == "dense":
            self.check(what, l, DENSE_PARAMS)
            if name is None:
                raise ValueError(f"{what}: weight layers need a name (the ONNX weight inputs are named after it)")
            if len(self.shape) != 1:
                raise ValueError(f"{what}: only dense on flat input is supported here, input {self.shape}")
            units = l["units"]
            self.cur = self.node("MatMul", [self.cur, self.weight(name, "kernel", (self.shape[0], units))])
            if l.get("use_bias", True):
                self.cur = self.node("Add", [self.cur, self.weight(name, "bias", (units,))])
            self.shape = (units,)
            self.activation(what, l.get("activation"))
        else:
            raise ValueError(f"{what}: layer type not supported by this script "
                             "(conv2d, max_pooling2d, activation, flatten, dense)")

    @staticmethod
    def check(what, params, allowed):
        unknown = set(params) - allowed
        if unknown:
            raise ValueError(f"{what}: parameters {sorted(unknown)} not supported by this script; allowed {sorted(allowed)}")

    def model(self):
        graph = helper.make_graph(self.nodes, self.name, self.inputs, self.outputs)
        m = helper.make_model(graph, producer_name="cnnkit cnf/bench/make_onnx.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
        m.ir_version = 8
        onnx.checker.check_model(m, full_check=True)
        return m


def main():
    written = 0
    for src, dst in DIRS:
        dst.mkdir(parents=True, exist_ok=True)
        for f in sorted(src.glob("*.json")):
            desc = json.loads(f.read_text())
            m = Graph(desc).model()
            out = dst / (desc["name"] + ".onnx")
            # deterministic bytes: same input, same file
            out.write_bytes(m.SerializeToString(deterministic=True))
            print(f"{out.relative_to(ROOT)}: {len(m.graph.node)} nodes, {len(m.graph.input) - 1} weight inputs, "
                  f"output {[d.dim_param or d.dim_value for d in m.graph.output[0].type.tensor_type.shape.dim]}")
            written += 1
    if written == 0:
        sys.exit("no workload descriptions found")


if __name__ == "__main__":
    main()
