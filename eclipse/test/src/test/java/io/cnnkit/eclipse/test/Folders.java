package io.cnnkit.eclipse.test;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.osgi.resource.Resource;

import aQute.bnd.osgi.repository.XMLResourceParser;
import aQute.bnd.osgi.resource.ResourceUtils;
import aQute.bnd.osgi.resource.ResourceUtils.ContentCapability;

/** The checkout and the repository folders the launcher module writes. */
final class Folders {
    private Folders() {
    }

    /** The checkout's root (surefire passes it as cnnkit.root). */
    static Path root() {
        String r = System.getProperty("cnnkit.root");
        if (r == null) {
            throw new IllegalStateException("system property cnnkit.root is not set (eclipse/test/pom.xml passes it)");
        }
        return Path.of(r).toAbsolutePath().normalize();
    }

    static Path repository(String name) {
        Path dir = root().resolve("launcher/target/repository").resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new AssertionError(dir + " is missing; the launcher module writes it (mvn package)");
        }
        return dir;
    }

    /** The jars in a folder, by file name. */
    static TreeMap<String, Path> jars(Path dir) throws IOException {
        TreeMap<String, Path> jars = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".jar")).forEach(p -> jars.put(p.getFileName().toString(), p));
        }
        return jars;
    }

    /** Bundle-SymbolicName without attributes, or null for a plain jar. */
    static String symbolicName(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            String bsn = j.getManifest() == null ? null : j.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            return bsn == null ? null : bsn.split(";")[0].strip();
        }
    }

    /** The bundles of an index (type osgi.bundle): content file -> symbolic name, as bndlib (and PDE) read it. */
    static TreeMap<Path, String> indexed(URI index) throws Exception {
        return bundles(XMLResourceParser.getResources(index));
    }

    static TreeMap<Path, String> bundles(List<Resource> resources) {
        TreeMap<Path, String> files = new TreeMap<>();
        for (Resource r : resources) {
            if (ResourceUtils.getIdentityCapability(r).type() != ResourceUtils.IdentityCapability.Type.bundle) {
                continue;
            }
            ContentCapability content = ResourceUtils.getContentCapability(r);
            files.put(Path.of(content.url()).normalize(), ResourceUtils.getIdentityCapability(r).osgi_identity());
        }
        return files;
    }

    static URI index(Path dir) {
        File f = dir.resolve("index.xml").toFile();
        if (!f.isFile()) {
            throw new AssertionError(f + " is missing; the launcher module writes it (bnd-indexer-maven-plugin)");
        }
        return f.toURI();
    }
}
