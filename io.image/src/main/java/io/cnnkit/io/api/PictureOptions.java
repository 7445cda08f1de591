package io.cnnkit.io.api;

/**
 * How a stage output becomes a picture ({@link Images#writePicture(io.cnnkit.engine.api.Tensor,
 * java.nio.file.Path, PictureOptions)}).
 *
 * @param perChannel normalise every channel map (grid tile, kernel tile) on its own instead of
 *                   min-max over the whole tensor (the walkthrough's way, the default)
 * @param colormap   how single maps (1 channel, grid tiles) are coloured; 3-channel stages are
 *                   always drawn as colour images
 * @param scale      integer nearest-neighbour enlargement of maps; 0 = automatic (maps whose
 *                   shorter side is under 32 pixels are enlarged up to 32, at most 16 times)
 * @param bgr        for 3-channel stages: channel 0 is blue (as OpenCV's imwrite, which the
 *                   walkthrough used with images read by imread); default channel 0 is red,
 *                   matching {@link ImageOptions#DEFAULT}
 */
public record PictureOptions(boolean perChannel, Colormap colormap, int scale, boolean bgr) {
    /** Colour maps for single-channel maps. */
    public enum Colormap {
        /** 0 black .. 255 white. */
        GREY,
        /** Matplotlib's perceptually uniform viridis (dark blue .. yellow). */
        VIRIDIS
    }

    /** Global min-max, grey, automatic scale, channel 0 red. */
    public static final PictureOptions DEFAULT = new PictureOptions(false, Colormap.GREY, 0, false);

    public PictureOptions {
        if (colormap == null) {
            throw new IllegalArgumentException("colormap is null; use GREY or VIRIDIS");
        }
        if (scale < 0 || scale > 64) {
            throw new IllegalArgumentException("scale must be 0 (automatic) or 1..64, got " + scale);
        }
    }

    public PictureOptions withPerChannel(boolean p) {
        return new PictureOptions(p, colormap, scale, bgr);
    }

    public PictureOptions withColormap(Colormap c) {
        return new PictureOptions(perChannel, c, scale, bgr);
    }

    public PictureOptions withScale(int s) {
        return new PictureOptions(perChannel, colormap, s, bgr);
    }

    public PictureOptions withBgr(boolean b) {
        return new PictureOptions(perChannel, colormap, scale, b);
    }
}
