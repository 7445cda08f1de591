package io.cnnkit.explorer.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Request bodies written to a session's folder: under a name the server chooses (the client's
 * file name only picks the extension, after it is checked), at most {@code maxBytes}, never
 * empty. A refused or failed upload leaves nothing on disk.
 */
final class Uploads {
    static final Set<String> MODEL_EXTENSIONS = Set.of("h5", "hdf5", "json");
    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private Uploads() {
    }

    /**
     * A client's file name, checked: a plain name (no folder, no "..", no control characters)
     * whose extension is one of {@code allowed}. Returns the extension, lower case.
     */
    static String extension(String name, Set<String> allowed, String what) {
        if (name == null || name.isBlank()) {
            throw HttpError.badRequest("the " + what + " upload has no file name",
                    "send it as POST ...?name=FILE." + String.join("|", allowed) + " with the file as the body");
        }
        if (name.length() > 200 || name.contains("/") || name.contains("\\") || name.contains("..")
                || name.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw HttpError.badRequest("the file name '" + printable(name) + "' is not allowed",
                    "give a plain file name without folders or '..' (the server stores uploads under names of its own)");
        }
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!allowed.contains(ext)) {
            throw HttpError.badRequest("'" + printable(name) + "' is not " + (what.startsWith("i") ? "an " : "a ") + what
                    + " file: the explorer takes ."
                    + String.join(", .", allowed.stream().sorted().toList()), "check the file you picked");
        }
        return ext;
    }

    /** Copies the body to {@code target}; refuses an empty or too large body, deleting what was written. */
    static void save(InputStream body, long declaredLength, long maxBytes, Path target, String what) {
        if (declaredLength > maxBytes) {
            drain(body);
            throw new HttpError(413, "the " + what + " is " + mb(declaredLength) + ", over the explorer's limit of "
                    + mb(maxBytes), "use a smaller file");
        }
        long n = 0;
        try (InputStream in = body; OutputStream out = Files.newOutputStream(target)) {
            byte[] buf = new byte[64 * 1024];
            int r;
            while ((r = in.read(buf)) > 0) {
                n += r;
                if (n > maxBytes) {
                    drain(in);
                    throw new HttpError(413, "the " + what + " is over the explorer's limit of " + mb(maxBytes),
                            "use a smaller file");
                }
                out.write(buf, 0, r);
            }
        } catch (IOException e) {
            delete(target);
            throw new HttpError(400, "the " + what + " upload broke off: " + e.getMessage(), "send it again");
        } catch (RuntimeException e) {
            delete(target);
            throw e;
        }
        if (n == 0) {
            delete(target);
            throw HttpError.badRequest("the " + what + " upload is empty (0 bytes)", "pick the file again; it may not have been read");
        }
    }

    /** Refused bodies up to this size are read to the end, so that the client sees the 413 instead of a reset. */
    static final long DRAIN_BYTES = 64_000_000L;

    /**
     * Reads and drops what is left of a refused body (at most {@link #DRAIN_BYTES}): a client
     * still sending when the server answers and closes gets a reset connection and never sees
     * the error, while a browser's fetch or curl read the 413 after sending everything.
     */
    private static void drain(InputStream in) {
        try {
            long left = DRAIN_BYTES;
            byte[] buf = new byte[64 * 1024];
            int r;
            while (left > 0 && (r = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= r;
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // the session's folder goes as a whole when the session ends
        }
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** A name as shown in a message: control characters as '?'. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(100).forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return b.toString();
    }
}
