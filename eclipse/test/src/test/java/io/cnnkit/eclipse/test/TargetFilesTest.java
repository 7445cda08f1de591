package io.cnnkit.eclipse.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.osgi.resource.Capability;
import org.osgi.resource.Requirement;
import org.osgi.resource.Resource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import aQute.bnd.header.Parameters;
import aQute.bnd.osgi.repository.ResourcesRepository;
import aQute.bnd.osgi.repository.XMLResourceParser;
import aQute.bnd.osgi.resource.CapReqBuilder;

/**
 * eclipse/cnnkit.target and eclipse/cnnkit-directory.target, read as PDE reads them: the
 * repository location's URI (with ${project_loc:/io.cnnkit.launcher} resolved to the launcher
 * module) loaded with bndlib's index parser and its requirements matched with bndlib, as PDE's
 * RepositoryBundleContainer does; the result must be every bundle of the eclipse folder.
 */
class TargetFilesTest {
    static final String LAUNCHER = "${project_loc:/io.cnnkit.launcher}";

    @Test
    void theRepositoryLocationSelectsEveryBundleOfTheEclipseFolder() throws Exception {
        List<Element> locations = locations("cnnkit.target");
        assertRunningPlatform(locations, "cnnkit.target");
        Element repo = only(locations, "Repository", "cnnkit.target");
        String uri = resolve(repo.getAttribute("uri"));
        assertTrue(uri.startsWith("file:"), "the location's uri must be a file: URI, got " + uri);

        ResourcesRepository repository = new ResourcesRepository(XMLResourceParser.getResources(new URI(uri)));
        List<Requirement> requirements = new ArrayList<>();
        NodeList requires = repo.getElementsByTagName("require");
        for (int i = 0; i < requires.getLength(); i++) {
            requirements.addAll(CapReqBuilder.getRequirementsFrom(new Parameters(requires.item(i).getTextContent())));
        }
        assertFalse(requirements.isEmpty(), "cnnkit.target: the Repository location has no <require>: PDE selects nothing");
        List<Resource> selected = repository.findProviders(requirements).values().stream().flatMap(Collection::stream)
                .map(Capability::getResource).distinct().toList();
        assertEquals(selected.size(), Folders.bundles(selected).size(),
                "cnnkit.target selects index entries that are not bundles (PDE would fail to fetch them)");

        Set<Path> want = new TreeSet<>(Folders.jars(Folders.repository("eclipse")).values());
        assertEquals(want, Folders.bundles(selected).keySet(), "the bundles cnnkit.target puts in the target platform");
        for (Path p : want) {
            assertTrue(Files.isRegularFile(p), p + " is missing");
        }
    }

    @Test
    void theDirectoryLocationIsTheEclipseFolder() throws Exception {
        List<Element> locations = locations("cnnkit-directory.target");
        assertRunningPlatform(locations, "cnnkit-directory.target");
        Element dir = only(locations, "Directory", "cnnkit-directory.target");
        assertEquals(Folders.repository("eclipse"), Path.of(resolve(dir.getAttribute("path"))).normalize(),
                "cnnkit-directory.target's Directory location");
    }

    /** The running Eclipse (its Equinox, SCR and platform) is the rest of the target. */
    private static void assertRunningPlatform(List<Element> locations, String file) {
        Element profile = only(locations, "Profile", file);
        assertEquals("${eclipse_home}", profile.getAttribute("path"), file + ": the Profile location");
    }

    /** The variable PDE resolves against the workspace: the launcher module imported as a project. */
    private static String resolve(String text) {
        String scheme = text.startsWith("file:") ? "file:" : "";
        String path = text.substring(scheme.length());
        assertTrue(path.startsWith(LAUNCHER), "expected a location under " + LAUNCHER + ", got " + text);
        String resolved = Folders.root().resolve("launcher") + path.substring(LAUNCHER.length());
        assertFalse(resolved.contains("${"), "a variable besides " + LAUNCHER + " in " + text);
        return scheme + resolved;
    }

    private static List<Element> locations(String file) throws Exception {
        Path target = Folders.root().resolve("eclipse").resolve(file);
        NodeList nodes = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(target.toFile())
                .getElementsByTagName("location");
        List<Element> locations = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            locations.add((Element) nodes.item(i));
        }
        return locations;
    }

    private static Element only(List<Element> locations, String type, String file) {
        List<Element> of = locations.stream().filter(l -> type.equals(l.getAttribute("type"))).toList();
        assertEquals(1, of.size(), file + ": locations of type " + type);
        return of.get(0);
    }
}
