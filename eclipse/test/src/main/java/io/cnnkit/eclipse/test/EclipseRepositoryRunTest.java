package io.cnnkit.eclipse.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The run is Equinox with Felix SCR, and apart from the host bundles and the test harness it
 * holds exactly the bundles of launcher/target/repository/eclipse (plus the example): each
 * resolved and started, every DS component of theirs satisfied. So that folder is all an
 * Eclipse host needs to add.
 */
class EclipseRepositoryRunTest {
    static final String EXAMPLE = "io.cnnkit.eclipse.example";

    @Test
    void theFrameworkIsEquinox() {
        Bundle system = Run.context().getBundle(0);
        assertEquals("org.eclipse.osgi", system.getSymbolicName(), "system bundle");
    }

    @Test
    void theRunIsTheEclipseFolderPlusTheHost() {
        File index = new File(Run.property("cnnkit.eclipse.index"));
        TreeMap<String, Version> indexed = Run.indexedBundles(index);
        Set<String> host = Run.names("cnnkit.eclipse.host");
        Set<String> harness = Run.names("cnnkit.eclipse.harness");

        Map<String, Bundle> run = new TreeMap<>();
        for (Bundle b : Run.context().getBundles()) {
            run.put(b.getSymbolicName(), b);
        }
        List<String> missing = new ArrayList<>();
        indexed.forEach((bsn, version) -> {
            Bundle b = run.get(bsn);
            if (b == null || !b.getVersion().equals(version)) {
                missing.add(bsn + " " + version + (b == null ? "" : " (the run has " + b.getVersion() + ")"));
            }
        });
        assertTrue(missing.isEmpty(), "bundles of " + index + " not in the run: " + missing
                + " (nothing in the run needs them? then they do not belong in the eclipse folder)");

        List<String> foreign = new ArrayList<>();
        run.keySet().forEach(bsn -> {
            if (!indexed.containsKey(bsn) && !host.contains(bsn) && !harness.contains(bsn) && !EXAMPLE.equals(bsn)) {
                foreign.add(bsn);
            }
        });
        assertTrue(foreign.isEmpty(), "bundles in the run from neither " + index + " nor the Eclipse host "
                + host + ": " + foreign);

        List<String> notStarted = new ArrayList<>();
        run.forEach((bsn, b) -> {
            // STARTING = lazy activation policy (as in Eclipse), waiting for its first class load
            if (b.getState() != Bundle.ACTIVE && b.getState() != Bundle.STARTING) {
                notStarted.add(bsn + " (state " + b.getState() + ")");
            }
        });
        assertTrue(notStarted.isEmpty(), "not started (unresolved?) in Equinox: " + notStarted);
        System.out.println("[eclipse.test] Equinox " + Run.context().getBundle(0).getVersion() + ": "
                + indexed.size() + " bundles of launcher/target/repository/eclipse + " + host + " + the example");
    }

    @Test
    void everyComponentOfTheFolderIsSatisfied() {
        ServiceComponentRuntime scr = Run.service(ServiceComponentRuntime.class);
        Set<String> indexed = Run.indexedBundles(new File(Run.property("cnnkit.eclipse.index"))).keySet();
        List<String> problems = new ArrayList<>();
        int components = 0;
        for (Bundle b : Run.context().getBundles()) {
            if (!indexed.contains(b.getSymbolicName()) && !EXAMPLE.equals(b.getSymbolicName())) {
                continue;
            }
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
                components++;
                if (!scr.isComponentEnabled(d)) {
                    problems.add(d.name + " is disabled");
                }
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                            || c.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION
                            || c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        problems.add(d.name + " (" + b.getSymbolicName() + "): state " + c.state
                                + (c.failure == null ? "" : ", " + c.failure));
                    }
                }
            }
        }
        assertTrue(components > 0, "no DS component in the cnnkit bundles: is SCR running?");
        assertTrue(problems.isEmpty(), "components not satisfied in Equinox: " + problems);
    }
}
