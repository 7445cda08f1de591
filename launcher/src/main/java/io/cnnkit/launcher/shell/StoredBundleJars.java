package io.cnnkit.launcher.shell;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites the bundle jars of a kept bundle cache (the framework's copies,
 * {@code bundleN/versionM.R/bundle.jar}) with their entries stored instead of deflated. Every
 * start on the cache reads its bundles' classes from those jars; inflating them was 15 to 30 ms
 * of a one-shot command's CPU (the class preloading thread's, the start level's, the command's),
 * on two cores that the start-up keeps busy. The same entries and bytes, so the class-data
 * archives recorded from the deflated jars still match. Done once, when the cache's first
 * command leaves it unchanged (about 0.2 s more for that command, which installs the bundles
 * anyway): about twice the disk (a slot's 41 jars 6.8 -> 15.6 MB).
 */
final class StoredBundleJars {
    private StoredBundleJars() {
    }

    /**
     * Stores the bundle jars under {@code slot} uncompressed; returns how many it rewrote. A jar
     * that cannot be rewritten stays as it was (it works either way): nothing is thrown. Two
     * threads (a slot's jars took 0.25 s on one, cold).
     */
    static int store(Path slot) {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> bundles = Files.newDirectoryStream(slot, "bundle*")) {
            for (Path bundle : bundles) {
                if (!Files.isDirectory(bundle)) {
                    continue;
                }
                try (DirectoryStream<Path> versions = Files.newDirectoryStream(bundle, "version*")) {
                    for (Path version : versions) {
                        Path jar = version.resolve("bundle.jar");
                        if (Files.isRegularFile(jar)) {
                            jars.add(jar);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the jars not found stay deflated: slower starts, nothing wrong
        }
        AtomicInteger stored = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < jars.size();) {
                if (storeOne(jars.get(i))) {
                    stored.incrementAndGet();
                }
            }
        };
        Thread helper = new Thread(worker, "cnnkit-store-jars");
        helper.start();
        worker.run();
        try {
            helper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return stored.get();
    }

    /** Rewrites one jar (replaced in one step, forced to disk first); false when it is stored already or cannot be read. */
    static boolean storeOne(Path jar) {
        Path temp = jar.resolveSibling("." + jar.getFileName() + ".stored.tmp");
        try (ZipFile in = new ZipFile(jar.toFile())) {
            if (!anyDeflated(in)) {
                return false;
            }
            try (OutputStream file = Files.newOutputStream(temp);
                    ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(file, 1 << 16))) {
                out.setMethod(ZipOutputStream.STORED);
                for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements();) {
                    ZipEntry from = e.nextElement();
                    byte[] bytes;
                    try (InputStream s = in.getInputStream(from)) {
                        bytes = s.readAllBytes();
                    }
                    ZipEntry to = new ZipEntry(from.getName());
                    to.setMethod(ZipEntry.STORED);
                    to.setSize(bytes.length);
                    to.setCompressedSize(bytes.length);
                    to.setCrc(from.getCrc()); // of the uncompressed bytes either way (the stream checks it)
                    to.setTime(from.getTime());
                    out.putNextEntry(to);
                    out.write(bytes);
                    out.closeEntry();
                }
            }
            try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                c.force(true); // on disk before it replaces the deflated jar
            }
            Files.move(temp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a leftover temporary file in a cache folder: deleted with the folder
            }
            return false;
        }
    }

    private static boolean anyDeflated(ZipFile zip) {
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
            if (e.nextElement().getMethod() != ZipEntry.STORED) {
                return true;
            }
        }
        return false;
    }
}
