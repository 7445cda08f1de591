package io.cnnkit.io.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small PNG encoder for the stage pictures: 8-bit RGB or grey, no alpha, no interlacing, each
 * row filtered with none, sub or up (whichever gives the smallest sum of magnitudes, the usual
 * heuristic), deflated at a fast level. ImageIO's writer costs a one-shot command more than the
 * pictures themselves: its service registry and plug-in classes load cold, it tries all five
 * filters on every row and streams through a temporary cache file. Pictures of stages are large
 * flat blocks (enlarged pixels, tiles on a white ground) that sub and up filter to runs of zeros,
 * so a fast deflate level costs little in size.
 */
final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** zlib level: 1 is several times faster than the default 6 and within a few percent in size here. */
    static final int LEVEL = Deflater.BEST_SPEED;

    private PngEncoder() {
    }

    /** Whether {@link #encode} takes this image: grey bytes, or any colour image without alpha. */
    static boolean supports(BufferedImage img) {
        return img.getType() == BufferedImage.TYPE_BYTE_GRAY || !img.getColorModel().hasAlpha();
    }

    /** The PNG file of {@code img} ({@link #supports} must hold). */
    static byte[] encode(BufferedImage img) {
        return encode(img, LEVEL);
    }

    /** As {@link #encode(BufferedImage)} at a zlib level 0..9. */
    static byte[] encode(BufferedImage img, int level) {
        if (!supports(img)) {
            throw new IllegalArgumentException("the PNG encoder takes grey or RGB images without alpha, got type "
                    + img.getType());
        }
        int w = img.getWidth();
        int h = img.getHeight();
        boolean grey = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
        int bpp = grey ? 1 : 3;
        int stride = w * bpp;
        Deflater z = new Deflater(level);
        ByteArrayOutputStream idat = new ByteArrayOutputStream(Math.max(1024, h * stride / 8));
        byte[] buf = new byte[1 << 15];
        byte[] prev = new byte[stride];
        byte[] cur = new byte[stride];
        byte[][] filtered = {new byte[stride + 1], new byte[stride + 1], new byte[stride + 1]};
        int[] argb = grey ? null : new int[w];
        int[] prevArgb = grey ? null : new int[w];
        Rows rows = Rows.of(img);
        try {
            for (int y = 0; y < h; y++) {
                // An enlarged map repeats each row: up filters a repeat to zeros, no need to convert
                // its pixels or weigh filters.
                boolean same;
                if (grey) {
                    rows.grey(y, cur);
                    same = y > 0 && Arrays.equals(cur, prev);
                } else {
                    rows.rgb(y, argb);
                    same = y > 0 && Arrays.equals(argb, prevArgb);
                    if (!same) {
                        for (int x = 0, i = 0; x < w; x++, i += 3) {
                            int p = argb[x];
                            cur[i] = (byte) (p >>> 16);
                            cur[i + 1] = (byte) (p >>> 8);
                            cur[i + 2] = (byte) p;
                        }
                    }
                }
                byte[] row = same ? zeros(filtered[2]) : filter(cur, prev, y == 0, bpp, filtered);
                z.setInput(row, 0, stride + 1);
                while (!z.needsInput()) {
                    idat.write(buf, 0, z.deflate(buf));
                }
                if (!same) {
                    byte[] t = prev;
                    prev = cur;
                    cur = t;
                    int[] a = prevArgb;
                    prevArgb = argb;
                    argb = a;
                }
            }
            z.finish();
            while (!z.finished()) {
                idat.write(buf, 0, z.deflate(buf));
            }
        } finally {
            z.end();
        }
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = 8; // bits per sample
        ihdr[9] = (byte) (grey ? 0 : 2); // colour type: grey or RGB; compression, filter, interlace methods 0
        ByteArrayOutputStream png = new ByteArrayOutputStream(idat.size() + 64);
        png.writeBytes(SIGNATURE);
        chunk(png, "IHDR", ihdr, ihdr.length);
        byte[] data = idat.toByteArray();
        chunk(png, "IDAT", data, data.length);
        chunk(png, "IEND", new byte[0], 0);
        return png.toByteArray();
    }

    /** The row with its filter byte first: none, sub or up, whichever sums to the smallest magnitude. */
    private static byte[] filter(byte[] cur, byte[] prev, boolean first, int bpp, byte[][] out) {
        int n = cur.length;
        byte[] none = out[0];
        byte[] sub = out[1];
        byte[] up = out[2];
        none[0] = 0;
        sub[0] = 1;
        up[0] = 2;
        long sNone = 0;
        long sSub = 0;
        long sUp = 0;
        for (int i = 0; i < n; i++) {
            byte c = cur[i];
            byte a = i >= bpp ? cur[i - bpp] : 0;
            byte b = first ? 0 : prev[i];
            byte vs = (byte) (c - a);
            byte vu = (byte) (c - b);
            none[i + 1] = c;
            sub[i + 1] = vs;
            up[i + 1] = vu;
            sNone += Math.abs((int) c);
            sSub += Math.abs((int) vs);
            sUp += Math.abs((int) vu);
        }
        if (sSub <= sNone && sSub <= sUp) {
            return sub;
        }
        return sUp < sNone ? up : none;
    }

    /** The up-filtered row of a row equal to the one above: filter byte 2, then zeros. */
    private static byte[] zeros(byte[] up) {
        Arrays.fill(up, (byte) 0);
        up[0] = 2;
        return up;
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data, int len) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        byte[] four = new byte[4];
        putInt(four, 0, len);
        png.writeBytes(four);
        png.writeBytes(t);
        png.write(data, 0, len);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, 0, len);
        putInt(four, 0, (int) crc.getValue());
        png.writeBytes(four);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /**
     * Rows of an image: straight from the pixel array for the layouts {@link Pictures} makes
     * (packed int RGB, one byte of grey per pixel), else through the image's colour model.
     */
    private record Rows(BufferedImage img, int[] ints, byte[] bytes, int scan, int offset) {
        static Rows of(BufferedImage img) {
            var raster = img.getRaster();
            if (img.getType() == BufferedImage.TYPE_INT_RGB && raster.getSampleModel() instanceof SinglePixelPackedSampleModel m
                    && raster.getDataBuffer() instanceof DataBufferInt d && raster.getSampleModelTranslateX() == 0
                    && raster.getSampleModelTranslateY() == 0 && d.getNumBanks() == 1) {
                return new Rows(img, d.getData(), null, m.getScanlineStride(), d.getOffset());
            }
            if (img.getType() == BufferedImage.TYPE_BYTE_GRAY && raster.getSampleModel() instanceof PixelInterleavedSampleModel m
                    && raster.getDataBuffer() instanceof DataBufferByte d && m.getPixelStride() == 1
                    && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                    && d.getNumBanks() == 1) {
                return new Rows(img, null, d.getData(), m.getScanlineStride(), d.getOffset() + m.getBandOffsets()[0]);
            }
            return new Rows(img, null, null, 0, 0);
        }

        void rgb(int y, int[] out) {
            if (ints != null) {
                System.arraycopy(ints, offset + y * scan, out, 0, out.length);
            } else {
                img.getRGB(0, y, out.length, 1, out, 0, out.length);
            }
        }

        void grey(int y, byte[] out) {
            if (bytes != null) {
                System.arraycopy(bytes, offset + y * scan, out, 0, out.length);
            } else {
                for (int x = 0; x < out.length; x++) {
                    out[x] = (byte) img.getRaster().getSample(x, y, 0);
                }
            }
        }
    }
}
