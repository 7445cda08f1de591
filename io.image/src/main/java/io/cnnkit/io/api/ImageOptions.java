package io.cnnkit.io.api;

/**
 * How an image becomes a tensor.
 *
 * @param grey      one channel (luminance) instead of RGB
 * @param bgr       channel order B, G, R (as OpenCV's imread, which the walkthrough used)
 * @param rescale   factor applied to every value (1.0 keeps 0..255; 1/255 gives 0..1)
 * @param width     resize to this width (0 = keep)
 * @param height    resize to this height (0 = keep)
 * @param maxPixels images whose header declares more pixels are refused before decoding
 */
public record ImageOptions(boolean grey, boolean bgr, double rescale, int width, int height, long maxPixels) {
    /** 50 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    public static final ImageOptions DEFAULT = new ImageOptions(false, false, 1.0, 0, 0, DEFAULT_MAX_PIXELS);

    public ImageOptions withGrey(boolean g) {
        return new ImageOptions(g, bgr, rescale, width, height, maxPixels);
    }

    public ImageOptions withBgr(boolean b) {
        return new ImageOptions(grey, b, rescale, width, height, maxPixels);
    }

    public ImageOptions withRescale(double r) {
        return new ImageOptions(grey, bgr, r, width, height, maxPixels);
    }

    public ImageOptions withResize(int w, int h) {
        return new ImageOptions(grey, bgr, rescale, w, h, maxPixels);
    }

    public ImageOptions withMaxPixels(long m) {
        return new ImageOptions(grey, bgr, rescale, width, height, m);
    }
}
