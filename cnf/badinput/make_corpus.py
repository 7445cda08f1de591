#!/usr/bin/python3
"""Writes the bad-input corpus for reliability.test (images, HDF5 weight files, model descriptions)
and the Jazzer seed corpora. Deterministic; run with Debian's /usr/bin/python3 (numpy, h5py, PIL):

    /usr/bin/python3 cnf/badinput/make_corpus.py

Every file stays tiny: the whole corpus is well under 2 MB. Files that must WORK (16-bit, palette,
grey+alpha PNG, CMYK JPEG) sit beside the broken ones; the Java tests say which is which.
"""
import io
import json
import os
import shutil
import struct
import zlib

import h5py
import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RES = os.path.join(ROOT, "reliability.test", "src", "test", "resources")
OUT = os.path.join(RES, "badinput")
SEEDS = os.path.join(RES, "io", "cnnkit", "reliability")

rng = np.random.default_rng(20261127)

# The model every weight file is written for (ModelFiles.MODEL in the Java tests):
# conv (3,3,1,2)+(2,), flatten 6*6*2=72, fc (72,3)+(3,).
MODEL = {
    "name": "rel", "input_shape": [8, 8, 1], "seed": 1,
    "layers": [
        {"type": "conv2d", "name": "conv", "filters": 2, "kernel_size": 3},
        {"type": "flatten", "name": "flat"},
        {"type": "dense", "name": "fc", "units": 3},
    ],
}
WEIGHTS = {
    "conv": {"kernel": (3, 3, 1, 2), "bias": (2,)},
    "flat": {},
    "fc": {"kernel": (72, 3), "bias": (3,)},
}


def put(rel, data):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def fixed(names):
    """Keras 2 stores name lists as fixed-length byte strings."""
    return np.array([n.encode() for n in names], dtype="S%d" % max(1, max((len(n) for n in names), default=1)))


# ---------------------------------------------------------------- images

def png_bytes(img, **kw):
    b = io.BytesIO()
    img.save(b, format="PNG", **kw)
    return b.getvalue()


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def images():
    rgb = Image.fromarray(rng.integers(0, 256, (6, 8, 3), dtype=np.uint8), "RGB")
    good_png = png_bytes(rgb)
    put("images/ok_rgb.png", good_png)
    put("images/truncated.png", good_png[: len(good_png) // 2])
    corrupt = bytearray(good_png)
    idat = corrupt.find(b"IDAT")
    for i in range(idat + 8, min(idat + 40, len(corrupt) - 12)):
        corrupt[i] ^= 0x5A  # scrambled compressed data; CRCs left stale as a real bit rot would
    put("images/corrupt_idat.png", bytes(corrupt))
    put("images/empty.png", b"")
    put("images/text.png", b"this is not a picture, only text saved with a .png name\n")
    put("images/random.jpg", rng.integers(0, 256, 600, dtype=np.uint8).tobytes())

    # IHDR declares 100000 x 100000 RGB (30 GB decoded) in a file of a few dozen bytes.
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    huge = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    put("images/huge_ihdr.png", huge)
    # Declared 0 x 0: invalid per the PNG spec.
    zero = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 0, 8, 2, 0, 0, 0)) + chunk(b"IEND", b"")
    put("images/zero_size.png", zero)

    # A decompression bomb under the default 50-megapixel limit: 7000 x 7000 1-bit pixels in a
    # few kilobytes, 49 M pixels = 588 MB as a float32 RGB tensor.
    put("images/bomb_1bit.png", png_bytes(Image.new("1", (7000, 7000)), optimize=True))

    jpg = io.BytesIO()
    rgb.resize((16, 12)).save(jpg, format="JPEG", quality=90)
    put("images/ok_rgb.jpg", jpg.getvalue())
    put("images/truncated.jpg", jpg.getvalue()[: len(jpg.getvalue()) // 2])

    # Must work: 16-bit grey, 16-bit RGB, palette, grey+alpha, RGBA.
    grey16 = (rng.integers(0, 65536, (5, 7))).astype(np.uint16)
    put("images/grey16.png", png_bytes(Image.fromarray(grey16, "I;16")))
    global RGB16
    RGB16 = rng.integers(0, 65536, (4, 5, 3)).astype(np.uint16)
    put("images/rgb16.png", rgb16_png(RGB16))
    put("images/palette.png", png_bytes(rgb.convert("P", palette=Image.ADAPTIVE, colors=8)))
    la = Image.fromarray(rng.integers(0, 256, (6, 8, 2), dtype=np.uint8), "LA")
    put("images/grey_alpha.png", png_bytes(la))
    rgba = Image.fromarray(rng.integers(0, 256, (6, 8, 4), dtype=np.uint8), "RGBA")
    put("images/rgba.png", png_bytes(rgba))
    cmyk = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (6, 8, 4), dtype=np.uint8), "CMYK").save(cmyk, format="JPEG", quality=90)
    put("images/cmyk.jpg", cmyk.getvalue())

    # What the images that must work decode to (RGB 0..255 floats, HWC): PIL's convert('RGB') for
    # 8-bit sources (alpha dropped, palette looked up), v * 255 / 65535 for 16-bit ones.
    expected = {}
    for fn in ("ok_rgb.png", "palette.png", "grey_alpha.png", "rgba.png"):
        a = np.asarray(Image.open(os.path.join(OUT, "images", fn)).convert("RGB"), dtype=np.float64)
        expected[fn] = a
    expected["grey16.png"] = np.repeat(grey16[:, :, None].astype(np.float64) * 255 / 65535, 3, axis=2)
    expected["rgb16.png"] = RGB16.astype(np.float64) * 255 / 65535
    expected["cmyk.jpg"] = np.asarray(Image.open(os.path.join(OUT, "images", "cmyk.jpg")).convert("RGB"), dtype=np.float64)
    put("images/expected.json", json.dumps({k: {"shape": list(v.shape), "values": [round(x, 4) for x in v.ravel().tolist()]}
                                            for k, v in expected.items()}).encode())


def rgb16_png(a):
    """PIL cannot write 16-bit RGB: build it by hand (colour type 2, depth 16, filter 0 rows)."""
    h, w, _ = a.shape
    raw = b"".join(b"\x00" + a[y].astype(">u2").tobytes() for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# ---------------------------------------------------------------- HDF5

def keras2(path, weights=WEIGHTS, dtype="float32", layer_names=True, weight_names=True, shapes=None,
           extra=None, compress=False):
    """A Keras 2 save_weights layout; the keyword arguments break one thing each. Every file holds
    the same values (one seed), so files that must load can be compared with ok.h5."""
    values = np.random.default_rng(7)
    with h5py.File(path, "w") as f:
        if layer_names:
            f.attrs["layer_names"] = fixed(list(weights))
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.13.1"
        for layer, ws in weights.items():
            g = f.create_group(layer)
            names = ["%s/%s:0" % (layer, w) for w in ws]
            if weight_names:
                g.attrs["weight_names"] = fixed(names) if names else np.zeros((0,), "float64")
            for w, shape in ws.items():
                shape = (shapes or {}).get((layer, w), shape)
                g.create_dataset("%s/%s:0" % (layer, w), data=values.standard_normal(shape).astype(dtype),
                                 **({"chunks": True, "compression": "gzip", "shuffle": True} if compress else {}))
        if extra:
            extra(f)


def h5files():
    d = os.path.join(OUT, "h5")
    os.makedirs(d, exist_ok=True)
    ok = os.path.join(d, "ok.h5")
    keras2(ok)
    data = open(ok, "rb").read()
    put("h5/truncated.h5", data[: len(data) // 2])
    put("h5/truncated_head.h5", data[:600])
    put("h5/random.h5", rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())
    put("h5/empty.h5", b"")
    put("h5/text.h5", b"layer_names = conv, fc\n")
    # Valid HDF5 signature and superblock start, rest garbage.
    put("h5/bad_superblock.h5", data[:16] + rng.integers(0, 256, 1024, dtype=np.uint8).tobytes())
    # Must work: chunked, shuffled, gzip-compressed datasets (h5py's compression=... does this), float64.
    keras2(os.path.join(d, "ok_gzip.h5"), compress=True)
    keras2(os.path.join(d, "ok_float64.h5"), dtype="float64")
    keras2(os.path.join(d, "int32_kernel.h5"), dtype="int32")
    keras2(os.path.join(d, "wrong_shape.h5"), shapes={("conv", "kernel"): (3, 3, 1, 4)})
    keras2(os.path.join(d, "wrong_rank.h5"), shapes={("fc", "kernel"): (72 * 3,)})
    keras2(os.path.join(d, "no_layer_names.h5"), layer_names=False)
    keras2(os.path.join(d, "no_weight_names.h5"), weight_names=False)
    keras2(os.path.join(d, "missing_group.h5"),
           extra=lambda f: f.attrs.__setitem__("layer_names", fixed(["conv", "flat", "fc", "ghost"])))
    keras2(os.path.join(d, "missing_dataset.h5"),
           extra=lambda f: f["conv"].attrs.__setitem__("weight_names", fixed(["conv/kernel:0", "conv/gone:0"])))
    keras2(os.path.join(d, "numeric_layer_names.h5"),
           extra=lambda f: f.attrs.__setitem__("layer_names", np.arange(3, dtype="int32")))

    def absurd(f):
        # Terabytes declared, nothing written: chunked storage allocates no chunk until data comes.
        del f["conv/conv/kernel:0"]
        f["conv/conv"].create_dataset("kernel:0", shape=(100000, 100000, 1000), chunks=(10, 10, 10), dtype="float32")
    keras2(os.path.join(d, "absurd_dims.h5"), extra=absurd)

    def absurd_match(f):
        # The declared shape equals the model's but no chunk was ever written: reads as fill values.
        del f["fc/fc/kernel:0"]
        f["fc/fc"].create_dataset("kernel:0", shape=(72, 3), chunks=(8, 3), dtype="float32")
    keras2(os.path.join(d, "unwritten_chunks.h5"), extra=absurd_match)

    def beyond_int(f):
        del f["fc/fc/bias:0"]
        f["fc/fc"].create_dataset("bias:0", shape=(2 ** 33,), chunks=(1024,), dtype="float32")
    keras2(os.path.join(d, "beyond_int_dims.h5"), extra=beyond_int)

    def scalar(f):
        del f["fc/fc/bias:0"]
        f["fc/fc"].create_dataset("bias:0", data=np.float32(1.5))
    keras2(os.path.join(d, "scalar_weight.h5"), extra=scalar)

    def strings(f):
        del f["fc/fc/bias:0"]
        f["fc/fc"].create_dataset("bias:0", data=np.array([b"a", b"b", b"c"]))
    keras2(os.path.join(d, "string_weight.h5"), extra=strings)

    with h5py.File(os.path.join(d, "plain.h5"), "w") as f:  # HDF5, but not Keras
        f.create_dataset("x", data=np.arange(4, dtype="float32"))


# ---------------------------------------------------------------- model descriptions

def model(layers, **top):
    m = {"name": "bad", "input_shape": [8, 8, 1], "layers": layers}
    m.update(top)
    return json.dumps(m, indent=1)


def models():
    cases = {
        "malformed.json": '{"layers": [{"type": "conv2d", "filters": 2,, "kernel_size": 3}]',
        "truncated.json": model([{"type": "conv2d", "filters": 2, "kernel_size": 3}])[:40],
        "not_object.json": "[1, 2, 3]",
        "unknown_type.json": model([{"type": "conv3d_transpose_magic", "filters": 2}]),
        "unknown_param.json": model([{"type": "conv2d", "filters": 2, "kernel_size": 3, "fliters": 3}]),
        "unknown_activation.json": model([{"type": "conv2d", "filters": 2, "kernel_size": 3, "activation": "sparkle"}]),
        "zero_filters.json": model([{"type": "conv2d", "filters": 0, "kernel_size": 3}]),
        "negative_kernel.json": model([{"type": "conv2d", "filters": 2, "kernel_size": -3}]),
        "zero_units.json": model([{"type": "flatten"}, {"type": "dense", "units": 0}]),
        "negative_stride.json": model([{"type": "max_pooling2d", "pool_size": 2, "strides": -1}]),
        "zero_input.json": model([{"type": "flatten"}], input_shape=[0, 8, 1]),
        "negative_input.json": model([{"type": "flatten"}], input_shape=[8, -8, 1]),
        "kernel_too_large.json": model([{"type": "conv2d", "filters": 2, "kernel_size": 9}]),
        "pool_too_large.json": model([{"type": "max_pooling2d", "pool_size": 16}]),
        "duplicate_names.json": model([{"type": "conv2d", "name": "x", "filters": 2, "kernel_size": 3},
                                       {"type": "relu", "name": "x"}]),
        "duplicate_keys.json": '{"name": "bad", "input_shape": [8, 8, 1], "input_shape": [4, 4, 1], "layers": []}',
        "wrong_types.json": model([{"type": "conv2d", "filters": "many", "kernel_size": {"h": 3}}]),
        "wrong_type_bool.json": model([{"type": "conv2d", "filters": True, "kernel_size": 3}]),
        "fractional_filters.json": model([{"type": "conv2d", "filters": 2.5, "kernel_size": 3}]),
        "type_not_string.json": model([{"type": 7}]),
        "layers_not_list.json": json.dumps({"name": "bad", "input_shape": [8, 8, 1], "layers": {"type": "relu"}}),
        "huge_filters.json": model([{"type": "conv2d", "filters": 2000000000, "kernel_size": 1}]),
        "huge_filters_overflow.json": model([{"type": "conv2d", "filters": 2000000000, "kernel_size": 3}]),
        "huge_int.json": model([{"type": "conv2d", "filters": 99999999999999999999999, "kernel_size": 3}]),
        "huge_dense.json": model([{"type": "flatten"}, {"type": "dense", "units": 400000}],
                                 input_shape=[64, 64, 16]),
        "huge_dense_overflow.json": model([{"type": "flatten"}, {"type": "dense", "units": 100000}],
                                          input_shape=[4096, 4096, 3]),
        "huge_input.json": model([{"type": "conv2d", "filters": 2, "kernel_size": 3}],
                                 input_shape=[2000000000, 2000000000, 3]),
        "deep_nesting.json": '{"name": "bad", "input_shape": [8, 8, 1], "layers": [{"type": "conv2d", "filters": '
                             + "[" * 5000 + "]" * 5000 + ', "kernel_size": 3}]}',
        "deep_nesting_unclosed.json": "{\"layers\": " + "[" * 100000,
        "empty.json": "",
        "keras_unknown_class.json": json.dumps({"class_name": "Sequential", "config": {"name": "s", "layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 8, 8, 1], "name": "in"}},
            {"class_name": "Conv7D", "config": {"name": "c", "filters": 2}}]}}),
        "keras_layers_not_list.json": json.dumps({"class_name": "Sequential", "config": {"name": "s", "layers": 5}}),
        "oneline_garbage.txt": "conv2d(3, 3 | max_pooling2d(( | relu)",
        "oneline_huge.txt": "conv2d(2000000000, 1)",
    }
    for name, text in cases.items():
        put("models/" + name, text.encode())


# ---------------------------------------------------------------- Jazzer seeds

def seeds():
    """Seed corpora in Jazzer's layout: <package>/<TestClass>Inputs/<method>/<file>."""
    base = os.path.join(SEEDS, "FuzzTargetsInputs")
    # Findings of fuzzing runs (crash-*, timeout-*) and hand-picked graph seeds (graph-*) are regression inputs: keep them.
    for dirpath, _, files in os.walk(base):
        for f in files:
            if not f.startswith(("crash-", "timeout-", "graph-")):
                os.remove(os.path.join(dirpath, f))

    def seed(method, name, data):
        p = os.path.join(base, method, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)

    for fn in sorted(os.listdir(os.path.join(OUT, "models"))):
        data = open(os.path.join(OUT, "models", fn), "rb").read()
        if len(data) < 4096:
            seed("description", fn, data)
    seed("description", "good.json", json.dumps(MODEL).encode())
    seed("description", "good_oneline.txt", b"conv2d(2, 3, name=c) | max_pooling2d(2) | relu | flatten | dense(3)")
    for fn in ("ok.h5", "truncated.h5", "int32_kernel.h5", "no_weight_names.h5", "absurd_dims.h5",
               "missing_dataset.h5", "scalar_weight.h5"):
        seed("weightFile", fn, open(os.path.join(OUT, "h5", fn), "rb").read())
    for fn in ("ok_rgb.png", "palette.png", "rgb16.png", "corrupt_idat.png", "zero_size.png", "random.jpg", "grey_alpha.png", "huge_ihdr.png", "truncated.png", "ok_rgb.jpg",
               "cmyk.jpg", "grey16.png"):
        seed("image", fn, open(os.path.join(OUT, "images", fn), "rb").read())


if __name__ == "__main__":
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    images()
    h5files()
    models()
    seeds()
    total = 0
    for dirpath, _, files in os.walk(RES):
        total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
    print("corpus: %d bytes" % total)
    assert total < 2 * 1024 * 1024
