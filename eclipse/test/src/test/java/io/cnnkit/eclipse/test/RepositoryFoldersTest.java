package io.cnnkit.eclipse.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * launcher/target/repository/{eclipse,felix}: only bundles, each listed in its folder's index
 * and nothing else listed; the Felix launcher pieces in felix/ only; repository/index.xml lists
 * both.
 */
class RepositoryFoldersTest {
    @ParameterizedTest
    @ValueSource(strings = { "eclipse", "felix" })
    void everyJarIsABundleInTheIndex(String name) throws Exception {
        Path dir = Folders.repository(name);
        TreeMap<String, Path> jars = Folders.jars(dir);
        assertTrue(jars.size() > 5, dir + " holds only " + jars.keySet());
        List<String> plain = new ArrayList<>();
        for (Path jar : jars.values()) {
            if (Folders.symbolicName(jar) == null) {
                plain.add(jar.getFileName().toString());
            }
        }
        assertTrue(plain.isEmpty(), "not OSGi bundles (no Bundle-SymbolicName) in " + dir + ": " + plain
                + "; exclude them from the copy-dependencies execution in launcher/pom.xml");
        assertEquals(new TreeSet<>(jars.values()), Folders.indexed(Folders.index(dir)).keySet(),
                "the bundles " + dir + "/index.xml lists vs. the jars in the folder");
    }

    @Test
    void theLauncherPiecesAreInFelixOnly() throws Exception {
        Set<String> eclipse = symbolicNames("eclipse");
        Set<String> felix = symbolicNames("felix");
        for (String piece : List.of("org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.fileinstall",
                "org.apache.felix.gogo.runtime", "org.apache.felix.gogo.command", "org.apache.felix.gogo.jline")) {
            assertTrue(felix.contains(piece), piece + " is not in repository/felix: " + felix);
        }
        Set<String> both = new TreeSet<>(eclipse);
        both.retainAll(felix);
        assertTrue(both.isEmpty(), "in both folders: " + both);
        assertTrue(eclipse.stream().noneMatch(b -> b.startsWith("org.apache.felix.")),
                "Felix bundles in repository/eclipse: " + eclipse);
        for (String needed : List.of("io.cnnkit.engine.api", "io.cnnkit.engine.core", "io.cnnkit.layers.conv",
                "io.cnnkit.io.image", "io.jhdf")) {
            assertTrue(eclipse.contains(needed), needed + " is not in repository/eclipse: " + eclipse);
        }
        // the engine reads JSON itself: Jackson goes with the explorer, the one bundle that uses it
        assertTrue(eclipse.stream().noneMatch(b -> b.startsWith("com.fasterxml.jackson.")),
                "Jackson in repository/eclipse: " + eclipse);
        assertTrue(felix.contains("com.fasterxml.jackson.core.jackson-databind"), "Jackson is not in repository/felix: "
                + felix);
    }

    @Test
    void theTopIndexListsBothFolders() throws Exception {
        Path top = Folders.root().resolve("launcher/target/repository");
        Set<Path> want = new TreeSet<>(Folders.jars(Folders.repository("eclipse")).values());
        want.addAll(Folders.jars(Folders.repository("felix")).values());
        assertEquals(want, Folders.indexed(Folders.index(top)).keySet(), top + "/index.xml");
    }

    private static Set<String> symbolicNames(String folder) throws Exception {
        Set<String> names = new TreeSet<>();
        for (Path jar : Folders.jars(Folders.repository(folder)).values()) {
            names.add(Folders.symbolicName(jar));
        }
        return names;
    }
}
