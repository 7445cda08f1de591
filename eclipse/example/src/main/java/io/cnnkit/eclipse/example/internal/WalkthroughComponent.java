package io.cnnkit.eclipse.example.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import io.cnnkit.eclipse.example.Walkthrough;
import io.cnnkit.engine.api.Engine;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.RunOptions;
import io.cnnkit.engine.api.Tensor;

/**
 * Builds the walkthrough's seed model (conv_1, max pool 3, relu, conv_2, max pool 2, relu,
 * flatten, dens_1) from its one-line description through the Engine service, runs it once on
 * a 14 x 14 RGB input and logs the result. Every weight is 0.12, as in the walkthrough's last
 * step, so the numbers can be checked by hand.
 */
@Component(service = Walkthrough.class, immediate = true)
public final class WalkthroughComponent implements Walkthrough {
    static final String DESCRIPTION = "input(14, 14, 3, name=walkthrough)"
            + " | conv2d(3, 3, name=conv_1, kernel_initializer=constant(0.12)) | max_pooling2d(3) | relu"
            + " | conv2d(3, 3, name=conv_2, kernel_initializer=constant(0.12)) | max_pooling2d(2) | relu"
            + " | flatten | dense(8, activation=relu, name=dens_1, kernel_initializer=constant(0.12))";

    /** The layer types and activation the description uses ("relu" alone is an activation layer). */
    static final List<String> LAYER_TYPES = List.of("conv2d", "max_pooling2d", "activation", "flatten", "dense");
    static final List<String> ACTIVATIONS = List.of("relu");

    /** How long the run waits for those plug-ins: Eclipse may start their bundles after this one. */
    static final long WAIT_MILLIS = 60_000;

    private static final Logger LOG = System.getLogger(WalkthroughComponent.class.getName());

    private final Engine engine;
    private final Tensor input = walkthroughInput();
    private final CompletableFuture<Tensor> output = new CompletableFuture<>();
    private Model model; // guarded by this
    private boolean stopped; // guarded by this

    @Activate
    public WalkthroughComponent(@Reference Engine engine) {
        this.engine = engine;
        // Not on the activating thread: that may be the one about to start the layer bundles.
        Thread run = new Thread(this::run, "cnnkit-walkthrough-example");
        run.setDaemon(true);
        run.start();
    }

    private void run() {
        try {
            awaitPlugins();
            Model m = engine.build(engine.parse(DESCRIPTION));
            synchronized (this) {
                if (stopped) {
                    m.close();
                    throw new CancellationException("the component stopped");
                }
                model = m;
            }
            Tensor y = m.predict(input, RunOptions.DEFAULT.withWaitMillis(WAIT_MILLIS));
            LOG.log(Level.INFO, "cnnkit walkthrough example: " + m.name() + " " + y.shapeString() + " = "
                    + Arrays.toString(y.toArray()));
            output.complete(y);
        } catch (RuntimeException | InterruptedException e) {
            if (!(e instanceof CancellationException)) {
                LOG.log(Level.WARNING, "cnnkit walkthrough example: the run failed: " + e.getMessage(), e);
            }
            output.completeExceptionally(e);
        }
    }

    /**
     * The one-line form is read with the parameter lists of the layer services present, so the
     * parse waits until the engine lists every type and activation the description uses.
     */
    private void awaitPlugins() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
        while (!engine.layerTypes().containsAll(LAYER_TYPES) || !engine.activations().containsAll(ACTIVATIONS)) {
            synchronized (this) {
                if (stopped) {
                    throw new CancellationException("the component stopped");
                }
            }
            if (System.nanoTime() > deadline) {
                List<String> missing = new ArrayList<>(LAYER_TYPES);
                missing.removeAll(engine.layerTypes());
                List<String> missingActivations = new ArrayList<>(ACTIVATIONS);
                missingActivations.removeAll(engine.activations());
                missing.addAll(missingActivations);
                throw new IllegalStateException("no cnnkit service for " + missing + " after " + WAIT_MILLIS / 1000
                        + " s; are io.cnnkit.layers.conv, .pool, .dense and io.cnnkit.activations.relu in the"
                        + " target platform and started?");
            }
            Thread.sleep(50);
        }
    }

    /** Closing the model ends a run still waiting for a layer service. */
    @Deactivate
    synchronized void deactivate() {
        stopped = true;
        if (model != null) {
            model.close();
        }
    }

    /** Distinct values of both signs, exact in float: ((i * 7) mod 13 - 6) / 4. */
    static Tensor walkthroughInput() {
        float[] x = new float[14 * 14 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 7) % 13 - 6) * 0.25f;
        }
        return Tensor.wrap(x, 1, 14, 14, 3);
    }

    @Override
    public String description() {
        return DESCRIPTION;
    }

    @Override
    public Tensor input() {
        return input.copy();
    }

    @Override
    public CompletionStage<Tensor> output() {
        return output.thenApply(Tensor::copy);
    }
}
