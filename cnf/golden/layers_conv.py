"""Golden fixtures for layers.conv: conv2d, depthwise_conv2d, zero_padding2d.

Run with Debian's Python (torch 1.13):  /usr/bin/python3 cnf/golden/layers_conv.py
Writes layers.conv/src/test/resources/golden/conv.json.

Expected outputs come from PyTorch in float64 (an implementation independent of cnnkit's),
with layouts converted explicitly:
  - activations NHWC (Keras channels_last) <-> NCHW (torch),
  - conv kernels Keras (kh, kw, in/groups, out) <-> torch (out, in/groups, kh, kw),
  - depthwise kernels Keras (kh, kw, C, M) -> torch grouped conv (C*M, 1, kh, kw) with output
    channel c*M + m (TensorFlow's depthwise_conv2d order),
  - TensorFlow's asymmetric 'same' padding (extra row/column at bottom/right) done with F.pad
    before a padding-free torch conv, never with torch's own padding argument.
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

rng = np.random.RandomState(20261126)


def rand(*shape):
    # Multiples of 1/256 in [-1, 1]: exact in float32, short in JSON (keeps the fixture small);
    # the torch reference then works in float64.
    return (rng.randint(-256, 257, size=shape) / 256.0).astype(np.float32)


def tf_pad_amounts(size, k, s, d, padding):
    """(before, after) padding TensorFlow uses along one axis."""
    if padding == "valid":
        return 0, 0
    span = (k - 1) * d + 1
    out = -(-size // s)
    total = max((out - 1) * s + span - size, 0)
    return total // 2, total - total // 2


def to_nchw(x):
    return torch.from_numpy(x.astype(np.float64)).permute(0, 3, 1, 2)


def to_nhwc(t):
    return t.permute(0, 2, 3, 1).contiguous().numpy()


def pad_tf(xt, kh, kw, strides, dilation, padding):
    h, w = xt.shape[2], xt.shape[3]
    pt, pb = tf_pad_amounts(h, kh, strides[0], dilation[0], padding)
    pl, pr = tf_pad_amounts(w, kw, strides[1], dilation[1], padding)
    return F.pad(xt, (pl, pr, pt, pb))  # F.pad order: last axis first (left, right, top, bottom)


ACTS = {None: lambda t: t, "linear": lambda t: t, "relu": torch.relu, "tanh": torch.tanh}


def pair(v):
    return list(v) if isinstance(v, (list, tuple)) else [v, v]


def conv_ref(x, kernel, bias, strides, padding, dilation, groups, activation):
    kh, kw = kernel.shape[0], kernel.shape[1]
    xt = pad_tf(to_nchw(x), kh, kw, strides, dilation, padding)
    wt = torch.from_numpy(kernel.astype(np.float64)).permute(3, 2, 0, 1)  # (out, in/groups, kh, kw)
    bt = None if bias is None else torch.from_numpy(bias.astype(np.float64))
    y = F.conv2d(xt, wt, bt, stride=tuple(strides), dilation=tuple(dilation), groups=groups)
    return to_nhwc(ACTS[activation](y))


def depthwise_ref(x, kernel, bias, strides, padding, dilation, activation):
    kh, kw, c, m = kernel.shape
    xt = pad_tf(to_nchw(x), kh, kw, strides, dilation, padding)
    # (kh, kw, C, M) -> (kh, kw, C*M) keeps o = c*M + m; torch wants (C*M, 1, kh, kw)
    wt = torch.from_numpy(kernel.reshape(kh, kw, c * m).astype(np.float64)).permute(2, 0, 1).unsqueeze(1)
    bt = None if bias is None else torch.from_numpy(bias.astype(np.float64))
    y = F.conv2d(xt, wt, bt, stride=tuple(strides), dilation=tuple(dilation), groups=c)
    return to_nhwc(ACTS[activation](y))


def out_size(size, k, s, d, padding):
    span = (k - 1) * d + 1
    return -(-size // s) if padding == "same" else (size - span) // s + 1


cases = []


def conv_case(name, n, h, w, c, filters, kernel_size, strides=1, padding="valid", dilation=1, groups=1,
              use_bias=True, activation=None):
    kh, kw = pair(kernel_size)
    s, d = pair(strides), pair(dilation)
    layer = {"type": "conv2d", "name": "conv", "filters": filters, "kernel_size": kernel_size}
    if strides != 1:
        layer["strides"] = strides
    if padding != "valid":
        layer["padding"] = padding
    if dilation != 1:
        layer["dilation_rate"] = dilation
    if groups != 1:
        layer["groups"] = groups
    if not use_bias:
        layer["use_bias"] = False
    if activation is not None:
        layer["activation"] = activation
    x = rand(n, h, w, c)
    kernel = rand(kh, kw, c // groups, filters)
    bias = rand(filters) if use_bias else None
    y = conv_ref(x, kernel, bias, s, padding, d, groups, activation)
    assert y.shape == (n, out_size(h, kh, s[0], d[0], padding), out_size(w, kw, s[1], d[1], padding), filters), y.shape
    weights = {"kernel": kernel}
    if use_bias:
        weights["bias"] = bias
    cases.append(common.case(name, layer, x, y, weights, input_shape=[h, w, c]))


def depthwise_case(name, n, h, w, c, kernel_size, multiplier=1, strides=1, padding="valid", dilation=1,
                   use_bias=True, activation=None):
    kh, kw = pair(kernel_size)
    s, d = pair(strides), pair(dilation)
    layer = {"type": "depthwise_conv2d", "name": "dw", "kernel_size": kernel_size}
    if multiplier != 1:
        layer["depth_multiplier"] = multiplier
    if strides != 1:
        layer["strides"] = strides
    if padding != "valid":
        layer["padding"] = padding
    if dilation != 1:
        layer["dilation_rate"] = dilation
    if not use_bias:
        layer["use_bias"] = False
    if activation is not None:
        layer["activation"] = activation
    x = rand(n, h, w, c)
    kernel = rand(kh, kw, c, multiplier)
    bias = rand(c * multiplier) if use_bias else None
    y = depthwise_ref(x, kernel, bias, s, padding, d, activation)
    weights = {"depthwise_kernel": kernel}
    if use_bias:
        weights["bias"] = bias
    cases.append(common.case(name, layer, x, y, weights, input_shape=[h, w, c]))


def zero_padding_case(name, n, h, w, c, padding):
    layer = {"type": "zero_padding2d", "name": "pad"}
    if padding is not None:
        layer["padding"] = padding
    if padding is None:
        t = b = l = r = 1
    elif isinstance(padding, int):
        t = b = l = r = padding
    elif isinstance(padding[0], list):
        (t, b), (l, r) = padding
    else:
        t = b = padding[0]
        l = r = padding[1]
    x = rand(n, h, w, c)
    y = to_nhwc(F.pad(to_nchw(x), (l, r, t, b)))
    cases.append(common.case(name, layer, x, y, input_shape=[h, w, c]))


# conv2d
conv_case("odd_sizes_batch2", 2, 7, 5, 3, 4, 3)
conv_case("stride2_same_even_input", 1, 8, 8, 3, 5, 3, strides=2, padding="same")  # pads 0 top, 1 bottom
conv_case("stride2_same_odd_input", 2, 7, 9, 2, 3, 3, strides=2, padding="same")
conv_case("stride2_valid", 1, 9, 8, 3, 2, 3, strides=2)
conv_case("stride3_valid", 1, 10, 11, 2, 3, 3, strides=3)
conv_case("stride3_same", 2, 10, 11, 2, 3, 4, strides=3, padding="same")
conv_case("same_even_kernel2", 1, 5, 6, 2, 3, 2, padding="same")  # total 1: all bottom/right
conv_case("same_even_kernel4", 1, 6, 5, 3, 2, 4, padding="same")  # total 3: 1 before, 2 after
conv_case("same_odd_kernel5", 1, 5, 5, 3, 3, 5, padding="same")
conv_case("dilation2_valid", 1, 9, 10, 3, 4, 3, dilation=2)
conv_case("dilation2_same", 2, 8, 7, 2, 3, 3, padding="same", dilation=2)
conv_case("dilation_2x1_nonsquare", 1, 9, 8, 2, 3, [2, 3], padding="same", dilation=[2, 1])
conv_case("groups2", 1, 6, 6, 4, 6, 3, groups=2)
conv_case("groups3_same", 2, 5, 7, 6, 9, 3, padding="same", groups=3)
conv_case("kernel1x1", 2, 4, 5, 5, 7, 1)
conv_case("kernel1x1_stride2", 1, 5, 6, 3, 4, 1, strides=2)
conv_case("kernel_larger_than_half_valid", 1, 6, 7, 3, 2, 5)
conv_case("kernel_larger_than_half_same", 1, 6, 7, 3, 2, 5, padding="same")
conv_case("kernel_equals_input", 1, 4, 4, 2, 3, 4)
conv_case("channels_not_multiple_of_8", 1, 6, 6, 5, 11, 3, padding="same")
conv_case("filters_over_one_block_70", 1, 4, 4, 2, 70, 3)
conv_case("nonsquare_kernel_3x2", 1, 6, 7, 3, 4, [3, 2])
conv_case("nonsquare_kernel_1x5_strides_2x1", 1, 7, 9, 2, 3, [1, 5], strides=[2, 1], padding="same")
conv_case("no_bias", 2, 5, 6, 3, 4, 3, use_bias=False)
conv_case("relu_fused", 2, 6, 6, 3, 4, 3, padding="same", activation="relu")
conv_case("tanh_fused", 1, 6, 5, 3, 4, 3, activation="tanh")
conv_case("relu_groups_no_bias", 1, 6, 6, 4, 4, 3, groups=2, use_bias=False, activation="relu")

# depthwise_conv2d
depthwise_case("dw_basic", 2, 6, 7, 3, 3)
depthwise_case("dw_multiplier2", 1, 7, 6, 3, 3, multiplier=2)
depthwise_case("dw_multiplier2_stride2_same", 2, 8, 7, 5, 3, multiplier=2, strides=2, padding="same")
depthwise_case("dw_multiplier3_dilation2", 1, 9, 9, 2, 3, multiplier=3, dilation=2, padding="same")
depthwise_case("dw_nonsquare_no_bias", 1, 6, 7, 4, [2, 3], use_bias=False)
depthwise_case("dw_many_channels_relu", 1, 4, 4, 70, 3, padding="same", activation="relu")
depthwise_case("dw_multiplier40_blocks", 1, 4, 4, 3, 2, multiplier=40, activation="tanh")

# zero_padding2d
zero_padding_case("pad_default", 1, 3, 4, 2, None)
zero_padding_case("pad_int2", 2, 3, 3, 3, 2)
zero_padding_case("pad_hw", 1, 4, 3, 2, [1, 3])
zero_padding_case("pad_asymmetric", 2, 3, 5, 3, [[0, 2], [3, 1]])

common.write("layers.conv", "conv.json", "cnf/golden/layers_conv.py (torch %s)" % torch.__version__, cases)
