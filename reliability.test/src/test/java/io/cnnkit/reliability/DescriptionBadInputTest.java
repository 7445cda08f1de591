package io.cnnkit.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;

/**
 * Every broken model description of the corpus fails at parse or build time with a
 * ModelException whose message names the layer or place and the problem, and never with an
 * OutOfMemoryError (the surefire heap is 512 MB), a hang, or another exception type.
 */
@Timeout(10)
class DescriptionBadInputTest {
    private static StandaloneEngine engine;

    @BeforeAll
    static void start() {
        engine = Corpus.engine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    /** file | fragments the message must contain, separated by ';'. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed.json            | malformed JSON;line 1, column 45;double-quote
            truncated.json            | malformed JSON;end-of-input
            not_object.json           | one-line description;column 1
            empty.json                | empty model description
            unknown_type.json         | layer 1;unknown layer type 'conv3d_transpose_magic'; no close match among the
            unknown_param.json        | layer 1 'conv2d' (conv2d);unknown parameter 'fliters'; did you mean 'filters'?
            unknown_activation.json   | layer 1 'conv2d' (conv2d);unknown activation 'sparkle'; no close match among the
            zero_filters.json         | layer 1 'conv2d' (conv2d);'filters';positive;got 0
            negative_kernel.json      | layer 1 'conv2d' (conv2d);'kernel_size';positive;-3
            zero_units.json           | layer 2 'dense' (dense);'units';positive;got 0
            negative_stride.json      | layer 1 'max_pooling2d';'strides';positive;-1
            zero_input.json           | input_shape;positive;got 0
            negative_input.json       | input_shape;positive;-8
            kernel_too_large.json     | layer 1 'conv2d' (conv2d);8x8;9x9 kernel;padding=same
            pool_too_large.json       | layer 1 'max_pooling2d';8x8;empty output
            duplicate_names.json      | layer 2 'x';name 'x' is already used by layer 1
            duplicate_keys.json       | malformed JSON;Duplicate field 'input_shape'
            wrong_types.json          | layer 1 'conv2d' (conv2d);'filters';must be an integer;'many'
            wrong_type_bool.json      | layer 1 'conv2d' (conv2d);'filters';must be an integer;true
            fractional_filters.json   | layer 1 'conv2d' (conv2d);'filters';must be an integer;2.5
            type_not_string.json      | layer 1;"type";got 7;conv2d
            layers_not_list.json      | "layers" must be a JSON array
            huge_filters.json         | layer 1 'conv2d' (conv2d);weight 'kernel';(1, 1, 1, 2000000000);2000000000 elements
            huge_filters_overflow.json| layer 1 'conv2d' (conv2d);weight 'kernel';(3, 3, 1, 2000000000);elements
            huge_int.json             | layer 1 'conv2d' (conv2d);'filters';must be an integer
            huge_dense.json           | layer 2 'dense' (dense);weight 'kernel';(65536, 400000);elements
            huge_dense_overflow.json  | layer 2 'dense' (dense);weight 'kernel';(50331648, 100000);elements
            deep_nesting.json         | malformed JSON;nesting depth
            deep_nesting_unclosed.json| malformed JSON;nesting depth
            keras_unknown_class.json  | layer 2 'c' (Conv7D);Keras class 'Conv7D';Conv2D
            keras_layers_not_list.json| "config.layers" must be a list
            oneline_garbage.txt       | one-line description;column 13
            oneline_huge.txt          | layer 1 'conv2d' (conv2d);weight 'kernel';(1, 1, 3, 2000000000)
            """)
    void refusedWithAClearMessage(String file, String fragments) {
        String text = Corpus.text("models/" + file);
        int before = engine.models().size();
        ModelException e = assertThrows(ModelException.class, () -> engine.build(engine.parse(text)));
        for (String f : fragments.split(";")) {
            assertTrue(e.getMessage().contains(f.strip()), "message of " + file + " lacks '" + f.strip() + "': "
                    + e.getMessage());
        }
        assertTrue(e.getMessage().length() < 2000, "message too long: " + e.getMessage().length());
        assertEquals(before, engine.models().size(), "a failed build left a model behind");
    }

    /**
     * Misspelt names against the real plug-ins (33 layer types, 17 activations, 21 initializers): the
     * closest name, found also through the Keras classes the providers declare; never the whole list.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '"', textBlock = """
            maxpool(2) => unknown layer type or activation 'maxpool' at layer 1; did you mean 'max_pooling2d'?
            conv2d(2, 3) | MaxPool2D(2) => unknown layer type or activation 'MaxPool2D' at layer 2; did you mean 'max_pooling2d'?
            Conv2D(2, 3) => unknown layer type or activation 'Conv2D' at layer 1; did you mean 'conv2d'?
            Deconvolution2D(2, 3) => unknown layer type or activation 'Deconvolution2D' at layer 1; did you mean 'conv2d_transpose'?
            conv2d(2, 3) | GlobalAvgPool2D => unknown layer type or activation 'GlobalAvgPool2D' at layer 2; did you mean 'global_average_pooling2d'?
            conv2d(2, 3) | rellu => unknown layer type or activation 'rellu' at layer 2; did you mean 'relu'?
            conv2d(2, 3) | LeakyReLU => unknown layer type or activation 'LeakyReLU' at layer 2; did you mean 'leaky_relu'?
            lstm(8) => unknown layer type or activation 'lstm' at layer 1; no close match among the 50 layer types and activations
            conv2d(2, 3, activaton=relu) => layer 1 'conv2d' (conv2d): unknown parameter 'activaton'; did you mean 'activation'?
            conv2d(2, 3, units=4) => layer 1 'conv2d' (conv2d): unknown parameter 'units'; conv2d parameters: activation, bias_initializer, data_format, dilation_rate, filters, groups, kernel_initializer, kernel_order, kernel_size, padding, strides, use_bias
            conv2d(2, 3, activation=hardsigmoid) => layer 1 'conv2d' (conv2d): unknown activation 'hardsigmoid'; did you mean 'hard_sigmoid'?
            conv2d(2, 3, activation=sparkle) => layer 1 'conv2d' (conv2d): unknown activation 'sparkle'; no close match among the 17 activations
            conv2d(2, 3, kernel_initializer=he_normall) => layer 1 'conv2d' (conv2d): parameter 'kernel_initializer' names an unknown initializer 'he_normall'; did you mean 'he_normal'?
            """)
    void misspeltNamesGetTheClosestOne(String description, String message) {
        ModelException e = assertThrows(ModelException.class, () -> engine.build(engine.parse(description)));
        assertEquals(message, e.getMessage().lines().findFirst().orElseThrow().replaceFirst("^one-line description, "
                + "column \\d+: ", ""));
    }

    /** The limit is per weight: a model just under it builds, and the message tells how to raise it. */
    @Test
    void weightLimitIsConfigurable() {
        String desc = "{\"input_shape\": [4, 4, 1], \"layers\": [{\"type\": \"conv2d\", \"name\": \"c\", "
                + "\"filters\": 5000, \"kernel_size\": 1}]}";
        String old = System.getProperty("cnnkit.maxWeightElements");
        System.setProperty("cnnkit.maxWeightElements", "4999");
        try {
            ModelException e = assertThrows(ModelException.class, () -> engine.build(engine.parse(desc)));
            assertTrue(e.getMessage().contains("layer 1 'c' (conv2d)") && e.getMessage().contains("(1, 1, 1, 5000)")
                    && e.getMessage().contains("limit of 4999") && e.getMessage().contains("cnnkit.maxWeightElements"),
                    e.getMessage());
            System.setProperty("cnnkit.maxWeightElements", "5000");
            Model m = engine.build(engine.parse(desc));
            assertEquals(10000, m.summary().totalParams());
            m.close();
        } finally {
            if (old == null) {
                System.clearProperty("cnnkit.maxWeightElements");
            } else {
                System.setProperty("cnnkit.maxWeightElements", old);
            }
        }
    }

    /**
     * Sizes that only explode at run time (padding of 10000 makes a 8x8 input 20008x20008):
     * the run is refused with the layer and the output shape, not an OutOfMemoryError or an
     * IllegalArgumentException from Tensor.
     */
    @ParameterizedTest(name = "padding {0}")
    @CsvSource({"10000, MiB", "30000, 2^31-1"})
    void hugeStageOutputIsRefusedAtRunTime(int padding, String fragment) {
        Model m = engine.build(engine.parse("{\"input_shape\": [8, 8, 1], \"layers\": [{\"type\": \"zero_padding2d\", "
                + "\"name\": \"pad\", \"padding\": " + padding + "}, {\"type\": \"global_max_pooling2d\"}]}"));
        try {
            ModelException e = assertThrows(ModelException.class, () -> m.predict(Tensor.zeros(1, 8, 8, 1)));
            int side = 8 + 2 * padding;
            assertTrue(e.getMessage().contains("layer 'pad' (zero_padding2d)")
                    && e.getMessage().contains("(1, " + side + ", " + side + ", 1)") && e.getMessage().contains(fragment),
                    e.getMessage());
        } finally {
            m.close();
        }
    }

    /** The one huge-but-valid description: an input of 2e9 x 2e9 builds (only weights are allocated). */
    @Test
    void hugeInputShapeBuildsWithoutAllocating() {
        Model m = engine.build(engine.parse(Corpus.text("models/huge_input.json")));
        assertEquals(List.of(56L), m.layers().stream().map(l -> l.parameters()).toList());
        m.close();
    }
}
