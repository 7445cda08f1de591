package io.cnnkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.launcher.shell.Cli;
import io.cnnkit.launcher.shell.ClassifyParams;
import io.cnnkit.launcher.shell.ClassifyRow;
import io.cnnkit.launcher.shell.ClassifyRunner;
import io.cnnkit.launcher.shell.CnnCommands;

/**
 * The Spark job in one local[2] session against ./cnnkit classify in this JVM, on real images
 * (crops and flips of the bundled photo, and the bad-input corpus of real broken files) and a
 * real trained network (MLPerf Tiny's ResNet-8 from ../shared/keras-real): the same result file
 * byte for byte, CSV with top classes and JSON Lines with features; and the DataFrame API.
 */
class SparkClassifyTest {
    static SparkSession spark;
    static StandaloneEngine engine;
    static CnnCommands commands;
    @TempDir
    static Path dir;
    static Path images;
    static String model;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws IOException {
        model = kerasReal("k2-resnet8-cifar10.h5").toString();
        images = dir.resolve("images");
        Files.createDirectories(images.resolve("corpus"));
        makeCrops(images, 20);
        Path corpus = Path.of("../reliability.test/src/test/resources/badinput/images");
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().startsWith("bomb")).toList()) {
                Files.copy(f, images.resolve("corpus").resolve(f.getFileName()));
            }
        }
        Files.copy(images.resolve("crop00.png"), images.resolve("corpus").resolve("a, \"quoted\" name.png"));
        spark = SparkSession.builder().master("local[2]").appName("SparkClassifyTest")
                .config("spark.ui.enabled", "false").getOrCreate();
        engine = Engines.fromServiceLoader(SparkClassifyTest.class.getClassLoader());
        commands = new CnnCommands(engine, new PrintStream(PrintStream.nullOutputStream()));
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (commands != null) {
            commands.close();
            engine.close();
        }
    }

    /** Crops and flips of the bundled photo, PNG and JPEG, of different sizes (--resize makes them fit). */
    static void makeCrops(Path folder, int n) throws IOException {
        BufferedImage photo;
        try (InputStream in = Cli.class.getResourceAsStream("sample/astronaut.png")) {
            photo = ImageIO.read(in);
        }
        Random r = new Random(7);
        for (int i = 0; i < n; i++) {
            int w = 32 + r.nextInt(photo.getWidth() - 32);
            int h = 32 + r.nextInt(photo.getHeight() - 32);
            int x = r.nextInt(photo.getWidth() - w + 1);
            int y = r.nextInt(photo.getHeight() - h + 1);
            BufferedImage crop = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            boolean flip = i % 2 == 1;
            for (int yy = 0; yy < h; yy++) {
                for (int xx = 0; xx < w; xx++) {
                    crop.setRGB(flip ? w - 1 - xx : xx, yy, photo.getRGB(x + xx, y + yy));
                }
            }
            String format = i % 3 == 2 ? "jpg" : "png";
            ImageIO.write(crop, format, folder.resolve(String.format("crop%02d.%s", i, format)).toFile());
        }
    }

    /** A file of ../shared/keras-real beside the checkout (or -Dcnnkit.kerasReal=DIR). */
    static Path kerasReal(String name) {
        String set = System.getProperty("cnnkit.kerasReal");
        if (set != null) {
            return Path.of(set, name);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path f = d.resolve("shared").resolve("keras-real").resolve(name);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new IllegalStateException(name + " not found in shared/keras-real above " + Path.of("").toAbsolutePath()
                + "; put shared/keras-real beside the checkout or set -Dcnnkit.kerasReal=<dir>");
    }

    int cli(String... words) {
        out.reset();
        err.reset();
        return Cli.plain(commands, new SparkRunner(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false).run(List.of(words));
    }

    @Test
    void sparkWritesClassifysCsvByteForByte() throws IOException {
        Path local = dir.resolve("local.csv");
        Path viaSpark = dir.resolve("spark.csv");
        String[] common = {"classify", model, images.toString(), "--resize", "--rescale", "0.00392156862745098",
            "--top", "3", "--batch", "4"};
        assertEquals(3, cli(concat(common, "--out", local.toString())), err.toString());
        assertEquals(3, cli(concat(common, "--out", viaSpark.toString(), "--spark", "local[2]")), err.toString());
        String text = Files.readString(local);
        assertEquals(text, Files.readString(viaSpark));
        String[] lines = text.split("\n");
        assertEquals("path,label1,probability1,label2,probability2,label3,probability3,error", lines[0]);
        long errors = Arrays.stream(lines).skip(1).filter(l -> !l.endsWith(",")).count();
        long crops = Arrays.stream(lines).filter(l -> l.contains("crop")).count();
        assertEquals(20, crops, "every crop classified");
        assertTrue(errors >= 5, "the corpus's broken files are error rows: " + errors);
        assertTrue(text.contains("truncated.png: truncated or corrupt PNG"), text);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("images failed (rows with an error)"), out.toString());
    }

    @Test
    void featuresAsJsonLinesAreTheSameToo() throws IOException {
        Path local = dir.resolve("local.jsonl");
        Path viaSpark = dir.resolve("spark.jsonl");
        String[] common = {"classify", model, images.resolve("corpus").toString(), "--resize", "--features",
            "flatten", "--batch", "3"};
        int code = cli(concat(common, "--out", local.toString()));
        assertEquals(3, code, err.toString());
        assertEquals(3, cli(concat(common, "--out", viaSpark.toString(), "--spark", "local[2]")), err.toString());
        assertEquals(Files.readString(local), Files.readString(viaSpark));
        assertTrue(Files.readString(local).contains("\"features\":["), "feature rows");
    }

    @Test
    void theDataFrameApiOnBinaryFiles() {
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(images.resolve("corpus").toString());
        ClassifyParams params = new ClassifyParams(List.of(), dir.resolve("x.csv"), null, 2, null, false, 4, 0,
                1 / 255.0, false, false, true, "local[2]");
        ClassifyJob job = ClassifyJob.of(new ClassifyRunner.ModelRequest("resnet8", model, null, null), params);
        Dataset<Row> rows = SparkClassify.classify(files, job);
        assertEquals(List.of("path", "top", "features", "error"), Arrays.asList(rows.columns()));
        List<ClassifyRow> all = new ArrayList<>();
        for (Row r : rows.collectAsList()) {
            all.add(SparkClassify.toClassifyRow(r));
        }
        assertEquals(files.count(), all.size(), "one row per image");
        ClassifyRow good = all.stream().filter(r -> r.path().endsWith("ok_rgb.png")).findFirst().orElseThrow();
        assertNull(good.error());
        assertEquals(2, good.top().size());
        assertTrue(good.top().get(0).value() >= good.top().get(1).value(), good.toString());
        ClassifyRow text = all.stream().filter(r -> r.path().endsWith("text.png")).findFirst().orElseThrow();
        assertNotNull(text.error());
        assertTrue(text.error().startsWith(text.path() + ": not a recognised image"), text.error());
        assertEquals("a\\[1\\]\\{b\\}\\*\\?.png", SparkRunner.escapeGlob("a[1]{b}*?.png"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
