package io.cnnkit.io.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Tensor;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsShapeAndBits() {
        Tensor t = Tensor.zeros(1, 3, 4, 5);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) Math.sin(i) * 1e3f;
        }
        t.data()[7] = Float.NaN;
        t.data()[8] = Float.NEGATIVE_INFINITY;
        t.data()[9] = -0f;
        Path f = dir.resolve("t.npy");
        Npy.write(t, f);
        assertTrue(t.contentEquals(Npy.read(f)));
        Tensor v = Tensor.wrap(new float[] {1, 2, 3}, 1, 3);
        Npy.write(v, dir.resolve("v.npy"));
        assertTrue(v.contentEquals(Npy.read(dir.resolve("v.npy"))));
    }

    @Test
    void valuesAreLittleEndianFloatsBlockAfterBlock() throws IOException {
        // 40,000 values (the writer goes 16,384 at a time) of a view at an offset into a larger array
        float[] backing = new float[40_007];
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < backing.length; i++) {
            backing[i] = Float.intBitsToFloat(r.nextInt()); // every bit pattern, NaN payloads included
        }
        Tensor t = Tensor.view(backing, 7, 1, 200, 200, 1);
        Path f = dir.resolve("big.npy");
        Npy.write(t, f);
        byte[] b = Files.readAllBytes(f);
        int data = 10 + ((b[8] & 0xff) | (b[9] & 0xff) << 8);
        assertEquals(data + 4 * 40_000, b.length);
        for (int i = 0; i < 40_000; i++) {
            int bits = Float.floatToRawIntBits(backing[7 + i]);
            int p = data + 4 * i;
            int got = (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
            assertEquals(bits, got, "value " + i);
        }
    }

    @Test
    void headerIsNumpyFormat10AlignedTo64() throws IOException {
        Path f = dir.resolve("h.npy");
        Npy.write(Tensor.zeros(1, 5, 5, 3), f);
        byte[] b = Files.readAllBytes(f);
        assertEquals((byte) 0x93, b[0]);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, b[6]);
        assertEquals(0, b[7]);
        int hl = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + hl) % 64);
        String h = new String(b, 10, hl, StandardCharsets.US_ASCII);
        assertTrue(h.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 5, 5, 3), }"), h);
        assertTrue(h.endsWith("\n"));
        assertEquals(10 + hl + 75 * 4, b.length);
        Npy.write(Tensor.wrap(new float[] {4}, 1), dir.resolve("one.npy"));
        assertTrue(Files.readString(dir.resolve("one.npy"), StandardCharsets.ISO_8859_1).contains("'shape': (1,), }"));
    }

    @Test
    void readsFilesWrittenByNumpy() {
        Tensor vec = Npy.read(TestFiles.copy("npy_vec.npy", dir));
        assertArrayEquals(new int[] {5}, vec.shape());
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.5f, 1f}, vec.toArray());
        Tensor be = Npy.read(TestFiles.copy("npy_be.npy", dir));
        assertArrayEquals(new int[] {2, 3}, be.shape());
        assertArrayEquals(new float[] {0f, 1.25f, 2.5f, 3.75f, 5f, 6.25f}, be.toArray());
        Tensor img = Npy.read(TestFiles.copy("rgb8.npy", dir));
        assertArrayEquals(new int[] {1, 10, 12, 3}, img.shape());
    }

    @Test
    void unsupportedLayoutsAreErrorsNamingTheFile() throws IOException {
        Path f8 = TestFiles.copy("npy_f8.npy", dir);
        CnnIoException e = assertThrows(CnnIoException.class, () -> Npy.read(f8));
        assertTrue(e.getMessage().contains("<f8") && e.getMessage().contains(f8.toString()), e.getMessage());
        Path fo = TestFiles.copy("npy_fortran.npy", dir);
        assertTrue(assertThrows(CnnIoException.class, () -> Npy.read(fo)).getMessage().contains("Fortran"));
        Path good = dir.resolve("g.npy");
        Npy.write(Tensor.zeros(1, 10), good);
        byte[] b = Files.readAllBytes(good);
        Path cut = Files.write(dir.resolve("cut.npy"), Arrays.copyOf(b, b.length - 4));
        assertTrue(assertThrows(CnnIoException.class, () -> Npy.read(cut)).getMessage().contains("truncated"));
        Path junk = Files.writeString(dir.resolve("junk.npy"), "hello");
        assertTrue(assertThrows(CnnIoException.class, () -> Npy.read(junk)).getMessage().contains("junk.npy"));
        assertThrows(CnnIoException.class, () -> Npy.read(dir.resolve("missing.npy")));
    }
}
