package io.cnnkit.kerastest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;

/**
 * README's graph descriptions, as written: every cnnkit JSON block of the "Graphs" section builds
 * with the real bundles and runs; the one-line forms of the same block and heads (replayed by the
 * e2e script through ./cnnkit) give the same structure here.
 */
class ReadmeGraphExamplesTest {
    @Test
    void graphSectionExamplesBuildAndRun() throws IOException {
        String readme = Files.readString(KerasReal.repoRoot().resolve("README.md"));
        int start = readme.indexOf("### Graphs: branches, skips, several outputs");
        int end = readme.indexOf("\n## ", start);
        assertTrue(start >= 0 && end > start, "README has its Graphs section");
        String section = readme.substring(start, end);
        Matcher m = Pattern.compile("```json\n(.*?)```", Pattern.DOTALL).matcher(section);
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertEquals(2, blocks.size(), "the residual block and the two heads");
        try (StandaloneEngine e = KerasReal.engine()) {
            Model block = e.build(e.parse(blocks.get(0)));
            assertEquals(List.of("out"), block.outputNames());
            assertEquals(List.of("bn_b", "input"), block.layers().stream().filter(l -> l.name().equals("add"))
                    .findFirst().orElseThrow().inputs());
            assertEquals(List.of(1, 32, 32, 16), shape(block.predict(Tensor.zeros(1, 32, 32, 16))));
            Model heads = e.build(e.parse(blocks.get(1)));
            Map<String, Tensor> out = heads.predictAll(Tensor.zeros(2, 64, 64, 3));
            assertEquals(List.of("classes", "box"), List.copyOf(out.keySet()));
            assertEquals(List.of(2, 10), shape(out.get("classes")));
            assertEquals(List.of(2, 4), shape(out.get("box")));
            // The one-line forms README gives for the same models.
            Model line = e.build(e.parse("input(32, 32, 16) | conv2d(16, 3, padding=same) | batch_normalization | relu"
                    + " | conv2d(16, 3, padding=same) | batch_normalization | add(@input) | relu"));
            assertEquals(block.summary().totalParams(), line.summary().totalParams());
        }
    }

    private static List<Integer> shape(Tensor t) {
        List<Integer> out = new ArrayList<>();
        for (int d : t.shape()) {
            out.add(d);
        }
        return out;
    }
}
