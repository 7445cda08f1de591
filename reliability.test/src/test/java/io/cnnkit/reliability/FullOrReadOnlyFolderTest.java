package io.cnnkit.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.Images;
import io.cnnkit.io.api.KerasWeights;
import io.cnnkit.io.api.Npy;
import io.cnnkit.io.api.Reports;
import io.cnnkit.io.image.AtomicFiles;

/**
 * A full or read-only output folder: every writer of io.image (weights, .npy, pictures, report
 * folders) fails with one clear message naming the path, the system's reason and what to do;
 * the previous file or folder stays byte for byte as it was and nothing half-written is left.
 *
 * <p>"Full" is injected ({@link AtomicFiles#inject}): the writes of the test's thread fail with
 * "No space left on device" once a byte budget is spent, in the middle of a file or of a report's
 * files. jHDF writes weights through its own channel, so for weights the budget is checked when
 * the temp file is finished (it is cut to the budget, then the write fails): the same clean-up
 * path. "Read-only" is real: /sys, where even root cannot create files (skipped where there is
 * no such folder).
 */
@Timeout(30)
class FullOrReadOnlyFolderTest {
    private static final String ENOSPC = "No space left on device";

    @TempDir
    Path dir;
    private StandaloneEngine engine;
    private Model first;
    private Model second;
    private List<Stage> stages;

    @BeforeEach
    void setUp() {
        engine = Corpus.engine();
        first = Corpus.model(engine);
        second = engine.build(engine.parse(Corpus.MODEL.replace("\"seed\": 1", "\"seed\": 2")));
        float[] px = new float[8 * 8];
        Random r = new Random(7);
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextFloat() * 255;
        }
        stages = second.trace(Tensor.wrap(px, 1, 8, 8, 1));
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    /** The disk fills up after {@code budget} bytes written by this thread. */
    static final class DiskFull implements AtomicFiles.Faults {
        private long left;
        private final Set<Path> streamed = new HashSet<>();
        int failures;

        DiskFull(long budget) {
            left = budget;
        }

        @Override
        public OutputStream wrap(Path temp, OutputStream out) {
            streamed.add(temp);
            return new FilterOutputStream(out) {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    int n = (int) Math.min(len, left);
                    out.write(b, off, n);
                    left -= n;
                    if (n < len) {
                        failures++;
                        throw new IOException(ENOSPC);
                    }
                }
            };
        }

        @Override
        public void beforeCommit(Path temp) throws IOException {
            if (!Files.isRegularFile(temp) || streamed.contains(temp)) {
                return;
            }
            long size = Files.size(temp); // written by jHDF's own channel: charge it now
            if (size > left) {
                try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ch.truncate(left);
                }
                left = 0;
                failures++;
                throw new IOException(ENOSPC);
            }
            left -= size;
        }
    }

    /** Every file under the folder (relative path -> bytes). */
    private Map<String, byte[]> snapshot() throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    private void assertUnchanged(Map<String, byte[]> before) throws IOException {
        Map<String, byte[]> after = snapshot();
        assertEquals(before.keySet(), after.keySet(), "files in the output folder (no temporary or partial file)");
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " changed"));
        try (Stream<Path> s = Files.walk(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")
                    || p.getFileName().toString().endsWith(".old")), "no temporary folder left");
        }
    }

    private CnnIoException full(long budget, Runnable write) {
        DiskFull faults = new DiskFull(budget);
        CnnIoException e;
        try (AtomicFiles.Injection i = AtomicFiles.inject(faults)) {
            e = assertThrows(CnnIoException.class, write::run);
        }
        assertTrue(faults.failures >= 1, "the injected full disk was hit");
        return e;
    }

    private static void assertClear(CnnIoException e, Path target, String reason, String advice) {
        String m = e.getMessage();
        assertTrue(m.contains(target.toString()), "message does not name " + target + ": " + m);
        assertTrue(java.util.Arrays.stream(reason.split("\\|")).anyMatch(m::contains),
                "message lacks '" + reason + "': " + m);
        assertTrue(m.contains(advice), "message lacks what to do ('" + advice + "'): " + m);
        assertTrue(m.contains("unchanged"), "message does not say the previous content is unchanged: " + m);
        assertFalse(m.contains("\n") || m.contains("\tat ") || m.contains(".tmp"), "one line, no temp names: " + m);
    }

    @ParameterizedTest(name = "full after {0} bytes")
    @ValueSource(longs = {0, 100, 1000})
    void weightsOnAFullDisk(long budget) throws IOException {
        Path target = dir.resolve("w.h5");
        KerasWeights.save(first, target);
        Map<String, byte[]> before = snapshot();
        CnnIoException e = full(budget, () -> KerasWeights.save(second, target));
        assertClear(e, target, ENOSPC, "free some space");
        assertUnchanged(before);
        Model back = Corpus.model(engine);
        back.setWeights(Map.of("conv", Map.of("kernel", Tensor.zeros(3, 3, 1, 2))));
        KerasWeights.load(back, target, io.cnnkit.io.api.LoadOptions.BY_NAME);
        assertTrue(back.weights().get("conv").get("kernel").contentEquals(first.weights().get("conv").get("kernel")),
                "the previous file still loads with the previous weights");
    }

    @ParameterizedTest(name = "full after {0} bytes")
    @ValueSource(longs = {0, 100, 200})
    void npyOnAFullDisk(long budget) throws IOException {
        Path target = dir.resolve("x.npy");
        Npy.write(stages.get(0).output(), target);
        Map<String, byte[]> before = snapshot();
        CnnIoException e = full(budget, () -> Npy.write(stages.get(1).output(), target));
        assertClear(e, target, ENOSPC, "free some space");
        assertUnchanged(before);
        assertTrue(Npy.read(target).contentEquals(stages.get(0).output()));
    }

    @ParameterizedTest(name = "full after {0} bytes")
    @ValueSource(longs = {0, 40, 300})
    void pictureOnAFullDisk(long budget) throws IOException {
        Path target = dir.resolve("x.png");
        Images.writePicture(stages.get(0).output(), target);
        Map<String, byte[]> before = snapshot();
        CnnIoException e = full(budget, () -> Images.writePicture(stages.get(1).output(), target));
        assertClear(e, target, ENOSPC, "free some space");
        assertUnchanged(before);
        Images.read(target); // still a whole picture
    }

    /** Budgets that run out in the first picture, in a later picture or .npy, and in report.html. */
    @ParameterizedTest(name = "full after {0} bytes")
    @ValueSource(longs = {0, 1500, 4000, -1})
    void reportFolderOnAFullDisk(long budget) throws IOException {
        Path out = dir.resolve("out");
        Reports.writeTrace("first", stages.subList(0, 2), first.summary(), out, true);
        Map<String, byte[]> before = snapshot();
        long b = budget;
        if (b < 0) { // everything but the last 10 bytes of report.html
            Path probe = dir.resolveSibling(dir.getFileName() + "-probe");
            Reports.writeTrace("second", stages, second.summary(), probe, true);
            try (Stream<Path> s = Files.list(probe)) {
                b = s.mapToLong(p -> p.toFile().length()).sum() - 10;
            }
            AtomicFiles.deleteTree(probe);
        }
        long spend = b;
        CnnIoException e = full(spend, () -> Reports.writeTrace("second", stages, second.summary(), out, true));
        assertClear(e, out, ENOSPC, "free some space");
        assertUnchanged(before);
    }

    @Test
    void reportIntoAFreshFolderOnAFullDiskLeavesNoFolder() throws IOException {
        Path out = dir.resolve("fresh");
        CnnIoException e = full(2000, () -> Reports.writeTrace("t", stages, null, out, true));
        assertClear(e, out, ENOSPC, "free some space");
        assertFalse(Files.exists(out));
        assertUnchanged(Map.of());
    }

    /** /sys refuses new files even to root (tests run as root in CI, where chmod stops nothing). */
    private static Path readOnlyFolder() {
        Path sys = Path.of("/sys");
        Assumptions.assumeTrue(Files.isDirectory(sys), "no /sys here");
        Path probe = sys.resolve(".cnnkit-write-probe");
        try {
            Files.createFile(probe);
            Files.deleteIfExists(probe);
            Assumptions.abort("/sys accepts new files here");
        } catch (IOException expected) {
            // what the test needs: a folder nobody can write
        }
        return sys;
    }

    @Test
    void readOnlyFolder_everyWriterFailsClearlyAndWritesNothing() {
        Path ro = readOnlyFolder();
        String denied = "ermission denied|not permitted"; // EACCES for files, EPERM for folders in /sys
        String advice = "choose a folder you can write to";
        Path w = ro.resolve("cnnkit-w.h5");
        assertClear(assertThrows(CnnIoException.class, () -> KerasWeights.save(first, w)), w, denied, advice);
        Path n = ro.resolve("cnnkit-x.npy");
        assertClear(assertThrows(CnnIoException.class, () -> Npy.write(stages.get(1).output(), n)), n, denied, advice);
        Path p = ro.resolve("cnnkit-x.png");
        assertClear(assertThrows(CnnIoException.class, () -> Images.writePicture(stages.get(1).output(), p)), p,
                denied, advice);
        Path out = ro.resolve("cnnkit-out");
        CnnIoException e = assertThrows(CnnIoException.class,
                () -> Reports.writeTrace("t", stages, null, out, true));
        assertClear(e, out, denied, advice);
        for (Path t : List.of(w, n, p, out)) {
            assertFalse(Files.exists(t), t + " exists");
        }
    }
}
