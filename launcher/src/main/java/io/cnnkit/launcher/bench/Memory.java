package io.cnnkit.launcher.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * What a run of a model has to hold, to set the measured peak heap against: the bytes of the
 * model's weights and of its two largest activations at the run's batch (float32, 4 bytes an
 * element; the input counts as an activation, the layers are those some output needs). A run
 * cannot do with less than the weights plus the largest layer's input and output, so
 * {@link #bound()} = weights + 2 x (the two largest) is the peak heap a run should stay within
 * (twice: the returned output is fresh, and the garbage of the previous run is still there
 * until a collection).
 *
 * @param weightsBytes every weight tensor of the model
 * @param largest      the two largest activations, largest first (fewer for a model of fewer nodes)
 */
public record Memory(long weightsBytes, List<Activation> largest) {
    /** One activation: a layer's output (or the model input) at the run's batch. */
    public record Activation(String name, long bytes) {
    }

    public Memory {
        largest = List.copyOf(largest);
    }

    /** The weights and the two largest activations of {@code model} at {@code batch}. */
    public static Memory of(Model model, int batch) {
        long weights = 0;
        for (Map<String, Tensor> layer : model.weights().values()) {
            for (Tensor t : layer.values()) {
                weights += 4L * t.size();
            }
        }
        List<Activation> all = new ArrayList<>();
        all.add(new Activation(model.description().inputName(), bytes(model.inputShape(), batch)));
        for (LayerInfo l : Flops.needed(model.layers(), model.outputNames())) {
            all.add(new Activation(l.name(), bytes(l.outputShape(), batch)));
        }
        all.sort(Comparator.comparingLong(Activation::bytes).reversed());
        return new Memory(weights, all.subList(0, Math.min(2, all.size())));
    }

    private static long bytes(Shape s, int batch) {
        // open dimensions (an input size given only at run time) count as 0: reported, never guessed
        return s.isFullyKnown() ? 4L * batch * s.elementCount() : 0;
    }

    /** The two largest activations together. */
    public long largestTwoBytes() {
        return largest.stream().mapToLong(Activation::bytes).sum();
    }

    /** weights + 2 x the two largest activations: the peak heap a run should stay within. */
    public long bound() {
        return weightsBytes + 2 * largestTwoBytes();
    }

    /** One line for the bench report. */
    public String describe() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "weights %.2f MB; two largest activations",
                mb(weightsBytes)));
        for (Activation a : largest) {
            b.append(String.format(Locale.ROOT, " %.2f MB (%s)", mb(a.bytes()), a.name()));
        }
        return b.append(String.format(Locale.ROOT, "; weights + 2 x both = %.1f MB", mb(bound()))).toString();
    }

    static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
