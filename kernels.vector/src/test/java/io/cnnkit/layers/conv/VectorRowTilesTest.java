package io.cnnkit.layers.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cnnkit.activations.relu.Relu;
import io.cnnkit.activations.relu6.Relu6;
import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.engine.kernel.ClampActivation;
import io.cnnkit.engine.kernel.GemmMicroKernel;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.ShuffledContext;

/**
 * The Vector API GEMM's row-block variant ({@link GemmMicroKernel#tileRows}, 6 rows) against its
 * 4-row {@link GemmMicroKernel#tile} (the same fused multiply-add chains, so bit for bit), the
 * clamp fused into conv2d with the real relu and relu6 against the separate pass, and a kernel
 * with only the 1.0 method driven as before.
 */
class VectorRowTilesTest {
    private static final GemmMicroKernel MK = VectorBackend.BACKEND.gemm();
    private static final float[][] CLAMPS = {{Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, {0f,
        Float.POSITIVE_INFINITY}, {0f, 6f}, {-0.25f, 0.5f}};

    @Test
    void tileRowsGivesTileBitsThenTheClampAndWritesOnlyItsRows() {
        assertEquals(6, MK.blockRows());
        Random r = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int rows = 1 + r.nextInt(6), kLen = 1 + r.nextInt(trial % 5 == 0 ? 300 : 40);
            // all the bands: 4, 2 and 1 vectors and the last filters (fewer than a vector), those
            // scalar when B ends with its last row, and one whole vector through scratch when B's
            // rows can be read a vector wide (GemmConv's 64-wide panels)
            int nw = 1 + r.nextInt(trial % 3 == 0 ? 150 : 40);
            int slack = trial % 2 == 0 ? 16 : 0;
            checkTileRows(r, "trial " + trial, rows, kLen, nw, kLen + r.nextInt(5), nw + r.nextInt(5),
                    nw + r.nextInt(5), slack);
        }
    }

    /**
     * A tile exactly one vector wide takes 12 rows (blockRows(L)): the same chains as the 4-row
     * tile, so the same bits; other widths keep 6, and 12 rows of another width are refused.
     */
    @Test
    void oneVectorOfFiltersTakesTwelveRowsWithTheSameBits() {
        int l = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        assertEquals(12, MK.blockRows(l));
        for (int nw : new int[] {1, l / 2, l - 1, l + 1, 2 * l, 64}) {
            assertEquals(6, MK.blockRows(nw), "filters " + nw);
        }
        Random r = new Random(13);
        for (int trial = 0; trial < 120; trial++) {
            int rows = 1 + r.nextInt(12), kLen = 1 + r.nextInt(trial % 5 == 0 ? 300 : 60);
            checkTileRows(r, "12-row trial " + trial, rows, kLen, l, kLen + r.nextInt(5), l + r.nextInt(40),
                    l + r.nextInt(5), trial % 2 == 0 ? 16 : 0);
        }
        var ex = assertThrows(IllegalArgumentException.class, () -> MK.tileRows(new float[4096], 0, 8, 8,
                new float[4096], 0, 2 * l, new float[4096], 0, 2 * l, 2 * l, 12, true, null, 0, 0f, 1f));
        assertTrue(ex.getMessage().contains("12 rows need a tile of exactly " + l + " filters"), ex.getMessage());
    }

    /** Half a vector of filters in contiguous rows (a MobileNet-0.25's 8 filters): two rows per vector. */
    @Test
    void halfAVectorOfFiltersInContiguousRowsGivesTheSameBits() {
        Random r = new Random(9);
        int half = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() / 2;
        for (int trial = 0; trial < 100; trial++) {
            int kLen = 1 + r.nextInt(trial % 5 == 0 ? 300 : 40);
            checkTileRows(r, "pairs trial " + trial, 6, kLen, half, kLen + r.nextInt(5), half + r.nextInt(60), half,
                    16);
        }
    }

    private static void checkTileRows(Random r, String label, int rows, int kLen, int nw, int lda, int ldb, int ldy,
            int slack) {
        int aOff = r.nextInt(3), bOff = r.nextInt(3), yOff = r.nextInt(3), biasOff = r.nextInt(3);
        // A ends with row rows-1: a read past it would throw
        float[] a = random(r, aOff + (rows - 1) * lda + kLen);
        float[] b = random(r, bOff + (kLen - 1) * ldb + nw + slack);
        float[] bias = r.nextBoolean() ? random(r, biasOff + nw) : null;
        boolean first = r.nextBoolean();
        float[] clamp = CLAMPS[r.nextInt(CLAMPS.length)];
        float[] start = random(r, yOff + Math.max(6, rows) * ldy + nw);
        float[] y = start.clone();
        MK.tileRows(a, aOff, lda, kLen, b, bOff, ldb, y, yOff, ldy, nw, rows, first, bias, biasOff, clamp[0],
                clamp[1]);
        float[] ref = start.clone();
        for (int r0 = 0; r0 < rows; r0 += GemmMicroKernel.ROWS) {
            int n = Math.min(GemmMicroKernel.ROWS, rows - r0);
            int[] ao = new int[GemmMicroKernel.ROWS], yo = new int[GemmMicroKernel.ROWS];
            for (int i = 0; i < ao.length; i++) {
                ao[i] = aOff + (r0 + Math.min(i, n - 1)) * lda;
                yo[i] = yOff + (r0 + Math.min(i, n - 1)) * ldy;
            }
            MK.tile(a, ao, kLen, b, bOff, ldb, ref, yo, 0, nw, n, first, bias, biasOff);
        }
        String what = label + ": rows " + rows + " k " + kLen + " nw " + nw + " ldy " + ldy + " slack " + slack
                + " first " + first + " bias " + (bias != null) + " clamp " + Arrays.toString(clamp);
        for (int i = 0; i < y.length; i++) {
            int row = (i - yOff) / ldy, col = (i - yOff) % ldy;
            boolean stored = i >= yOff && row < rows && col < nw;
            float want = stored ? Math.min(Math.max(ref[i], clamp[0]), clamp[1]) : start[i];
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(y[i]), what + ", index " + i);
        }
    }

    @Test
    void theRealReluAndRelu6AreClampsAppliedInTheKernelsStore() {
        Random r = new Random(11);
        Activation[] acts = {new Relu(), new Relu6()};
        for (Activation act : acts) {
            assertNotNull(ClampActivation.of(act), act.name());
        }
        for (int trial = 0; trial < 24; trial++) {
            Activation act = acts[trial % 2];
            int n = 1 + r.nextInt(2), h = 3 + r.nextInt(12), w = 3 + r.nextInt(12), c = 1 + r.nextInt(70);
            int f = 1 + r.nextInt(trial % 3 == 0 ? 140 : 40);
            // scaled so that relu6's upper bound acts too
            Tensor x = scaled(VectorConvTest.random(r, n, h, w, c), 4), k = VectorConvTest.random(r, 3, 3, c, f);
            Tensor b = r.nextBoolean() ? VectorConvTest.random(r, f) : null;
            boolean same = r.nextBoolean();
            ConvKernels.Geometry g = ConvKernels.Geometry.of(new Window(3, 3, 1, 1, 1, 1, same), h, w, 1);
            Tensor plain = Tensor.zeros(n, same ? h : h - 2, same ? w : w - 2, f);
            VectorBackend.conv2d(x, k, b, plain, g, null, new ShuffledContext(trial));
            act.apply(plain.data(), 0, plain.data(), 0, plain.size(), f);
            Tensor fused = Tensor.zeros(plain.shape());
            Arrays.fill(fused.data(), Float.NaN);
            VectorBackend.conv2d(x, k, b, fused, g, act, new ShuffledContext(trial + 100));
            assertTrue(plain.contentEquals(fused), "trial " + trial + " " + act.name() + ": fused clamp changed bits");
            Tensor naive = Tensor.zeros(plain.shape());
            ConvKernels.conv2dNaive(x, k, b, naive, g, act);
            Approx.assertNormClose("trial " + trial, naive, fused, VectorConvTest.RTOL);
        }
    }

    /**
     * conv2d on the direct paths (the GEMM where Winograd would take the shape on {@code mk}: its
     * bits are its own, VectorWinogradTest's), so that two kernels' drivers compare bit for bit.
     */
    static void direct(Tensor x, Tensor k, Tensor b, Tensor y, ConvKernels.Geometry g, Activation act,
            io.cnnkit.engine.api.ExecutionContext ctx, GemmMicroKernel mk) {
        if (WinogradConv.applies(k, g, mk)) {
            GemmConv.conv2d(x, k, b, y, g, act, ctx, mk);
        } else {
            ConvKernels.conv2d(x, k, b, y, g, act, ctx, mk);
        }
    }

    @Test
    void aKernelWithOnlyTheFirstMethodIsDrivenThroughTileWithTheSameBits() {
        GemmMicroKernel only10 = MK::tile; // a 1.0 backend: tile() and nothing else
        assertEquals(0, only10.blockRows());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> only10.tileRows(new float[1], 0, 1, 1, new float[1], 0, 1, new float[1], 0, 1, 1, 1, true, null,
                        0, 0f, 1f));
        assertTrue(e.getMessage().contains("drive it through tile()"), e.getMessage());
        Random r = new Random(3);
        // 154 pixels: 25 whole 6-row tiles and a partial one; K = 360: two K-slices
        Tensor x = VectorConvTest.random(r, 2, 7, 11, 40), k = VectorConvTest.random(r, 3, 3, 40, 70);
        Tensor b = VectorConvTest.random(r, 70);
        ConvKernels.Geometry g = ConvKernels.Geometry.of(new Window(3, 3, 1, 1, 1, 1, true), 7, 11, 1);
        Tensor rows6 = Tensor.zeros(2, 7, 11, 70), rows4 = Tensor.zeros(2, 7, 11, 70);
        direct(x, k, b, rows6, g, new Relu6(), new ShuffledContext(1), MK);
        direct(x, k, b, rows4, g, new Relu6(), new ShuffledContext(2), only10);
        assertTrue(rows6.contentEquals(rows4), "the 6-row and the 4-row drivers differ");
    }

    @Test
    void rowsReadInPlaceGiveThePackedDriversBitsOnRandomShapes() {
        GemmMicroKernel only10 = MK::tile;
        Random r = new Random(17);
        Activation[] acts = {null, new Relu(), new Relu6()};
        for (int trial = 0; trial < 150; trial++) {
            int n = 1 + r.nextInt(2), h = 1 + r.nextInt(14), w = 1 + r.nextInt(30);
            // kernel rows of up to 5 x 120 floats (several in one K-slice of 768), and every
            // sixteenth trial 5 x 200 (a kernel row split over two K-slices)
            // every fifth trial exactly one vector of filters: 12-row tiles, then 6-row ones (w up to 30)
            // every seventh half a vector (whole vectors stored over the next row's outputs)
            int l = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
            int c = 1 + r.nextInt(trial % 4 == 0 ? 120 : 20), f = trial % 5 == 0 ? l
                    : trial % 7 == 0 ? l / 2 : 1 + r.nextInt(trial % 3 == 0 ? 150 : 40);
            boolean same = r.nextBoolean() || trial % 16 == 0;
            int kh = 1 + r.nextInt(same ? 5 : Math.min(5, h)), kw = 1 + r.nextInt(same ? 5 : Math.min(5, w));
            if (trial % 16 == 0) {
                c = 200;
                kw = 5;
            }
            int sh = 1 + r.nextInt(2), sw = 1 + r.nextInt(3);
            int dh = sh == 1 && sw == 1 && r.nextBoolean() ? 2 : 1; // Keras: dilation only with stride 1
            Window win = new Window(kh, kw, sh, sw, dh, 1, same);
            if (win.outH(h) <= 0 || win.outW(w) <= 0) {
                continue;
            }
            if (GemmConv.convRowsApply(kw, sw, 1, dh, 1, c, f, MK)) {
                // the conv row tiles' shapes (another chain order: VectorConvRowsTest's)
                kw = kw == 3 ? 2 : kw;
                win = new Window(kh, kw, sh, sw, dh, 1, same);
            }
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, 1);
            Tensor x = VectorConvTest.random(r, n, h, w, c), k = VectorConvTest.random(r, kh, kw, c, f);
            Tensor b = r.nextBoolean() ? VectorConvTest.random(r, f) : null;
            Activation act = acts[r.nextInt(acts.length)];
            int[] shape = {n, win.outH(h), win.outW(w), f};
            Tensor rows = Tensor.zeros(shape), packed = Tensor.zeros(shape);
            Arrays.fill(rows.data(), Float.NaN);
            direct(x, k, b, rows, g, act, new ShuffledContext(trial), MK);
            direct(x, k, b, packed, g, act, new ShuffledContext(trial + 1), only10);
            assertTrue(rows.contentEquals(packed), "trial " + trial + " x" + x.shapeString() + " k"
                    + k.shapeString() + " " + win.describe() + " " + (act == null ? "linear" : act.name())
                    + ": rows in place differ from the packed 4-row driver");
        }
    }

    /**
     * Segmented rows (a convolution's kernel rows read in place) give the bits of the same rows
     * packed, through the Vector API kernel and through the SPI's default (one tileRows call per
     * segment); the half-vector tile, which stores whole vectors over its next row, writes nothing
     * past its rows, also when y ends right after them.
     */
    @Test
    void segmentedRowsGiveThePackedRowsBits() {
        int l = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        GemmMicroKernel byDefault = new GemmMicroKernel() { // a 1.3 backend: no segmented variant
            @Override
            public void tile(float[] a, int[] aOff, int kLen, float[] b, int bOff, int ldb, float[] y, int[] yOff,
                    int yCol, int nw, int rows, boolean first, float[] bias, int biasOff) {
                MK.tile(a, aOff, kLen, b, bOff, ldb, y, yOff, yCol, nw, rows, first, bias, biasOff);
            }

            @Override
            public int blockRows() {
                return MK.blockRows();
            }

            @Override
            public void tileRows(float[] a, int aOff, int lda, int kLen, float[] b, int bOff, int ldb, float[] y,
                    int yOff, int ldy, int nw, int rows, boolean first, float[] bias, int biasOff, float lo,
                    float hi) {
                MK.tileRows(a, aOff, lda, kLen, b, bOff, ldb, y, yOff, ldy, nw, rows, first, bias, biasOff, lo, hi);
            }
        };
        Random r = new Random(23);
        for (int trial = 0; trial < 400; trial++) {
            int nw = switch (trial % 4) {
                case 0 -> l / 2;
                case 1 -> l;
                default -> 1 + r.nextInt(trial % 3 == 0 ? 150 : 40);
            };
            int rows = nw == l && r.nextBoolean() ? 7 + r.nextInt(6) : 1 + r.nextInt(6);
            int segLen = 1 + r.nextInt(trial % 5 == 0 ? 200 : 30), segs = 1 + r.nextInt(4);
            int kLen = trial % 7 == 0 ? segs * segLen - r.nextInt(segLen) : segs * segLen; // a short last segment
            int lda = 1 + r.nextInt(2 * segLen), segStride = segLen + r.nextInt(200);
            int ldb = nw + r.nextInt(5), ldy = trial % 4 == 0 ? nw : nw + r.nextInt(5);
            int aOff = r.nextInt(3), bOff = r.nextInt(3), yOff = r.nextInt(3), biasOff = r.nextInt(3);
            int nSegs = (kLen + segLen - 1) / segLen;
            float[] a = random(r, aOff + (rows - 1) * lda + (nSegs - 1) * segStride + segLen);
            float[] b = random(r, bOff + (kLen - 1) * ldb + nw + 16);
            float[] bias = r.nextBoolean() ? random(r, biasOff + nw) : null;
            boolean first = r.nextBoolean();
            float[] clamp = CLAMPS[r.nextInt(CLAMPS.length)];
            // every third trial y ends right after the tile's last row
            float[] start = random(r, yOff + (rows - 1) * ldy + nw + (trial % 3 == 0 ? 0 : 2 * l));
            float[] packed = new float[rows * kLen];
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < kLen; k++) {
                    packed[i * kLen + k] = a[aOff + i * lda + k / segLen * segStride + k % segLen];
                }
            }
            float[] want = start.clone();
            MK.tileRows(packed, 0, kLen, kLen, b, bOff, ldb, want, yOff, ldy, nw, rows, first, bias, biasOff,
                    clamp[0], clamp[1]);
            String what = "trial " + trial + ": rows " + rows + " nw " + nw + " segLen " + segLen + " k " + kLen
                    + " ldy " + ldy + " y length " + start.length;
            for (GemmMicroKernel mk : new GemmMicroKernel[] {MK, byDefault}) {
                float[] y = start.clone();
                mk.tileRowsSegmented(a, aOff, lda, segLen, segStride, kLen, b, bOff, ldb, y, yOff, ldy, nw, rows,
                        first, bias, biasOff, clamp[0], clamp[1]);
                for (int i = 0; i < y.length; i++) {
                    assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(y[i]),
                            what + (mk == MK ? " (vector)" : " (SPI default)") + ", index " + i);
                }
            }
        }
        var ex = assertThrows(IllegalArgumentException.class, () -> MK.tileRowsSegmented(new float[64], 0, 1, 0, 8,
                4, new float[64], 0, 1, new float[64], 0, 1, 1, 1, true, null, 0, 0f, 1f));
        assertTrue(ex.getMessage().contains("pass segLen >= 1"), ex.getMessage());
    }

    /**
     * A layer's kernel panels packed once (GemmConv.panels, kept by the conv2d layer) give the
     * bits of panels packed in every call; kernels read in place have none; panels that do not
     * fit the kernel are refused.
     */
    @Test
    void panelsPackedOnceGiveTheBitsOfPanelsPackedPerCall() {
        Random r = new Random(29);
        int[] filters = {8, 24, 40, 70, 130, 200};
        for (int trial = 0; trial < 24; trial++) {
            int f = filters[trial % filters.length], groups = trial % 4 == 3 && f % 2 == 0 ? 2 : 1;
            int c = groups * (1 + r.nextInt(12)), h = 3 + r.nextInt(9), w = 3 + r.nextInt(12);
            int kh = 1 + r.nextInt(3), kw = 1 + r.nextInt(3);
            Window win = new Window(kh, kw, 1 + r.nextInt(2), 1 + r.nextInt(2), 1, 1, true);
            ConvKernels.Geometry g = ConvKernels.Geometry.of(win, h, w, groups);
            Tensor x = VectorConvTest.random(r, 1 + r.nextInt(2), h, w, c);
            Tensor k = VectorConvTest.random(r, kh, kw, c / groups, f), b = VectorConvTest.random(r, f);
            // the layer's own call: row weights where the conv row tiles take the shape
            float[] panels = GemmConv.panels(k, g, MK);
            assertNotNull(panels, "filters " + f);
            int[] shape = {x.dim(0), win.outH(h), win.outW(w), f};
            Tensor once = Tensor.zeros(shape), perCall = Tensor.zeros(shape);
            GemmConv.conv2d(x, k, b, once, g, new Relu6(), new ShuffledContext(trial), MK, panels);
            GemmConv.conv2d(x, k, b, perCall, g, new Relu6(), new ShuffledContext(trial + 1), MK, null);
            assertTrue(once.contentEquals(perCall), "trial " + trial + " k" + k.shapeString() + " groups " + groups);
        }
        assertEquals(null, GemmConv.panels(Tensor.zeros(3, 3, 4, 32), 1), "32 filters are read in place");
        assertEquals(null, GemmConv.panels(Tensor.zeros(3, 3, 512, 130), 1), "over 1 MB of panels: packed per call");
        Tensor x = Tensor.zeros(1, 5, 5, 4), k = Tensor.zeros(3, 3, 4, 40), y = Tensor.zeros(1, 5, 5, 40);
        ConvKernels.Geometry g = ConvKernels.Geometry.of(new Window(3, 3, 1, 1, 1, 1, true), 5, 5, 1);
        var ex = assertThrows(IllegalArgumentException.class,
                () -> GemmConv.conv2d(x, k, null, y, g, null, new ShuffledContext(0), MK, new float[10]));
        assertTrue(ex.getMessage().contains("pack them with GemmConv.panels"), ex.getMessage());
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static Tensor scaled(Tensor t, float s) {
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] *= s;
        }
        return t;
    }
}
