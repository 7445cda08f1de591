package io.cnnkit.io.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Tensor;

class StageStatsTest {
    @TempDir
    Path dir;

    @Test
    void handComputedStatistics() {
        // values 0, 0, 2, 4, -1, 1: mean 1, squared deviations 1+1+1+9+4+0 = 16, std sqrt(16/6).
        StageStats s = StageStats.of(Tensor.wrap(new float[] {0, 0, 2, 4, -1, 1}, 1, 6));
        assertEquals(-1, s.min());
        assertEquals(4, s.max());
        assertEquals(1, s.mean(), 1e-12);
        assertEquals(Math.sqrt(16.0 / 6), s.std(), 1e-12);
        assertEquals(2.0 / 6, s.zeroFraction(), 1e-12);
    }

    @Test
    void minAndMaxAreMathMinAndMaxOverTheElements() {
        // signed zeros in every order (Math.min(0.0, -0.0) is -0.0), infinities, plain values
        float[] pool = {0f, -0f, 1.5f, -2.25f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e-39f, -7f};
        java.util.Random r = new java.util.Random(11);
        for (int round = 0; round < 20_000; round++) {
            float[] v = new float[1 + r.nextInt(6)];
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(3) == 0 ? (float) r.nextGaussian() : pool[r.nextInt(pool.length)];
                min = Math.min(min, v[i]);
                max = Math.max(max, v[i]);
            }
            StageStats s = StageStats.of(Tensor.wrap(v, 1, v.length));
            String what = java.util.Arrays.toString(v);
            assertEquals(Double.doubleToRawLongBits(min), Double.doubleToRawLongBits(s.min()), "min of " + what);
            assertEquals(Double.doubleToRawLongBits(max), Double.doubleToRawLongBits(s.max()), "max of " + what);
        }
    }

    @Test
    void viewsUseOnlyTheirElementsAndNanShows() {
        Tensor batch = Tensor.wrap(new float[] {9, 9, 1, 3}, 2, 2);
        StageStats s = StageStats.of(batch.sample(1));
        assertEquals(1, s.min());
        assertEquals(3, s.max());
        assertEquals(1, s.std(), 1e-12);
        assertTrue(Double.isNaN(StageStats.of(Tensor.wrap(new float[] {1, Float.NaN}, 1, 2)).mean()));
        assertThrows(IllegalArgumentException.class, () -> StageStats.of(Tensor.zeros(1, 0)));
    }

    @Test
    void everyPictureFormatWrites() throws IOException {
        Tensor colour = Tensor.zeros(1, 40, 36, 3);
        Tensor grey = Tensor.zeros(1, 40, 36, 1);
        for (int i = 0; i < colour.size(); i++) {
            colour.data()[i] = i % 97;
        }
        for (int i = 0; i < grey.size(); i++) {
            grey.data()[i] = i % 31;
        }
        for (String ext : new String[] {"png", "jpg", "jpeg", "bmp", "gif", "PNG"}) {
            for (Tensor t : new Tensor[] {colour, grey}) {
                Path f = dir.resolve("p" + t.dim(3) + "." + ext);
                Images.writePicture(t, f);
                BufferedImage img = ImageIO.read(f.toFile());
                assertEquals(36, img.getWidth(), f.toString());
                assertEquals(40, img.getHeight(), f.toString());
                assertEquals(3, Images.read(f).dim(3));
            }
        }
    }
}
