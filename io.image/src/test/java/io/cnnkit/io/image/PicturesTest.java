package io.cnnkit.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.Images;
import io.cnnkit.io.api.PictureOptions;

class PicturesTest {
    @TempDir
    Path dir;

    private static Tensor ramp(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = -3.5f + 0.25f * i;
        }
        return t;
    }

    private BufferedImage written(Tensor t, String name, PictureOptions o) throws IOException {
        Path f = dir.resolve(name);
        Images.writePicture(t, f, o);
        return ImageIO.read(f.toFile());
    }

    @Test
    void colourRangeIsMathMinAndMaxOverTheFiniteElements() {
        float[] pool = {0f, -0f, 1.5f, -2.25f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, -7f};
        java.util.Random r = new java.util.Random(12);
        for (int round = 0; round < 20_000; round++) {
            float[] v = new float[1 + r.nextInt(8)];
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(3) == 0 ? (float) r.nextGaussian() : pool[r.nextInt(pool.length)];
                if (i % 2 == 0 && Float.isFinite(v[i])) { // every other element: stride 2
                    lo = Math.min(lo, v[i]);
                    hi = Math.max(hi, v[i]);
                }
            }
            double[] got = Pictures.range(v, 0, (v.length + 1) / 2, 2);
            String what = java.util.Arrays.toString(v);
            assertEquals(Double.doubleToRawLongBits(lo), Double.doubleToRawLongBits(got[0]), "low of " + what);
            assertEquals(Double.doubleToRawLongBits(hi), Double.doubleToRawLongBits(got[1]), "high of " + what);
        }
    }

    @Test
    void oneChannelIsGreyWithMinAt0AndMaxAt255() throws IOException {
        Tensor t = ramp(1, 40, 50, 1);
        BufferedImage img = written(t, "grey.png", PictureOptions.DEFAULT);
        assertEquals(50, img.getWidth());
        assertEquals(40, img.getHeight());
        assertEquals(1, img.getRaster().getNumBands());
        assertEquals(0, img.getRaster().getSample(0, 0, 0));
        assertEquals(255, img.getRaster().getSample(49, 39, 0));
        // Interior value: round((v - min) * 255 / (max - min)).
        int i = 20 * 50 + 7;
        assertEquals(Math.round(i * 255.0 / (40 * 50 - 1)), img.getRaster().getSample(7, 20, 0));
    }

    @Test
    void constantTensorIsMidGrey() throws IOException {
        Tensor t = Tensor.zeros(1, 33, 34, 1);
        java.util.Arrays.fill(t.data(), 0.12f);
        BufferedImage img = written(t, "const.png", PictureOptions.DEFAULT);
        for (int y = 0; y < 33; y++) {
            for (int x = 0; x < 34; x++) {
                assertEquals(128, img.getRaster().getSample(x, y, 0));
            }
        }
        BufferedImage zeros = written(Tensor.zeros(1, 40, 40, 3), "zeros.png", PictureOptions.DEFAULT);
        assertEquals(0x808080, zeros.getRGB(5, 5) & 0xffffff);
    }

    @Test
    void threeChannelsAreColourNormalisedOverTheWholeTensor() throws IOException {
        Tensor t = Tensor.zeros(1, 32, 32, 3);
        t.set(-2f, 0, 0, 0, 0);
        t.set(6f, 0, 0, 0, 2);
        t.set(2f, 0, 1, 1, 1);
        BufferedImage img = written(t, "rgb.png", PictureOptions.DEFAULT);
        assertEquals(ColorSpace.TYPE_RGB, img.getColorModel().getColorSpace().getType(), "a colour picture (RGB or its palette)");
        // min -2 -> 0, max 6 -> 255, 0 -> round(2 * 255 / 8) = 64, 2 -> 128 (rounded 127.5).
        assertEquals(0x0040ff, img.getRGB(0, 0) & 0xffffff);
        assertEquals(0x408040, img.getRGB(1, 1) & 0xffffff);
        BufferedImage bgr = written(t, "bgr.png", PictureOptions.DEFAULT.withBgr(true));
        assertEquals(0xff4000, bgr.getRGB(0, 0) & 0xffffff);
    }

    @Test
    void eightChannelsMakeALabelledGrid() throws IOException {
        Tensor t = ramp(1, 6, 5, 8);
        PictureOptions o = PictureOptions.DEFAULT;
        int[] g = Pictures.gridGeometry(6, 5, 8, o);
        assertEquals(3, g[0]);
        assertEquals(3, g[1]);
        int sc = Pictures.scaleFor(6, 5, o);
        assertEquals(7, sc); // ceil(32 / 5)
        BufferedImage img = written(t, "grid.png", o);
        assertEquals(Pictures.PAD + 3 * (5 * sc + Pictures.PAD), img.getWidth());
        assertEquals(Pictures.PAD + 3 * (Pictures.LABEL + 6 * sc + Pictures.PAD), img.getHeight());
        double n = t.size() - 1;
        for (int k = 0; k < 8; k++) {
            int[] at = Pictures.tileOrigin(k, 6, 5, 8, o);
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 5; x++) {
                    int i = (y * 5 + x) * 8 + k;
                    int level = (int) Math.round(i * 255.0 / n);
                    assertEquals(level * 0x010101, img.getRGB(at[0] + x * sc + sc / 2, at[1] + y * sc + sc / 2) & 0xffffff,
                            "map " + k + " at " + y + "," + x);
                }
            }
            // The label strip above each tile holds black label pixels.
            boolean label = false;
            for (int y = at[1] - Pictures.LABEL; y < at[1]; y++) {
                for (int x = at[0]; x < at[0] + 5 * sc; x++) {
                    label |= (img.getRGB(x, y) & 0xffffff) == 0;
                }
            }
            assertTrue(label, "label of map " + k);
        }
        // The ninth cell is empty background.
        int[] ninth = Pictures.tileOrigin(8, 6, 5, 8, o);
        assertEquals(0xffffff, img.getRGB(ninth[0] + 3, ninth[1] + 3) & 0xffffff);
        assertEquals(0, img.getRGB(Pictures.tileOrigin(0, 6, 5, 8, o)[0], Pictures.tileOrigin(0, 6, 5, 8, o)[1]) & 0xffffff);
    }

    @Test
    void perChannelNormalisationSpreadsEveryMap() throws IOException {
        Tensor t = ramp(1, 4, 4, 2);
        PictureOptions o = PictureOptions.DEFAULT.withPerChannel(true).withScale(1);
        BufferedImage img = written(t, "per.png", o);
        for (int k = 0; k < 2; k++) {
            int[] at = Pictures.tileOrigin(k, 4, 4, 2, o);
            assertEquals(0x000000, img.getRGB(at[0], at[1]) & 0xffffff);
            assertEquals(0xffffff, img.getRGB(at[0] + 3, at[1] + 3) & 0xffffff);
        }
    }

    @Test
    void viridisColoursSingleMaps() throws IOException {
        Tensor t = ramp(1, 2, 2, 1);
        BufferedImage img = written(t, "v.png", PictureOptions.DEFAULT.withColormap(PictureOptions.Colormap.VIRIDIS).withScale(3));
        assertEquals(6, img.getWidth());
        assertEquals(0x440154, img.getRGB(0, 0) & 0xffffff);
        assertEquals(0xfde725, img.getRGB(5, 5) & 0xffffff);
        assertEquals(img.getRGB(0, 0), img.getRGB(2, 2));
        assertNotEquals(img.getRGB(0, 0), img.getRGB(3, 0));
    }

    @Test
    void vectorsBecomeBarCharts() throws IOException {
        Tensor t = Tensor.wrap(new float[] {1, -0.5f, 3, 0, 2}, 1, 5);
        BufferedImage img = written(t, "bars.png", PictureOptions.DEFAULT);
        int[] g = Pictures.barGeometry(5);
        assertEquals(Pictures.BAR_MIN_PLOT / 5, g[0], "few values get wider bars");
        int bw = g[0];
        assertEquals(g[2], img.getWidth());
        assertEquals(Pictures.BAR_PLOT_HEIGHT + 2 * Pictures.BAR_TEXT, img.getHeight());
        int top = Pictures.BAR_TEXT;
        double perUnit = Pictures.BAR_PLOT_HEIGHT / 3.5;
        int zeroY = top + (int) Math.round(3 * perUnit);
        int mid2 = Pictures.BAR_MARGIN + 2 * bw + bw / 2;
        // Largest bar reaches the top of the plot; negative bar goes down from the zero line.
        assertEquals(Pictures.POSITIVE, img.getRGB(mid2, top) & 0xffffff);
        assertEquals(0xffffff, img.getRGB(mid2, top - 1) & 0xffffff);
        int mid1 = Pictures.BAR_MARGIN + bw + bw / 2;
        assertEquals(Pictures.NEGATIVE, img.getRGB(mid1, zeroY + 5) & 0xffffff);
        assertEquals(Pictures.NEGATIVE, img.getRGB(mid1, top + Pictures.BAR_PLOT_HEIGHT - 1) & 0xffffff);
        int mid0 = Pictures.BAR_MARGIN + bw / 2;
        int y1 = top + (int) Math.round(2 * perUnit);
        assertEquals(Pictures.POSITIVE, img.getRGB(mid0, y1 + 1) & 0xffffff);
        assertEquals(0xffffff, img.getRGB(mid0, y1 - 2) & 0xffffff);
    }

    @Test
    void twoValuesSpanThePlotAndTheLastIndexSitsUnderTheLastBar() throws IOException {
        // the MobileNet's 2-unit dense: bars and labels used to be 120 px apart
        BufferedImage img = written(Tensor.wrap(new float[] {0.25f, 0.75f}, 1, 2), "two.png", PictureOptions.DEFAULT);
        int[] g = Pictures.barGeometry(2);
        assertEquals(Pictures.BAR_MIN_PLOT, g[1]);
        assertEquals(g[1] + 2 * Pictures.BAR_MARGIN, img.getWidth());
        int lastBarRight = Pictures.BAR_MARGIN + g[1] - 1;
        assertEquals(Pictures.POSITIVE, img.getRGB(lastBarRight, Pictures.BAR_TEXT + 1) & 0xffffff,
                "the last bar reaches the plot's right end");
        // the label "1" is drawn in black somewhere in the bottom strip under the last bar
        int strip = Pictures.BAR_TEXT + Pictures.BAR_PLOT_HEIGHT;
        boolean labelUnderLastBar = false;
        for (int x = Pictures.BAR_MARGIN + g[0]; x <= lastBarRight; x++) {
            for (int y = strip; y < img.getHeight(); y++) {
                labelUnderLastBar |= (img.getRGB(x, y) & 0xffffff) == 0;
            }
        }
        assertTrue(labelUnderLastBar, "the last index's label is under the last bar");
        for (int x = lastBarRight + 1; x < img.getWidth(); x++) {
            for (int y = strip; y < img.getHeight(); y++) {
                assertEquals(0xffffff, img.getRGB(x, y) & 0xffffff, "nothing right of the plot at " + x + "," + y);
            }
        }
    }

    @Test
    void longVectorsAreWrappedIntoANearSquareGridOneCellPerValue() throws IOException {
        // the demo's flatten: 44 x 44 x 3 = 5808 values -> 77 columns, 76 rows
        int n = 5808;
        Tensor t = Tensor.zeros(1, n);
        for (int i = 0; i < n; i++) {
            t.data()[i] = (i * 37 % 101) - 50; // -50 .. 50, so the levels are min-max exact
        }
        BufferedImage img = written(t, "long.png", PictureOptions.DEFAULT);
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rows = (n + cols - 1) / cols;
        int cell = (int) Math.ceil((double) Pictures.WRAP_MIN_WIDTH / cols);
        assertEquals(77, cols);
        assertEquals(cols * cell, img.getWidth());
        assertEquals(rows * cell, img.getHeight());
        for (int i : new int[] {0, 1, 76, 77, 1000, n - 1}) {
            int level = (int) Math.round((t.data()[i] + 50) * 255.0 / 100);
            int x = (i % cols) * cell + cell - 1;
            int y = (i / cols) * cell + cell - 1;
            assertEquals(Viridis.rgb(level), img.getRGB(x, y) & 0xffffff, "value " + i);
        }
        // the cells after the last value are white, a colour viridis never takes
        assertEquals(0xffffff, img.getRGB(img.getWidth() - 1, img.getHeight() - 1) & 0xffffff);
        // 800 values are still bars; 801 wrap
        assertEquals(800 + 2 * Pictures.BAR_MARGIN, written(Tensor.zeros(1, 800), "b800.png", PictureOptions.DEFAULT)
                .getWidth());
        assertEquals(29 * 9, written(Tensor.zeros(1, 801), "w801.png", PictureOptions.DEFAULT).getWidth());
        assertThrows(IllegalArgumentException.class, () -> Pictures.barGeometry(801));
    }

    @Test
    void aFixedRangeClampsInsteadOfNormalising() throws IOException {
        Tensor t = Tensor.wrap(new float[] {-40.6f, 0.4f, 0.5f, 127.49f, 254.5f, 300f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY}, 1, 3, 3, 1);
        BufferedImage img = written(t, "clip.png", PictureOptions.DEFAULT.withScale(1)
                .withRange(PictureOptions.Range.CLIP));
        int[] want = {0, 0, 1, 127, 255, 255, 0, 255, 0}; // clamp(round(v)), NaN 0
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], img.getRaster().getSample(i % 3, i / 3, 0), "value " + t.data()[i]);
        }
        // a range other than 0..255: lo -> 0, hi -> 255, also for 3 channels and grids
        Tensor c = Tensor.wrap(new float[] {-1, 0, 1, 2, 3, 4}, 1, 1, 2, 3);
        BufferedImage ci = written(c, "range.png", PictureOptions.DEFAULT.withScale(1)
                .withRange(new PictureOptions.Range(0, 2)));
        assertEquals(0x000080, ci.getRGB(0, 0) & 0xffffff);
        assertEquals(0xffffff, ci.getRGB(1, 0) & 0xffffff);
        assertThrows(IllegalArgumentException.class, () -> new PictureOptions.Range(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PictureOptions.Range(0, Double.NaN));
    }

    @Test
    void theColourScaleNamesTheValuesAtBothEnds() {
        Tensor t = ramp(1, 4, 4, 1); // -3.5 .. 0.25
        String grey = ColourScale.html(t, PictureOptions.DEFAULT);
        assertTrue(grey.contains("<span>-3.5</span>") && grey.contains("<span>0.25</span>"), grey);
        assertTrue(grey.contains("linear-gradient(to right,#000,#fff)"), grey);
        String viridis = ColourScale.html(t, PictureOptions.DEFAULT.withColormap(PictureOptions.Colormap.VIRIDIS));
        assertTrue(viridis.contains("#440154 0.00%") && viridis.contains("#fde725 100.00%"), viridis);
        String clip = ColourScale.html(t, PictureOptions.DEFAULT.withRange(PictureOptions.Range.CLIP));
        // ramp -3.5 .. 0.25 step 0.25: the 14 negative values of 16 lie outside 0..255
        assertTrue(clip.contains("<span>0</span>") && clip.contains("<span>255</span>")
                && clip.contains("87.5% of the values outside 0..255"), clip);
        assertTrue(!ColourScale.html(t, PictureOptions.DEFAULT.withRange(new PictureOptions.Range(-4, 1)))
                .contains("outside"), "no note when every value lies inside the range");
        String rgb = ColourScale.html(ramp(1, 2, 2, 3), PictureOptions.DEFAULT);
        assertTrue(rgb.contains("red, green, blue") && rgb.contains("#000,#f00"), rgb);
        assertTrue(ColourScale.html(ramp(1, 2, 2, 8), PictureOptions.DEFAULT.withPerChannel(true))
                .contains("its own min"));
        assertTrue(ColourScale.html(Tensor.zeros(1, 3, 3, 1), PictureOptions.DEFAULT).contains("constant: 0"));
        String wrapped = ColourScale.html(ramp(1, 5808), PictureOptions.DEFAULT);
        assertTrue(wrapped.contains("5,808 values row by row, 77 per row") && wrapped.contains("#440154"), wrapped);
        assertEquals("", ColourScale.html(ramp(1, 10), PictureOptions.DEFAULT), "bars carry their values on the axis");
    }

    @Test
    void aReportsColourScaleFromTheStageStatisticsIsTheSame() {
        Tensor nan = ramp(1, 4, 4, 2);
        nan.data()[5] = Float.NaN;
        Tensor inf = ramp(1, 4, 4, 2);
        inf.data()[3] = Float.NEGATIVE_INFINITY;
        Tensor zeros = Tensor.zeros(1, 3, 3, 2);
        zeros.data()[4] = -0.0f;
        Tensor[] stages = {ramp(1, 4, 4, 1), ramp(1, 4, 4, 8), ramp(1, 2, 2, 3), ramp(1, 5808), nan, inf, zeros,
            Tensor.zeros(1, 3, 3, 1)};
        PictureOptions[] options = {PictureOptions.DEFAULT, PictureOptions.DEFAULT.withPerChannel(true),
            PictureOptions.DEFAULT.withRange(PictureOptions.Range.CLIP),
            PictureOptions.DEFAULT.withColormap(PictureOptions.Colormap.VIRIDIS)};
        for (Tensor t : stages) {
            for (PictureOptions o : options) {
                assertEquals(ColourScale.html(t, o), ColourScale.html(t, o, io.cnnkit.io.api.StageStats.of(t)),
                        t.shapeString() + " " + o);
            }
        }
    }

    @Test
    void kernelsAreTilesPerFilterAndChannel() throws IOException {
        Tensor k = Tensor.zeros(3, 3, 3, 2);
        for (int i = 0; i < k.size(); i++) {
            k.data()[i] = i % 7 - 3;
        }
        Path f = dir.resolve("k.png");
        Images.writeKernels(k, f);
        BufferedImage img = ImageIO.read(f.toFile());
        int[] g = Pictures.kernelGeometry(3, 3, 3, 2, PictureOptions.DEFAULT);
        assertEquals(4, g[0]);
        assertEquals(g[4], img.getWidth());
        assertEquals(g[5], img.getHeight());
        int sc = g[1];
        for (int fi = 0; fi < 2; fi++) {
            for (int c = 0; c < 3; c++) {
                int[] at = Pictures.kernelTileOrigin(fi, c, g);
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 3; x++) {
                        float v = k.get(y, x, c, fi);
                        int level = (int) Math.round((v + 3) * 255.0 / 6);
                        assertEquals(level * 0x010101, img.getRGB(at[0] + x * sc, at[1] + y * sc) & 0xffffff);
                    }
                }
            }
            int[] colour = Pictures.kernelTileOrigin(fi, 3, g);
            int lr = (int) Math.round((k.get(1, 2, 0, fi) + 3) * 255.0 / 6);
            int lg = (int) Math.round((k.get(1, 2, 1, fi) + 3) * 255.0 / 6);
            int lb = (int) Math.round((k.get(1, 2, 2, fi) + 3) * 255.0 / 6);
            assertEquals(lr << 16 | lg << 8 | lb, img.getRGB(colour[0] + 2 * sc, colour[1] + sc) & 0xffffff);
        }
        // The walkthrough's constant 0.12 kernels draw mid-grey.
        Tensor c = Tensor.zeros(24, 24, 3, 3);
        java.util.Arrays.fill(c.data(), 0.12f);
        Images.writeKernels(c, dir.resolve("c.png"));
        BufferedImage ci = ImageIO.read(dir.resolve("c.png").toFile());
        int[] cg = Pictures.kernelGeometry(24, 24, 3, 3, PictureOptions.DEFAULT);
        int[] at = Pictures.kernelTileOrigin(2, 1, cg);
        assertEquals(0x808080, ci.getRGB(at[0] + 5, at[1] + 5) & 0xffffff);
    }

    @Test
    void nonFiniteValuesDoNotPoisonTheRange() throws IOException {
        Tensor t = Tensor.wrap(new float[] {Float.NaN, 1, 2, Float.POSITIVE_INFINITY}, 1, 2, 2, 1);
        BufferedImage img = written(t, "nan.png", PictureOptions.DEFAULT.withScale(1));
        assertEquals(0, img.getRaster().getSample(0, 0, 0));
        assertEquals(0, img.getRaster().getSample(1, 0, 0));
        assertEquals(255, img.getRaster().getSample(0, 1, 0));
        assertEquals(255, img.getRaster().getSample(1, 1, 0));
    }

    @Test
    void badInputsAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> Images.writePicture(Tensor.zeros(2, 4, 4, 1), dir.resolve("a.png")));
        assertThrows(IllegalArgumentException.class, () -> Images.writePicture(Tensor.zeros(1, 2, 2, 2, 2), dir.resolve("a.png")));
        CnnIoException e = assertThrows(CnnIoException.class, () -> Images.writePicture(Tensor.zeros(1, 4, 4, 1), dir.resolve("a.tiff")));
        assertTrue(e.getMessage().contains("a.tiff") && e.getMessage().contains(".png"), e.getMessage());
        assertThrows(CnnIoException.class, () -> Images.writePicture(Tensor.zeros(1, 4, 4, 1), dir.resolve("no/such/dir/a.png")));
        assertThrows(IllegalArgumentException.class, () -> Images.writeKernels(Tensor.zeros(3, 3, 1), dir.resolve("k.png")));
    }

    @Test
    void picturesReadBackAsImages() throws IOException {
        // A grey picture read back through Images.read gives the levels it was written with.
        Tensor t = ramp(1, 32, 32, 1);
        Path f = dir.resolve("back.png");
        Images.writePicture(t, f);
        Tensor back = Images.read(f);
        assertArrayEquals(new int[] {1, 32, 32, 3}, back.shape());
        assertEquals(0f, back.get(0, 0, 0, 0));
        assertEquals(255f, back.get(0, 31, 31, 2));
    }
}
