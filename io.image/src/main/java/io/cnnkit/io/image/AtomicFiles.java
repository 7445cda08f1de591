package io.cnnkit.io.image;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cnnkit.io.api.CnnIoException;

/**
 * Files that are either the old content or the new one, never a part of either: every writer
 * of io.image (weights, pictures, .npy, report folders) writes a hidden sibling
 * {@code .<name>.<pid>-<random>.tmp}, forces it to disk and renames it over the target in one
 * step. A failure deletes the sibling and leaves the target as it was. A process killed in the
 * middle (kill -9, power loss) cannot delete its sibling: the next write to the same target
 * deletes siblings of this naming whose process is gone, so leftovers do not pile up.
 *
 * <p>Files written inside a folder that {@link ReportWriter#writeFolder} is filling (its private
 * temporary folder, on the same thread) skip the sibling, the rename and the per-file force: the
 * folder is the unit that appears whole or not at all, and its files are forced together, in
 * parallel, before it is moved into place ({@link #forceTree}). A report of 170 files spent over a
 * second in 340 sequential fsyncs; forced 16 at a time they take a tenth of that. A report folder
 * that replaces an earlier one keeps the earlier one's files its new ones equal
 * ({@link KeepIfUnchanged}).
 *
 * <p>{@link #inject(Faults)} is a test seam: it lets a test make the writes of its own thread
 * fail as a full disk does, after some bytes or before the rename.
 */
public final class AtomicFiles {
    /** Failures a test injects into the writes of one thread; see {@link #inject(Faults)}. */
    public interface Faults {
        /** Wraps the stream a temp file is written through (e.g. one that throws ENOSPC after N bytes). */
        default OutputStream wrap(Path temp, OutputStream out) throws IOException {
            return out;
        }

        /** Called with a finished temp file or folder just before it replaces its target. */
        default void beforeCommit(Path temp) throws IOException {
        }
    }

    /** Writes a file's content. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static final Faults NONE = new Faults() {
    };
    // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
    private static final ThreadLocal<Faults> FAULTS = ThreadLocal.withInitial(new Supplier<Faults>() {
        @Override
        public Faults get() {
            return NONE;
        }
    });
    /** The folder the folder writer on this thread replaces (null: none, or it did not exist). */
    private static final ThreadLocal<Replaced> REPLACED = new ThreadLocal<>();

    /** A folder being replaced, and the owner (Unix uid) its files must have to be kept: this process's. */
    private record Replaced(Path dir, Object owner) {
    }
    /** The private temporary folder a folder writer fills on this thread (null: none). */
    private static final ThreadLocal<Path> FOLDER = new ThreadLocal<>();
    /** Files forced at once by {@link #forceTree}: enough for the file system to commit them together. */
    static final int FORCE_THREADS = 16;
    /**
     * Bytes buffered per file written, and compared at a time with a replaced file's. Small: a
     * report writes 171 files, and 64 KB buffers (the earlier size) were a fifth of a one-shot
     * MobileNet run's allocation, enough to cost it a garbage collection; writers hand over
     * their content in large arrays, which go past the buffer.
     */
    static final int BUFFER = 1 << 13;
    private static final Pattern OURS = Pattern.compile("(\\d+)-[0-9a-f]+\\.(tmp|old)");

    private AtomicFiles() {
    }

    /** Makes the writes of the calling thread meet {@code faults} until the returned handle is closed. */
    public static Injection inject(Faults faults) {
        Objects.requireNonNull(faults, "faults");
        FAULTS.set(faults);
        return FAULTS::remove;
    }

    /** Ends an {@link #inject(Faults)}. */
    @FunctionalInterface
    public interface Injection extends AutoCloseable {
        @Override
        void close();
    }

    /** The faults injected on this thread (none unless a test set some). */
    public static Faults faults() {
        return FAULTS.get();
    }

    /**
     * Writes {@code file} atomically; {@code what} names the content in errors ("picture",
     * ".npy file"). A failure is a {@link CnnIoException} naming the file, the cause and what
     * to do; the previous file, if any, is left unchanged and no temporary file stays behind.
     */
    public static void write(Path file, String what, Body body) {
        Path target = file.toAbsolutePath().normalize();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new CnnIoException("cannot write " + what + " " + target + ": folder " + dir
                    + " does not exist; create it first or choose another path");
        }
        if (Files.isDirectory(target)) {
            throw new CnnIoException("cannot write " + what + " " + target + ": a folder of that name exists; choose another name");
        }
        Path folder = FOLDER.get();
        if (folder != null && target.startsWith(folder)) {
            writeInFolder(target, what, body);
            return;
        }
        cleanStale(target);
        Path temp;
        try {
            temp = tempSibling(target, false);
        } catch (IOException | RuntimeException e) {
            throw new CnnIoException("cannot write " + what + " " + target + ": cannot create a file in " + dir + " ("
                    + reason(e, false) + "); nothing was written and the previous file, if any, is unchanged; "
                    + advice(e), e);
        }
        try {
            try (OutputStream raw = Files.newOutputStream(temp, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(faults().wrap(temp, new Unclosed(raw)), BUFFER)) {
                body.write(out);
            }
            commit(temp, target);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(temp, e);
            if (e instanceof Error err) {
                throw err;
            }
            if (e instanceof CnnIoException c) {
                throw c;
            }
            throw failure(what, target, e);
        }
    }

    /**
     * A file in a folder nobody else sees yet: written in place, not forced (the folder writer
     * forces the whole folder at the end). Faults are injected as for {@link #write}.
     */
    private static void writeInFolder(Path target, String what, Body body) {
        try {
            // A file this folder already has is replaced, not written through: it may be a second
            // name of the replaced folder's file (KeepIfUnchanged), which must stay as it was
            Files.deleteIfExists(target);
            Path previous = previousOf(target);
            try (OutputStream raw = previous != null ? KeepIfUnchanged.open(target, previous)
                    : Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(faults().wrap(target, new Unclosed(raw)), BUFFER)) {
                body.write(out);
            }
            faults().beforeCommit(target);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(target, e);
            if (e instanceof Error err) {
                throw err;
            }
            if (e instanceof CnnIoException c) {
                throw c;
            }
            throw failure(what, target, e);
        }
    }

    /**
     * Runs {@code body} with the writes of this thread into {@code tmp} (a fresh private folder)
     * going straight to their files; {@link #forceTree} must follow before {@code tmp} is moved
     * into place. Nests: an inner folder inside {@code tmp} is covered by the outer one.
     */
    static <E extends Exception> void fillingFolder(Path tmp, Path replaced, FolderBody<E> body) throws E {
        Path outer = FOLDER.get();
        Replaced outerReplaced = REPLACED.get();
        boolean nested = outer != null && tmp.startsWith(outer);
        FOLDER.set(nested ? outer : tmp);
        Replaced r = nested ? outerReplaced : replaced(tmp, replaced);
        if (r != null) {
            REPLACED.set(r);
        } else {
            REPLACED.remove();
        }
        try {
            body.run();
        } finally {
            if (outer == null) {
                FOLDER.remove();
            } else {
                FOLDER.set(outer);
            }
            if (outerReplaced == null) {
                REPLACED.remove();
            } else {
                REPLACED.set(outerReplaced);
            }
        }
    }

    /**
     * The file of the folder being replaced that {@code target} (a file of the folder being
     * filled) takes the place of, when it may be kept ({@link KeepIfUnchanged}): a regular file
     * (not a link) of this process's owner with no other name. Null otherwise, or where the file
     * system has no Unix attributes.
     */
    private static Path previousOf(Path target) {
        Path folder = FOLDER.get();
        Replaced replaced = REPLACED.get();
        if (folder == null || replaced == null || !target.startsWith(folder)) {
            return null;
        }
        Path previous = replaced.dir().resolve(folder.relativize(target).toString());
        try {
            Map<String, Object> a = Files.readAttributes(previous, "unix:isRegularFile,nlink,uid", LinkOption.NOFOLLOW_LINKS);
            return Boolean.TRUE.equals(a.get("isRegularFile")) && Integer.valueOf(1).equals(a.get("nlink"))
                    && replaced.owner().equals(a.get("uid")) ? previous : null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return null; // none: written anew
        }
    }

    /** {@code dir} with this process's uid (that of {@code tmp}, which it just made), or null: nothing is kept. */
    private static Replaced replaced(Path tmp, Path dir) {
        if (dir == null) {
            return null;
        }
        try {
            Object owner = Files.getAttribute(tmp, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return owner == null ? null : new Replaced(dir, owner);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return null; // not a Unix file system: every file written anew
        }
    }

    /** What {@link #fillingFolder} runs. */
    @FunctionalInterface
    interface FolderBody<E extends Exception> {
        void run() throws E;
    }

    /** Whether {@code dir} lies inside a folder this thread is already filling (which forces it at its end). */
    static boolean insideFilledFolder(Path dir) {
        Path folder = FOLDER.get();
        return folder != null && dir.startsWith(folder) && !dir.equals(folder);
    }

    /**
     * Forces every file under {@code dir} to disk, then the folders: up to {@value #FORCE_THREADS}
     * files at once, because a journaling file system commits concurrent fsyncs together where it
     * commits sequential ones one by one. The first failure (a full disk found at write-back) is
     * thrown once all are done.
     */
    static void forceTree(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        // (a visitor, not Files.walk: its stream is the JDK's lambdas, spun at first use on a one-shot JVM)
        Files.walkFileTree(dir, new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                dirs.add(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                files.add(f);
                return FileVisitResult.CONTINUE;
            }
        });
        AtomicInteger next = new AtomicInteger();
        AtomicReference<IOException> failed = new AtomicReference<>();
        Runnable worker = new Runnable() {
            @Override
            public void run() {
                for (int i; (i = next.getAndIncrement()) < files.size() && failed.get() == null;) {
                    Path f = files.get(i);
                    if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                        continue;
                    }
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    } catch (IOException e) {
                        failed.compareAndSet(null, e);
                    }
                }
            }
        };
        int n = Math.min(FORCE_THREADS, files.size());
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 1; i < n; i++) {
            Thread t = new Thread(worker, "cnnkit-force-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        worker.run();
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while forcing " + dir + " to disk");
            }
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        for (int i = dirs.size() - 1; i >= 0; i--) { // deepest first, the folder itself last
            syncFolder(dirs.get(i));
        }
    }

    /** The error for a failed write: the file, the reason, that nothing changed, what to do. */
    public static CnnIoException failure(String what, Path target, Throwable e) {
        return new CnnIoException("cannot write " + what + " " + target + ": " + reason(e, false)
                + "; the previous file, if any, is unchanged; " + advice(e), e);
    }

    /**
     * A new empty hidden sibling of {@code target} for writing ({@code folder}: a folder), named
     * {@code .<name>.<pid>-<random>.tmp}. Created with the folder's default permissions (not the
     * owner-only ones of {@link Files#createTempFile}), as the file it replaces most likely had.
     */
    public static Path tempSibling(Path target, boolean folder) throws IOException {
        Path p = sibling(target, "tmp");
        return folder ? Files.createDirectory(p) : Files.createFile(p);
    }

    /** A free name {@code .<name>.<pid>-<random>.old} next to {@code target} (not created). */
    public static Path oldSibling(Path target) {
        return sibling(target, "old");
    }

    /**
     * The random part only tells this process's siblings apart (the pid tells processes apart):
     * no SecureRandom, whose start cost a one-shot command about 5 ms.
     */
    private static Path sibling(Path target, String kind) {
        return target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + "." + kind);
    }

    /**
     * Forces a finished temp file to disk and renames it over {@code target} in one step, then
     * makes the rename durable (best effort on platforms that cannot open folders).
     */
    public static void commit(Path temp, Path target) throws IOException {
        faults().beforeCommit(temp);
        if (Files.isRegularFile(temp)) {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncFolder(target.getParent());
    }

    /** Makes a rename durable; not every platform can open a folder (Windows), which is fine there. */
    public static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // The file itself is complete and renamed; only the folder entry's durability is best effort.
        }
    }

    /**
     * Deletes what writers of {@code target} killed in the middle left next to it: siblings
     * {@code .<name>.<pid>-<hex>.tmp} (files or folders) whose process no longer runs on this
     * machine. A {@code .old} folder of a report writer killed between its two renames holds
     * the previous report: it is moved back when {@code target} is missing, else deleted.
     * Best effort: anything that cannot be read or deleted is left alone.
     */
    public static void cleanStale(Path target) {
        Path dir = target.getParent();
        String prefix = "." + target.getFileName() + ".";
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, new NamePrefix(prefix))) {
            for (Path p : s) {
                Matcher m = OURS.matcher(p.getFileName().toString().substring(prefix.length()));
                if (!m.matches() || alive(m.group(1))) {
                    continue;
                }
                if (m.group(2).equals("old") && !Files.exists(target)) {
                    try {
                        Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
                        continue;
                    } catch (IOException | RuntimeException e) {
                        // fall through: delete it
                    }
                }
                deleteTree(p);
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable folder fails the write itself with a clear error.
        }
    }

    private static final class NamePrefix implements DirectoryStream.Filter<Path> {
        private final String prefix;

        NamePrefix(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public boolean accept(Path p) {
            return p.getFileName().toString().startsWith(prefix);
        }
    }

    private static boolean alive(String pid) {
        try {
            long p = Long.parseLong(pid);
            return p == ProcessHandle.current().pid() || ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException | UnsupportedOperationException | SecurityException e) {
            return true; // cannot tell: keep it
        }
    }

    /** "No space left on device", "Permission denied", ... without Java class names where the OS said it. */
    public static String reason(Throwable error) {
        return reason(error, true);
    }

    /** As {@link #reason(Throwable)}; without the file name when it is a temporary one of ours. */
    public static String reason(Throwable error, boolean withFile) {
        Throwable e = error;
        while (e.getCause() instanceof IOException c && c != e) {
            e = c; // ImageIO wraps the stream's own error ("No space left on device") in a vaguer one
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason() + (withFile ? " (" + fse.getFile() + ")" : "");
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file or folder" + (withFile ? " " + n.getFile() : "");
        }
        if (e instanceof AtomicMoveNotSupportedException) {
            return "the file system cannot rename atomically";
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied" + (withFile ? " (" + a.getFile() + ")" : "");
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip();
    }

    /** The innermost I/O error in a chain (jHDF wraps "No space left on device" in its own exception), or null. */
    public static IOException ioCause(Throwable e) {
        IOException found = null;
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException io) {
                found = io;
            }
        }
        return found;
    }

    /** What the user can do about a failed write. */
    public static String advice(Throwable e) {
        String all = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            all += " " + t.getMessage() + " " + t.getClass().getSimpleName();
        }
        if (all.contains("No space left") || all.contains("Disk quota")) {
            return "free some space on that disk, or write somewhere else";
        }
        if (e instanceof AccessDeniedException || e instanceof ReadOnlyFileSystemException
                || all.contains("Read-only file system") || all.contains("Permission denied")
                || all.contains("Operation not permitted")) {
            return "choose a folder you can write to";
        }
        return "check that the folder exists and can be written to, or write somewhere else";
    }

    private static void deleteQuietly(Path temp, Throwable failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /** Deletes a file or a folder tree; best effort. */
    public static void deleteTree(Path p) {
        ReportWriter.deleteQuietly(p);
    }

    /**
     * A file of a folder that replaces an earlier one ({@link ReportWriter#writeFolder}), written
     * only if it differs from the earlier folder's file of the same name: while the bytes equal
     * that file's, nothing is written; at the first difference the file is created with the equal
     * part copied from the earlier file and the rest written through. If the bytes equal it to its
     * end, the file becomes a second name of the earlier one (a hard link, with the modification
     * time of now; a copy where links are not supported), which the replaced folder's deletion then
     * leaves whole. Rewriting a report unchanged thus creates, forces and frees no files: on this
     * project's VMs (ext4 without a journal skips inodes freed in the last 5 to 35 s, reading each
     * one's inode table entry) creating a report's 171 files right after deleting the previous
     * report's took 50 to 80 ms of kernel time.
     */
    private static final class KeepIfUnchanged extends OutputStream {
        private final Path target;
        private final Path previous;
        private final byte[] buf = new byte[BUFFER];
        /** The earlier file, read as far as compared; null once the bytes differ. */
        private InputStream earlier;
        /** Bytes equal to the earlier file's so far. */
        private long same;
        /** The new file, once the bytes differ. */
        private OutputStream out;
        private boolean closed;

        private KeepIfUnchanged(Path target, Path previous, InputStream earlier) {
            this.target = target;
            this.previous = previous;
            this.earlier = earlier;
        }

        /** The stream for {@code target}; a new file when the earlier one cannot be read (it is replaced anyway). */
        static OutputStream open(Path target, Path previous) throws IOException {
            InputStream earlier;
            try {
                earlier = Files.newInputStream(previous, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | SecurityException e) {
                return Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            return new KeepIfUnchanged(target, previous, earlier);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (out == null) {
                int k = equalPart(b, off, len);
                same += k;
                if (k == len) {
                    return;
                }
                diverge();
                off += k;
                len -= k;
            }
            out.write(b, off, len);
        }

        /** How many of {@code b[off, off + len)} equal the earlier file's next bytes. */
        private int equalPart(byte[] b, int off, int len) throws IOException {
            int k = 0;
            while (k < len) {
                int want = Math.min(buf.length, len - k);
                int n = earlier.readNBytes(buf, 0, want);
                int m = Arrays.mismatch(b, off + k, off + k + n, buf, 0, n);
                if (m >= 0) {
                    return k + m;
                }
                if (n < want) { // the earlier file ends here
                    return k + n;
                }
                k += n;
            }
            return len;
        }

        /** Creates the new file with the equal part copied from the earlier one. */
        private void diverge() throws IOException {
            earlier.close();
            earlier = null;
            out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try (InputStream in = Files.newInputStream(previous, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                for (long left = same; left > 0;) {
                    int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, left));
                    if (n == 0) {
                        throw new IOException(previous + " changed while it was compared with " + target);
                    }
                    out.write(buf, 0, n);
                    left -= n;
                }
            }
        }

        @Override
        public void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (out == null) {
                boolean ended = earlier.read() < 0;
                if (ended) {
                    earlier.close();
                    earlier = null;
                    keep();
                    return;
                }
                diverge(); // the new bytes are a beginning of the earlier file's
            }
            out.close();
        }

        private void keep() throws IOException {
            try {
                Files.createLink(target, previous);
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(previous, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            }
            Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
        }
    }

    /** Lets the caller's try-with-resources close the file once, after the wrapper chain flushed. */
    private static final class Unclosed extends FilterOutputStream {
        Unclosed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
