package io.cnnkit.io.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.io.api.CnnIoException;

/**
 * A folder written over an earlier one ({@link ReportWriter#writeFolder}) keeps the files whose
 * bytes did not change as second names of the earlier files, and writes every other file anew,
 * whatever the point where its bytes start to differ.
 */
class KeptFilesTest {
    @TempDir
    Path dir;
    private Path out;

    @BeforeEach
    void unixOnly() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("unix"),
                "hard links and inode numbers of a Unix file system");
        out = dir.resolve("report");
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes {@code files} (relative name to content) as one folder, each file in pieces of {@code piece} bytes. */
    private void write(Map<String, byte[]> files, int piece) {
        ReportWriter.writeFolder(out, "test folder", "folder", true, tmp -> {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path p = tmp.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                AtomicFiles.write(p, "test file", o -> pieces(o, f.getValue(), piece));
            }
        });
    }

    private static void pieces(OutputStream o, byte[] b, int piece) throws IOException {
        for (int at = 0; at < b.length; at += piece) {
            if (piece == 1) {
                o.write(b[at]);
            } else {
                o.write(b, at, Math.min(piece, b.length - at));
            }
        }
    }

    private Object inode(String name) throws IOException {
        return Files.readAttributes(out.resolve(name), "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");
    }

    private void assertContent(Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            assertArrayEquals(f.getValue(), Files.readAllBytes(out.resolve(f.getKey())), f.getKey());
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(out), s.toList(), "no temporary or replaced folder left");
        }
    }

    @Test
    void unchangedFilesAreKeptAndTouched() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("a.png", bytes(200_000, 1));
        files.put("empty.npy", new byte[0]);
        files.put("sub/c.npy", bytes(10, 2));
        write(files, 4096);
        Map<String, Object> before = new LinkedHashMap<>();
        for (String name : files.keySet()) {
            before.put(name, inode(name));
        }
        Instant start = Instant.now().minusMillis(1);
        write(files, 777);
        assertContent(files);
        for (String name : files.keySet()) {
            assertEquals(before.get(name), inode(name), name + " is the earlier file, not a new one");
            assertEquals(1, Files.getAttribute(out.resolve(name), "unix:nlink"), name + ": no other name left");
            FileTime t = Files.getLastModifiedTime(out.resolve(name));
            assertFalse(t.toInstant().isBefore(start), name + " was not touched: " + t);
        }
    }

    @Test
    void changedFilesAreWrittenAnewWhereverTheyDiffer() throws IOException {
        byte[] base = bytes(3 * 65536 + 100, 3);
        Map<String, byte[]> first = new LinkedHashMap<>();
        Map<String, byte[]> second = new LinkedHashMap<>();
        // a byte changed at these positions: the start, inside, at and after a 64 KB compare block's end
        for (int at : new int[] {0, 1, 1000, 65535, 65536, 65537, 2 * 65536, base.length - 1}) {
            byte[] b = base.clone();
            b[at] ^= 0x5a;
            first.put("diff" + at, base);
            second.put("diff" + at, b);
        }
        first.put("shorter", base);
        second.put("shorter", Arrays.copyOf(base, 65536 + 3)); // a beginning of the earlier file
        first.put("longer", Arrays.copyOf(base, 70_000));
        second.put("longer", base); // continues the earlier file
        first.put("nowEmpty", base);
        second.put("nowEmpty", new byte[0]);
        first.put("wasEmpty", new byte[0]);
        second.put("wasEmpty", base);
        first.put("same", base);
        second.put("same", base);
        second.put("new", base);
        for (int piece : new int[] {1, 1000, 1 << 20}) {
            write(first, piece);
            Map<String, Object> before = new LinkedHashMap<>();
            for (String name : first.keySet()) {
                before.put(name, inode(name));
            }
            write(second, piece);
            assertContent(second);
            for (String name : first.keySet()) {
                if (name.equals("same")) {
                    assertEquals(before.get(name), inode(name), "pieces of " + piece + ": " + name + " kept");
                } else {
                    assertNotEquals(before.get(name), inode(name), "pieces of " + piece + ": " + name + " written anew");
                }
            }
        }
    }

    @Test
    void aFileWithAnotherNameOrALinkIsWrittenAnew() throws IOException {
        byte[] b = bytes(5000, 4);
        Map<String, byte[]> files = Map.of("shared", b, "linked", b);
        write(files, 100);
        Path elsewhere = dir.resolveSibling(dir.getFileName() + "-elsewhere");
        Path outside = dir.resolveSibling(dir.getFileName() + "-outside");
        try {
            Files.createLink(elsewhere, out.resolve("shared")); // the user's own second name
            Files.write(outside, b);
            Files.delete(out.resolve("linked"));
            Files.createSymbolicLink(out.resolve("linked"), outside);
            Object shared = inode("shared");
            write(files, 100);
            assertContent(files);
            assertNotEquals(shared, inode("shared"), "a file with another name is not taken over");
            assertFalse(Files.isSymbolicLink(out.resolve("linked")), "a symbolic link is not kept");
            assertArrayEquals(b, Files.readAllBytes(elsewhere));
            assertArrayEquals(b, Files.readAllBytes(outside));
        } finally {
            Files.deleteIfExists(elsewhere);
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void foldersOfOtherContentsAreWrittenAnew() throws IOException {
        // Reports.writeFolder's contents may write files directly, through any name: nothing is kept
        byte[] b = bytes(5000, 8);
        for (int round = 0; round < 2; round++) {
            Object before = round == 0 ? null : inode("a");
            ReportWriter.writeFolder(out, "test folder", "folder",
                    tmp -> AtomicFiles.write(tmp.resolve("a"), "test file", o -> o.write(b)));
            assertContent(Map.of("a", b));
            if (before != null) {
                assertNotEquals(before, inode("a"));
            }
        }
    }

    @Test
    void aKeptFileWrittenAgainLeavesTheEarlierOneAsItWas() throws IOException {
        byte[] b = bytes(9000, 6);
        byte[] c = bytes(9000, 7);
        write(Map.of("a", b), 100);
        // the second write of "a" finds the first one's name (a second name of the earlier file, and
        // so no longer the earlier file's only name): it must replace it, not write through it
        assertThrows(CnnIoException.class, () -> ReportWriter.writeFolder(out, "test folder", "folder", true, tmp -> {
            AtomicFiles.write(tmp.resolve("a"), "test file", o -> o.write(b));
            AtomicFiles.write(tmp.resolve("a"), "test file", o -> o.write(c));
            throw new IOException("a later step fails (injected)");
        }));
        assertContent(Map.of("a", b));
        ReportWriter.writeFolder(out, "test folder", "folder", true, tmp -> {
            AtomicFiles.write(tmp.resolve("a"), "test file", o -> o.write(b));
            AtomicFiles.write(tmp.resolve("a"), "test file", o -> o.write(c));
        });
        assertContent(Map.of("a", c));
    }

    @Test
    void anUnreadableEarlierFileIsReplaced() throws IOException {
        byte[] b = bytes(3000, 9);
        write(Map.of("a", b), 100);
        Path a = out.resolve("a");
        Files.setPosixFilePermissions(a, java.util.Set.of());
        Assumptions.assumeFalse(Files.isReadable(a), "a file without permissions is readable (root)");
        Object before = inode("a");
        write(Map.of("a", b), 100);
        assertContent(Map.of("a", b));
        assertNotEquals(before, inode("a"), "written anew");
    }

    @Test
    void aFailureAfterKeepingLeavesTheEarlierFolderAsItWas() throws IOException {
        byte[] b = bytes(9000, 5);
        write(Map.of("a", b, "b", b), 100);
        Object a = inode("a");
        CnnIoException e = assertThrows(CnnIoException.class, () -> ReportWriter.writeFolder(out, "test folder",
                "folder", true, tmp -> {
                    AtomicFiles.write(tmp.resolve("a"), "test file", o -> o.write(b)); // kept
                    AtomicFiles.write(tmp.resolve("b"), "test file", o -> {
                        o.write(b, 0, 10);
                        throw new IOException("disk full (injected)");
                    });
                }));
        assertTrue(e.getMessage().contains("unchanged"), e.getMessage());
        assertContent(Map.of("a", b, "b", b));
        assertEquals(a, inode("a"));
        assertEquals(1, Files.getAttribute(out.resolve("a"), "unix:nlink"), "the temporary folder's name is gone");
    }
}
