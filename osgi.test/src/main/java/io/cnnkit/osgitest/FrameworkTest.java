package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * The run itself: the framework is the one the bndrun names, every cnnkit bundle of the
 * reactor is in it and started, and every DS component they declare is satisfied.
 */
class FrameworkTest {
    @Test
    void runsInTheFrameworkTheBndrunNames() {
        BundleContext ctx = Osgi.context();
        String expected = ctx.getProperty("cnnkit.test.framework");
        assertNotNull(expected, "the bndrun must set -runproperties cnnkit.test.framework");
        String systemBundle = ctx.getBundle(0).getSymbolicName();
        String want = switch (expected) {
            case "felix" -> "org.apache.felix.framework";
            case "equinox" -> "org.eclipse.osgi";
            default -> throw new AssertionError("unknown cnnkit.test.framework " + expected);
        };
        assertEquals(want, systemBundle, "system bundle");
        System.out.println("[osgi.test] " + expected + ": " + systemBundle + " " + ctx.getBundle(0).getVersion());
    }

    @Test
    void everyCnnkitBundleIsStarted() {
        Map<String, Bundle> cnnkit = cnnkitBundles();
        String expected = Osgi.context().getProperty("cnnkit.test.bundles");
        assertNotNull(expected, "cnf/ext/testrun.bnd must pass cnnkit.test.bundles in -runproperties");
        for (String bsn : expected.split(",")) {
            bsn = bsn.strip();
            if (bsn.isEmpty()) {
                continue;
            }
            assertTrue(cnnkit.containsKey(bsn), bsn + " is not in the run; present: " + cnnkit.keySet()
                    + " (is it a dependency of osgi.test/pom.xml and listed in cnf/ext/testrun.bnd?)");
        }
        List<String> notStarted = new ArrayList<>();
        cnnkit.forEach((bsn, b) -> {
            // STARTING = lazy activation policy, waiting for its first class load
            if (b.getState() != Bundle.ACTIVE && b.getState() != Bundle.STARTING) {
                notStarted.add(bsn + " (state " + state(b.getState()) + ")");
            }
        });
        assertTrue(notStarted.isEmpty(), "cnnkit bundles not started: " + notStarted);
        System.out.println("[osgi.test] cnnkit bundles: " + cnnkit.keySet());
    }

    @Test
    void everyCnnkitComponentIsSatisfied() {
        ServiceComponentRuntime scr = Osgi.service(ServiceComponentRuntime.class);
        List<String> problems = new ArrayList<>();
        int components = 0;
        for (Bundle b : cnnkitBundles().values()) {
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
                components++;
                if (!scr.isComponentEnabled(d)) {
                    problems.add(d.name + " is disabled");
                    continue;
                }
                var configs = scr.getComponentConfigurationDTOs(d);
                if (configs.isEmpty()) {
                    problems.add(d.name + " has no configuration (configuration policy " + d.configurationPolicy + ")");
                }
                for (ComponentConfigurationDTO c : configs) {
                    if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        problems.add(d.name + " failed to activate: " + c.failure);
                    } else if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE) {
                        List<String> refs = new ArrayList<>();
                        for (UnsatisfiedReferenceDTO r : c.unsatisfiedReferences) {
                            refs.add(r.name + " " + r.target);
                        }
                        problems.add(d.name + " has unsatisfied references " + refs);
                    } else if (c.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION) {
                        problems.add(d.name + " waits for a configuration");
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), "DS problems in cnnkit bundles: " + problems);
        assertTrue(components > 0, "no DS component in any cnnkit bundle (the engine is one)");
        System.out.println("[osgi.test] " + components + " cnnkit DS components satisfied; layer types "
                + Osgi.engine().layerTypes() + ", activations " + Osgi.engine().activations());
    }

    /** io.cnnkit.* bundles in the framework except this test bundle, by symbolic name. */
    static Map<String, Bundle> cnnkitBundles() {
        Map<String, Bundle> out = new TreeMap<>();
        String self = Osgi.context().getBundle().getSymbolicName();
        for (Bundle b : Osgi.context().getBundles()) {
            String bsn = b.getSymbolicName();
            if (bsn != null && bsn.startsWith("io.cnnkit.") && !bsn.equals(self)) {
                out.put(bsn, b);
            }
        }
        return out;
    }

    private static String state(int s) {
        return switch (s) {
            case Bundle.INSTALLED -> "INSTALLED (unresolved)";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> String.valueOf(s);
        };
    }
}
