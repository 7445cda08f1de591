package io.cnnkit.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.io.api.PictureOptions;
import io.cnnkit.io.api.Reports;
import io.cnnkit.io.api.TopClasses;

/** report.html opens with the top classes of each output: the lines run prints, as HTML. */
class TopClassesReportTest {
    @TempDir
    Path root;

    static final TopClasses SOFTMAX = new TopClasses("dens<1>", "softmax", true, List.of(
            new TopClasses.Ranked(1, 1, "person & <friends>", 0.90312), new TopClasses.Ranked(2, 0, "no_person", 0.09688)));
    static final TopClasses MAP = new TopClasses("conv_2", "does not apply to an output of shape (1, 4, 5, 8)", false,
            List.of());

    @Test
    void linesAsPrinted() {
        assertEquals(List.of("top 2 of dens<1> (softmax):", "  1. person & <friends>  0.903", "  2. no_person  0.097"),
                SOFTMAX.lines());
        assertTrue(SOFTMAX.applies());
        assertEquals(List.of("top-K of conv_2: does not apply to an output of shape (1, 4, 5, 8)"), MAP.lines());
        assertFalse(MAP.applies());
        TopClasses raw = new TopClasses("d", "raw scores", false, List.of(new TopClasses.Ranked(1, 3, "3", -0.000123456)));
        assertEquals("  1. 3  -0.0001235", raw.line(raw.classes().get(0)));
    }

    @Test
    void theReportListsThemEscapedBeforeTheStages() throws Exception {
        Path report = Reports.writeTrace("t", ReportWriterTest.stages(), ReportWriterTest.summary(), root.resolve("r"),
                false, PictureOptions.DEFAULT, List.of(SOFTMAX, MAP));
        String html = Files.readString(report);
        int top = html.indexOf("<h2 id=\"top\">Top classes</h2>\n");
        assertTrue(top > html.indexOf("<h1>") && top < html.indexOf("<pre>") && top < html.indexOf("<section"), html);
        String section = html.substring(top, html.indexOf("<pre>"));
        assertEquals("<h2 id=\"top\">Top classes</h2>\n"
                + "<p class=\"top\">top 2 of dens&lt;1&gt; (softmax):</p>\n"
                + "<table class=\"top\">\n"
                + "<tr><td>1.</td><td>person &amp; &lt;friends&gt;</td><td class=\"num\">0.903</td></tr>\n"
                + "<tr><td>2.</td><td>no_person</td><td class=\"num\">0.097</td></tr>\n"
                + "</table>\n"
                + "<p class=\"top\">top-K of conv_2: does not apply to an output of shape (1, 4, 5, 8)</p>\n", section);
        // Without top classes the report has no such section (as before 1.2).
        String plain = Files.readString(Reports.writeTrace("t", ReportWriterTest.stages(), null, root.resolve("p"), false));
        assertFalse(plain.contains("Top classes"));
        assertThrows(IllegalArgumentException.class, () -> Reports.writeTrace("t", ReportWriterTest.stages(), null,
                root.resolve("n"), false, PictureOptions.DEFAULT, null));
    }
}
