package io.cnnkit.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A really full disk and a really read-only folder (Linux): a child JVM ({@link RealFaultsMain})
 * runs in a private mount namespace ({@code unshare}) where one folder is a 512 KB tmpfs and
 * another a read-only bind mount, so the errors are the kernel's own ENOSPC and EROFS. Nothing
 * outside the child sees those mounts. Skipped where {@code unshare} cannot make a mount
 * namespace (no util-linux, no user namespaces for non-root users); the injected-fault tests in
 * {@link FullOrReadOnlyFolderTest} cover the same paths everywhere.
 */
class RealFaultsTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void realFullDiskAndReadOnlyFolder() throws IOException, InterruptedException {
        // root may make a mount namespace directly; others need a user namespace (-r) as well
        List<String> unshare = "root".equals(System.getProperty("user.name"))
                ? List.of("unshare", "-m") : List.of("unshare", "-r", "-m");
        Assumptions.assumeTrue(works(unshare, "mount -t tmpfs -o size=64k tmpfs \"$1\"", dir.toString()),
                "unshare cannot make a mount namespace with a tmpfs here");
        Path full = Files.createDirectory(dir.resolve("full"));
        Path readOnly = Files.createDirectory(dir.resolve("readonly"));
        try (var engine = Corpus.engine()) {
            io.cnnkit.io.api.KerasWeights.save(Corpus.model(engine), readOnly.resolve("w.h5")); // a previous file
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String script = "mount -t tmpfs -o size=512k tmpfs \"$1\" && mount --bind \"$2\" \"$2\""
                + " && mount -o remount,bind,ro \"$2\" && exec \"$3\" -Xmx256m -XX:TieredStopAtLevel=1 -cp \"$4\" "
                + RealFaultsMain.class.getName() + " \"$1\" \"$2\"";
        ProcessBuilder pb = new ProcessBuilder(cmd(unshare, script, full.toString(), readOnly.toString(), java,
                System.getProperty("java.class.path")));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        System.out.println(log);
        assertEquals(0, p.exitValue(), log);
    }

    private static List<String> cmd(List<String> unshare, String script, String... args) {
        List<String> c = new java.util.ArrayList<>(unshare);
        c.addAll(List.of("sh", "-c", script, "sh"));
        c.addAll(List.of(args));
        return c;
    }

    private static boolean works(List<String> unshare, String script, String arg) {
        try {
            Process p = new ProcessBuilder(cmd(unshare, script, arg)).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
