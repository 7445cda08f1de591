package io.cnnkit.io.api;

/**
 * How a stage output becomes a picture ({@link Images#writePicture(io.cnnkit.engine.api.Tensor,
 * java.nio.file.Path, PictureOptions)}).
 *
 * @param perChannel normalise every channel map (grid tile, kernel tile) on its own instead of
 *                   min-max over the whole tensor (the walkthrough's way, the default); ignored
 *                   when {@code range} is set
 * @param colormap   how single maps (1 channel, grid tiles) are coloured; 3-channel stages are
 *                   always drawn as colour images
 * @param scale      integer nearest-neighbour enlargement of maps; 0 = automatic (maps whose
 *                   shorter side is under 32 pixels are enlarged up to 32, at most 16 times)
 * @param bgr        for 3-channel stages: channel 0 is blue (as OpenCV's imwrite, which the
 *                   walkthrough used with images read by imread); default channel 0 is red,
 *                   matching {@link ImageOptions#DEFAULT}
 * @param range      fixed values for level 0 and 255 (values outside are clamped); null = min-max
 *                   over the tensor (or each map, with {@code perChannel})
 */
public record PictureOptions(boolean perChannel, Colormap colormap, int scale, boolean bgr, Range range) {
    /** Colour maps for single-channel maps. */
    public enum Colormap {
        /** 0 black .. 255 white. */
        GREY,
        /** Matplotlib's perceptually uniform viridis (dark blue .. yellow). */
        VIRIDIS
    }

    /**
     * A fixed value range: {@code lo} draws as level 0, {@code hi} as 255, in between
     * {@code round((v - lo) * 255 / (hi - lo))}, and values outside are clamped.
     */
    public record Range(double lo, double hi) {
        /**
         * 0..255 as they are: {@code clamp(round(v), 0, 255)}, what image editors and OpenCV's
         * {@code imwrite} do with values outside a byte (a sharpened photo's overshoot is cut off,
         * not squeezed in as min-max does).
         */
        public static final Range CLIP = new Range(0, 255);

        public Range {
            if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(hi > lo)) {
                throw new IllegalArgumentException("a picture range needs finite lo < hi, got " + lo + " .. " + hi);
            }
        }
    }

    /** Global min-max, grey, automatic scale, channel 0 red. */
    public static final PictureOptions DEFAULT = new PictureOptions(false, Colormap.GREY, 0, false, null);

    public PictureOptions {
        if (colormap == null) {
            throw new IllegalArgumentException("colormap is null; use GREY or VIRIDIS");
        }
        if (scale < 0 || scale > 64) {
            throw new IllegalArgumentException("scale must be 0 (automatic) or 1..64, got " + scale);
        }
    }

    /** Min-max (no fixed range), as before the range existed. */
    public PictureOptions(boolean perChannel, Colormap colormap, int scale, boolean bgr) {
        this(perChannel, colormap, scale, bgr, null);
    }

    public PictureOptions withPerChannel(boolean p) {
        return new PictureOptions(p, colormap, scale, bgr, range);
    }

    public PictureOptions withColormap(Colormap c) {
        return new PictureOptions(perChannel, c, scale, bgr, range);
    }

    public PictureOptions withScale(int s) {
        return new PictureOptions(perChannel, colormap, s, bgr, range);
    }

    public PictureOptions withBgr(boolean b) {
        return new PictureOptions(perChannel, colormap, scale, b, range);
    }

    /** A fixed range ({@link Range#CLIP} for 0..255 as is), or null for min-max. */
    public PictureOptions withRange(Range r) {
        return new PictureOptions(perChannel, colormap, scale, bgr, r);
    }
}
