package io.cnnkit.eclipse.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import io.cnnkit.eclipse.example.Walkthrough;
import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Tensor;

/**
 * The example plug-in in Equinox: its component is active and its one run of the walkthrough's
 * seed model (constant weights 0.12) gives the numbers computed here by hand, and the same bits
 * as a run of the same description through the Engine service.
 */
class WalkthroughExampleTest {
    static final String COMPONENT = "io.cnnkit.eclipse.example.internal.WalkthroughComponent";

    @Test
    void theComponentIsActive() {
        ServiceComponentRuntime scr = Run.service(ServiceComponentRuntime.class);
        Bundle example = Arrays.stream(Run.context().getBundles())
                .filter(b -> EclipseRepositoryRunTest.EXAMPLE.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError(EclipseRepositoryRunTest.EXAMPLE + " is not in the run"));
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(example, COMPONENT);
        assertTrue(d != null, "no component " + COMPONENT + " in " + example);
        Run.await(() -> states(scr.getComponentConfigurationDTOs(d)).equals("[" + ComponentConfigurationDTO.ACTIVE + "]"),
                () -> COMPONENT + " states " + states(scr.getComponentConfigurationDTOs(d)) + ", expected ACTIVE ("
                        + ComponentConfigurationDTO.ACTIVE + ")");
    }

    @Test
    void itsRunGivesTheHandComputedOutput() throws Exception {
        Walkthrough w = Run.service(Walkthrough.class);
        Tensor x = w.input();
        assertArrayEquals(new int[] { 1, 14, 14, 3 }, x.shape(), "input shape");
        for (int i = 0; i < x.size(); i++) {
            assertEquals(((i * 7) % 13 - 6) * 0.25f, x.toArray()[i], "input element " + i);
        }
        Tensor y = w.output().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertArrayEquals(new int[] { 1, 8 }, y.shape(), "output shape");
        double want = expected(x);
        assertTrue(want > 0, "the check needs a positive output, got " + want);
        for (float v : y.toArray()) {
            assertEquals(want, v, 1e-5 * want, "dens_1 output " + Arrays.toString(y.toArray()));
        }
        System.out.println("[eclipse.test] example output " + Arrays.toString(y.toArray()) + ", by hand " + want);

        Engine engine = Run.service(Engine.class);
        try (Model m = engine.build(engine.parse(w.description()))) {
            assertArrayEquals(m.predict(x).toArray(), y.toArray(), "the same description through the Engine service");
        }
    }

    /**
     * conv_1 (3 filters 3x3, all weights 0.12, no bias) gives the same map in each filter: 0.12 x
     * the 3x3x3 window sum; max pool 3 -> 4x4, relu; conv_2: 0.12 x the 3x3x3 window sum
     * (= 3 x one channel's 3x3 sum); max pool 2 -> 1x1, relu; flatten -> 3 equal values;
     * dens_1: relu(0.12 x their sum) in each of its 8 units.
     */
    static double expected(Tensor x) {
        double[][] a = new double[12][12];
        for (int i = 0; i < 12; i++) {
            for (int j = 0; j < 12; j++) {
                double s = 0;
                for (int di = 0; di < 3; di++) {
                    for (int dj = 0; dj < 3; dj++) {
                        for (int c = 0; c < 3; c++) {
                            s += x.get(0, i + di, j + dj, c);
                        }
                    }
                }
                a[i][j] = 0.12 * s;
            }
        }
        double[][] p = relu(maxPool(a, 3));
        double[][] b = new double[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double s = 0;
                for (int di = 0; di < 3; di++) {
                    for (int dj = 0; dj < 3; dj++) {
                        s += 3 * p[i + di][j + dj];
                    }
                }
                b[i][j] = 0.12 * s;
            }
        }
        double v = relu(maxPool(b, 2))[0][0];
        return Math.max(0, 0.12 * 3 * v);
    }

    static double[][] maxPool(double[][] a, int k) {
        double[][] r = new double[a.length / k][a[0].length / k];
        for (int i = 0; i < r.length; i++) {
            for (int j = 0; j < r[0].length; j++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int di = 0; di < k; di++) {
                    for (int dj = 0; dj < k; dj++) {
                        m = Math.max(m, a[i * k + di][j * k + dj]);
                    }
                }
                r[i][j] = m;
            }
        }
        return r;
    }

    static double[][] relu(double[][] a) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = Arrays.stream(a[i]).map(v -> Math.max(0, v)).toArray();
        }
        return r;
    }

    static String states(Collection<ComponentConfigurationDTO> configs) {
        return configs.stream().map(c -> c.state).toList().toString();
    }
}
