package io.cnnkit.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;

/** The bad-input corpus written by cnf/badinput/make_corpus.py, and the model its weight files fit. */
final class Corpus {
    /** conv (3,3,1,2)+(2,) -> flatten 72 -> fc (72,3)+(3,); the same as MODEL in make_corpus.py. */
    static final String MODEL = """
            {"name": "rel", "input_shape": [8, 8, 1], "seed": 1, "layers": [
              {"type": "conv2d", "name": "conv", "filters": 2, "kernel_size": 3},
              {"type": "flatten", "name": "flat"},
              {"type": "dense", "name": "fc", "units": 3}]}""";

    private Corpus() {
    }

    static Path file(String rel) {
        URL u = Corpus.class.getResource("/badinput/" + rel);
        if (u == null) {
            throw new IllegalStateException("corpus file badinput/" + rel
                    + " is missing: run /usr/bin/python3 cnf/badinput/make_corpus.py");
        }
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(String rel) {
        try {
            return Files.readString(file(rel), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An engine with every layer and activation module on the test class path. */
    static StandaloneEngine engine() {
        return Engines.fromServiceLoader(Corpus.class.getClassLoader());
    }

    static Model model(StandaloneEngine engine) {
        return engine.build(engine.parse(MODEL));
    }
}
