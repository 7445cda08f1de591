"""Checks that .npy files written by cnnkit (Java) load in NumPy as expected.

    mvn -B -o -q -pl io.image -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=DemoOutputTest
    /usr/bin/python3 cnf/check-npy.py [io.image/target/demo/npy-check]

DemoOutputTest.npyFilesForNumpy writes them with values (i % 17 - 8) * 0.25 (exact in float32).
Not part of CI (CI has no Python); run by hand after changing the .npy writer.
"""
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "io.image", "target", "demo", "npy-check")


def pattern(shape):
    n = int(np.prod(shape))
    return ((np.arange(n) % 17 - 8) * 0.25).astype(np.float32).reshape(shape)


def check(name, expected):
    path = os.path.join(DIR, name)
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    assert version == (1, 0), (name, version)
    assert dtype == np.dtype("<f4"), (name, dtype)
    assert not fortran, name
    a = np.load(path)
    assert a.shape == expected.shape, (name, a.shape, expected.shape)
    assert np.array_equal(a, expected, equal_nan=True), name
    print("ok", name, a.shape, a.dtype.str)


check("nhwc.npy", pattern((1, 5, 5, 3)))
check("vector.npy", pattern((1, 10)))
check("rank1.npy", pattern((7,)))
check("batch.npy", pattern((2, 3, 4, 5)))
special = np.array([[np.nan, np.inf, -np.inf, -0.0, np.finfo(np.float32).smallest_subnormal,
                     np.finfo(np.float32).max]], dtype=np.float32)
check("special.npy", special)
assert np.signbit(np.load(os.path.join(DIR, "special.npy"))[0, 3]), "-0.0 keeps its sign"
print("all .npy files read correctly by numpy", np.__version__)
