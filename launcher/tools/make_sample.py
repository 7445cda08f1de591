#!/usr/bin/python3
"""Makes the demo's bundled sample photo from scikit-image's astronaut.png (public domain,
NASA photograph of Eileen Collins; Debian package python3-skimage). Run with Debian's
/usr/bin/python3 from the repository root; the output is committed, so builds need no Python."""
import os
from PIL import Image

SRC = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png"
DST = "launcher/src/main/resources/io/cnnkit/launcher/shell/sample/astronaut.png"

img = Image.open(SRC).convert("RGB").resize((300, 300), Image.LANCZOS)
img.save(DST, optimize=True)
print(DST, img.size, os.path.getsize(DST), "bytes")
