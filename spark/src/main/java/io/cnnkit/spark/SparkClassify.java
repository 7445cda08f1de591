package io.cnnkit.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import scala.jdk.javaapi.CollectionConverters;

import io.cnnkit.io.api.TopClasses;
import io.cnnkit.launcher.shell.ClassifyRow;
import io.cnnkit.launcher.shell.Classifier;

/**
 * A cnnkit model over a DataFrame of images, in {@code mapPartitions}: the job (model, weights
 * and labels files' bytes, options) is broadcast, each executor builds the model once, and
 * every partition is decoded and classified a batch at a time by the same {@link Classifier}
 * as {@code ./cnnkit classify}. One output row per input row, failed images included.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").option("pathGlobFilter", "*.jpg").load("photos/");
 * Dataset<Row> rows = SparkClassify.classify(images, ClassifyJob.of(request, params));
 * rows.select(col("path"), col("top").getItem(0).getField("label")).show();
 * }</pre>
 */
public final class SparkClassify {
    /** The input columns: Spark's binaryFile source has both (and more, which are ignored). */
    public static final String PATH = "path";
    public static final String CONTENT = "content";

    private static final StructType CLASS = new StructType(new StructField[] {
        DataTypes.createStructField("rank", DataTypes.IntegerType, false),
        DataTypes.createStructField("index", DataTypes.IntegerType, false),
        DataTypes.createStructField("label", DataTypes.StringType, false),
        DataTypes.createStructField("value", DataTypes.FloatType, false)});

    /**
     * The output columns: {@code path}; {@code top}, the best classes first (rank, class index,
     * label, probability or score), empty for features and errors; {@code features}, the layer's
     * values with --features, else null; {@code error}, why the image failed, else null.
     */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("path", DataTypes.StringType, false),
        DataTypes.createStructField("top", DataTypes.createArrayType(CLASS, false), false),
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, false), true),
        DataTypes.createStructField("error", DataTypes.StringType, true)});

    private SparkClassify() {
    }

    /** Classifies the images of {@code images} (columns path and content); the paths are kept as they are. */
    public static Dataset<Row> classify(Dataset<Row> images, ClassifyJob job) {
        return classify(images, job, Map.of());
    }

    /**
     * As {@link #classify(Dataset, ClassifyJob)}, each path replaced by its entry in {@code names}
     * (if any) in the output and in error messages: {@code ./cnnkit classify --spark} gives the
     * paths as the user wrote them, where binaryFile has {@code file:/...} URIs. The keys are the
     * paths as binaryFile has them, or for local files ({@code file:}) the absolute path.
     */
    public static Dataset<Row> classify(Dataset<Row> images, ClassifyJob job, Map<String, String> names) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(images.sparkSession().sparkContext());
        Broadcast<ClassifyJob> shipped = sc.broadcast(job);
        Broadcast<Map<String, String>> named = sc.broadcast(Map.copyOf(names));
        return images.select(PATH, CONTENT).mapPartitions(new Partition(shipped, named), Encoders.row(SCHEMA));
    }

    /** A row of the output as the row classify writes. */
    public static ClassifyRow toClassifyRow(Row r) {
        List<TopClasses.Ranked> top = new ArrayList<>();
        for (Row c : r.<Row>getList(1)) {
            top.add(new TopClasses.Ranked(c.getInt(0), c.getInt(1), c.getString(2), c.getFloat(3)));
        }
        float[] features = null;
        if (!r.isNullAt(2)) {
            List<Float> f = r.getList(2);
            features = new float[f.size()];
            for (int i = 0; i < features.length; i++) {
                features[i] = f.get(i);
            }
        }
        return new ClassifyRow(r.getString(0), top, features, r.isNullAt(3) ? null : r.getString(3));
    }

    static Row toRow(ClassifyRow row) {
        List<Row> top = new ArrayList<>(row.top().size());
        for (TopClasses.Ranked c : row.top()) {
            top.add(RowFactory.create(c.rank(), c.index(), c.label(), (float) c.value()));
        }
        List<Float> features = null;
        if (row.features() != null) {
            features = new ArrayList<>(row.features().length);
            for (float f : row.features()) {
                features.add(f);
            }
        }
        // the Row encoder takes Scala sequences for array columns
        return RowFactory.create(row.path(), CollectionConverters.asScala(top),
                features == null ? null : CollectionConverters.asScala(features), row.error());
    }

    /** A binaryFile path's name in {@code names}: as it is, or for a local file its absolute path's. */
    static String name(Map<String, String> names, String path) {
        String n = names.get(path);
        if (n == null && path.startsWith("file:")) {
            String local = new org.apache.hadoop.fs.Path(path).toUri().getPath();
            n = names.get(java.nio.file.Path.of(local).toAbsolutePath().normalize().toString());
        }
        return n != null ? n : path;
    }

    /** One partition: batches of decoded images through the executor's classifier, rows out as they are done. */
    private record Partition(Broadcast<ClassifyJob> job, Broadcast<Map<String, String>> names)
            implements MapPartitionsFunction<Row, Row>, Serializable {
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            ClassifyJob j = job.value();
            Classifier classifier = Executors.classifier(j);
            Map<String, String> n = names.value();
            int batch = j.batchSize();
            return new Iterator<>() {
                private Iterator<ClassifyRow> done = List.<ClassifyRow>of().iterator();

                @Override
                public boolean hasNext() {
                    while (!done.hasNext() && input.hasNext()) {
                        List<Classifier.Decoded> b = new ArrayList<>(batch);
                        while (b.size() < batch && input.hasNext()) {
                            Row r = input.next();
                            String path = name(n, r.getString(0));
                            b.add(classifier.decode(path, (byte[]) r.get(1)));
                        }
                        done = classifier.run(b).iterator();
                    }
                    return done.hasNext();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return toRow(done.next());
                }
            };
        }
    }
}
