package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;

/**
 * The demo's index.html: one row per step, each picture at one display size ({@link #DISPLAY}
 * px square, small pictures enlarged pixelated, large ones scaled down smoothly), the colour
 * scale of the pictures, kernel matrices as numbers next to their pictures, and the per-filter
 * maps of 3-channel stages beside their colour picture.
 */
final class DemoPage {
    /** The one display size of every picture, in CSS pixels (a box: non-square pictures keep their aspect). */
    static final int DISPLAY = 224;

    /**
     * One picture (or, with a null {@code src}, only text) in a row: its file relative to the
     * page, whether it is smaller than {@link #DISPLAY} (drawn pixelated), a caption, and HTML
     * under it (colour scale, kernel matrices).
     */
    record Figure(String src, boolean up, String caption, String below) {
    }

    /** One step: the page section, title, tensor shape, its figures, and HTML after them. */
    record Row(String section, String title, String shape, List<Figure> figures, String aside) {
    }

    private DemoPage() {
    }

    static void write(Path out, String input, String inputShape, Figure inputFigure, String weightsNote,
            Summary summary, List<Row> rows, List<String> traces) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>cnnkit demo</title>\n<style>\n")
                .append(":root{--pic:").append(DISPLAY).append("px}\n")
                .append("body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1260px;padding:0 1em;")
                .append("color:#222}\n")
                .append(".row{border-top:1px solid #ddd;padding:.6em 0}.row h3{font-size:1em;margin:0 0 .4em}\n")
                .append(".pics{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}\n")
                .append("figure{margin:0;width:var(--pic)}figcaption{font-size:.85em}\n")
                // one display size for every picture; only enlarged ones are pixelated (nearest neighbour)
                .append("img.pic{display:block;width:var(--pic);height:var(--pic);object-fit:contain;")
                .append("border:1px solid #ccc;background:#fff}\n")
                .append("img.up{image-rendering:pixelated}\n")
                .append(".aside{max-width:var(--pic);font-size:.85em}\n")
                .append("table.k{border-collapse:collapse;font:11px ui-monospace,monospace;margin:.2em 0}\n")
                .append("table.k td{border:1px solid #ddd;padding:1px 4px;text-align:right}\n")
                .append(".kin{display:flex;gap:.4em;align-items:center;font-size:11px}\n")
                .append(".dim{color:#666}pre{background:#f6f6f6;padding:.8em;overflow-x:auto}\n")
                .append("</style></head><body>\n")
                .append("<h1>cnnkit: the walkthrough replayed</h1>\n<p>Input: <code>").append(esc(input))
                .append("</code> ").append(inputShape).append(". Every picture is shown in a ").append(DISPLAY)
                .append(" x ").append(DISPLAY).append(" px box: smaller ones enlarged by nearest neighbour (each value a ")
                .append("sharp square), larger ones scaled down. Under each picture its colour scale: the values ")
                .append("its darkest and brightest colours stand for.</p>\n")
                .append("<div class=\"pics\">").append(figure(inputFigure)).append("</div>\n");
        String section = null;
        for (Row r : rows) {
            if (!r.section().equals(section)) {
                section = r.section();
                h.append("<h2>").append(esc(heading(section))).append("</h2>\n").append(intro(section, weightsNote));
                if (section.equals("forward")) {
                    h.append("<pre>").append(esc(summary.format())).append("</pre>\n");
                }
            }
            h.append("<div class=\"row\"><h3>").append(esc(r.title())).append(" <span class=\"dim\">")
                    .append(esc(r.shape())).append("</span></h3>\n<div class=\"pics\">\n");
            for (Figure f : r.figures()) {
                h.append(figure(f));
            }
            if (!r.aside().isEmpty()) {
                h.append("<div class=\"aside\">").append(r.aside()).append("</div>\n");
            }
            h.append("</div></div>\n");
        }
        h.append("<h2>Stage-by-stage reports</h2>\n<ul>\n");
        for (String t : traces) {
            h.append("<li><a href=\"").append(t).append("/report.html\">").append(t).append("</a></li>\n");
        }
        h.append("</ul>\n</body></html>\n");
        try {
            Files.writeString(out.resolve("index.html"), h, StandardCharsets.UTF_8);
            Files.writeString(out.resolve("report.html"), "<!DOCTYPE html><meta http-equiv=\"refresh\" "
                    + "content=\"0; url=index.html\"><a href=\"index.html\">cnnkit demo</a>\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CnnIoException("cannot write " + out.resolve("index.html") + ": " + e.getMessage(), e);
        }
    }

    private static String figure(Figure f) {
        StringBuilder b = new StringBuilder("<figure>");
        if (f.src() != null) {
            b.append("<img class=\"pic").append(f.up() ? " up" : "").append("\" src=\"").append(esc(f.src()))
                    .append("\" alt=\"").append(esc(f.caption())).append("\">");
        }
        b.append("<figcaption>").append(esc(f.caption())).append("</figcaption>").append(f.below());
        return b.append("</figure>\n").toString();
    }

    private static String heading(String section) {
        return switch (section) {
            case "kernels" -> "1. Convolution kernels: sharpen 3x3, sharpen 5x5, Laplacian";
            case "forward" -> "2. Forward propagation, one layer more each time";
            case "activations" -> "3. The same with sigmoid and tanh";
            case "kernel sizes" -> "4. Kernel size: 3x3, 2x2, 24x24, every weight 0.12";
            default -> section;
        };
    }

    private static String intro(String section, String weightsNote) {
        String p = switch (section) {
            case "kernels" -> "Each kernel filters the photo channel by channel (a conv2d with one filter per channel, "
                    + "padding same). The filtered values leave 0..255: min-max normalisation (the walkthrough's "
                    + "pictures) squeezes them back and greys the photo; clipping to 0..255, as image editors do "
                    + "(<code>./cnnkit filter IMAGE KERNEL --clip</code>), keeps its contrast.";
            case "forward" -> esc(weightsNote) + " Each conv stage has 3 filters: the colour picture shows them as red, "
                    + "green and blue, and the three maps beside it show one filter each (viridis, on the colour "
                    + "picture's scale), with the filter's kernel under it: one 3x3 matrix per input channel, and its "
                    + "bias. The flatten stage's 5,808 values are wrapped row by row into a near-square grid, one cell "
                    + "per value (a bar chart would merge them); the dense stage's 8 values are bars.";
            case "activations" -> "The seed model's first six layers with sigmoid and with tanh in place of relu "
                    + "(the same weights, loaded by name).";
            case "kernel sizes" -> "3 filters with every weight 0.12: the three filters are equal, so the colour picture "
                    + "is grey. The larger the kernel, the wider the blur and the smaller the output.";
            default -> "";
        };
        return p.isEmpty() ? "" : "<p>" + p + "</p>\n";
    }

    /** A matrix as an HTML table of numbers (up to 3 significant digits). */
    static String matrix(float[][] m) {
        return matrix(m, null);
    }

    /** A matrix as an HTML table, each number formatted with {@code format} (null: {@link #number}). */
    static String matrix(float[][] m, String format) {
        StringBuilder b = new StringBuilder("<table class=\"k\">");
        for (float[] row : m) {
            b.append("<tr>");
            for (float v : row) {
                b.append("<td>").append(format == null ? number(v) : String.format(Locale.ROOT, format, v))
                        .append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</table>").toString();
    }

    /**
     * The kernel of filter {@code f} of a conv kernel (kh, kw, in, out): one matrix per input
     * channel, labelled, and the filter's bias (when there is one).
     */
    static String filterKernel(Tensor kernel, Tensor bias, int f) {
        int kh = kernel.dim(0);
        int kw = kernel.dim(1);
        int in = kernel.dim(2);
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < in; c++) {
            float[][] m = new float[kh][kw];
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    m[y][x] = kernel.get(y, x, c, f);
                }
            }
            b.append("<div class=\"kin\"><span>in ").append(c).append("</span>").append(matrix(m, "%.3f"))
                    .append("</div>");
        }
        if (bias != null) {
            b.append("<div class=\"kin\"><span>bias ").append(number(bias.get(f))).append("</span></div>");
        }
        return b.toString();
    }

    /** Up to 3 significant digits, without trailing zeros (-1, 0.04, 1.96, -0.234). */
    static String number(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        if (!s.contains("e") && s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s.equals("-0") ? "0" : s;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
