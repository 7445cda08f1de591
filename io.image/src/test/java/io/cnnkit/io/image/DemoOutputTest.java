package io.cnnkit.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.Images;
import io.cnnkit.io.api.Npy;
import io.cnnkit.io.api.PictureOptions;
import io.cnnkit.io.api.Reports;

/**
 * Writes fixed outputs under {@code io.image/target/demo/} for the documented external checks:
 * {@code cnf/check-report.sh} (report.html rendered by headless Chromium; the graph report with
 * {@code cnf/check-report.sh io.image/target/demo/graph/report.html}) and
 * {@code cnf/check-npy.py} (Java-written .npy files read by numpy).
 */
class DemoOutputTest {
    static final Path OUT = Path.of("target", "demo");

    /** Exactly representable values so numpy can recompute them: (i % 17 - 8) * 0.25. */
    static Tensor pattern(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (i % 17 - 8) * 0.25f;
        }
        return t;
    }

    @Test
    void npyFilesForNumpy() throws IOException {
        Path dir = Files.createDirectories(OUT.resolve("npy-check"));
        Npy.write(pattern(1, 5, 5, 3), dir.resolve("nhwc.npy"));
        Npy.write(pattern(1, 10), dir.resolve("vector.npy"));
        Npy.write(pattern(7), dir.resolve("rank1.npy"));
        Npy.write(pattern(2, 3, 4, 5), dir.resolve("batch.npy"));
        Tensor special = Tensor.wrap(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f,
                Float.MIN_VALUE, Float.MAX_VALUE}, 1, 6);
        Npy.write(special, dir.resolve("special.npy"));
        assertTrue(special.contentEquals(Npy.read(dir.resolve("special.npy"))));
    }

    /** A small synthetic picture traced through hand-written stages (edge filter, pooling, relu, 8 maps, dense). */
    @Test
    void demoReport() throws IOException {
        int h = 64;
        int w = 80;
        Tensor in = Tensor.zeros(1, h, w, 3);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double r = Math.hypot(x - 30, y - 28);
                in.set((float) (255 * x / (w - 1.0)), 0, y, x, 0);
                in.set(r < 18 ? 230f : 40f, 0, y, x, 1);
                in.set((float) (127 + 120 * Math.sin(y * 0.3)), 0, y, x, 2);
            }
        }
        List<Stage> stages = new ArrayList<>();
        stages.add(new Stage(0, "input", "input", in));
        Tensor lap = Tensor.zeros(1, h - 2, w - 2, 3);
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                for (int c = 0; c < 3; c++) {
                    float v = in.get(0, y - 1, x, c) + in.get(0, y + 1, x, c) + in.get(0, y, x - 1, c)
                            + in.get(0, y, x + 1, c) - 4 * in.get(0, y, x, c);
                    lap.set(v, 0, y - 1, x - 1, c);
                }
            }
        }
        stages.add(new Stage(1, "conv_1", "conv2d", lap));
        Tensor pool = Tensor.zeros(1, 20, 26, 3);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 26; x++) {
                for (int c = 0; c < 3; c++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int dy = 0; dy < 3; dy++) {
                        for (int dx = 0; dx < 3; dx++) {
                            m = Math.max(m, lap.get(0, 3 * y + dy, 3 * x + dx, c));
                        }
                    }
                    pool.set(m, 0, y, x, c);
                }
            }
        }
        stages.add(new Stage(2, "max_pooling2d", "max_pooling2d", pool));
        Tensor maps = Tensor.zeros(1, 20, 26, 8);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 26; x++) {
                for (int k = 0; k < 8; k++) {
                    float v = (float) Math.cos(k * 0.8) * pool.get(0, y, x, k % 3) + (k - 4) * 3;
                    maps.set(Math.max(0, v), 0, y, x, k);
                }
            }
        }
        stages.add(new Stage(3, "conv_2", "conv2d", maps));
        Tensor dense = Tensor.zeros(1, 8);
        for (int k = 0; k < 8; k++) {
            dense.set((float) Math.sin(k + 1) * 4, 0, k);
        }
        stages.add(new Stage(4, "dens_1", "dense", dense));
        Path report = Reports.writeTrace("cnnkit demo trace", stages, null, OUT.resolve("report"), true);
        assertTrue(Files.isRegularFile(report));
        Tensor kernel = Tensor.zeros(3, 3, 3, 4);
        for (int i = 0; i < kernel.size(); i++) {
            kernel.data()[i] = (float) Math.sin(i * 1.7);
        }
        Images.writeKernels(kernel, OUT.resolve("kernels.png"));
        assertEquals(11, Files.list(OUT.resolve("report")).count());
    }

    /**
     * A MobileNetV2-shaped trace (Keras's layer names and graph, output shapes for a 32x32 RGB
     * input) with a second head on the last block, so the report draws a 157-node graph with
     * skip connections and two outputs.
     */
    @Test
    void demoGraphReport() throws IOException {
        GraphLayoutTest.G g = GraphLayoutTest.mobileNetV2();
        List<Stage> stages = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        for (int i = 0; i < g.size(); i++) {
            String name = g.names.get(i);
            String type = g.types.get(i);
            int[] in = i == 0 ? new int[] {32, 32, 3} : shapes.get(g.inputs.get(i).get(0));
            int[] out = in.clone();
            if (name.equals("Conv1")) {
                out = new int[] {in[0] / 2, in[1] / 2, 32};
            } else if (name.endsWith("_pad")) {
                out = new int[] {in[0] + 1, in[1] + 1, in[2]};
            } else if (type.equals("depthwise_conv2d") && g.names.get(i - 1).endsWith("_pad")) {
                out = new int[] {(in[0] - 3) / 2 + 1, (in[1] - 3) / 2 + 1, in[2]};
            } else if (name.endsWith("_expand")) {
                out = new int[] {in[0], in[1], in[2] * 6};
            } else if (name.equals("expanded_conv_project")) {
                out = new int[] {in[0], in[1], 16};
            } else if (name.endsWith("_project")) {
                int b = Integer.parseInt(name.split("_")[1]);
                out = new int[] {in[0], in[1], new int[] {24, 24, 32, 32, 32, 64, 64, 64, 64, 96, 96, 96, 160, 160, 160,
                    320}[b - 1]};
            } else if (name.equals("Conv_1")) {
                out = new int[] {in[0], in[1], 1280};
            } else if (type.equals("global_average_pooling2d")) {
                out = new int[] {in[2]};
            } else if (type.equals("dense")) {
                out = new int[] {1000};
            }
            shapes.add(out);
            int[] batch = new int[out.length + 1];
            batch[0] = 1;
            System.arraycopy(out, 0, batch, 1, out.length);
            List<String> reads = g.inputs.get(i).stream().map(g.names::get).toList();
            stages.add(new Stage(i, name, i == 0 ? "input" : type, pattern(batch), reads));
        }
        stages.add(new Stage(g.size(), "aux_head", "conv2d", pattern(1, 1, 1, 8), List.of("block_16_project_BN")));
        // Scale 1: the deep stages' 1x1 maps would otherwise be enlarged to 32 px each (pictures of ~1000 px).
        Path report = Reports.writeTrace("MobileNetV2-shaped graph (+ a second head)", stages, null, OUT.resolve("graph"),
                false, PictureOptions.DEFAULT.withScale(1));
        String html = Files.readString(report);
        assertEquals(157, html.split("<rect class=\"node\"", -1).length - 1);
        assertEquals(165 + 1, html.split("<path class=\"edge", -1).length - 1);
    }
}
