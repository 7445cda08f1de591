package io.cnnkit.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.LoadOptions;

/**
 * kill -9 of a process in the middle of saving weights: a child JVM ({@link SaveLoop}) saves a
 * 16 MB model to the file over and over and is killed (SIGKILL, {@link Process#destroyForcibly()})
 * at several points of a save. Every time, the file is still a complete one, bit for bit the
 * first version or the child's, and loads. The temporary files the killed child could not
 * delete are named after it and deleted by the next save.
 */
class KillDuringSaveTest {
    /** Delay after the child's temporary file appears, and how many saves the child completes first. */
    private static final int[][] KILLS = {{40, 0}, {150, 1}, {5, 1}, {400, 0}, {0, 0}};

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void previousFileSurvivesKill9MidSave() throws Exception {
        Path target = dir.resolve("w.h5");
        Path referenceB = dir.resolve("reference").resolve("w.h5");
        Files.createDirectories(referenceB.getParent());
        try (StandaloneEngine engine = Corpus.engine()) {
            Model a = engine.build(engine.parse(SaveLoop.model(1)));
            Model b = engine.build(engine.parse(SaveLoop.model(2)));
            KerasWeights.save(a, target);
            KerasWeights.save(b, referenceB); // what the child writes: same model, same seed
            byte[] bytesA = Files.readAllBytes(target);
            byte[] bytesB = Files.readAllBytes(referenceB);
            Map<String, Map<String, Tensor>> weightsA = a.weights();
            Map<String, Map<String, Tensor>> weightsB = b.weights();
            a.close();
            b.close();

            int midWrite = 0;
            List<String> outcomes = new ArrayList<>();
            Kill k = null;
            for (int[] kill : KILLS) {
                k = killDuringSave(target, kill[0], kill[1]);
                if (k.tempLeft) {
                    midWrite++;
                }
                byte[] now = Files.readAllBytes(target);
                boolean isA = Arrays.equals(now, bytesA);
                boolean isB = Arrays.equals(now, bytesB);
                assertTrue(isA || isB, "after kill -9 (" + k + ") the file is neither the first version nor the"
                        + " child's complete one (" + now.length + " bytes)");
                Model c = engine.build(engine.parse(SaveLoop.model(3)));
                KerasWeights.load(c, target, LoadOptions.BY_NAME);
                Map<String, Map<String, Tensor>> loaded = c.weights();
                c.close();
                assertTrue(loaded.get("fc").get("kernel").contentEquals((isA ? weightsA : weightsB).get("fc").get("kernel")),
                        "loaded kernel differs from the saved one");
                outcomes.add(k + " -> " + (isA ? "first" : "child's"));
            }
            System.out.println("kill -9 during save: " + String.join("; ", outcomes));
            assertTrue(midWrite >= 3, "the child was killed in the middle of a save only " + midWrite
                    + " of " + KILLS.length + " times: " + outcomes);

            // A killed writer's temporary file is named after it; the next save (here the next child's)
            // deletes it: only the last child's is left.
            assertTrue(k.tempLeft, "the last child, killed as its temporary file appeared, left it");
            String last = ".w.h5." + k.pid + "-";
            try (var s = Files.list(dir)) {
                List<String> temps = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".tmp")).toList();
                assertTrue(temps.size() == 1 && temps.get(0).startsWith(last), "left over: " + temps);
            }
            Model a2 = engine.build(engine.parse(SaveLoop.model(1)));
            KerasWeights.save(a2, target);
            a2.close();
            assertArrayEquals(bytesA, Files.readAllBytes(target));
            try (var s = Files.list(dir)) {
                assertEquals(List.of("reference", "w.h5"),
                        s.map(p -> p.getFileName().toString()).sorted().toList(), "stale temporary files deleted");
            }
        }
    }

    record Kill(long pid, int delayMs, int savesBefore, boolean tempLeft) {
        @Override
        public String toString() {
            return "after " + savesBefore + " save(s) + " + delayMs + " ms into the next"
                    + (tempLeft ? ", mid-write" : ", between writes");
        }
    }

    /** Starts the child, waits for its temp file of save number savesBefore + 1, sleeps, kills it. */
    private Kill killDuringSave(Path target, int delayMs, int savesBefore) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), SaveLoop.class.getName(), target.toString(), "2");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        AtomicInteger saves = new AtomicInteger();
        StringBuilder log = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    if (line.startsWith("saved ")) {
                        saves.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                // the child was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        String prefix = ".w.h5." + p.pid() + "-";
        long deadline = System.nanoTime() + 60_000_000_000L;
        try {
            while (true) {
                if (!p.isAlive()) {
                    fail("the saving child ended by itself: " + log);
                }
                if (System.nanoTime() > deadline) {
                    fail("the saving child made no temporary file in 60 s: " + log);
                }
                if (saves.get() >= savesBefore && hasTemp(prefix)) {
                    break;
                }
                Thread.sleep(1);
            }
            if (delayMs > 0) {
                Thread.sleep(delayMs);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL on Unix
            p.waitFor();
        }
        reader.join(5000);
        return new Kill(p.pid(), delayMs, savesBefore, hasTemp(prefix));
    }

    private boolean hasTemp(String prefix) throws IOException {
        try (var s = Files.list(dir)) {
            return s.anyMatch(f -> f.getFileName().toString().startsWith(prefix));
        }
    }
}
