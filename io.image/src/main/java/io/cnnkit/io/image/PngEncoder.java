package io.cnnkit.io.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small PNG encoder for the stage pictures: 8-bit RGB or grey, no alpha, no interlacing,
 * deflated at a fast level. ImageIO's writer costs a one-shot command more than the pictures
 * themselves: its service registry and plug-in classes load cold, it tries all five filters on
 * every row and streams through a temporary cache file. Pictures of stages are large flat blocks
 * (enlarged pixels, tiles on a white ground), so the filters are chosen from the pixels, not by
 * weighing: a row equal to the one above is filtered with up (all zeros), any other with sub
 * (zeros along each run of equal pixels, which need no work at all). A report's pictures come
 * out about 2% larger than with the usual smallest-sum heuristic, in 40% less time.
 *
 * <p>A colour image of at most 256 colours (a stage picture: colormap levels on a white ground,
 * grey frames and labels; 84 of the MobileNet report's 85 pictures) is written with a palette,
 * one byte per pixel instead of three: the same pixels for any reader, a third of the bytes to
 * filter and deflate (deflating was most of the report's picture time) and smaller files.
 */
final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** zlib level: 1 is several times faster than the default 6 and within a few percent in size here. */
    static final int LEVEL = Deflater.BEST_SPEED;
    /** Bytes of filtered rows deflated at a time. */
    private static final int CHUNK = 1 << 16;
    /** Copied over a deflated chunk to zero it (never written). */
    private static final byte[] ZEROS = new byte[CHUNK];
    /** Colour types (IHDR). */
    static final int GREY = 0;
    static final int RGB = 2;
    static final int INDEXED = 3;
    /** The most colours a palette holds (8-bit indices). */
    static final int PALETTE = 256;

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
        Rows rows = Rows.of(img);
        if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return deflated(img, new GreyRows(rows, img.getWidth()), level);
        }
        byte[] indexed = deflated(img, new IndexedRows(rows, img.getWidth()), level);
        return indexed != null ? indexed : deflated(img, new RgbRows(rows, img.getWidth()), level);
    }

    /**
     * The PNG file of {@code img} with its rows filtered by {@code filter}, or null when the
     * filter cannot take the image (more colours than a palette holds).
     */
    private static byte[] deflated(BufferedImage img, RowFilter filter, int level) {
        int h = img.getHeight();
        int row = filter.bytesPerRow() + 1; // the filter type byte first
        // Filtered rows go into a zeroed buffer of whole rows (about 64 KB), deflated a buffer at a
        // time: far fewer native calls than a row at a time, no image-sized buffer to allocate
        int rows = Math.min(h, Math.max(1, CHUNK / row)) * row;
        Scratch s = Scratch.take(rows);
        byte[] raw = s.raw;
        Deflater z = new Deflater(level);
        Idat idat = new Idat();
        boolean zeroed = false; // raw all zero again: the scratch goes back (else it is dropped)
        try {
            int at = 0;
            for (int y = 0; y < h; y++, at += row) {
                if (at == rows) {
                    deflate(z, raw, at, idat, s.out);
                    at = 0;
                }
                if (!filter.filter(y, raw, at)) {
                    zero(raw, at + row);
                    zeroed = true;
                    return null;
                }
            }
            deflate(z, raw, at, idat, s.out);
            zeroed = true;
            z.finish();
            while (!z.finished()) {
                idat.write(s.out, 0, z.deflate(s.out));
            }
        } finally {
            z.end();
            if (zeroed) {
                Scratch.give(s);
            }
        }
        return file(img.getWidth(), h, filter.colourType(), filter.palette(), idat);
    }

    /**
     * The filtered rows' buffer (kept zeroed between pictures) and the deflater's output buffer
     * of a picture being encoded, reused: new ones per picture were 8 MB of a one-shot MobileNet
     * run's allocation (85 pictures), enough to cost it a garbage collection. A few at most (one
     * per thread encoding at once); only JDK types held, nothing per thread.
     */
    private static final class Scratch {
        private static final ConcurrentLinkedQueue<Scratch> FREE = new ConcurrentLinkedQueue<>();
        final byte[] raw;
        final byte[] out = new byte[1 << 15];

        private Scratch(int rawBytes) {
            raw = new byte[rawBytes];
        }

        /** A scratch whose raw buffer holds {@code rawBytes}, all zero. */
        static Scratch take(int rawBytes) {
            Scratch s = FREE.poll();
            if (s != null && s.raw.length >= rawBytes) {
                return s;
            }
            if (s != null) {
                FREE.offer(s);
            }
            // none free, or a picture with a row wider than a chunk (its buffer is not kept)
            return new Scratch(Math.max(rawBytes, CHUNK));
        }

        /** Returns {@code s}, its raw buffer zeroed again by its user. */
        static void give(Scratch s) {
            if (s.raw.length == CHUNK) {
                FREE.offer(s);
            }
        }
    }

    /** The deflated rows, with direct access to its bytes for {@link #file} (one copy into the file). */
    private static final class Idat extends ByteArrayOutputStream {
        Idat() {
            super(1 << 14);
        }

        byte[] bytes() {
            return buf;
        }
    }

    /**
     * One image row at a time into the bytes PNG deflates: the filter type, then the filtered
     * bytes, written into a zeroed buffer (zeros are left as they are). A row equal to the one
     * above is "up" (all zeros), any other "sub" (zeros along a run of equal pixels).
     */
    private interface RowFilter {
        int colourType();

        int bytesPerRow();

        /** Row {@code y} into {@code raw[at, at + 1 + bytesPerRow())}; false: this filter cannot write the image. */
        boolean filter(int y, byte[] raw, int at);

        /** The palette's RGB triples (its length: three per colour), or null. */
        default byte[] palette() {
            return null;
        }
    }

    /** 8-bit grey. */
    private static final class GreyRows implements RowFilter {
        private final Rows rows;
        private byte[] g;
        private byte[] prev;

        GreyRows(Rows rows, int w) {
            this.rows = rows;
            this.g = new byte[w];
            this.prev = new byte[w];
        }

        @Override
        public int colourType() {
            return GREY;
        }

        @Override
        public int bytesPerRow() {
            return g.length;
        }

        @Override
        public boolean filter(int y, byte[] raw, int at) {
            rows.grey(y, g);
            if (y > 0 && Arrays.equals(g, prev)) {
                raw[at] = 2;
                return true;
            }
            raw[at] = 1;
            byte left = 0;
            for (int x = 0; x < g.length; x++) {
                byte v = g[x];
                raw[at + 1 + x] = (byte) (v - left);
                left = v;
            }
            byte[] t = prev;
            prev = g;
            g = t;
            return true;
        }
    }

    /** Colour rows: a row equal to the one above "up", any other "sub", through {@link #sub}. */
    private abstract static class ColourRows implements RowFilter {
        private final Rows rows;
        private int[] argb;
        private int[] prev;

        ColourRows(Rows rows, int w) {
            this.rows = rows;
            this.argb = new int[w];
            this.prev = new int[w];
        }

        final int width() {
            return argb.length;
        }

        @Override
        public final boolean filter(int y, byte[] raw, int at) {
            rows.rgb(y, argb);
            if (y > 0 && Arrays.equals(argb, prev)) {
                raw[at] = 2;
                return true;
            }
            raw[at] = 1;
            if (!sub(argb, raw, at + 1)) {
                return false;
            }
            int[] t = prev;
            prev = argb;
            argb = t;
            return true;
        }

        /** The row's pixels, sub-filtered, from {@code raw[at]} on; false: this filter cannot write them. */
        abstract boolean sub(int[] argb, byte[] raw, int at);
    }

    /** 8-bit RGB. */
    private static final class RgbRows extends ColourRows {
        RgbRows(Rows rows, int w) {
            super(rows, w);
        }

        @Override
        public int colourType() {
            return RGB;
        }

        @Override
        public int bytesPerRow() {
            return width() * 3;
        }

        @Override
        boolean sub(int[] argb, byte[] raw, int at) {
            int left = 0;
            for (int x = 0, i = at; x < argb.length; x++, i += 3) {
                int p = argb[x];
                if (p != left) {
                    raw[i] = (byte) ((p >>> 16) - (left >>> 16));
                    raw[i + 1] = (byte) ((p >>> 8) - (left >>> 8));
                    raw[i + 2] = (byte) (p - left);
                    left = p;
                }
            }
            return true;
        }
    }

    /**
     * 8-bit palette indices, in the order the colours first appear; false at the first pixel
     * past {@value #PALETTE} colours (the caller then writes RGB).
     */
    private static final class IndexedRows extends ColourRows {
        private final byte[] palette = new byte[PALETTE * 3];
        // open addressing: colour + 1 (0 marks a free slot) -> index; twice the palette's size
        private final int[] keys = new int[PALETTE * 2];
        private final byte[] values = new byte[PALETTE * 2];
        private int colours;

        IndexedRows(Rows rows, int w) {
            super(rows, w);
        }

        @Override
        public int colourType() {
            return INDEXED;
        }

        @Override
        public int bytesPerRow() {
            return width();
        }

        @Override
        public byte[] palette() {
            return Arrays.copyOf(palette, colours * 3);
        }

        @Override
        boolean sub(int[] argb, byte[] raw, int at) {
            int last = -1;
            int index = 0;
            int left = 0;
            for (int x = 0; x < argb.length; x++) {
                int c = argb[x] & 0xffffff;
                if (c != last) {
                    int slot = (c * 0x9E3779B1) >>> 23; // 9 bits: keys.length == 512
                    while (keys[slot] != 0 && keys[slot] != c + 1) {
                        slot = (slot + 1) & (keys.length - 1);
                    }
                    if (keys[slot] == 0) {
                        if (colours == PALETTE) {
                            return false;
                        }
                        keys[slot] = c + 1;
                        values[slot] = (byte) colours;
                        palette[colours * 3] = (byte) (c >>> 16);
                        palette[colours * 3 + 1] = (byte) (c >>> 8);
                        palette[colours * 3 + 2] = (byte) c;
                        colours++;
                    }
                    index = values[slot] & 0xff;
                    last = c;
                }
                raw[at + x] = (byte) (index - left);
                left = index;
            }
            return true;
        }
    }

    /** The file: signature, header, the palette if any, the deflated rows, end; built in one array. */
    private static byte[] file(int w, int h, int colourType, byte[] palette, Idat idat) {
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = 8; // bits per sample (per index for a palette)
        ihdr[9] = (byte) colourType; // compression, filter and interlace methods 0
        int chunks = 4 * 12 + ihdr.length + idat.size() + (palette == null ? 0 : palette.length);
        byte[] png = new byte[SIGNATURE.length + chunks - (palette == null ? 12 : 0)];
        System.arraycopy(SIGNATURE, 0, png, 0, SIGNATURE.length);
        int at = chunk(png, SIGNATURE.length, "IHDR", ihdr, ihdr.length);
        if (palette != null) {
            at = chunk(png, at, "PLTE", palette, palette.length);
        }
        at = chunk(png, at, "IDAT", idat.bytes(), idat.size());
        at = chunk(png, at, "IEND", ihdr, 0);
        assert at == png.length;
        return png;
    }

    /** Deflates {@code raw[0, len)} into {@code idat}, then zeroes it for the next rows. */
    private static void deflate(Deflater z, byte[] raw, int len, Idat idat, byte[] buf) {
        z.setInput(raw, 0, len);
        while (!z.needsInput()) {
            idat.write(buf, 0, z.deflate(buf));
        }
        zero(raw, len);
    }

    /** Zeroes {@code raw[0, len)} for the next rows. */
    private static void zero(byte[] raw, int len) {
        // by copying zeros: the client compiler (one-shot commands) makes Arrays.fill a byte
        // loop, where arraycopy is a stub; the fill was a sixth of the encoder's time there
        if (len <= ZEROS.length) {
            System.arraycopy(ZEROS, 0, raw, 0, len);
        } else { // one row wider than a chunk
            Arrays.fill(raw, 0, len, (byte) 0);
        }
    }

    /** Writes chunk {@code type} with {@code data[0, len)} at {@code png[at]}; returns where the next one starts. */
    private static int chunk(byte[] png, int at, String type, byte[] data, int len) {
        putInt(png, at, len);
        for (int i = 0; i < 4; i++) {
            png[at + 4 + i] = (byte) type.charAt(i);
        }
        System.arraycopy(data, 0, png, at + 8, len);
        CRC32 crc = new CRC32();
        crc.update(png, at + 4, 4 + len);
        putInt(png, at + 8 + len, (int) crc.getValue());
        return at + 12 + len;
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
