package io.cnnkit.io.h5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrictChannelTest {
    @TempDir
    Path dir;

    private byte[] file(int n) throws IOException {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        Files.write(dir.resolve("f.bin"), b);
        return b;
    }

    @Test
    void readsAnywhereGiveTheFilesBytesAcrossMappedRegions() throws IOException {
        byte[] b = file(10_000);
        // regions of 1 KB: reads inside one, across one boundary and across several
        try (StrictChannel c = StrictChannel.open(dir.resolve("f.bin"), 10)) {
            assertEquals(b.length, c.size());
            Random r = new Random(3);
            for (int i = 0; i < 500; i++) {
                int at = r.nextInt(b.length);
                int n = r.nextInt(Math.min(b.length - at, 3000) + 1);
                ByteBuffer dst = ByteBuffer.allocate(n + 2).position(1).limit(n + 1);
                assertEquals(n, c.read(dst, at));
                assertEquals(n + 1, dst.position(), "the buffer advanced by what was read");
                assertArrayEquals(Arrays.copyOfRange(b, at, at + n), Arrays.copyOfRange(dst.array(), 1, n + 1),
                        n + " bytes at " + at);
            }
        }
    }

    @Test
    void relativeReadsAdvanceTheChannelsOwnPosition() throws IOException {
        byte[] b = file(5000);
        try (StrictChannel c = StrictChannel.open(dir.resolve("f.bin"), 10)) {
            c.position(1000);
            ByteBuffer one = ByteBuffer.allocate(1500);
            ByteBuffer two = ByteBuffer.allocate(700);
            assertEquals(1500, c.read(one));
            assertEquals(2500, c.position());
            assertEquals(700, c.read(new ByteBuffer[] {two}, 0, 1));
            assertEquals(3200, c.position());
            assertArrayEquals(Arrays.copyOfRange(b, 1000, 2500), one.array());
            assertArrayEquals(Arrays.copyOfRange(b, 2500, 3200), two.array());
        }
    }

    @Test
    void aReadPastTheEndIsRefusedWithTheSizes() throws IOException {
        file(100);
        try (StrictChannel c = StrictChannel.open(dir.resolve("f.bin"))) {
            IOException e = assertThrows(IOException.class, () -> c.read(ByteBuffer.allocate(200_000_000 / 1000), 60));
            assertTrue(e.getMessage().contains("200000 bytes at offset 60 runs past the end of the file (100 bytes)"),
                    e.getMessage());
            c.position(90);
            assertThrows(IOException.class, () -> c.read(ByteBuffer.allocate(11)));
            assertEquals(90, c.position(), "a refused read does not move the position");
            assertEquals(10, c.read(ByteBuffer.allocate(10)));
        }
    }

    @Test
    void aClosedChannelReadsNothing() throws IOException {
        file(100);
        StrictChannel c = StrictChannel.open(dir.resolve("f.bin"));
        c.close();
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> c.read(ByteBuffer.allocate(10), 0));
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> c.read(ByteBuffer.allocate(10)));
    }

    @Test
    void anEmptyFileHasNothingToRead() throws IOException {
        file(0);
        try (StrictChannel c = StrictChannel.open(dir.resolve("f.bin"))) {
            assertEquals(0, c.size());
            assertEquals(0, c.read(ByteBuffer.allocate(0), 0));
            assertThrows(IOException.class, () -> c.read(ByteBuffer.allocate(1), 0));
        }
    }
}
