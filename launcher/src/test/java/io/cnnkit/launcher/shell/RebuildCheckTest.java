package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./cnnkit's check whether the runtime must be rebuilt before a command, on a copy of the script
 * in a small tree of its own, with a stand-in {@code mvn} (it counts builds and writes a newer jar)
 * and {@code java} (it does nothing): a build exactly when a source file changed, a file was
 * added, renamed or deleted under a module's src (also in a folder made after the list of
 * sources was written, and after a build the script did not run), and none for tests, output
 * folders or plug-ins.
 */
class RebuildCheckTest {
    @TempDir
    Path tmp;
    Path root;
    Path jar;
    Path builds;

    @BeforeEach
    void tree() throws IOException, InterruptedException {
        root = tmp.resolve("checkout");
        Path target = Files.createDirectories(root.resolve("launcher/target"));
        Files.copy(Path.of("..", "cnnkit"), root.resolve("cnnkit"));
        write(root.resolve("pom.xml"), "<project/>");
        write(root.resolve("mod/bnd.bnd"), "Bundle-Name: mod");
        write(root.resolve("mod/src/main/java/a/A.java"), "class A {}");
        write(root.resolve("mod/src/test/java/a/ATest.java"), "class ATest {}");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        builds = tmp.resolve("builds.log");
        jar = target.resolve("cnnkit.jar");
        script(bin.resolve("mvn"), "echo built >> '" + builds + "'; touch '" + jar + "'");
        Path jdk = Files.createDirectories(tmp.resolve("jdk/bin"));
        script(jdk.resolve("java"), "exit 0");
        write(tmp.resolve("jdk/release"), "JAVA_VERSION=\"17.0.15\"");
        write(target.resolve("jline.jar"), "");
        pause();
        write(jar, "");
    }

    @Test
    void buildsExactlyWhenTheSourcesChange() throws Exception {
        assertEquals(0, run(), "up to date");
        assertTrue(Files.isRegularFile(root.resolve("launcher/target/cnnkit.sources")), "the sources listed");
        assertEquals(0, run(), "up to date, from the list");

        touch(root.resolve("mod/src/main/java/a/A.java"));
        assertEquals(1, run(), "a source file edited");
        assertEquals(1, run(), "built: up to date again");

        write(root.resolve("mod/src/main/java/b/B.java"), "class B {}");
        assertEquals(2, run(), "a file in a new package");
        touch(root.resolve("mod/src/main/java/b/B.java"));
        assertEquals(3, run(), "that file edited (its folder was not in the list before the build)");

        Files.delete(root.resolve("mod/src/main/java/a/A.java"));
        assertEquals(4, run(), "a source file deleted");

        touch(root.resolve("mod/src/test/java/a/ATest.java"));
        Files.createDirectories(root.resolve("out/demo"));
        write(root.resolve("plugins/x.jar"), "");
        assertEquals(4, run(), "tests, output and plug-ins are no sources");

        touch(root.resolve("mod/bnd.bnd"));
        assertEquals(5, run(), "a bnd file edited");
    }

    @Test
    void aBuildTheScriptDidNotRunIsNoticed() throws Exception {
        assertEquals(0, run());
        // a new package built by mvn directly: the list predates its folder
        write(root.resolve("mod/src/main/java/c/C.java"), "class C {}");
        pause();
        touch(jar);
        assertEquals(0, run(), "built since the change");
        touch(root.resolve("mod/src/main/java/c/C.java"));
        assertEquals(1, run(), "a file of the new package edited");
    }

    /** Runs `./cnnkit help` in the tree; returns the builds so far. */
    private int run() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("cnnkit").toString(), "help")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.log").toFile());
        pb.environment().put("PATH", tmp.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("JAVA_HOME", tmp.resolve("jdk").toString());
        pb.environment().put("CNNKIT_CACHE", tmp.resolve("cache").toString());
        pb.environment().remove("CNNKIT_NO_BUILD");
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "./cnnkit did not end");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("out.log")));
        pause();
        return Files.exists(builds) ? Files.readAllLines(builds).size() : 0;
    }

    private static void write(Path f, String text) throws IOException {
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    private static void script(Path f, String body) throws IOException {
        write(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A later modification time than anything before (the file system's clock ticks coarsely). */
    private static void touch(Path f) throws IOException, InterruptedException {
        pause();
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
    }

    private static void pause() throws InterruptedException {
        Thread.sleep(30);
    }
}
