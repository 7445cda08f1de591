package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

import io.cnnkit.engine.api.Model;
import io.cnnkit.osgitest.plugin.PluginActivator;
import io.cnnkit.osgitest.plugin.TestScaleProvider;

/**
 * A layer plug-in as a real bundle, built here from the classes of
 * {@code io.cnnkit.osgitest.plugin}: updating it keeps a model working with the same
 * weights on the new classes, uninstalling it makes the model unavailable, and in both
 * cases the old bundle revision's class loader is collected (nothing keeps its classes).
 */
class PluginBundleTest {
    static final String BSN = "cnnkit.osgitest.plugin";

    private final Fixtures f = new Fixtures();
    private final List<Bundle> installed = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        f.close();
        for (Bundle b : installed) {
            if (b.getState() != Bundle.UNINSTALLED) {
                b.uninstall();
            }
        }
        refresh(installed);
    }

    @Test
    void updatedPluginKeepsTheModelWorkingAndFreesTheOldClasses() throws Exception {
        List<Model> keep = new ArrayList<>();
        WeakReference<ClassLoader> old = installBuildAndUpdate(keep);
        Model m = keep.get(0);
        assertArrayEquals(Fixtures.expected(0f, 1f), Fixtures.run(m), "after the update");
        awaitCollected(old, "the class loader of the plug-in's first revision");
    }

    @Test
    void uninstalledPluginMakesTheModelUnavailableAndFreesItsClasses() throws Exception {
        List<Model> keep = new ArrayList<>();
        WeakReference<ClassLoader> old = installBuildAndUninstall(keep);
        Model m = keep.get(0);
        assertTrue(!m.isAvailable() && m.unavailableReason().contains(TestScaleProvider.TYPE),
                "model after uninstall: " + m);
        awaitCollected(old, "the class loader of the uninstalled plug-in");
    }

    private WeakReference<ClassLoader> installBuildAndUpdate(List<Model> keep) throws Exception {
        Bundle plugin = install();
        Model m = f.build("plugin_update", null);
        keep.add(m);
        float[] before = Fixtures.run(m);
        assertArrayEquals(Fixtures.expected(0f, 1f), before);
        ClassLoader first = plugin.adapt(BundleWiring.class).getClassLoader();

        plugin.update(new ByteArrayInputStream(pluginJar()));
        refresh(List.of(plugin));
        Osgi.await(m::isAvailable, () -> "model not available after the update: " + m.unavailableReason());
        assertNotSame(first, plugin.adapt(BundleWiring.class).getClassLoader(), "update made no new revision");
        assertArrayEquals(before, Fixtures.run(m), "output after the update differs");
        return new WeakReference<>(first);
    }

    private WeakReference<ClassLoader> installBuildAndUninstall(List<Model> keep) throws Exception {
        Bundle plugin = install();
        Model m = f.build("plugin_uninstall", null);
        keep.add(m);
        assertArrayEquals(Fixtures.expected(0f, 1f), Fixtures.run(m));
        ClassLoader loader = plugin.adapt(BundleWiring.class).getClassLoader();

        plugin.uninstall();
        refresh(List.of(plugin));
        Osgi.await(() -> !m.isAvailable(), () -> "model still available after uninstall");
        return new WeakReference<>(loader);
    }

    private Bundle install() throws Exception {
        Bundle plugin = Osgi.context().installBundle("cnnkit-osgitest:plugin", new ByteArrayInputStream(pluginJar()));
        installed.add(plugin);
        plugin.start();
        Osgi.await(() -> f.engine.layerTypes().contains(TestScaleProvider.TYPE),
                () -> "plug-in bundle's provider not bound; types " + f.engine.layerTypes());
        String origin = f.engine.providers().get("layer " + TestScaleProvider.TYPE);
        assertNotNull(origin);
        assertTrue(origin.startsWith(BSN), "provider origin " + origin);
        return plugin;
    }

    /** A bundle holding this package's plug-in classes, importing only the cnnkit API and the framework. */
    static byte[] pluginJar() throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", BSN);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Bundle-Activator", PluginActivator.class.getName());
        a.putValue("Import-Package", "io.cnnkit.engine.api,org.osgi.framework");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String dir = PluginActivator.class.getPackageName().replace('.', '/');
        Bundle self = Osgi.context().getBundle();
        try (JarOutputStream jar = new JarOutputStream(out, mf)) {
            var entries = self.findEntries(dir, "*.class", false);
            assertNotNull(entries, "no classes under " + dir + " in the test bundle");
            while (entries.hasMoreElements()) {
                URL u = entries.nextElement();
                String path = u.getPath().startsWith("/") ? u.getPath().substring(1) : u.getPath();
                jar.putNextEntry(new JarEntry(path));
                try (InputStream in = u.openStream()) {
                    in.transferTo(jar);
                }
                jar.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** Refreshes the bundles and waits for the framework to finish. */
    static void refresh(List<Bundle> bundles) throws InterruptedException {
        if (bundles.isEmpty()) {
            return;
        }
        FrameworkWiring fw = Osgi.context().getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        fw.refreshBundles(bundles, e -> done.countDown());
        assertTrue(done.await(Osgi.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "refresh did not finish");
    }

    static void awaitCollected(WeakReference<?> ref, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Osgi.TIMEOUT.toNanos();
        while (ref.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(null, ref.get(), what + " is still reachable " + Osgi.TIMEOUT.toSeconds()
                + " s after System.gc(): something keeps classes of a bundle that left");
    }
}
