package io.cnnkit.layers.conv;

import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * The sliding window of a 2-D convolution and TensorFlow's size rules for it: kernel
 * (kh, kw), strides, dilation and padding valid|same. Output size: valid
 * {@code floor((in - (k-1)*d - 1) / s) + 1}, same {@code ceil(in / s)}. Same padding is
 * TensorFlow's asymmetric one: total {@code max((out-1)*s + (k-1)*d + 1 - in, 0)}, half
 * (rounded down) before, the rest after (bottom/right).
 */
record Window(int kh, int kw, int sh, int sw, int dh, int dw, boolean same) {

    /** Reads kernel_size, strides, dilation_rate and padding with Keras's rules. */
    static Window parse(LayerSpec spec) {
        int[] k = spec.getTuple("kernel_size", 2, null);
        int[] s = spec.getTuple("strides", 2, new int[] {1, 1});
        int[] d = spec.getTuple("dilation_rate", 2, new int[] {1, 1});
        String padding = spec.getChoice("padding", "valid", "valid", "same");
        if ((s[0] > 1 || s[1] > 1) && (d[0] > 1 || d[1] > 1)) {
            // Keras (TensorFlow) rejects this combination; keep the same rule.
            throw spec.error("strides " + s[0] + "x" + s[1] + " cannot be combined with dilation_rate " + d[0] + "x"
                    + d[1] + " (Keras allows strides > 1 only with dilation_rate 1); set strides=1 or dilation_rate=1");
        }
        return new Window(k[0], k[1], s[0], s[1], d[0], d[1], padding.equals("same"));
    }

    /** Only channels_last (NHWC) is computed; Keras 1 "tf" ordering maps to it. */
    static void checkDataFormat(LayerSpec spec) {
        String f = spec.getString("data_format", "channels_last");
        if (!f.equals("channels_last")) {
            throw spec.paramError("data_format", "is '" + f + "' but cnnkit computes channels_last (NHWC) only; "
                    + "convert the model to channels_last (Theano-ordered Keras 1 models need their kernels "
                    + "and input transposed)");
        }
    }

    /** The input must be (None, H, W, C); H and W may be open. */
    static void checkImageInput(LayerSpec spec, Shape input) {
        if (input.rank() != 3) {
            throw spec.error("expects images (None, height, width, channels) but its input is " + input
                    + "; put it after an image input or a layer that outputs (None, H, W, C)");
        }
    }

    /** A run's input must be a batch of images (N, H, W, C). */
    static void checkBatch(LayerSpec spec, Tensor input) {
        if (input.rank() != 4) {
            throw spec.error("expects a batch of images (N, H, W, C) but got a tensor of shape "
                    + input.shapeString());
        }
    }

    /** Extent of the dilated kernel along height. */
    int spanH() {
        return (kh - 1) * dh + 1;
    }

    int spanW() {
        return (kw - 1) * dw + 1;
    }

    static int outSize(int in, int span, int stride, boolean same) {
        if (in == Shape.UNKNOWN) {
            return Shape.UNKNOWN;
        }
        if (same) {
            return (in + stride - 1) / stride;
        }
        return in < span ? 0 : (in - span) / stride + 1;
    }

    static int padBefore(int in, int span, int stride, boolean same) {
        if (!same) {
            return 0;
        }
        int out = outSize(in, span, stride, true);
        int total = Math.max((out - 1) * stride + span - in, 0);
        return total / 2;
    }

    int outH(int in) {
        return outSize(in, spanH(), sh, same);
    }

    int outW(int in) {
        return outSize(in, spanW(), sw, same);
    }

    int padTop(int in) {
        return padBefore(in, spanH(), sh, same);
    }

    int padLeft(int in) {
        return padBefore(in, spanW(), sw, same);
    }

    /** (None, outH, outW, channels); fails when a known spatial size comes out empty. */
    Shape outputShape(LayerSpec spec, Shape input, int channels) {
        int h = input.dim(0);
        int w = input.dim(1);
        int oh = outH(h);
        int ow = outW(w);
        if (oh == 0 || ow == 0) {
            throw emptyOutput(spec, h, w);
        }
        return Shape.of(oh, ow, channels);
    }

    private ModelException emptyOutput(LayerSpec spec, int h, int w) {
        String in = dim(h) + "x" + dim(w);
        if (same || h == 0 || w == 0) {
            return spec.error("input " + in + " has an empty spatial axis; the layer before it must output at least "
                    + "one row and one column");
        }
        boolean dilated = dh > 1 || dw > 1;
        String kernel = "the " + kh + "x" + kw + " kernel" + (dilated ? " (dilated to " + spanH() + "x" + spanW() + ")" : "");
        return spec.error("input " + in + " is smaller than " + kernel + " with padding valid (strides " + sh + "x" + sw
                + ", dilation_rate " + dh + "x" + dw + "); use padding=same or a smaller kernel_size"
                + (dilated ? " or dilation_rate" : ""));
    }

    private static String dim(int d) {
        return d == Shape.UNKNOWN ? "None" : Integer.toString(d);
    }

    /** For messages: "3x3 kernel, strides 1x1, dilation_rate 1x1, padding same". */
    String describe() {
        return kh + "x" + kw + " kernel, strides " + sh + "x" + sw + ", dilation_rate " + dh + "x" + dw + ", padding "
                + (same ? "same" : "valid");
    }
}
