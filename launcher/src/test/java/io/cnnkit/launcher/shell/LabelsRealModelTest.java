package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.ImageOptions;
import io.cnnkit.io.api.Images;
import io.cnnkit.testkit.RealFiles;

/**
 * {@code cnn:run --labels} on the trained MobileNet of ../shared/keras-real (visual wake words,
 * 96x96x3, a 2-unit softmax dense; trained on 0..1 pixels, classes non-person then person): the
 * printed top-2 lines hold the labels and the model's own probabilities, computed here through
 * {@link Model#predict} without the top-K code; the report lists them too.
 */
class LabelsRealModelTest {
    static final String RESCALE = "0.00392156862745098";
    static final Pattern LINE = Pattern.compile("^  ([12])\\. (no_person|person)  ([01]\\.[0-9]{3})$", Pattern.MULTILINE);

    @TempDir
    Path dir;
    GogoHarness gogo;
    Path model;
    Path photo;
    Path labels;

    @BeforeEach
    void setUp() throws Exception {
        Path real = BenchCommandTest.realFilesDir();
        RealFiles.assumePresent(real != null, "../shared/keras-real not found beside the checkout");
        model = real.resolve("k2-vww96-mobilenet.h5");
        StandaloneEngine engine = Engines.fromServiceLoader(getClass().getClassLoader());
        gogo = new GogoHarness(engine);
        assumeTrue(Support.has(engine, List.of("conv2d", "depthwise_conv2d", "batch_normalization", "dense"),
                List.of("relu", "softmax")), "layer bundles not on the class path: have " + engine.layerTypes());
        photo = dir.resolve("astronaut.png");
        try (InputStream in = getClass().getResourceAsStream("sample/astronaut.png")) {
            Files.copy(in, photo);
        }
        labels = dir.resolve("vww.txt");
        Files.writeString(labels, "no_person\nperson\n");
    }

    @AfterEach
    void tearDown() {
        if (gogo != null) {
            gogo.close();
        }
    }

    int run(String options) {
        return gogo.exec("cnn:load vww '" + model + "' ; cnn:run --resize --rescale " + RESCALE + " " + options
                + " --out '" + dir.resolve("out") + "' vww '" + photo + "'");
    }

    @Test
    void topTwoLinesAreTheLabelsAndTheModelsSoftmax() throws Exception {
        assertEquals(0, run("--labels '" + labels + "'"), gogo.err());
        String text = gogo.out();
        // The model's probabilities, independently: the same image read, resized and rescaled, one predict.
        Model m = gogo.commands.commands().model("vww");
        Tensor input = Images.read(photo, ImageOptions.DEFAULT.withRescale(Double.parseDouble(RESCALE))
                .withResize(96, 96));
        Tensor p = m.predict(input);
        assertEquals(2, p.size());
        float p0 = p.get(0, 0);
        float p1 = p.get(0, 1);
        int best = p1 > p0 ? 1 : 0; // equal: class order, so class 0
        String[] names = {"no_person", "person"};
        // After the stage table and the output line: the heading, then rank, label, probability.
        List<String> lines = List.of(text.strip().split("\n"));
        int at = lines.indexOf("top 2 of dense (softmax):");
        assertTrue(at > 0 && lines.get(at - 1).startsWith("output dense (1, 2): ["), text);
        assertTrue(lines.get(at + 3).startsWith("report: "), text);
        Matcher mt = LINE.matcher(text);
        List<String[]> printed = new ArrayList<>();
        while (mt.find()) {
            printed.add(new String[] {mt.group(1), mt.group(2), mt.group(3)});
        }
        assertEquals(2, printed.size(), text);
        assertEquals(List.of(lines.get(at + 1), lines.get(at + 2)),
                List.of(String.format(Locale.ROOT, "  1. %s  %.3f", names[best], best == 1 ? p1 : p0),
                        String.format(Locale.ROOT, "  2. %s  %.3f", names[1 - best], best == 1 ? p0 : p1)), text);
        // The printed values are the softmax's (trace and predict agree to float rounding), summing to 1.
        assertEquals(best == 1 ? p1 : p0, Double.parseDouble(printed.get(0)[2]), 5e-4 + 1e-6);
        assertEquals(best == 1 ? p0 : p1, Double.parseDouble(printed.get(1)[2]), 5e-4 + 1e-6);
        assertEquals(1.0, p0 + p1, 1e-5);
        // report.html lists them before the stages.
        String html = Files.readString(dir.resolve("out").resolve("report.html"));
        int top = html.indexOf("<h2 id=\"top\">Top classes</h2>");
        assertTrue(top > 0 && top < html.indexOf("<section"), "the top classes open the report");
        assertTrue(html.contains("<p class=\"top\">top 2 of dense (softmax):</p>"), html.substring(top, top + 400));
        assertTrue(html.contains("<tr><td>1.</td><td>" + names[best] + "</td><td class=\"num\">"
                + String.format(Locale.ROOT, "%.3f", best == 1 ? p1 : p0) + "</td></tr>"), html.substring(top, top + 400));
    }

    @Test
    void topOneAndMistakes() throws Exception {
        assertEquals(0, run("--top 1"), gogo.err());
        String text = gogo.out();
        assertTrue(Pattern.compile("(?m)^top 1 of dense \\(softmax\\):\n  1\\. [01]  [01]\\.[0-9]{3}\nreport: ")
                .matcher(text).find(), text);
        assertEquals(1, run("--top two"));
        assertTrue(gogo.err().startsWith("cnnkit: cnn:run: --top expects a whole number, got 'two'\nhint: e.g. --top 1"),
                gogo.err());
        assertFalse(gogo.err().contains("Cannot coerce"), gogo.err());
        assertEquals(1, run("--top 0"));
        assertTrue(gogo.err().contains("cnn:run: --top must be at least 1, got 0"), gogo.err());
        Path three = dir.resolve("three.txt");
        Files.writeString(three, "a\nb\nc\n");
        assertEquals(1, run("--labels '" + three + "'"));
        assertTrue(gogo.err().startsWith("cnnkit: cnn:run: labels file " + three + " has 3 labels but output 'dense' has 2 "
                + "classes\nhint: give one label per class"), gogo.err());
        assertEquals(1, run("--labels '" + dir.resolve("nope.txt") + "'"));
        assertTrue(gogo.err().startsWith("cnnkit: cnn:run: no such labels file: "), gogo.err());
    }
}
