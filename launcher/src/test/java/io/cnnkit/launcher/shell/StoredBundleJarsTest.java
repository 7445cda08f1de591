package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredBundleJarsTest {
    @TempDir
    Path dir;

    /** A deflated jar as bnd writes one: manifest first, folders, classes, a resource. */
    private static Map<String, byte[]> jar(Path file) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().putValue("Manifest-Version", "1.0");
        m.getMainAttributes().putValue("Bundle-SymbolicName", "test.bundle");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Random r = new Random(7);
        entries.put("io/", new byte[0]);
        entries.put("io/A.class", bytes(r, 3000, true));
        entries.put("io/B.class", bytes(r, 200_000, true));
        entries.put("res/noise.bin", bytes(r, 5000, false));
        entries.put("res/empty.txt", new byte[0]);
        Files.createDirectories(file.getParent());
        try (OutputStream f = Files.newOutputStream(file); JarOutputStream out = new JarOutputStream(f, m)) {
            for (var e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return entries;
    }

    private static byte[] bytes(Random r, int n, boolean compressible) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (compressible ? "CAFEBABE code ".charAt(i % 14) : r.nextInt());
        }
        return b;
    }

    private static List<String> names(ZipFile z) {
        List<String> out = new ArrayList<>();
        for (ZipEntry e : Collections.list(z.entries())) {
            out.add(e.getName());
        }
        return out;
    }

    @Test
    void aSlotsBundleJarsAreStoredWithTheSameEntriesInTheSameOrder() throws IOException {
        Path one = dir.resolve("bundle1/version0.0/bundle.jar");
        Path two = dir.resolve("bundle2/version0.1/bundle.jar");
        Map<String, byte[]> entries = jar(one);
        jar(two);
        List<String> before;
        try (ZipFile z = new ZipFile(one.toFile())) {
            before = names(z);
            assertTrue(Collections.list(z.entries()).stream().anyMatch(e -> e.getMethod() == ZipEntry.DEFLATED),
                    "the test's jar is deflated");
        }
        assertEquals(2, StoredBundleJars.store(dir));
        try (JarFile z = new JarFile(one.toFile())) {
            assertEquals(before, names(z), "entries and their order (the manifest first)");
            assertEquals("test.bundle", z.getManifest().getMainAttributes().getValue("Bundle-SymbolicName"));
            for (ZipEntry e : Collections.list(z.entries())) {
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
                if (entries.containsKey(e.getName())) {
                    try (InputStream in = z.getInputStream(e)) {
                        assertArrayEquals(entries.get(e.getName()), in.readAllBytes(), e.getName());
                    }
                }
            }
        }
        try (var files = Files.list(one.getParent())) {
            assertEquals(List.of(one), files.toList(), "no temporary file left");
        }
        assertEquals(0, StoredBundleJars.store(dir), "stored jars are left as they are");
    }

    @Test
    void aJarThatCannotBeReadStaysAsItWas() throws IOException {
        Path broken = dir.resolve("bundle3/version0.0/bundle.jar");
        Files.createDirectories(broken.getParent());
        byte[] junk = "not a zip file".getBytes();
        Files.write(broken, junk);
        Path fine = dir.resolve("bundle4/version0.0/bundle.jar");
        jar(fine);
        assertEquals(1, StoredBundleJars.store(dir), "the readable jar is still stored");
        assertArrayEquals(junk, Files.readAllBytes(broken));
        assertFalse(StoredBundleJars.storeOne(broken));
        try (var files = Files.list(broken.getParent())) {
            assertEquals(List.of(broken), files.toList(), "no temporary file left");
        }
    }
}
