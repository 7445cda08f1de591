package io.cnnkit.launcher.shell;

import java.nio.file.Path;

import io.cnnkit.engine.api.DidYouMean;
import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Initializers;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelDescription;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.api.Walkthrough;
import io.cnnkit.io.api.ImageOptions;
import io.cnnkit.io.api.Images;
import io.cnnkit.io.api.PictureOptions;

/** cnn:filter: a classic image kernel (sharpen, sobel_x ...) applied to a picture with a conv2d. */
record FilterCommand(Engine engine) {

    /**
     * Options of {@link #filter}: the output picture (null: out/filter/IMAGE_KERNEL.png), and
     * {@code clip}: the picture holds the filtered values clamped to 0..255 ({@code
     * clamp(round(v))}, as image editors and OpenCV's imwrite save them) instead of min-max
     * normalised to 0..255 (the default, as the walkthrough's pictures).
     */
    public record FilterParams(Path out, boolean clip) {
        public static final FilterParams DEFAULT = new FilterParams(null, false);
    }

    /**
     * Applies a classic kernel channel by channel: a conv2d with filters = channels,
     * kernel_initializer = the kernel, padding same, no bias.
     */
    Results.Filtered filter(Path image, String kernel, FilterParams params) {
        FilterParams p = params == null ? FilterParams.DEFAULT : params;
        Path out = p.out();
        if (Initializers.kernel(kernel) == null) {
            String near = DidYouMean.closest(kernel, Initializers.kernelNames());
            throw new CommandException("unknown kernel '" + kernel + "'" + (near == null ? "" : "; did you mean '"
                    + near + "'?"),
                    "available: " + String.join(", ", Initializers.kernelNames()));
        }
        FileArgs.requireFile(image, "image");
        Tensor img = Images.read(image, ImageOptions.DEFAULT);
        Tensor result = filter(img, kernel);
        Path target = out != null ? out : Path.of("out", "filter", FileArgs.stem(image) + "_" + kernel + ".png");
        FileArgs.mkdirs(target.toAbsolutePath().getParent());
        Images.writePicture(result, target, p.clip() ? PictureOptions.DEFAULT.withRange(PictureOptions.Range.CLIP)
                : PictureOptions.DEFAULT);
        return new Results.Filtered(image, kernel, result.shapeString(), target, p.clip());
    }

    /** One conv2d filter pass on an (N, H, W, C) tensor. */
    Tensor filter(Tensor img, String kernel) {
        ModelDescription d = Walkthrough.kernelModel("filter_" + kernel, kernel,
                Shape.of(img.dim(1), img.dim(2), img.dim(3)));
        try (Model m = engine.build(d)) {
            return m.predict(img);
        }
    }
}
