package io.cnnkit.engine.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.DidYouMean;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.fakes.Fakes;

/** Unknown names in descriptions get one suggestion, not the list of everything present. */
class DidYouMeanTest {
    /** The layer types of the real plug-ins (33), so that the list is long as in a real runtime. */
    private static final List<String> TYPES = List.of("activation", "add", "average", "average_pooling2d",
            "batch_normalization", "concatenate", "conv2d", "conv2d_transpose", "cropping2d", "dense",
            "depthwise_conv2d", "dropout", "flatten", "global_average_pooling2d", "global_max_pooling2d",
            "group_normalization", "instance_normalization", "layer_normalization", "max_pooling2d", "maximum",
            "merge", "minimum", "multiply", "normalization", "permute", "prelu", "repeat_vector", "rescaling",
            "reshape", "separable_conv2d", "subtract", "up_sampling2d", "zero_padding2d");
    private static final List<String> ACTIVATIONS = List.of("elu", "exponential", "gelu", "hard_sigmoid",
            "leaky_relu", "linear", "mish", "relu", "relu6", "selu", "sigmoid", "silu", "softmax", "softplus",
            "softsign", "swish", "tanh");

    private final StandaloneEngine engine = Fakes.engine();

    @AfterEach
    void close() {
        engine.close();
    }

    private String error(String description) {
        return assertThrows(ModelException.class, () -> engine.build(engine.parse(description))).getMessage();
    }

    private static String closest(String wrong) {
        List<String> all = new ArrayList<>(TYPES);
        all.addAll(ACTIVATIONS);
        return DidYouMean.closest(wrong, all, Map.of("Conv2D", "conv2d", "Convolution2D", "conv2d",
                "MaxPooling2D", "max_pooling2d", "ThresholdedReLU", "activation"));
    }

    @Test
    void typosCaseSeparatorsAbbreviationsAndKerasNames() {
        assertEquals("max_pooling2d", closest("maxpool"), "an abbreviation");
        assertEquals("max_pooling2d", closest("max_pool"), "an abbreviation with '_'");
        assertEquals("max_pooling2d", closest("MaxPool2D"), "Keras's alias");
        assertEquals("max_pooling2d", closest("MaxPooling2D"), "a Keras class");
        assertEquals("max_pooling2d", closest("max-pooling-2d"), "'-' for '_'");
        assertEquals("average_pooling2d", closest("AvgPool2D"), "Keras's alias");
        assertEquals("average_pooling2d", closest("avg_pool"), "avg and pool spelt out");
        assertEquals("global_average_pooling2d", closest("GlobalAveragePooling2D"), "a Keras class");
        assertEquals("global_average_pooling2d", closest("GlobalAvgPool2D"), "Keras's alias");
        assertEquals("conv2d", closest("Conv2D"), "case");
        assertEquals("conv2d", closest("Convolution2D"), "an alias only (7 edits from conv2d)");
        assertEquals("conv2d", closest("conv"), "the shortest type it abbreviates");
        assertEquals("dense", closest("Dense"));
        assertEquals("dense", closest("desne"), "two letters swapped");
        assertEquals("flatten", closest("flaten"), "a letter missing");
        assertEquals("batch_normalization", closest("batchnorm"));
        assertEquals("batch_normalization", closest("BatchNormalisation"), "British spelling");
        assertEquals("relu", closest("rellu"));
        assertEquals("relu", closest("ReLU"), "an activation wins over the Keras class of the activation layer");
        assertEquals("leaky_relu", closest("LeakyReLU"));
        assertEquals("tanh", closest("tahn"));
        assertEquals("activation", closest("ThresholdedReLU"), "an alias");
        assertNull(closest("lstm"), "nothing close");
        assertNull(closest("conv3d_transpose_magic"), "6 edits from conv2d_transpose: not a typo");
        assertNull(closest("___"), "no letters");
        assertNull(closest("x".repeat(100_000)), "too long for any name");
    }

    @Test
    void parametersAndInitializers() {
        List<String> conv = List.of("filters", "kernel_size", "strides", "padding", "dilation_rate", "groups",
                "use_bias", "activation", "kernel_initializer", "bias_initializer", "data_format", "kernel_order");
        assertEquals("activation", DidYouMean.closest("activaton", conv));
        assertEquals("filters", DidYouMean.closest("fliters", conv));
        assertEquals("kernel_size", DidYouMean.closest("kernelSize", conv), "camel case");
        assertEquals("kernel_size", DidYouMean.closest("kernel", conv), "the shortest it abbreviates");
        assertEquals("strides", DidYouMean.closest("stride", conv));
        assertNull(DidYouMean.closest("units", conv));
        List<String> inits = List.of("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "zeros", "ones",
                "constant", "sharpen", "sharpen5", "laplacian");
        assertEquals("glorot_uniform", DidYouMean.closest("glorot_unifrom", inits));
        assertEquals("glorot_uniform", DidYouMean.closest("GlorotUniform", inits));
        assertEquals("he_normal", DidYouMean.closest("he_normall", inits));
        assertEquals("laplacian", DidYouMean.closest("laplacain", inits));
    }

    @Test
    void suggestionIsANearMissAShortListOrACount() {
        assertEquals("; did you mean 'relu'?", DidYouMean.suggestion("rellu", ACTIVATIONS, Map.of(), "activations"));
        assertEquals("; conv2d parameters: filters, kernel_size, padding",
                DidYouMean.suggestion("units", List.of("padding", "filters", "kernel_size"), Map.of(),
                        "conv2d parameters"), "few: listed, sorted");
        assertEquals("; no close match among the 17 activations",
                DidYouMean.suggestion("xyzzy", ACTIVATIONS, Map.of(), "activations"), "many: counted");
        assertEquals("; no activations present", DidYouMean.suggestion("relu", List.of(), Map.of(), "activations"));
    }

    @Test
    void oneLineLayerTypesAndActivations() {
        assertEquals("""
                one-line description, column 16: unknown layer type or activation 'maxpool' at layer 2; \
                did you mean 'max_pooling2d'?
                  conv2d(3, 3) | maxpool(2)
                                 ^""", error("conv2d(3, 3) | maxpool(2)"));
        String rellu = error("conv2d(3, 3) | rellu");
        assertTrue(rellu.contains("unknown layer type or activation 'rellu' at layer 2; did you mean 'relu'?\n"), rellu);
        String keras = error("Conv2D(3, 3)");
        assertTrue(keras.contains("'Conv2D' at layer 1; did you mean 'conv2d'?\n"), keras);
        // Only the provider's Keras classes name these: the engine takes the aliases from the providers.
        String alias = error("Convolution2D(3, 3)");
        assertTrue(alias.contains("'Convolution2D' at layer 1; did you mean 'conv2d'?\n"), alias);
        String dropout = error("conv2d(3, 3) | SpatialDropout2D(0.5)");
        assertTrue(dropout.contains("did you mean 'dropout'?\n"), dropout);
        // Nothing close: the 10 names present here are few enough to list.
        String far = error("lstm(3)");
        assertTrue(far.contains("'lstm' at layer 1; layer types and activations: activation, conv2d, dense, dropout, "
                + "flatten, max_pooling2d, relu, sigmoid, softmax, tanh\n"), far);
    }

    @Test
    void parametersActivationsAndInitializersInTheEngine() {
        assertEquals("layer 1 'conv2d' (conv2d): unknown parameter 'activaton'; did you mean 'activation'?",
                error("conv2d(3, 3, activaton=relu)"));
        assertEquals("layer 2 'flatten' (flatten): unknown parameter 'units'; flatten parameters: data_format",
                error("conv2d(3, 3) | flatten(units=3)"));
        assertEquals("layer 1 'conv2d' (conv2d): unknown activation 'sigmod'; did you mean 'sigmoid'?",
                error("conv2d(3, 3, activation=sigmod)"));
        assertEquals("layer 1 'conv2d' (conv2d): parameter 'kernel_initializer' names an unknown initializer "
                + "'glorot_unifrom'; did you mean 'glorot_uniform'?",
                error("conv2d(3, 3, kernel_initializer=glorot_unifrom)"));
        assertEquals("layer 1 'conv2d' (conv2d): parameter 'kernel_initializer' names an unknown initializer "
                + "'xavier'; no close match among the 21 initializers",
                error("conv2d(3, 3, kernel_initializer=xavier)"));
        String choice = error("conv2d(3, 3, padding=smae)");
        assertTrue(choice.contains("got 'smae' (did you mean 'same'?)"), choice);
    }

    @Test
    void jsonLayerTypesUseTheKerasClassesOfTheProviders() {
        assertEquals("layer 1 'MaxPooling2D' (MaxPooling2D): unknown layer type 'MaxPooling2D'; did you mean 'max_pooling2d'?",
                error("{\"layers\": [{\"type\": \"MaxPooling2D\", \"pool_size\": 2}]}"));
        assertEquals("layer 1 'maxpool' (maxpool): unknown layer type 'maxpool'; did you mean 'max_pooling2d'?",
                error("{\"layers\": [{\"type\": \"maxpool\"}]}"));
        assertEquals("layer 1 'lstm' (lstm): unknown layer type 'lstm'; layer types: activation, conv2d, dense, dropout, "
                + "flatten, max_pooling2d", error("{\"layers\": [{\"type\": \"lstm\"}]}"));
    }
}
