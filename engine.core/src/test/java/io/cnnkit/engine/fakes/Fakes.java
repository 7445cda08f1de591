package io.cnnkit.engine.fakes;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.StandaloneEngine;

/** Engines with the test providers registered. */
public final class Fakes {
    private Fakes() {
    }

    /** conv2d, max_pooling2d, flatten, dense, activation, dropout + relu, sigmoid, tanh, softmax; 2 threads. */
    public static StandaloneEngine engine() {
        StandaloneEngine e = Engines.standalone();
        e.setParallelism(2);
        e.register(new NaiveConv2d());
        e.register(new NaiveMaxPool());
        e.register(new NaiveFlatten());
        e.register(new NaiveDense());
        e.register(new ActivationLayer());
        e.register(new IdentityDropout());
        e.register(new Activations.Relu());
        e.register(new Activations.Sigmoid());
        e.register(new Activations.Tanh());
        e.register(new Activations.Softmax());
        return e;
    }

    /** {@link #engine()} plus the test merge layers add and concatenate (graph models). */
    public static StandaloneEngine graphEngine() {
        StandaloneEngine e = engine();
        e.register(NaiveMerge.add());
        e.register(NaiveMerge.concatenate());
        return e;
    }

    /** {@link #graphEngine()} plus parse-only stand-ins for the other classes the real Keras files use. */
    public static StandaloneEngine kerasEngine() {
        StandaloneEngine e = graphEngine();
        e.register(new ParseOnly("batch_normalization", "BatchNormalization"));
        e.register(new ParseOnly("depthwise_conv2d", "DepthwiseConv2D"));
        e.register(new ParseOnly("prelu", "PReLU"));
        e.register(new ParseOnly("average_pooling2d", "AveragePooling2D"));
        e.register(new ParseOnly("global_average_pooling2d", "GlobalAveragePooling2D"));
        e.register(new ParseOnly("reshape", "Reshape"));
        e.register(new ParseOnly("zero_padding2d", "ZeroPadding2D"));
        e.register(new ParseOnly("cropping2d", "Cropping2D"));
        e.register(new ParseOnly("up_sampling2d", "UpSampling2D"));
        return e;
    }
}
