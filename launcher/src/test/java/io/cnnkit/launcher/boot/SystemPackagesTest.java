package io.cnnkit.launcher.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lean slot's recorded system packages: the header split as OSGi does, and when they are not used. */
class SystemPackagesTest {
    @TempDir
    Path dir;

    @Test
    void clausesSplitAtCommasOutsideQuotes() {
        List<String> c = SystemPackages.clauses(
                "org.osgi.framework; version=\"1.10.0\", org.osgi.framework.wiring; uses:=\"org.osgi.framework,org.osgi.resource\";"
                        + " version=\"1.2.0\",java.io;version=\"0.0.0.JavaSE_017\" , ");
        assertEquals(List.of("org.osgi.framework; version=\"1.10.0\"",
                "org.osgi.framework.wiring; uses:=\"org.osgi.framework,org.osgi.resource\"; version=\"1.2.0\"",
                "java.io;version=\"0.0.0.JavaSE_017\""), c);
        assertEquals("org.osgi.framework.wiring", SystemPackages.packageOf(c.get(1)));
        assertEquals(List.of(), SystemPackages.clauses(null));
    }

    @Test
    void aRecordIsUsedOnlyForThisJavaAndWithoutPlugins() throws IOException {
        Path slot = Files.createDirectories(dir.resolve("slotlean0"));
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        assertNull(SystemPackages.read(slot, plugins.toString()), "nothing recorded");
        Files.write(slot.resolve(SystemPackages.FILE), List.of("java " + Runtime.version(), "java.io;version=\"0.0.0.JavaSE_017\""));
        assertEquals("java.io;version=\"0.0.0.JavaSE_017\"", SystemPackages.read(slot, plugins.toString()));
        assertEquals("java.io;version=\"0.0.0.JavaSE_017\"", SystemPackages.read(slot, dir.resolve("none").toString()),
                "no plug-in folder: none present");
        Files.writeString(plugins.resolve("notes.txt"), "not a plug-in");
        assertEquals("java.io;version=\"0.0.0.JavaSE_017\"", SystemPackages.read(slot, plugins.toString()));
        Files.write(plugins.resolve("my.tanh.jar"), new byte[0]);
        assertNull(SystemPackages.read(slot, plugins.toString()), "a plug-in may import any package");
        Files.delete(plugins.resolve("my.tanh.jar"));
        Files.write(slot.resolve(SystemPackages.FILE), List.of("java 11.0.2+9", "java.io;version=\"0.0.0.JavaSE_011\""));
        assertNull(SystemPackages.read(slot, plugins.toString()), "recorded with another Java");
        Files.write(slot.resolve(SystemPackages.FILE), List.of("java " + Runtime.version()));
        assertNull(SystemPackages.read(slot, plugins.toString()), "no clauses line");
    }
}
