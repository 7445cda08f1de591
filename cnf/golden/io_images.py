"""Test images and expected tensors for io.image (run by hand, not in CI):

    /usr/bin/python3 cnf/golden/io_images.py

Writes io.image/src/test/resources/images/: small images of every kind Images.read
supports, each with <name>.npy holding the expected (1, H, W, 3) float32 tensor of RGB
values 0..255 (alpha dropped, 16-bit scaled by 255/65535), plus expected grey (ITU-R 601
luma, unrounded) and bilinear resizes (PyTorch interpolate, align_corners=False, i.e.
half-pixel centres), and .npy files in other layouts for the Npy reader. The 16-bit PNGs
are encoded here by hand (zlib + CRC) so their bit depth is certain. truncated.jpg is
copied from Debian's python3-skimage (BSD-3-Clause, scikit-image authors).
"""
import os
import shutil
import struct
import zlib

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "io.image", "src", "test", "resources", "images")
H, W = 10, 12


def save_npy(name, a):
    np.save(os.path.join(OUT, name), np.asarray(a, dtype=np.float32))


def expected(name, rgb):
    """rgb: (H, W, 3) float array of 0..255 -> <name>.npy as (1, H, W, 3)."""
    save_npy(name + ".npy", np.asarray(rgb, dtype=np.float64)[None].astype(np.float32))


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png16(path, a):
    """a: (H, W) or (H, W, 3) uint16 -> 16-bit grey or RGB PNG."""
    h, w = a.shape[:2]
    colour = 2 if a.ndim == 3 else 0
    raw = b"".join(b"\x00" + a[y].astype(">u2").tobytes() for y in range(h))
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, colour, 0, 0, 0))
    data += png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261126)
    yy, xx = np.mgrid[0:H, 0:W]

    rgb = np.stack([(xx * 21) % 256, (yy * 25) % 256, (xx * 7 + yy * 13) % 256], axis=-1).astype(np.uint8)
    Image.fromarray(rgb, "RGB").save(os.path.join(OUT, "rgb8.png"))
    expected("rgb8", rgb)
    luma = 0.299 * rgb[..., 0].astype(np.float64) + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    save_npy("rgb8.grey.npy", luma[None, :, :, None])
    Image.fromarray(rgb, "RGB").save(os.path.join(OUT, "rgb8.bmp"))
    expected("rgb8.bmp", rgb)

    import torch
    import torch.nn.functional as F
    t = torch.tensor(rgb, dtype=torch.float64).permute(2, 0, 1)[None]
    for (oh, ow) in [(5, 7), (23, 17)]:
        r = F.interpolate(t, size=(oh, ow), mode="bilinear", align_corners=False)
        save_npy("rgb8.resize_%dx%d.npy" % (ow, oh), r[0].permute(1, 2, 0).numpy()[None])

    grey = ((xx * 19 + yy * 7) % 256).astype(np.uint8)
    Image.fromarray(grey, "L").save(os.path.join(OUT, "grey8.png"))
    expected("grey8", np.repeat(grey[..., None], 3, axis=-1))
    save_npy("grey8.grey.npy", grey[None, :, :, None])

    alpha = ((xx + yy) * 20 % 256).astype(np.uint8)
    rgba = np.concatenate([rgb, alpha[..., None]], axis=-1)
    Image.fromarray(rgba, "RGBA").save(os.path.join(OUT, "rgba8.png"))
    expected("rgba8", rgb)

    la = np.stack([grey, alpha], axis=-1)
    Image.fromarray(la, "LA").save(os.path.join(OUT, "grey_alpha.png"))
    expected("grey_alpha", np.repeat(grey[..., None], 3, axis=-1))

    palette = np.array([[0, 0, 0], [255, 0, 0], [0, 128, 255], [250, 200, 10], [17, 99, 201]], dtype=np.uint8)
    idx = ((xx // 3 + yy // 2) % len(palette)).astype(np.uint8)
    p = Image.fromarray(idx, "P")
    p.putpalette(palette.reshape(-1).tolist())
    p.save(os.path.join(OUT, "palette.png"))
    expected("palette", palette[idx])

    g16 = ((xx * 5003 + yy * 977) % 65536).astype(np.uint16)
    png16(os.path.join(OUT, "grey16.png"), g16)
    expected("grey16", np.repeat((g16.astype(np.float64) * 255.0 / 65535.0)[..., None], 3, axis=-1))
    rgb16 = (rng.integers(0, 65536, size=(H, W, 3))).astype(np.uint16)
    png16(os.path.join(OUT, "rgb16.png"), rgb16)
    expected("rgb16", rgb16.astype(np.float64) * 255.0 / 65535.0)

    # GIF: two frames, the reader must return the first one.
    frame1 = Image.fromarray(idx, "P")
    frame1.putpalette(palette.reshape(-1).tolist())
    frame2 = Image.fromarray(((idx + 1) % len(palette)).astype(np.uint8), "P")
    frame2.putpalette(palette.reshape(-1).tolist())
    frame1.save(os.path.join(OUT, "anim.gif"), save_all=True, append_images=[frame2], duration=100, loop=0)
    expected("anim.gif", palette[idx])

    # JPEG: smooth content, no chroma subsampling; the expected tensor is PIL's (libjpeg-turbo)
    # decode, which the JDK's libjpeg 6b decoder matches within a few levels.
    smooth = np.stack([xx * 20 + 10, yy * 22 + 20, 200 - xx * 8 - yy * 6], axis=-1).clip(0, 255).astype(np.uint8)
    Image.fromarray(smooth, "RGB").save(os.path.join(OUT, "rgb.jpg"), quality=95, subsampling=0)
    expected("rgb.jpg", np.asarray(Image.open(os.path.join(OUT, "rgb.jpg")).convert("RGB")))

    # CMYK JPEG: expected is PIL's naive CMYK -> RGB conversion of its own decode.
    Image.fromarray(smooth, "RGB").convert("CMYK").save(os.path.join(OUT, "cmyk.jpg"), quality=90)
    expected("cmyk.jpg", np.asarray(Image.open(os.path.join(OUT, "cmyk.jpg")).convert("RGB")))

    src = "/usr/lib/python3/dist-packages/skimage/data/truncated.jpg"
    if os.path.exists(src):
        shutil.copyfile(src, os.path.join(OUT, "truncated.jpg"))

    # .npy layouts for the reader: big-endian, 1-D, float64 (must be refused), Fortran order (refused).
    save_npy("npy_vec.npy", np.arange(5, dtype=np.float32) * 0.5 - 1)
    np.save(os.path.join(OUT, "npy_be.npy"), (np.arange(6, dtype=np.float32) * 1.25).reshape(2, 3).astype(">f4"))
    np.save(os.path.join(OUT, "npy_f8.npy"), np.arange(4, dtype=np.float64))
    np.save(os.path.join(OUT, "npy_fortran.npy"), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))

    for f in sorted(os.listdir(OUT)):
        print("%-28s %6d bytes" % (f, os.path.getsize(os.path.join(OUT, f))))


if __name__ == "__main__":
    main()
