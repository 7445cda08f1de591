package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.osgitest.plugin.Cube;

/**
 * The plugins/ folder, as the launcher runs it: FileInstall installs a bundle jar dropped into
 * felix.fileinstall.dir, and its activation becomes usable in a new model without a restart;
 * deleting the jar uninstalls it and the model using it becomes unavailable.
 */
class PluginsFolderTest {
    @Test
    void droppedActivationBundleIsUsableAndDeletingItRemovesIt() throws Exception {
        String dirProperty = Osgi.context().getProperty("felix.fileinstall.dir");
        assertNotNull(dirProperty, "the run must set felix.fileinstall.dir (cnf/ext/testrun.bnd)");
        Path dir = Path.of(dirProperty).toAbsolutePath();
        Files.createDirectories(dir);
        Engine engine = Osgi.engine();

        // Written beside the folder and moved in, so FileInstall never sees half a jar.
        Path staged = Files.write(dir.resolveSibling("cnnkit-plugin.jar.part"), PluginBundleTest.pluginJar());
        Path jar = dir.resolve("cnnkit-plugin.jar");
        Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE);
        try {
            Osgi.await(() -> engine.activations().contains(Cube.NAME),
                    () -> "dropped plug-in's activation not present; activations " + engine.activations());
            Model m = engine.build(engine.parse("input(1, 1, 3) | " + Cube.NAME));
            Tensor out = m.predict(Tensor.wrap(new float[] {-2f, 0.5f, 3f}, 1, 1, 1, 3));
            assertEquals(-8f, out.get(0, 0, 0, 0));
            assertEquals(0.125f, out.get(0, 0, 0, 1));
            assertEquals(27f, out.get(0, 0, 0, 2));

            Files.delete(jar);
            Osgi.await(() -> !engine.activations().contains(Cube.NAME),
                    () -> "deleted plug-in's activation still present");
            Osgi.await(() -> !m.isAvailable(), () -> "model using the deleted activation is still available");
            m.close();
        } finally {
            Files.deleteIfExists(jar);
        }
    }
}
