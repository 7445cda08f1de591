package io.cnnkit.activations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.testkit.Approx;
import io.cnnkit.testkit.Golden;

/**
 * The contract of an activation bundle. activations/pom.xml compiles this one file into every
 * activations/&lt;name&gt; module's tests, where it checks each Activation the module lists for
 * ServiceLoader: golden/&lt;name&gt;.json (PyTorch) through the bulk form (at offsets, and in
 * place) and value by value, the DS property, and finite results for huge inputs.
 */
class ActivationContractTest {
    static List<Activation> activations() {
        List<Activation> list = new ArrayList<>();
        ServiceLoader.load(Activation.class).forEach(list::add);
        return list;
    }

    static Stream<Arguments> goldenCases() {
        return activations().stream().flatMap(a -> Golden.load(ActivationContractTest.class, a.name() + ".json")
                .stream().map(c -> Arguments.of(a.name() + " " + c.name(), a, c)));
    }

    @Test
    void serviceLoaderFeedsTheEngine() {
        List<String> names = activations().stream().map(Activation::name).sorted().toList();
        assertFalse(names.isEmpty(), "META-INF/services/io.cnnkit.engine.api.Activation lists no activation");
        assertEquals(names, Engines.fromServiceLoader(getClass().getClassLoader()).activations());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void matchesGolden(String label, Activation service, Golden.Case c) {
        Map<String, Object> options = new LinkedHashMap<>(c.layer());
        assertEquals(service.name(), options.remove("activation"), label);
        options.remove("type");
        assertTrue(service.options().containsAll(options.keySet()),
                label + ": options " + options.keySet() + ", declared " + service.options());
        Activation a = service.configure(new LayerSpec(1, "activation", label, options));
        assertEquals(service.name(), a.name(), "configured copy");

        Tensor x = c.input();
        int n = x.size();
        float[] in = Arrays.copyOfRange(x.data(), x.offset(), x.offset() + n);
        float[] src = new float[n + 2];
        System.arraycopy(in, 0, src, 2, n);
        float[] dst = new float[n + 5];
        a.apply(src, 2, dst, 3, n, x.dim(-1));
        check(label + " bulk", c.expected(), Tensor.view(dst, 3, x.shape()));
        assertArrayEquals(in, Arrays.copyOfRange(src, 2, n + 2), label + ": bulk apply changed its source");
        a.apply(src, 2, src, 2, n, x.dim(-1));
        check(label + " in place", c.expected(), Tensor.view(src, 2, x.shape()));

        if (a.elementWise()) {
            float[] each = new float[n];
            for (int i = 0; i < n; i++) {
                each[i] = a.apply(in[i]);
            }
            check(label + " element-wise", c.expected(), Tensor.wrap(each, x.shape()));
        } else {
            var e = assertThrows(UnsupportedOperationException.class, () -> a.apply(1f));
            assertTrue(e.getMessage() != null && e.getMessage().contains(a.name()), e.getMessage());
        }
    }

    /** Approx's relative 1e-5, and near zero 1e-6 absolute instead of Approx's floor of 1e-5. */
    private static void check(String what, Tensor expected, Tensor actual) {
        Approx.assertClose(what, expected, actual, 1e-5);
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.data()[expected.offset() + i];
            double a = actual.data()[actual.offset() + i];
            if (!(Math.abs(a - e) <= 1e-5 * Math.abs(e) + 1e-6)) {
                fail(what + ": at flat index " + i + " expected " + e + ", got " + a);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void finiteForHugeInputs(Activation a) {
        float[] x = {-1000f, 1000f, -1e30f, 1e30f};
        float[] y = new float[x.length];
        a.apply(x, 0, y, 0, x.length, 2);
        for (int i = 0; i < x.length; i++) {
            // e^1000 is +inf in float32 Keras as well; every other function has a finite value
            boolean overflows = a.name().equals("exponential") && x[i] > 0;
            assertTrue(overflows ? y[i] == Float.POSITIVE_INFINITY : Float.isFinite(y[i]),
                    a.name() + "(" + x[i] + ") = " + y[i]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void componentPropertyIsTheName(Activation a) throws IOException {
        String xml = "OSGI-INF/" + a.getClass().getName() + ".xml";
        try (InputStream in = a.getClass().getClassLoader().getResourceAsStream(xml)) {
            assertNotNull(in, xml + " is missing: bnd writes it for a @Component class");
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(s.contains("<provide interface=\"" + Activation.class.getName() + "\"/>"), s);
            assertTrue(s.matches("(?s).*<property name=\"" + Activation.NAME + "\"[^>]*value=\"" + a.name()
                    + "\".*"), s);
        }
    }
}
