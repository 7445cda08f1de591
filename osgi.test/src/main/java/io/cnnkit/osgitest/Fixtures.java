package io.cnnkit.osgitest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.framework.ServiceRegistration;

import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.osgitest.plugin.TestScaleProvider;

/** Shared model and data for the hot-swap tests; remembers what to clean up. */
final class Fixtures implements AutoCloseable {
    static final int H = 2;
    static final int W = 2;
    static final int C = 3;
    /** Weights set before any swap; chosen so every product is exact in float. */
    static final float[] SCALE = { 0.5f, 2f, -1.25f };
    static final RunOptions NO_WAIT = RunOptions.DEFAULT.withWaitMillis(0);

    final Engine engine = Osgi.engine();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<Model> models = new ArrayList<>();

    <T> ServiceRegistration<T> track(ServiceRegistration<T> reg) {
        registrations.add(reg);
        return reg;
    }

    /** One test_scale layer named "scale", optionally with an activation. */
    Model build(String name, String activation) {
        String act = activation == null ? "" : ", \"activation\": \"" + activation + "\"";
        String json = "{\"name\": \"" + name + "\", \"input_shape\": [" + H + ", " + W + ", " + C + "], "
                + "\"layers\": [{\"type\": \"" + TestScaleProvider.TYPE + "\", \"name\": \"scale\"" + act + "}]}";
        Model m = engine.build(engine.parse(json));
        models.add(m);
        m.setWeights("scale", Map.of("scale", Tensor.wrap(SCALE.clone(), C)));
        return m;
    }

    /** (1, H, W, C) input with distinct values of both signs. */
    static Tensor input() {
        float[] x = new float[H * W * C];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 5) * 0.25f;
        }
        return Tensor.wrap(x, 1, H, W, C);
    }

    /** What test_scale (shift) followed by test_gain (gain, 1 = none) computes, element by element. */
    static float[] expected(float shift, float gain) {
        float[] x = input().toArray();
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float v = x[i] * SCALE[i % C] + shift;
            y[i] = gain == 1f ? v : gain * v;
        }
        return y;
    }

    static float[] run(Model m) {
        return m.predict(input(), NO_WAIT).toArray();
    }

    @Override
    public void close() {
        for (ServiceRegistration<?> r : registrations) {
            Osgi.unregisterQuietly(r);
        }
        for (Model m : models) {
            m.close();
        }
    }
}
