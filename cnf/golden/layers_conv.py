"""Golden fixtures for layers.conv: conv2d, depthwise_conv2d, zero_padding2d (conv.json), and
separable_conv2d, conv2d_transpose, up_sampling2d, cropping2d and more zero_padding2d (conv_more.json).

Run with Debian's Python (torch 1.13):  /usr/bin/python3 cnf/golden/layers_conv.py
Writes layers.conv/src/test/resources/golden/conv.json and conv_more.json. The conv_more cases
draw from the random stream after every conv.json case, so conv.json stays byte-identical.

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


def zero_padding_case(name, n, h, w, c, padding, out=cases):
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
    out.append(common.case(name, layer, x, y, input_shape=[h, w, c]))


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


# ------------------------------------------------------------------------------------------------
# conv_more.json: separable_conv2d, conv2d_transpose, up_sampling2d, cropping2d, zero_padding2d
# ------------------------------------------------------------------------------------------------
more = []


def layer_obj(type_, name, **params):
    layer = {"type": type_, "name": name}
    layer.update({k: v for k, v in params.items() if v is not None})
    return layer


def separable_ref(x, dk, pk, bias, strides, padding, dilation, activation):
    """tf.nn.separable_conv2d: depthwise (strides, dilation, TF padding), then a 1x1 conv, bias, activation."""
    kh, kw, c, m = dk.shape
    xt = pad_tf(to_nchw(x), kh, kw, strides, dilation, padding)
    dt = torch.from_numpy(dk.reshape(kh, kw, c * m).astype(np.float64)).permute(2, 0, 1).unsqueeze(1)
    mid = F.conv2d(xt, dt, None, stride=tuple(strides), dilation=tuple(dilation), groups=c)
    pt = torch.from_numpy(pk.astype(np.float64)).permute(3, 2, 0, 1)  # (filters, C*M, 1, 1)
    bt = None if bias is None else torch.from_numpy(bias.astype(np.float64))
    return to_nhwc(ACTS[activation](F.conv2d(mid, pt, bt)))


def separable_case(name, n, h, w, c, filters, kernel_size, multiplier=1, strides=1, padding="valid", dilation=1,
                   use_bias=True, activation=None):
    kh, kw = pair(kernel_size)
    s, d = pair(strides), pair(dilation)
    layer = layer_obj("separable_conv2d", "sep", filters=filters, kernel_size=kernel_size,
                      depth_multiplier=multiplier if multiplier != 1 else None,
                      strides=strides if strides != 1 else None, padding=padding if padding != "valid" else None,
                      dilation_rate=dilation if dilation != 1 else None, use_bias=False if not use_bias else None,
                      activation=activation)
    x = rand(n, h, w, c)
    dk = rand(kh, kw, c, multiplier)
    pk = rand(1, 1, c * multiplier, filters)
    bias = rand(filters) if use_bias else None
    y = separable_ref(x, dk, pk, bias, s, padding, d, activation)
    assert y.shape == (n, out_size(h, kh, s[0], d[0], padding), out_size(w, kw, s[1], d[1], padding), filters)
    weights = {"depthwise_kernel": dk, "pointwise_kernel": pk}
    if use_bias:
        weights["bias"] = bias
    more.append(common.case(name, layer, x, y, weights, input_shape=[h, w, c]))


def deconv_length(n, k, s, padding, output_padding):
    """Keras's conv_utils.deconv_output_length (dilation 1)."""
    if output_padding is None:
        return n * s + max(k - s, 0) if padding == "valid" else n * s
    pad = k // 2 if padding == "same" else 0
    return (n - 1) * s + k - 2 * pad + output_padding


def transpose_ref(x, kernel, bias, strides, padding, output_padding, activation):
    """TensorFlow's conv2d_transpose with Keras's output size: the full PyTorch transposed conv, cropped
    by TF's padding of the matching forward conv (top/left = total // 2, the rest bottom/right), rows
    and columns past the full output zero; then bias and activation. Cross-checked against autograd:
    conv2d_transpose is the gradient of the TF-padded conv2d with respect to its input."""
    kh, kw, f, c = kernel.shape
    n, h, w, _ = x.shape
    ops = [None, None] if output_padding is None else pair(output_padding)
    oh = deconv_length(h, kh, strides[0], padding, ops[0])
    ow = deconv_length(w, kw, strides[1], padding, ops[1])
    # TensorFlow accepts the size only when the forward conv maps (oh, ow) back to (h, w)
    assert out_size(oh, kh, strides[0], 1, padding) == h and out_size(ow, kw, strides[1], 1, padding) == w
    pt, _ = tf_pad_amounts(oh, kh, strides[0], 1, padding)
    pl, _ = tf_pad_amounts(ow, kw, strides[1], 1, padding)
    xt = to_nchw(x)
    wt = torch.from_numpy(kernel.astype(np.float64)).permute(3, 2, 0, 1)  # (C, filters, kh, kw)
    full = F.conv_transpose2d(xt, wt, None, stride=tuple(strides))
    assert full.shape[2:] == ((h - 1) * strides[0] + kh, (w - 1) * strides[1] + kw)
    full = F.pad(full, (0, max(0, pl + ow - full.shape[3]), 0, max(0, pt + oh - full.shape[2])))
    y = full[:, :, pt:pt + oh, pl:pl + ow]
    # independent check: the gradient of conv2d (TF padding) on a (oh, ow) input, fed x as output gradient
    z = torch.zeros(n, f, oh, ow, dtype=torch.float64, requires_grad=True)
    fwd = F.conv2d(pad_tf(z, kh, kw, strides, (1, 1), padding),
                   torch.from_numpy(kernel.astype(np.float64)).permute(3, 2, 0, 1), stride=tuple(strides))
    assert fwd.shape == xt.shape, (fwd.shape, xt.shape)
    (grad,) = torch.autograd.grad(fwd, z, grad_outputs=xt)
    assert torch.allclose(grad, y, rtol=0, atol=1e-12), "transpose conv != conv2d input gradient"
    if bias is not None:
        y = y + torch.from_numpy(bias.astype(np.float64)).view(1, -1, 1, 1)
    return to_nhwc(ACTS[activation](y))


def transpose_case(name, n, h, w, c, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                   use_bias=True, activation=None):
    kh, kw = pair(kernel_size)
    s = pair(strides)
    layer = layer_obj("conv2d_transpose", "deconv", filters=filters, kernel_size=kernel_size,
                      strides=strides if strides != 1 else None, padding=padding if padding != "valid" else None,
                      output_padding=output_padding, use_bias=False if not use_bias else None,
                      activation=activation)
    x = rand(n, h, w, c)
    kernel = rand(kh, kw, filters, c)  # Keras's Conv2DTranspose layout: (kh, kw, filters, in)
    bias = rand(filters) if use_bias else None
    y = transpose_ref(x, kernel, bias, s, padding, output_padding, activation)
    weights = {"kernel": kernel}
    if use_bias:
        weights["bias"] = bias
    more.append(common.case(name, layer, x, y, weights, input_shape=[h, w, c]))


def tf_bilinear_half_pixel(x, fh, fw):
    """NumPy transcription of TensorFlow's resize_bilinear with half_pixel_centers (float64)."""
    n, h, w, c = x.shape

    def weights(size, out):
        i = np.arange(out)
        src = (i + 0.5) * (size / out) - 0.5
        lo = np.floor(src)
        return np.maximum(lo, 0).astype(int), np.minimum(np.ceil(src), size - 1).astype(int), src - lo

    y0, y1, ly = weights(h, h * fh)
    x0, x1, lx = weights(w, w * fw)
    xd = x.astype(np.float64)
    top = xd[:, y0][:, :, x0] + (xd[:, y0][:, :, x1] - xd[:, y0][:, :, x0]) * lx[None, None, :, None]
    bot = xd[:, y1][:, :, x0] + (xd[:, y1][:, :, x1] - xd[:, y1][:, :, x0]) * lx[None, None, :, None]
    return top + (bot - top) * ly[None, :, None, None]


def upsampling_case(name, n, h, w, c, size=None, interpolation=None):
    fh, fw = pair(size if size is not None else 2)
    layer = layer_obj("up_sampling2d", "up", size=size, interpolation=interpolation)
    x = rand(n, h, w, c)
    xt = to_nchw(x)
    if interpolation == "bilinear":
        y = to_nhwc(F.interpolate(xt, size=(h * fh, w * fw), mode="bilinear", align_corners=False))
        assert np.allclose(y, tf_bilinear_half_pixel(x, fh, fw), rtol=0, atol=1e-12)
    else:
        y = np.repeat(np.repeat(x, fh, axis=1), fw, axis=2)
        assert np.array_equal(y, to_nhwc(F.interpolate(xt, size=(h * fh, w * fw), mode="nearest")))
    more.append(common.case(name, layer, x, y, input_shape=[h, w, c]))


def cropping_case(name, n, h, w, c, cropping):
    layer = layer_obj("cropping2d", "crop", cropping=cropping)
    if cropping is None:
        t = b = l = r = 0
    elif isinstance(cropping, int):
        t = b = l = r = cropping
    elif isinstance(cropping[0], list):
        (t, b), (l, r) = cropping
    else:
        t = b = cropping[0]
        l = r = cropping[1]
    x = rand(n, h, w, c)
    y = x[:, t:h - b, l:w - r, :]
    assert y.shape[1] >= 1 and y.shape[2] >= 1
    more.append(common.case(name, layer, x, y, input_shape=[h, w, c]))


# separable_conv2d
separable_case("sep_basic_batch2", 2, 7, 5, 3, 4, 3)
separable_case("sep_multiplier2_stride2_same", 2, 8, 7, 5, 7, 3, multiplier=2, strides=2, padding="same")
separable_case("sep_multiplier2_stride2_valid_odd", 1, 9, 7, 3, 6, 3, multiplier=2, strides=2)
separable_case("sep_stride3_same", 2, 10, 11, 3, 5, 3, strides=3, padding="same")
separable_case("sep_stride3_valid_c13", 1, 11, 10, 13, 6, 3, strides=3)
separable_case("sep_dilation2_same", 2, 7, 6, 3, 5, 3, multiplier=2, padding="same", dilation=2)
separable_case("sep_dilation2_valid", 1, 9, 10, 5, 4, 3, dilation=2)
separable_case("sep_dilation_2x1_nonsquare", 1, 9, 8, 3, 5, [2, 3], padding="same", dilation=[2, 1])
separable_case("sep_even_kernel_same", 1, 6, 7, 5, 3, 4, multiplier=2, padding="same")
separable_case("sep_c13_m2_filters9", 1, 6, 5, 13, 9, 3, multiplier=2, padding="same")
separable_case("sep_filters_over_one_block_70", 1, 3, 3, 3, 70, 3, multiplier=2, padding="same")
separable_case("sep_nonsquare_strides_2x1_no_bias", 1, 7, 9, 3, 5, [3, 2], strides=[2, 1], padding="same",
               use_bias=False)
separable_case("sep_relu", 2, 6, 6, 3, 8, 3, padding="same", activation="relu")
separable_case("sep_tanh_multiplier2", 1, 6, 5, 5, 2, 3, multiplier=2, activation="tanh")

# conv2d_transpose
transpose_case("tr_valid_s1_odd_batch2", 2, 5, 4, 3, 4, 3)
transpose_case("tr_valid_s2", 1, 4, 5, 5, 3, 3, strides=2)
transpose_case("tr_valid_s2_k4", 2, 3, 2, 3, 5, 4, strides=2)
transpose_case("tr_valid_s3_k2_gap_rows", 1, 3, 4, 3, 2, 2, strides=3)  # k < s: zero rows between and after
transpose_case("tr_valid_s3_k5", 1, 3, 3, 5, 3, 5, strides=3)
transpose_case("tr_same_s1_k3", 2, 5, 7, 3, 4, 3, padding="same")
transpose_case("tr_same_s1_k2", 1, 5, 4, 3, 3, 2, padding="same")  # total 1: crop the last row/column
transpose_case("tr_same_s2_k3", 2, 4, 5, 3, 5, 3, strides=2, padding="same")  # total 1: off the bottom/right
transpose_case("tr_same_s2_k4", 1, 3, 4, 5, 3, 4, strides=2, padding="same")  # total 2: one each side
transpose_case("tr_same_s2_k5", 1, 4, 3, 3, 4, 5, strides=2, padding="same")  # total 3: 1 top, 2 bottom
transpose_case("tr_same_s3_k3", 1, 3, 4, 3, 3, 3, strides=3, padding="same")  # total 0
transpose_case("tr_same_s3_k2", 2, 3, 3, 3, 2, 2, strides=3, padding="same")  # k < s: zero last row
transpose_case("tr_same_s3_k5_c13", 1, 2, 3, 13, 3, 5, strides=3, padding="same")  # total 2
transpose_case("tr_nonsquare_k3x2_s2x3_same", 1, 4, 3, 3, 4, [3, 2], strides=[2, 3], padding="same")
transpose_case("tr_nonsquare_k2x3_s3x1_valid", 1, 3, 4, 3, 4, [2, 3], strides=[3, 1])
transpose_case("tr_valid_s2_output_padding1", 1, 4, 3, 3, 4, 3, strides=2, output_padding=1)
transpose_case("tr_valid_s3_output_padding_2x1", 2, 3, 3, 3, 2, 3, strides=3, output_padding=[2, 1])
transpose_case("tr_same_s2_k3_output_padding0", 1, 4, 5, 3, 3, 3, strides=2, padding="same", output_padding=0)
transpose_case("tr_same_s2_k3_output_padding1", 1, 4, 3, 3, 3, 3, strides=2, padding="same", output_padding=1)
transpose_case("tr_same_s3_k4_output_padding_1x2", 1, 3, 3, 5, 3, 4, strides=3, padding="same",
               output_padding=[1, 2])
transpose_case("tr_same_s2_k2_output_padding1", 1, 3, 4, 3, 2, 2, strides=2, padding="same", output_padding=1)
transpose_case("tr_no_bias_relu", 2, 4, 4, 5, 6, 3, strides=2, padding="same", use_bias=False, activation="relu")
transpose_case("tr_tanh_filters13", 1, 2, 3, 3, 13, 3, strides=2, activation="tanh")

# up_sampling2d
upsampling_case("up_default_nearest", 1, 3, 4, 3)
upsampling_case("up_nearest_2x2_batch2", 2, 3, 5, 5, [2, 2], "nearest")
upsampling_case("up_nearest_3x2", 1, 4, 3, 3, [3, 2], "nearest")
upsampling_case("up_nearest_int3", 1, 2, 3, 2, 3)
upsampling_case("up_bilinear_2x2", 2, 3, 5, 3, [2, 2], "bilinear")
upsampling_case("up_bilinear_3x2", 1, 4, 3, 5, [3, 2], "bilinear")
upsampling_case("up_bilinear_1x3", 1, 3, 4, 3, [1, 3], "bilinear")
upsampling_case("up_bilinear_one_pixel", 1, 1, 2, 3, [2, 3], "bilinear")
upsampling_case("up_bilinear_c13", 1, 3, 3, 13, 2, "bilinear")

# cropping2d
cropping_case("crop_int1", 2, 5, 6, 3, 1)
cropping_case("crop_hw_symmetric", 1, 7, 6, 5, [2, 1])
cropping_case("crop_asymmetric_0_1_2_0", 2, 5, 5, 3, [[0, 1], [2, 0]])
cropping_case("crop_asymmetric_2_1_0_3", 1, 6, 7, 3, [[2, 1], [0, 3]])
cropping_case("crop_to_one_pixel", 1, 3, 4, 3, [[1, 1], [2, 1]])
cropping_case("crop_default_none", 1, 3, 3, 2, None)

# zero_padding2d, asymmetric as MobileNetV2's stride-2 blocks pad
zero_padding_case("pad_asymmetric_0_1_1_1", 2, 5, 4, 3, [[0, 1], [1, 1]], out=more)
zero_padding_case("pad_asymmetric_1_0_0_1", 1, 4, 5, 5, [[1, 0], [0, 1]], out=more)

common.write("layers.conv", "conv_more.json", "cnf/golden/layers_conv.py (torch %s)" % torch.__version__, more)
