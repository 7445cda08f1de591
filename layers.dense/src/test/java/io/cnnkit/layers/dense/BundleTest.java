package io.cnnkit.layers.dense;

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
import io.cnnkit.engine.api.StandaloneEngine;

/** What the bundle declares: ServiceLoader listing, manifest, DS descriptors. */
class BundleTest {
    static final List<String> PROVIDERS = List.of("FlattenProvider", "DenseProvider", "DropoutProvider",
            "BatchNormalizationProvider", "PreluProvider", "ActivationLayerProvider", "ReshapeProvider",
            "PermuteProvider", "RepeatVectorProvider", "RescalingProvider", "NormalizationProvider",
            "LayerNormalizationProvider", "GroupNormalizationProvider", "InstanceNormalizationProvider");

    @Test
    void serviceLoaderFindsEveryProvider() {
        try (StandaloneEngine e = Engines.fromServiceLoader(BundleTest.class.getClassLoader())) {
            assertEquals(List.of("activation", "batch_normalization", "dense", "dropout", "flatten",
                    "group_normalization", "instance_normalization", "layer_normalization", "normalization", "permute",
                    "prelu", "repeat_vector", "rescaling", "reshape"), e.layerTypes());
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
        assertEquals("io.cnnkit.layers.dense", a.getValue("Bundle-SymbolicName"));
        assertFalse(a.containsKey(new Attributes.Name("Export-Package")), "no exports");
        String caps = a.getValue("Provide-Capability");
        assertTrue(caps != null && caps.contains("io.cnnkit.engine.api.LayerProvider"), String.valueOf(caps));
        String components = a.getValue("Service-Component");
        for (String type : PROVIDERS) {
            String xml = "OSGI-INF/io.cnnkit.layers.dense." + type + ".xml";
            assertTrue(components.contains(xml), components);
            String text = Files.readString(classes.resolve(xml));
            assertTrue(text.contains("cnnkit.layer.type") && text.contains("cnnkit.keras.class"), text);
        }
        String act = Files.readString(classes.resolve("OSGI-INF/io.cnnkit.layers.dense.ActivationLayerProvider.xml"));
        String marker = "<property name=\"cnnkit.keras.class\" type=\"String\">";
        int start = act.indexOf(marker) + marker.length();
        String kerasClasses = act.substring(start, act.indexOf("</property>", start));
        assertEquals(List.of("Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "ThresholdedReLU"),
                List.of(kerasClasses.strip().split("\\s+")));
        // every provider's DS properties carry its type and its kerasClasses()
        for (var p : Harness.providers()) {
            String x = Files.readString(classes.resolve("OSGI-INF/" + p.getClass().getName() + ".xml"))
                    .replace("&gt;", ">");
            assertTrue(x.contains("value=\"" + p.type() + "\""), x);
            for (String k : p.kerasClasses()) {
                assertTrue(x.contains(k), p.type() + " lists " + k + " in " + x);
            }
        }
    }

    /**
     * bnd writes META-INF/services from each provider's @LayerType (an osgi.serviceloader
     * capability with register:=the class) and asks for no serviceloader registrar, so a Service
     * Loader Mediator in the framework does not register the providers a second time.
     */
    @Test
    void serviceLoaderFileAndCapabilitiesComeFromLayerType() throws IOException {
        Path classes = Path.of("target", "classes");
        List<String> listed = Files.readAllLines(classes.resolve("META-INF/services/io.cnnkit.engine.api.LayerProvider"))
                .stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).sorted().toList();
        List<String> expected = PROVIDERS.stream().map(p -> "io.cnnkit.layers.dense." + p).sorted().toList();
        assertEquals(expected, listed);
        Manifest mf;
        try (InputStream in = Files.newInputStream(classes.resolve("META-INF/MANIFEST.MF"))) {
            mf = new Manifest(in);
        }
        String caps = mf.getMainAttributes().getValue("Provide-Capability");
        for (String cls : expected) {
            assertTrue(caps.contains("osgi.serviceloader;osgi.serviceloader=\"io.cnnkit.engine.api.LayerProvider\";"
                    + "register:=\"" + cls + "\""), cls + " in " + caps);
        }
        String reqs = mf.getMainAttributes().getValue("Require-Capability");
        assertFalse(reqs.contains("osgi.serviceloader.registrar"), reqs);
    }
}
