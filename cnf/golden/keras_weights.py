"""Keras HDF5 weight-file fixtures for io.image (KerasWeights), and the check that a file
cnnkit wrote reads back in h5py the way Keras reads it.

Run by hand with Debian's Python (h5py + numpy; not in CI):
    /usr/bin/python3 cnf/golden/keras_weights.py
It (1) writes the h5py-*.h5 fixtures into io.image/src/test/resources/h5/ and (2) checks
io.image/src/test/resources/h5/cnnkit-saved.h5, which KerasWeights.save wrote (the test
KerasH5InteropTest writes a fresh copy to io.image/target/h5/cnnkit-saved.h5 on every build;
copy it over the committed one when the writer changes, then rerun this script).

The model every fixture describes (input 8x8x3), with Keras's weight names and shapes:
    conv_1    Conv2D 4 filters 3x3      kernel (3,3,3,4), bias (4,)
    pool_1    MaxPooling2D 2x2          (no weights)
    bn_1      BatchNormalization        gamma, beta, moving_mean, moving_variance (4,)
    dw_1      DepthwiseConv2D 3x3       depthwise_kernel (3,3,4,1), bias (4,)
    prelu_1   PReLU                     alpha (1,1,4)
    flatten_1 Flatten                   (no weights)
    dens_1    Dense 5                   kernel (64,5), bias (5,)
Values are exact in float32: value(L, W, i) = ((7 i + 13 L + 5 W) mod 23 - 11) / 16 for
layer index L (all layers, 0-based), weight index W, flat element i. The Java tests use the
same formula (H5Fixtures.value).
"""
import json
import os
import sys

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "io.image", "src", "test", "resources", "h5")

LAYERS = [
    ("conv_1", "Conv2D", [("kernel", (3, 3, 3, 4)), ("bias", (4,))]),
    ("pool_1", "MaxPooling2D", []),
    ("bn_1", "BatchNormalization", [("gamma", (4,)), ("beta", (4,)), ("moving_mean", (4,)), ("moving_variance", (4,))]),
    ("dw_1", "DepthwiseConv2D", [("depthwise_kernel", (3, 3, 4, 1)), ("bias", (4,))]),
    ("prelu_1", "PReLU", [("alpha", (1, 1, 4))]),
    ("flatten_1", "Flatten", []),
    ("dens_1", "Dense", [("kernel", (64, 5)), ("bias", (5,))]),
]

VLEN = h5py.special_dtype(vlen=str)


def value(layer_index, weight_index, shape, dtype=np.float32):
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.int64)
    v = ((7 * i + 13 * layer_index + 5 * weight_index) % 23 - 11) / 16.0
    return v.astype(dtype).reshape(shape)


def fixed(strings):
    """numpy fixed-length byte strings (|S<n>), as Keras 1 to 2.4 stored name lists."""
    return np.array([s.encode("utf8") for s in strings])


def vlen(strings):
    return np.array(strings, dtype=VLEN)


def model_config():
    return json.dumps({"class_name": "Sequential", "config": {"name": "fixture", "layers": [
        {"class_name": cls, "config": {"name": name}} for name, cls, _ in LAYERS]}})


def keras2_group(root, strings, inner=lambda layer: layer, suffix=":0", dtype=np.float32, override=None):
    """Keras 2 layout under `root`; override: (layer, weight) -> array to store instead."""
    root.attrs["layer_names"] = strings([n for n, _, _ in LAYERS])
    for li, (name, _, weights) in enumerate(LAYERS):
        g = root.create_group(name)
        if not weights:
            g.attrs["weight_names"] = np.array([])  # Keras: an empty list becomes float64 (0,)
            continue
        names = []
        for wi, (wname, shape) in enumerate(weights):
            stored = inner(name) + "/" + wname + suffix
            names.append(stored)
            data = value(li, wi, shape, dtype)
            if override and (name, wname) in override:
                data = override[(name, wname)]
            g.create_dataset(stored, data=data)
        g.attrs["weight_names"] = strings(names)


def write_fixtures():
    os.makedirs(OUT, exist_ok=True)
    written = []

    def path(name):
        p = os.path.join(OUT, name)
        written.append(p)
        return p

    # Keras 2.0-2.4 save_weights: fixed-length name lists, vlen version strings.
    with h5py.File(path("h5py-keras2-fixed.h5"), "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.4.0"
        keras2_group(f, fixed)

    # Keras 2.13 model.save('x.h5'): everything under model_weights, vlen strings, inner
    # groups named unlike the layer (as in k2-mtcnn-12net), a group outside layer_names and
    # optimizer weights that a loader must ignore.
    with h5py.File(path("h5py-keras2-vlen-full.h5"), "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.13.1"
        f.attrs["model_config"] = model_config()
        mw = f.create_group("model_weights")
        mw.attrs["backend"] = "tensorflow"
        mw.attrs["keras_version"] = "2.13.1"
        keras2_group(mw, vlen, inner=lambda layer: layer + "_1")
        mw.create_group("top_level_model_weights").attrs["weight_names"] = np.array([])
        f.create_group("optimizer_weights").create_dataset("Adam/iter:0", data=np.array(7, dtype=np.int64))

    # Keras 3.7 legacy .h5: no ':0' suffix.
    with h5py.File(path("h5py-keras3-legacy.h5"), "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "3.7.0"
        f.attrs["model_config"] = model_config()
        mw = f.create_group("model_weights")
        keras2_group(mw, vlen, suffix="")

    # Keras 1: <layer>_W / _b, BN running_mean / running_std, datasets directly in the layer
    # group, no keras_version; stored as float64 here to exercise the conversion.
    k1 = {"kernel": "W", "bias": "b", "gamma": "gamma", "beta": "beta", "moving_mean": "running_mean",
          "moving_variance": "running_std", "alpha": "alphas", "depthwise_kernel": "depthwise_kernel"}
    with h5py.File(path("h5py-keras1.h5"), "w") as f:
        f.attrs["layer_names"] = fixed([n for n, _, _ in LAYERS])
        for li, (name, _, weights) in enumerate(LAYERS):
            g = f.create_group(name)
            names = []
            for wi, (wname, shape) in enumerate(weights):
                stored = name + "_" + k1[wname]
                names.append(stored)
                g.create_dataset(stored, data=value(li, wi, shape, np.float64))
            g.attrs["weight_names"] = fixed(names) if names else np.array([])

    # Keras 3 native .weights.h5: layers/<attribute path>/vars/<i>, real name in 'name'.
    paths = {"conv_1": "conv2d", "pool_1": "max_pooling2d", "bn_1": "batch_normalization",
             "dw_1": "depthwise_conv2d", "prelu_1": "p_re_lu", "flatten_1": "flatten", "dens_1": "dense"}
    with h5py.File(path("h5py-keras3.weights.h5"), "w") as f:
        for li, (name, _, weights) in enumerate(LAYERS):
            v = f.create_group("layers/" + paths[name] + "/vars")
            v.attrs["name"] = name
            for wi, (_, shape) in enumerate(weights):
                v.create_dataset(str(wi), data=value(li, wi, shape))
        f.create_group("vars").attrs["name"] = "fixture"

    # Bad inputs: an int32 kernel, and a conv with 5 filters where the model has 4.
    with h5py.File(path("h5py-bad-dtype.h5"), "w") as f:
        f.attrs["keras_version"] = "2.4.0"
        keras2_group(f, fixed, override={("conv_1", "kernel"): np.arange(108, dtype=np.int32).reshape(3, 3, 3, 4)})
    with h5py.File(path("h5py-bad-shape.h5"), "w") as f:
        f.attrs["keras_version"] = "2.4.0"
        keras2_group(f, fixed, override={("conv_1", "kernel"): value(0, 0, (3, 3, 3, 5)),
                                         ("conv_1", "bias"): value(0, 1, (5,))})
    # Broken layouts: weight_names naming a dataset that does not exist, and numbers where
    # weight_names should hold strings.
    with h5py.File(path("h5py-bad-layout.h5"), "w") as f:
        f.attrs["keras_version"] = "2.4.0"
        keras2_group(f, fixed)
        f["dw_1"].attrs["weight_names"] = fixed(["dw_1/depthwise_kernel:0", "dw_1/missing:0"])
    with h5py.File(path("h5py-bad-attribute.h5"), "w") as f:
        f.attrs["keras_version"] = "2.4.0"
        keras2_group(f, fixed)
        f["bn_1"].attrs["weight_names"] = np.array([1, 2, 3, 4], dtype=np.int32)
    for p in written:
        print("wrote", os.path.relpath(p, ROOT), os.path.getsize(p), "bytes")


REAL = os.path.join(os.path.dirname(ROOT), "shared", "keras-real")


def natural(s):
    import re
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def inventory():
    """What h5py sees in every keras-real file, in Keras's reading order: the oracle for
    KerasWeights.inspect/load on real files (layers, stored weight names, shapes, dtype,
    the float64 sum of each dataset and its first values)."""
    def weight(stored, d):
        a = d[()].astype(np.float64).reshape(-1)
        return {"name": stored, "shape": list(d.shape), "dtype": str(d.dtype), "sum": float(a.sum()),
                "abs_sum": float(np.abs(a).sum()), "first": [float(x) for x in a[:4]]}

    files = {}
    for fn in sorted(os.listdir(REAL)):
        if not fn.endswith(".h5"):
            continue
        with h5py.File(os.path.join(REAL, fn), "r") as f:
            layers = []
            if "layer_names" in f.attrs or "model_weights" in f:
                root = f if "layer_names" in f.attrs else f["model_weights"]
                version = f.attrs.get("keras_version", root.attrs.get("keras_version"))
                version = version.decode("utf8") if hasattr(version, "decode") else version
                for name in load_attributes(root, "layer_names"):
                    g = root[name]
                    layers.append({"name": name, "weights": [weight(w, g[w]) for w in load_attributes(g, "weight_names")]})
            else:
                version = None
                found = []

                def visit(group):
                    for k in sorted(group.keys(), key=natural):
                        child = group[k]
                        if isinstance(child, h5py.Group):
                            if k == "vars":
                                found.append(child)
                            else:
                                visit(child)
                visit(f["layers"])
                if len(f["vars"]) > 0:
                    found.append(f["vars"])
                for v in found:
                    ds = sorted(v.keys(), key=int)
                    layers.append({"name": v.attrs["name"], "weights": [weight("vars/" + k, v[k]) for k in ds]})
            files[fn] = {"keras_version": version, "layers": layers}
    p = os.path.join(OUT, "keras-real-inventory.json")
    with open(p, "w") as out:
        json.dump({"generator": "cnf/golden/keras_weights.py (h5py %s)" % h5py.__version__, "files": files}, out,
                  separators=(",", ":"))
        out.write("\n")
    print("wrote", os.path.relpath(p, ROOT), os.path.getsize(p), "bytes,", len(files), "files")


def load_attributes(group, name):
    """keras.saving.legacy.hdf5_format.load_attributes_from_hdf5_group, as Keras 2.13 reads."""
    if name in group.attrs:
        return [n.decode("utf8") if hasattr(n, "decode") else n for n in group.attrs[name]]
    data = []
    chunk = 0
    while "%s%d" % (name, chunk) in group.attrs:
        data.extend(n.decode("utf8") if hasattr(n, "decode") else n for n in group.attrs["%s%d" % (name, chunk)])
        chunk += 1
    return data


def check_cnnkit_file(p):
    """What Keras's load_weights does with the file, plus the exact layout the Java side promises."""
    problems = []
    with h5py.File(p, "r") as f:
        version = f.attrs["keras_version"]
        version = version.decode("utf8") if hasattr(version, "decode") else version
        backend = f.attrs["backend"]
        backend = backend.decode("utf8") if hasattr(backend, "decode") else backend
        if (version, backend) != ("2.13.1", "tensorflow"):
            problems.append("keras_version/backend: %r %r" % (version, backend))
        ln = f.attrs["layer_names"]
        if ln.dtype.kind != "S":
            problems.append("layer_names should be fixed-length byte strings, got dtype %s" % ln.dtype)
        names = load_attributes(f, "layer_names")
        if names != [n for n, _, _ in LAYERS]:
            problems.append("layer_names %r" % names)
        for li, (name, _, weights) in enumerate(LAYERS):
            g = f[name]
            wn_attr = g.attrs["weight_names"]
            wn = load_attributes(g, "weight_names")
            expected = [name + "/" + w + ":0" for w, _ in weights]
            if wn != expected:
                problems.append("%s weight_names %r, expected %r" % (name, wn, expected))
            if not weights and (wn_attr.dtype != np.float64 or wn_attr.shape != (0,)):
                problems.append("%s: empty weight_names should be float64 (0,) as Keras writes, got %s %s"
                                % (name, wn_attr.dtype, wn_attr.shape))
            if weights and wn_attr.dtype.kind != "S":
                problems.append("%s weight_names dtype %s, expected fixed-length bytes" % (name, wn_attr.dtype))
            for wi, (w, shape) in enumerate(weights):
                d = g[name + "/" + w + ":0"]
                if d.dtype != np.float32 or d.shape != shape:
                    problems.append("%s/%s: %s %s, expected float32 %s" % (name, w, d.dtype, d.shape, shape))
                    continue
                if not np.array_equal(d[()], value(li, wi, shape)):
                    problems.append("%s/%s: values differ" % (name, w))
    return problems


def main():
    write_fixtures()
    if os.path.isdir(REAL):
        inventory()
    else:
        print("no", REAL, ": keras-real inventory not regenerated")
    saved = os.path.join(OUT, "cnnkit-saved.h5")
    if not os.path.exists(saved):
        print("no", saved, "yet: run the io.image tests and copy io.image/target/h5/cnnkit-saved.h5 here")
        return 1
    problems = check_cnnkit_file(saved)
    if problems:
        print("FAIL", saved)
        for p in problems:
            print("  ", p)
        return 1
    print("OK", os.path.relpath(saved, ROOT), "reads in h5py %s as Keras expects" % h5py.__version__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
