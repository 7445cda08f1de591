package io.cnnkit.launcher.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * Creates the folder FileInstall watches ({@value #DIR}, "plugins" in cnnkit.bndrun) so
 * that layer plug-ins can be dropped in at once; FileInstall starts after this bundle and
 * does not create it itself.
 */
@Component(immediate = true, configurationPolicy = ConfigurationPolicy.IGNORE)
public final class PluginsFolder {
    static final String DIR = "felix.fileinstall.dir";

    @Activate
    public PluginsFolder(BundleContext context) {
        String dir = context.getProperty(DIR);
        if (dir == null || dir.isBlank()) {
            return;
        }
        Path p = Path.of(dir);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            System.err.println("cnnkit: cannot create the plug-in folder " + p.toAbsolutePath() + ": " + e.getMessage());
        }
    }
}
