package io.cnnkit.engine.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A {@link LayerProvider} whose layers read several nodes. It registers as a
 * {@link LayerProvider} service like any other layer type; the engine asks it for a layer
 * with every input shape of the node.
 *
 * @since 1.3
 */
@ConsumerType
public interface MultiInputLayerProvider extends LayerProvider {
    /** Fewest inputs a node of this type takes (Keras's merge layers: 2; Keras 3 also allows 1 for some). */
    default int minInputs() {
        return 2;
    }

    /** Most inputs a node of this type takes ({@link Integer#MAX_VALUE}: any number). */
    default int maxInputs() {
        return Integer.MAX_VALUE;
    }

    /**
     * Builds a layer for these input shapes (open dimensions allowed), in the order the
     * description names the inputs. Shapes that do not fit together are an error naming them.
     */
    MultiInputLayer create(LayerSpec spec, List<Shape> inputShapes, BuildContext context);

    @Override
    default Layer create(LayerSpec spec, Shape inputShape, BuildContext context) {
        return create(spec, List.of(inputShape), context);
    }
}
