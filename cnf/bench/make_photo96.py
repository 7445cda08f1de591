#!/usr/bin/python3
"""Makes cnf/bench/astronaut96.png, the 96x96 photo of cnf/bench/oneshot.sh's MobileNet run
(the input size of ../shared/keras-real/k2-vww96-mobilenet.h5), from the demo's bundled
sample (public domain, see its NOTICE.txt). Run with /usr/bin/python3 from the repository
root; the output is committed, so the benchmark needs no Python."""
import os
from PIL import Image

SRC = "launcher/src/main/resources/io/cnnkit/launcher/shell/sample/astronaut.png"
DST = "cnf/bench/astronaut96.png"

img = Image.open(SRC).convert("RGB").resize((96, 96), Image.LANCZOS)
img.save(DST, optimize=True)
print(DST, img.size, os.path.getsize(DST), "bytes")
