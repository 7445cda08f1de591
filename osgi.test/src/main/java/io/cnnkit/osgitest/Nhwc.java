package io.cnnkit.osgitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import io.cnnkit.engine.api.Tensor;

/**
 * Test-side reference arithmetic on small NHWC tensors (batch 1), written independently of
 * the bundles under test, plus the service-registration check shared by the bundle tests.
 */
final class Nhwc {
    private Nhwc() {
    }

    /** Distinct, float-exact values of both signs: ((i * 7) mod 13 - 6) / 4. */
    static Tensor input(int h, int w, int c) {
        float[] x = new float[h * w * c];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 7) % 13 - 6) * 0.25f;
        }
        return Tensor.wrap(x, 1, h, w, c);
    }

    /** Asserts shape and values (relative 1e-5, absolute 1e-6), naming the largest difference. */
    static void assertClose(int[] shape, double[] want, Tensor got, String what) {
        assertArrayEquals(shape, got.shape(), what + ": shape " + got.shapeString());
        float[] g = got.toArray();
        assertEquals(want.length, g.length, what + ": size");
        int worst = -1;
        double worstErr = 0;
        for (int i = 0; i < g.length; i++) {
            double err = Math.abs(g[i] - want[i]) / (1e-6 / 1e-5 + Math.abs(want[i]));
            if (!(err <= 1e-5) && (worst < 0 || err > worstErr || Double.isNaN(err))) {
                worst = i;
                worstErr = err;
            }
        }
        if (worst >= 0) {
            throw new AssertionError(what + ": element " + worst + " is " + g[worst] + ", expected " + want[worst]
                    + "\n got      " + Arrays.toString(g) + "\n expected " + Arrays.toString(want));
        }
    }

    /** Sum over a kh x kw window at (oy, ox) for channel c, or over all channels when c < 0 (stride 1, no padding). */
    static double windowSum(Tensor x, int oy, int ox, int kh, int kw, int c) {
        double s = 0;
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                if (c >= 0) {
                    s += x.get(0, oy + ky, ox + kx, c);
                } else {
                    for (int ch = 0; ch < x.dim(3); ch++) {
                        s += x.get(0, oy + ky, ox + kx, ch);
                    }
                }
            }
        }
        return s;
    }

    /** Pool with pool_size = strides = p, valid: max when {@code max}, else mean. */
    static double[] pool(Tensor x, int p, boolean max) {
        int oh = x.dim(1) / p;
        int ow = x.dim(2) / p;
        int c = x.dim(3);
        double[] y = new double[oh * ow * c];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                for (int ch = 0; ch < c; ch++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int ky = 0; ky < p; ky++) {
                        for (int kx = 0; kx < p; kx++) {
                            double v = x.get(0, oy * p + ky, ox * p + kx, ch);
                            acc = max ? Math.max(acc, v) : acc + v;
                        }
                    }
                    y[(oy * ow + ox) * c + ch] = max ? acc : acc / (p * p);
                }
            }
        }
        return y;
    }

    static double[] doubles(Tensor x) {
        float[] f = x.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * The one service registered for {@code property=key}: asserts it comes from
     * {@code bundle} and returns its reference.
     */
    static <S> ServiceReference<S> registration(Class<S> service, String property, String key, String bundle)
            throws InvalidSyntaxException {
        Collection<ServiceReference<S>> refs = Osgi.context().getServiceReferences(service,
                "(" + property + "=" + key + ")");
        assertEquals(1, refs.size(), "services with " + property + "=" + key + ": " + refs);
        ServiceReference<S> ref = refs.iterator().next();
        assertEquals(bundle, ref.getBundle().getSymbolicName(), property + "=" + key + " registered by");
        return ref;
    }

    /** A String or String[] service property as a set. */
    static Set<String> strings(Object property) {
        if (property == null) {
            return Set.of();
        }
        if (property instanceof String[] a) {
            return new TreeSet<>(List.of(a));
        }
        return Set.of(String.valueOf(property));
    }
}
