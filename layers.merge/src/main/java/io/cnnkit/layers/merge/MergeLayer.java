package io.cnnkit.layers.merge;

import java.util.ArrayList;
import java.util.List;

import io.cnnkit.engine.api.AbstractLayer;
import io.cnnkit.engine.api.LayerSpec;
import io.cnnkit.engine.api.MultiInputLayer;
import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;

/**
 * Common part of the merge layers: the input shapes they were built for, no weights, and the
 * checks of a run's tensors. Every merge kernel sets every output element.
 */
abstract class MergeLayer extends AbstractLayer implements MultiInputLayer {
    private final List<Shape> inputShapes;

    MergeLayer(LayerSpec spec, String type, List<Shape> inputShapes) {
        super(spec, type, inputShapes.isEmpty() ? null : inputShapes.get(0));
        this.inputShapes = List.copyOf(inputShapes);
    }

    @Override
    public final List<Shape> inputShapes() {
        return inputShapes;
    }

    @Override
    public final Shape inputShape() {
        return super.inputShape();
    }

    @Override
    public final boolean writesEveryOutput() {
        return true;
    }

    /** A run must give as many inputs as the layer was built for. */
    final void checkCount(int count) {
        if (count != inputShapes.size()) {
            throw spec.error("was built for " + inputShapes.size() + " inputs " + inputShapes + " but is given "
                    + count);
        }
    }

    /**
     * The per-sample shapes of a run's inputs, after checking that they are batched and have one
     * batch size; also checks the count.
     */
    final List<Shape> sampleShapes(List<Tensor> inputs) {
        checkCount(inputs.size());
        List<Shape> shapes = new ArrayList<>(inputs.size());
        Tensor first = inputs.get(0);
        for (Tensor t : inputs) {
            if (t.rank() < 1) {
                throw spec.error("input " + t.shapeString() + " has no batch axis");
            }
            if (t.dim(0) != first.dim(0)) {
                throw spec.error("inputs " + first.shapeString() + " and " + t.shapeString()
                        + " have different batch sizes");
            }
            shapes.add(Shape.ofSample(t));
        }
        return shapes;
    }

    /** The output must have the shape the inputs give and must not share memory with any of them. */
    final void checkOutput(List<Tensor> inputs, Shape out, Tensor y) {
        int[] want = out.withBatch(inputs.get(0).dim(0));
        if (!y.hasShape(want)) {
            throw new IllegalArgumentException(spec.label() + ": output " + y.shapeString() + " but the inputs give "
                    + Shape.format(want) + "; size the output with the layer's outputShape");
        }
        for (Tensor t : inputs) {
            if (y.overlaps(t)) {
                throw new IllegalArgumentException(spec.label() + ": the output " + y.shapeString()
                        + " shares memory with an input " + t.shapeString()
                        + "; give the kernel a separate output tensor (it does not work in place)");
            }
        }
    }
}
