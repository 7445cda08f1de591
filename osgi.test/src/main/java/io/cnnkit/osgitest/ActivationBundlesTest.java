package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

import io.cnnkit.engine.api.Activation;
import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Tensor;

/**
 * Every activation bundle: its service is registered by that bundle with the right
 * cnnkit.activation, and a model {@code input(1, 2, 4) | <name>} built by the engine service
 * computes the function as written here (in double, from the Keras definitions the bundles
 * document: Keras 2's hard_sigmoid and LeakyReLU slope 0.3, exact gelu).
 */
class ActivationBundlesTest {
    /** Two rows of the last axis (softmax normalises each); covers negatives, 0, and relu6's clip. */
    static final float[] X = { -3f, -1.5f, -0.5f, 0f, 0.25f, 1f, 2f, 7f };

    record Case(String name, String bundle, DoubleUnaryOperator f) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, DoubleUnaryOperator f) {
        return new Case(name, "io.cnnkit.activations." + name, f);
    }

    static Stream<Case> cases() {
        return Stream.of(
                c("linear", x -> x),
                c("relu", x -> Math.max(x, 0)),
                c("sigmoid", ActivationBundlesTest::sigmoid),
                c("tanh", Math::tanh),
                c("softmax", null), // rows, see expected()
                c("leaky_relu", x -> x >= 0 ? x : 0.3 * x),
                c("elu", x -> x > 0 ? x : Math.exp(x) - 1),
                c("selu", x -> 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.exp(x) - 1))),
                c("gelu", x -> 0.5 * x * (1 + erf(x / Math.sqrt(2)))),
                c("swish", x -> x * sigmoid(x)),
                new Case("silu", "io.cnnkit.activations.swish", x -> x * sigmoid(x)),
                c("softplus", x -> Math.log(1 + Math.exp(x))),
                c("softsign", x -> x / (1 + Math.abs(x))),
                c("hard_sigmoid", x -> Math.min(1, Math.max(0, 0.2 * x + 0.5))),
                c("relu6", x -> Math.min(6, Math.max(0, x))),
                c("exponential", Math::exp),
                c("mish", x -> x * Math.tanh(Math.log(1 + Math.exp(x)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void registeredByItsBundleAndRunByTheEngine(Case c) throws Exception {
        Nhwc.registration(Activation.class, Activation.NAME, c.name(), c.bundle());
        Engine engine = Osgi.engine();
        String origin = engine.providers().get("activation " + c.name());
        assertNotNull(origin, "engine providers " + engine.providers());
        assertTrue(origin.startsWith(c.bundle() + " "), "engine uses " + c.name() + " from " + origin);

        try (Model m = engine.build(engine.parse("input(1, 2, 4, name=act_" + c.name() + ") | " + c.name()))) {
            assertEquals(List.of("activation"), m.layers().stream().map(l -> l.type()).toList());
            Tensor y = m.predict(Tensor.wrap(X.clone(), 1, 1, 2, 4));
            Nhwc.assertClose(new int[] { 1, 1, 2, 4 }, expected(c), y, c.name());
        }
    }

    @org.junit.jupiter.api.Test
    void everyActivationBundleOfTheRunIsCovered() {
        String listed = Osgi.context().getProperty("cnnkit.test.bundles");
        assertNotNull(listed, "cnnkit.test.bundles run property");
        List<String> inRun = Stream.of(listed.split(",")).map(String::strip)
                .filter(b -> b.startsWith("io.cnnkit.activations.")).sorted().toList();
        List<String> covered = cases().map(Case::bundle).distinct().sorted().toList();
        assertEquals(inRun, covered, "activation bundles in the run vs. covered here");
    }

    /**
     * Each activation class is one service, registered by DS with its {@code @ActivationName}
     * property; Aries SPI Fly (in the run) does not register the classes that bnd lists in
     * META-INF/services a second time.
     */
    @org.junit.jupiter.api.Test
    void everyActivationIsRegisteredOnceByDs() {
        for (String bsn : cases().map(Case::bundle).distinct().toList()) {
            org.osgi.framework.Bundle b = Osgi.bundle(bsn);
            ServiceReference<?>[] refs = b.getRegisteredServices();
            List<ServiceReference<?>> services = Stream.of(refs == null ? new ServiceReference<?>[0] : refs)
                    .filter(r -> List.of((String[]) r.getProperty(Constants.OBJECTCLASS))
                            .contains(Activation.class.getName()))
                    .toList();
            assertEquals(b.getHeaders().get("Service-Component").split(",").length, services.size(),
                    bsn + " registers " + services);
            for (ServiceReference<?> r : services) {
                assertNull(r.getProperty("serviceloader.mediator"), bsn + ": registered by a ServiceLoader mediator: "
                        + r);
                assertNotNull(r.getProperty("component.name"), bsn + ": not a DS service: " + r);
                assertNotNull(r.getProperty(Activation.NAME), bsn + ": no " + Activation.NAME + ": " + r);
            }
            assertFalse(b.getHeaders().get("Require-Capability").contains("osgi.serviceloader.registrar"), bsn);
        }
    }

    static double[] expected(Case c) {
        double[] y = new double[X.length];
        if (c.f() == null) { // softmax over each row of 4
            for (int row = 0; row < X.length; row += 4) {
                double sum = 0;
                for (int i = row; i < row + 4; i++) {
                    sum += Math.exp(X[i]);
                }
                for (int i = row; i < row + 4; i++) {
                    y[i] = Math.exp(X[i]) / sum;
                }
            }
            return y;
        }
        for (int i = 0; i < X.length; i++) {
            y[i] = c.f().applyAsDouble(X[i]);
        }
        return y;
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** erf by its Maclaurin series, ample for |z| below 5 (here at most 7/sqrt 2). */
    static double erf(double z) {
        double term = z;
        double sum = z;
        for (int n = 1; n < 200; n++) {
            term *= -z * z / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
