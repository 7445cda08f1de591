package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * {@link RuntimeReady} on a real Felix framework: it waits for the framework's final start
 * level, and it checks the plug-in folder against the bundles installed from it (as
 * FileInstall installs them: location {@code file:} URI of the jar), naming a plug-in that
 * cannot resolve with the framework's reason, a jar nobody installed and a bundle whose jar
 * is gone.
 */
class RuntimeReadyTest {
    @TempDir
    Path tmp;

    private Framework framework;

    @AfterEach
    void stop() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    private Framework start(int beginningLevel, Path plugins) throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, tmp.resolve("storage").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(RuntimeReady.BEGINNING, Integer.toString(beginningLevel));
        config.put(RuntimeReady.PLUGINS, plugins.toString());
        framework = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(config);
        framework.start();
        return framework;
    }

    @Test
    void readyAtTheFinalStartLevelWithAnEmptyPluginFolder() throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Framework fw = start(4, plugins);
        RuntimeReady ready = new RuntimeReady(fw.getBundleContext());
        assertEquals(4, ready.finalLevel());
        RuntimeReady.Report report = ready.await(20_000, 1_000);
        assertTrue(report.ready(), report.problems().toString());
        assertEquals(4, fw.adapt(org.osgi.framework.startlevel.FrameworkStartLevel.class).getStartLevel());
    }

    @Test
    void namesPluginsThatDoNotStartAreMissingOrAreGone() throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path good = jar(plugins.resolve("good.jar"), "test.good", null);
        Path broken = jar(plugins.resolve("broken.jar"), "test.broken", "test.nowhere");
        Path gone = jar(plugins.resolve("gone.jar"), "test.gone", null);
        jar(plugins.resolve("stray.jar"), "test.stray", null);
        Framework fw = start(1, plugins);
        for (Path p : List.of(good, broken, gone)) {
            fw.getBundleContext().installBundle(p.toUri().normalize().toString(), Files.newInputStream(p));
        }
        Files.delete(gone);
        for (Bundle b : fw.getBundleContext().getBundles()) {
            if ("test.good".equals(b.getSymbolicName())) {
                b.start();
            }
        }

        RuntimeReady.Report report = new RuntimeReady(fw.getBundleContext()).await(20_000, 200);

        List<String> problems = report.problems();
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("broken.jar") && p.contains("test.nowhere")),
                "the broken plug-in with the missing package: " + problems);
        assertTrue(problems.stream().anyMatch(p -> p.contains("stray.jar") && p.contains("is not installed")),
                "the jar nobody installed: " + problems);
        assertTrue(problems.stream().anyMatch(p -> p.contains("gone.jar") && p.contains("was removed")),
                "the bundle whose jar is gone: " + problems);
        assertTrue(problems.stream().allMatch(p -> p.startsWith("plug-in ")), problems.toString());
    }

    /** A bundle jar with only a manifest: its symbolic name and, optionally, one import. */
    private static Path jar(Path file, String bsn, String importPackage) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        a.putValue(Constants.BUNDLE_SYMBOLICNAME, bsn);
        a.putValue(Constants.BUNDLE_VERSION, "1.0.0");
        if (importPackage != null) {
            a.putValue(Constants.IMPORT_PACKAGE, importPackage);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.flush();
        }
        return file;
    }
}
