package io.cnnkit.kerastest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Summary;

/**
 * model.summary() parameter counts for a model (a graph: the merge layers join branches) that
 * uses every layer type cnnkit has (all bundles on the class path), against Keras's rules applied per class in cnf/golden/keras_real.py
 * (the MobileNet's count is checked in RealModelsTest against the sum of its file's weights).
 */
class ParameterCountTest {
    @Test
    void everyLayerTypeCountsAsKeras() throws Exception {
        JsonNode doc = KerasReal.resource("/golden/keras_real_params.json");
        try (StandaloneEngine engine = KerasReal.engine()) {
            Model m = engine.build(engine.parse(KerasReal.JSON.writeValueAsString(doc.get("model"))));
            Summary s = m.summary();
            JsonNode rows = doc.get("rows");
            assertEquals(rows.size(), s.rows().size(), s.format());
            java.util.Set<String> types = new java.util.TreeSet<>();
            for (int i = 0; i < rows.size(); i++) {
                JsonNode want = rows.get(i);
                Summary.Row got = s.rows().get(i);
                assertEquals(want.get("name").asText(), got.name());
                assertEquals(want.get("params").asLong(), got.params(), got.name() + " (" + want.get("keras_class")
                        .asText() + ")\n" + s.format());
                if (i > 0 || !"InputLayer".equals(got.type())) {
                    types.add(got.type()); // a graph's summary starts with its input
                }
            }
            assertEquals(doc.get("total").asLong(), s.totalParams(), s.format());
            assertEquals(doc.get("non_trainable").asLong(), s.nonTrainableParams(), s.format());
            // Every layer type the bundles provide appears in the model.
            assertEquals(new java.util.TreeSet<>(engine.layerTypes()), types);
            m.predict(KerasReal.input(16, 16, 3));
        }
    }
}
