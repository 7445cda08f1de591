package io.cnnkit.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.PictureOptions;

/** Pictures drawn on helper threads are the pictures drawn in order on one, and fail as they would. */
class PictureQueueTest {
    @TempDir
    Path dir;

    /**
     * Maps of every picture kind (one channel, colour, grids, bar charts and wrapped vectors every
     * seventh) in varying sizes: a thread's pictures share its scratch pixels, so a kind that left
     * a pixel unpainted would show the picture before it.
     */
    private static List<Tensor> maps(int n) {
        List<Tensor> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Tensor t = k % 7 == 3 ? Tensor.zeros(1, 5 + k) : k % 7 == 6 ? Tensor.zeros(1, Pictures.BAR_MAX_WIDTH + 1 + k)
                    : Tensor.zeros(1, 6 + k % 5, 7, 1 + k % 4);
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = (float) Math.sin(i * 0.37 + k);
            }
            out.add(t);
        }
        return out;
    }

    private List<Path> files(int n) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(dir.resolve(String.format("%02d.png", i)));
        }
        return out;
    }

    @Test
    void helpersGiveTheBytesOfASequentialWriter() throws Exception {
        List<Tensor> maps = maps(23);
        List<Path> files = files(23);
        for (int helpers : new int[] {1, 3}) {
            try (PictureQueue q = new PictureQueue(maps, files, PictureOptions.DEFAULT, helpers)) {
                for (int i = 0; i < maps.size(); i++) {
                    Pictures.Encoded e = q.get(i);
                    Pictures.write(maps.get(i), files.get(i), PictureOptions.DEFAULT); // sequential, this thread
                    assertArrayEquals(Files.readAllBytes(files.get(i)), e.bytes(), "picture " + i + ", " + helpers
                            + " helpers");
                    var drawn = Pictures.render(maps.get(i), PictureOptions.DEFAULT);
                    assertEquals(drawn.getWidth(), e.width(), "width of picture " + i);
                    assertEquals(drawn.getHeight(), e.height(), "height of picture " + i);
                }
            }
        }
    }

    @Test
    void aStageThatCannotBeDrawnFailsWhenItsTurnComes() {
        List<Tensor> maps = new ArrayList<>(maps(6));
        maps.set(4, Tensor.zeros(2, 3, 3, 1)); // a batch of two: no picture
        try (PictureQueue q = new PictureQueue(maps, files(6), PictureOptions.DEFAULT, 2)) {
            for (int i = 0; i < 4; i++) {
                assertTrue(q.get(i).bytes().length > 0);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.get(4));
            assertTrue(e.getMessage().contains("batch"), e.getMessage());
            assertTrue(q.get(5).bytes().length > 0, "the pictures after it are still there");
        }
    }
}
