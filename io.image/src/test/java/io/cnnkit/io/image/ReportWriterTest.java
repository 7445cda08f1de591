package io.cnnkit.io.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Stage;
import io.cnnkit.engine.api.Summary;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.Npy;
import io.cnnkit.io.api.PictureOptions;
import io.cnnkit.io.api.Reports;

class ReportWriterTest {
    @TempDir
    Path root;

    static Tensor filled(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) Math.sin(i * 0.37) * (i % 5);
        }
        return t;
    }

    /** A walkthrough-like trace: input, conv, pool, relu, 8-channel conv, flatten, dense. */
    static List<Stage> stages() {
        List<Stage> s = new ArrayList<>();
        s.add(new Stage(0, "input", "input", filled(1, 20, 24, 3)));
        s.add(new Stage(1, "conv_1", "conv2d", filled(1, 18, 22, 3)));
        s.add(new Stage(2, "max_pooling2d", "max_pooling2d", filled(1, 6, 7, 3)));
        Tensor relu = filled(1, 6, 7, 3);
        for (int i = 0; i < relu.size(); i++) {
            relu.data()[i] = Math.max(0, relu.data()[i]);
        }
        s.add(new Stage(3, "activation", "activation", relu));
        s.add(new Stage(4, "conv_2", "conv2d", filled(1, 4, 5, 8)));
        s.add(new Stage(5, "flatten", "flatten", filled(1, 160)));
        s.add(new Stage(6, "dens<1>", "dense", filled(1, 8)));
        return s;
    }

    static Summary summary() {
        return new Summary("girl & <friends>", List.of(
                new Summary.Row("conv_1", "Conv2D", Shape.of(18, 22, 3), 84),
                new Summary.Row("max_pooling2d", "MaxPooling2D", Shape.of(6, 7, 3), 0),
                new Summary.Row("activation", "Activation", Shape.of(6, 7, 3), 0),
                new Summary.Row("conv_2", "Conv2D", Shape.of(4, 5, 8), 224),
                new Summary.Row("flatten", "Flatten", Shape.of(160), 0),
                new Summary.Row("dens<1>", "Dense", Shape.of(8), 1288)), 1596, 1596);
    }

    private List<String> names(Path d) throws IOException {
        try (Stream<Path> l = Files.list(d)) {
            return l.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void reportFolderIsComplete() throws IOException {
        Path dir = root.resolve("trace");
        List<Stage> stages = stages();
        Path report = Reports.writeTrace("Walkthrough <script>alert(1)</script>", stages, summary(), dir, true);
        assertEquals(dir.resolve("report.html").toAbsolutePath(), report);
        assertEquals(List.of("00_input.npy", "00_input.png", "01_conv_1.npy", "01_conv_1.png", "02_max_pooling2d.npy",
                "02_max_pooling2d.png", "03_activation.npy", "03_activation.png", "04_conv_2.npy", "04_conv_2.png",
                "05_flatten.npy", "05_flatten.png", "06_dens_1_.npy", "06_dens_1_.png", "report.html"), names(dir));
        assertEquals(List.of("trace"), names(root), "no temporary folders left beside the report");
        for (Stage s : stages) {
            assertTrue(s.output().contentEquals(Npy.read(dir.resolve(ReportWriter.stem(s) + ".npy"))), s.name());
        }
        String html = Files.readString(report);
        assertFalse(html.contains("<script"), "title must be escaped");
        assertTrue(html.contains("Walkthrough &lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("dens&lt;1&gt;"));
        assertTrue(html.contains("girl &amp; &lt;friends&gt;"));
        assertFalse(html.contains(root.toString()), "links must be relative");
        assertTrue(html.contains("src=\"04_conv_2.png\""));
        assertTrue(html.contains("href=\"06_dens_1_.npy\""));
        assertTrue(html.contains("<style>"));
        assertTrue(html.contains("1,288"), "dense parameters from the summary");
        assertTrue(html.contains("(None, 4, 5, 8)"));
        int last = -1;
        for (Stage s : stages) {
            int at = html.indexOf("<section id=\"" + ReportWriter.esc(ReportWriter.stem(s)) + "\">");
            assertTrue(at > last, "stage " + s.index() + " in order");
            last = at;
        }
        String stats = String.format(java.util.Locale.ROOT, "%.6g", io.cnnkit.io.api.StageStats.of(stages.get(1).output()).max());
        assertTrue(html.contains(stats), "statistics of conv_1");
    }

    @Test
    void withoutNpyOnlyPicturesAndReport() throws IOException {
        Path dir = root.resolve("t");
        Reports.writeTrace("t", stages().subList(0, 2), null, dir, false);
        assertEquals(List.of("00_input.png", "01_conv_1.png", "report.html"), names(dir));
        assertTrue(Files.readString(dir.resolve("report.html")).contains("not in the summary"));
    }

    @Test
    void existingFolderIsReplacedAsAWhole() throws IOException {
        Path dir = Files.createDirectories(root.resolve("trace"));
        Files.writeString(dir.resolve("old.txt"), "old");
        Files.writeString(dir.resolve("report.html"), "previous");
        Reports.writeTrace("t", stages(), summary(), dir, false);
        assertFalse(Files.exists(dir.resolve("old.txt")));
        assertTrue(Files.readString(dir.resolve("report.html")).startsWith("<!DOCTYPE html>"));
        assertEquals(List.of("trace"), names(root));
    }

    private Path previousReport() throws IOException {
        Path dir = Files.createDirectories(root.resolve("trace"));
        Files.writeString(dir.resolve("report.html"), "previous");
        Files.writeString(dir.resolve("00_input.png"), "previous picture");
        return dir;
    }

    @Test
    void injectedFailureLeavesThePreviousFolderIntact() throws IOException {
        Path dir = previousReport();
        int[] npyFiles = {0};
        ReportWriter failing = new ReportWriter(f -> {
            if (f.getFileName().toString().endsWith(".npy") && ++npyFiles[0] == 2) {
                throw new IOException("disk full (injected)");
            }
        });
        CnnIoException e = assertThrows(CnnIoException.class,
                () -> failing.write("t", stages(), summary(), dir, true, PictureOptions.DEFAULT));
        assertTrue(e.getMessage().contains("disk full (injected)"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
        assertEquals(List.of("00_input.png", "report.html"), names(dir));
        assertEquals("previous", Files.readString(dir.resolve("report.html")));
        assertEquals(List.of("trace"), names(root), "the temporary folder is removed");
    }

    @Test
    void aStageThatCannotBeDrawnLeavesNoReport() throws IOException {
        Path dir = previousReport();
        List<Stage> stages = new ArrayList<>(stages());
        stages.add(new Stage(7, "odd", "reshape", Tensor.zeros(1, 2, 2, 2, 2)));
        CnnIoException e = assertThrows(CnnIoException.class, () -> Reports.writeTrace("t", stages, summary(), dir, true));
        assertTrue(e.getMessage().contains("stage 7 'odd'"), e.getMessage());
        assertEquals(List.of("00_input.png", "report.html"), names(dir));
        assertEquals(List.of("trace"), names(root));
        Path fresh = root.resolve("fresh");
        assertThrows(CnnIoException.class, () -> Reports.writeTrace("t", stages, summary(), fresh, true));
        assertFalse(Files.exists(fresh), "a failed first report leaves no folder and no .npy");
        assertEquals(List.of("trace"), names(root));
    }

    @Test
    void badArgumentsAreClearErrors() throws IOException {
        Path file = Files.writeString(root.resolve("afile"), "x");
        assertThrows(CnnIoException.class, () -> Reports.writeTrace("t", stages(), null, file, false));
        assertThrows(IllegalArgumentException.class, () -> Reports.writeTrace("t", List.of(), null, root.resolve("e"), false));
        List<Stage> dup = List.of(new Stage(1, "a b", "x", filled(1, 3)), new Stage(1, "a_b", "x", filled(1, 3)));
        assertThrows(IllegalArgumentException.class, () -> Reports.writeTrace("t", dup, null, root.resolve("d"), false));
        assertEquals(List.of("afile"), names(root));
    }
}
