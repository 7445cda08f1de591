package io.cnnkit.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.cnnkit.launcher.shell.ClassifyParams;
import io.cnnkit.launcher.shell.Classifier;
import io.cnnkit.launcher.shell.ClassifyRow;
import io.cnnkit.launcher.shell.ClassifyRunner;

/**
 * {@code ./cnnkit classify --spark MASTER}: the images go through {@link SparkClassify} on
 * Spark's binaryFile source, a chunk of {@value #CHUNK} at a time, and each chunk's rows come
 * back in the run's order, so the result file (and --resume after a kill) is classify's own.
 */
public final class SparkRunner implements ClassifyRunner {
    /** Images per Spark job: rows reach the file (and a killed run's FILE.part) chunk by chunk. */
    static final int CHUNK = 1024;

    @Override
    public void rows(ModelRequest model, ClassifyParams params, Classifier here, List<String> paths,
            Consumer<ClassifyRow> sink) {
        if (paths.isEmpty()) {
            return;
        }
        ClassifyJob job = ClassifyJob.of(model, params);
        SparkSession.Builder builder = SparkSession.builder().appName("cnnkit classify");
        if (System.getProperty("spark.master") == null) { // spark-submit's --master comes first
            builder.master(params.spark());
        }
        boolean ours = SparkSession.getDefaultSession().isEmpty(); // else a caller's session (a test, a notebook)
        // a chunk's files are listed by the driver itself: by default Spark lists more than 32 paths
        // in a Spark job of one task per path, which took longer than classifying them
        builder.config("spark.sql.sources.parallelPartitionDiscovery.threshold", Integer.toString(CHUNK + 1));
        SparkSession spark = builder.getOrCreate();
        try {
            for (int from = 0; from < paths.size(); from += CHUNK) {
                chunk(spark, job, here, paths.subList(from, Math.min(paths.size(), from + CHUNK)), sink);
            }
        } finally {
            if (ours) {
                spark.stop();
            }
        }
    }

    private static void chunk(SparkSession spark, ClassifyJob job, Classifier here, List<String> paths,
            Consumer<ClassifyRow> sink) {
        Map<Path, String> given = new HashMap<>();
        List<String> load = new ArrayList<>();
        for (String p : paths) {
            Path abs = Path.of(p).toAbsolutePath().normalize();
            if (given.putIfAbsent(abs, p) == null) {
                load.add(escapeGlob(abs.toString()));
            }
        }
        Dataset<Row> files = spark.read().format("binaryFile").load(load.toArray(String[]::new));
        Map<String, String> names = new HashMap<>(); // binaryFile's path (file:/a/b.png) as local path -> as given
        given.forEach((abs, p) -> names.put(abs.toString(), p));
        Map<String, ClassifyRow> rows = new HashMap<>();
        for (Row r : SparkClassify.classify(files, job, names).collectAsList()) {
            ClassifyRow row = SparkClassify.toClassifyRow(r);
            rows.put(row.path(), row);
        }
        for (String p : paths) {
            ClassifyRow row = rows.get(p);
            if (row == null) { // binaryFile skips empty files (and hidden ones in folders): read here, as without --spark
                row = here.run(List.of(here.decode(p, Path.of(p)))).get(0);
            }
            sink.accept(row);
        }
    }

    /** A file name taken literally by Spark's path globbing. */
    static String escapeGlob(String path) {
        StringBuilder b = new StringBuilder(path.length());
        for (char c : path.toCharArray()) {
            if ("\\{}[]*?".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
