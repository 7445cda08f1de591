package io.cnnkit.layers.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.LayerProvider;
import io.cnnkit.engine.api.StandaloneEngine;

/** What the bundle declares: ServiceLoader listing, manifest, one DS component per type. */
class BundleTest {
    static final List<String> TYPES = List.of("add", "average", "concatenate", "maximum", "merge", "minimum",
            "multiply", "subtract");

    @Test
    void serviceLoaderFindsEveryProvider() {
        try (StandaloneEngine e = Engines.fromServiceLoader(BundleTest.class.getClassLoader())) {
            assertTrue(e.layerTypes().containsAll(TYPES), e.layerTypes().toString());
        }
    }

    @Test
    void manifestAndComponents() throws IOException {
        Path classes = Path.of("target", "classes");
        Manifest mf;
        try (InputStream in = Files.newInputStream(classes.resolve("META-INF/MANIFEST.MF"))) {
            mf = new Manifest(in);
        }
        Attributes a = mf.getMainAttributes();
        assertEquals("io.cnnkit.layers.merge", a.getValue("Bundle-SymbolicName"));
        assertFalse(a.containsKey(new Attributes.Name("Export-Package")), "no exports");
        // MultiInputLayer and MultiInputLayerProvider are API 1.3; type() and kerasClasses() read @LayerType since 1.4;
        // ActivationFusable (the optimised plan fuses activations into element-wise merges) is 1.5; ResidualSum
        // (an add moved into the conv before it) is 1.8; bnd imports from the version built against (1.10)
        assertTrue(a.getValue("Import-Package").contains("io.cnnkit.engine.api;version=\"[1.10,2)\""),
                a.getValue("Import-Package"));
        String caps = a.getValue("Provide-Capability");
        assertTrue(caps != null && caps.contains("io.cnnkit.engine.api.LayerProvider"), String.valueOf(caps));
        String components = a.getValue("Service-Component");
        for (LayerProvider p : Fixtures.providers()) {
            String xml = "OSGI-INF/io.cnnkit.layers.merge." + p.getClass().getSimpleName() + ".xml";
            assertTrue(components.contains(xml), components);
            String text = Files.readString(classes.resolve(xml));
            assertTrue(text.contains("<property name=\"cnnkit.layer.type\" type=\"String\" value=\"" + p.type()
                    + "\"/>"), text);
            String kerasClass = p.kerasClasses().get(0);
            assertTrue(text.contains("<property name=\"cnnkit.keras.class\" type=\"String\" value=\"" + kerasClass
                    + "\"/>") || text.contains(">" + kerasClass + "<"), text);
            assertTrue(text.contains("interface=\"io.cnnkit.engine.api.LayerProvider\""), text);
        }
        assertEquals(TYPES, Fixtures.providers().stream().map(LayerProvider::type).sorted().toList());
    }

    /**
     * bnd writes META-INF/services from each provider's @LayerType (an osgi.serviceloader
     * capability with register:=the class) and asks for no serviceloader registrar, so a Service
     * Loader Mediator in the framework does not register the providers a second time.
     */
    @Test
    void serviceLoaderFileAndCapabilitiesComeFromLayerType() throws IOException {
        Path classes = Path.of("target", "classes");
        List<String> listed = Files.readAllLines(classes.resolve("META-INF/services/" + LayerProvider.class.getName()))
                .stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).sorted().toList();
        List<String> expected = Fixtures.providers().stream().map(p -> p.getClass().getName()).sorted().toList();
        assertEquals(expected, listed);
        Manifest mf;
        try (InputStream in = Files.newInputStream(classes.resolve("META-INF/MANIFEST.MF"))) {
            mf = new Manifest(in);
        }
        String caps = mf.getMainAttributes().getValue("Provide-Capability");
        for (String cls : expected) {
            assertTrue(caps.contains("osgi.serviceloader;osgi.serviceloader=\"" + LayerProvider.class.getName()
                    + "\";register:=\"" + cls + "\""), cls + " in " + caps);
        }
        String reqs = mf.getMainAttributes().getValue("Require-Capability");
        assertFalse(reqs.contains("osgi.serviceloader.registrar"), reqs);
    }
}
