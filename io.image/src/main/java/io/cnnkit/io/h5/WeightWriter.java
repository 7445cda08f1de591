package io.cnnkit.io.h5;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.LayerInfo;
import io.cnnkit.engine.api.Model;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.image.AtomicFiles;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.WritableNode;

/**
 * Writes the Keras 2 layout of {@code model.save_weights('x.h5')}: root attributes
 * {@code layer_names} (fixed-length byte strings, every layer), {@code backend},
 * {@code keras_version}; per layer a group with {@code weight_names} and the datasets at
 * {@code <layer>/<layer>/<weight>:0}. Atomic ({@link AtomicFiles}): a temp file in the target's
 * folder, re-read, fsync, then one rename over the target; on failure the temp file is deleted and
 * the target untouched; temp files of writers killed in the middle are deleted by the next save.
 */
public final class WeightWriter {
    static final String KERAS_VERSION = "2.13.1";
    static final String BACKEND = "tensorflow";
    /** Keras's HDF5_OBJECT_HEADER_LIMIT: longer string lists are split into name0, name1, ... */
    static final int HEADER_LIMIT = 64512;

    /** Test seam: called with the finished temp file before it replaces the target. */
    @FunctionalInterface
    public interface BeforeCommit {
        void check(Path temp) throws IOException;
    }

    private WeightWriter() {
    }

    public static void save(Model model, Path file) {
        save(model, file, t -> {
        });
    }

    public static void save(Model model, Path file, BeforeCommit hook) {
        java.util.Objects.requireNonNull(model, "model");
        java.util.Objects.requireNonNull(file, "file");
        Path target = file.toAbsolutePath().normalize();
        Path dir = target.getParent();
        List<LayerInfo> layers = model.layers();
        Map<String, Map<String, Tensor>> weights = model.weights();
        checkNames(model, layers);
        if (dir == null || !Files.isDirectory(dir)) {
            throw new CnnIoException("cannot save weights to " + target + ": folder " + dir + " does not exist");
        }
        AtomicFiles.cleanStale(target);
        Path temp;
        try {
            temp = AtomicFiles.tempSibling(target, false);
        } catch (IOException | RuntimeException e) {
            throw new CnnIoException("cannot save weights to " + target + ": cannot create a temporary file in " + dir
                    + " (" + AtomicFiles.reason(e, false) + "); nothing was written and the previous file, if any, is"
                    + " unchanged; " + AtomicFiles.advice(e), e);
        }
        try {
            write(layers, weights, temp);
            hook.check(temp);
            AtomicFiles.commit(temp, target);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof Error err && !(e instanceof StackOverflowError)) {
                throw err;
            }
            Throwable cause = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
            IOException io = AtomicFiles.ioCause(cause);
            String why = io != null ? AtomicFiles.reason(io, false) : H5Support.describe(cause);
            throw new CnnIoException("cannot save weights to " + target + ": " + why
                    + "; the previous file, if any, is unchanged; " + AtomicFiles.advice(cause), e);
        }
    }

    private static void checkNames(Model model, List<LayerInfo> layers) {
        Set<String> seen = new HashSet<>();
        for (LayerInfo li : layers) {
            String n = li.name();
            if (n == null || n.isEmpty() || n.contains("/") || n.equals(".") || !seen.add(n)) {
                throw new CnnIoException("cannot save model '" + model.name() + "': layer name '" + n
                        + "' cannot be an HDF5 group name (empty, '.', duplicate or containing '/')");
            }
        }
    }

    static void write(List<LayerInfo> layers, Map<String, Map<String, Tensor>> weights, Path out) {
        WritableHdfFile h5 = HdfFile.write(out);
        try {
            // jHDF tags files with a "_jHDF" attribute; Keras files carry only Keras's own.
            h5.removeAttribute("_jHDF");
            List<String> names = new ArrayList<>();
            for (LayerInfo li : layers) {
                names.add(li.name());
            }
            putStrings(h5, "layer_names", names);
            h5.putAttribute("backend", BACKEND);
            h5.putAttribute("keras_version", KERAS_VERSION);
            for (LayerInfo li : layers) {
                WritableGroup g = h5.putGroup(li.name());
                Map<String, Tensor> w = weights.getOrDefault(li.name(), Map.of());
                List<String> weightNames = new ArrayList<>();
                for (String wn : w.keySet()) {
                    weightNames.add(li.name() + "/" + wn + ":0");
                }
                putStrings(g, "weight_names", weightNames);
                if (!w.isEmpty()) {
                    WritableGroup inner = g.putGroup(li.name());
                    for (var e : w.entrySet()) {
                        inner.putDataset(e.getKey() + ":0", nested(li.name(), e.getKey(), e.getValue()));
                    }
                }
            }
            // Not h5.close(): jHDF 0.13.0's flush corrupts some files (see JhdfFlush).
            JhdfFlush.flushAndClose(h5);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        verify(layers, out);
    }

    /**
     * Opens every written object again before the file replaces the target: jHDF's writer is
     * young (see JhdfFlush for the bug worked around), and a damaged file must never be committed.
     */
    private static void verify(List<LayerInfo> layers, Path out) {
        try (HdfFile f = new HdfFile(out)) {
            for (LayerInfo li : layers) {
                io.jhdf.api.Node g = f.getChild(li.name());
                g.getAttributes();
                if (g instanceof io.jhdf.api.Group grp) {
                    for (io.jhdf.api.Node c : grp.getChildren().values()) {
                        c.getAttributes();
                        if (c instanceof io.jhdf.api.Group inner) {
                            for (io.jhdf.api.Node d : inner.getChildren().values()) {
                                d.getAttributes();
                            }
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            throw new CnnIoException("jHDF wrote an HDF5 file that does not read back: " + H5Support.describe(e), e);
        }
    }

    /**
     * A list of fixed-length byte strings (numpy |S), split like Keras's
     * {@code save_attributes_to_hdf5_group} when it would exceed the object header limit.
     */
    static void putStrings(WritableNode node, String name, List<String> values) {
        if (values.isEmpty()) {
            node.getAttributes().put(name, new EmptyListAttribute(name, node));
            return;
        }
        int width = 1;
        for (String v : values) {
            width = Math.max(width, v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1);
        }
        long bytes = (long) width * values.size();
        int chunks = (int) ((bytes + HEADER_LIMIT - 1) / HEADER_LIMIT);
        if (chunks <= 1) {
            node.putAttribute(name, values.toArray(String[]::new));
            return;
        }
        // numpy.array_split: the first (n % chunks) parts get one element more.
        int n = values.size();
        int from = 0;
        for (int c = 0; c < chunks; c++) {
            int len = n / chunks + (c < n % chunks ? 1 : 0);
            node.putAttribute(name + c, values.subList(from, from + len).toArray(String[]::new));
            from += len;
        }
    }

    /** jHDF writes datasets from nested Java arrays: float[kh][kw][in][out] for a conv kernel. */
    static Object nested(String layer, String weight, Tensor t) {
        int[] shape = t.shape();
        if (shape.length == 0 || t.size() == 0) {
            throw new CnnIoException("layer '" + layer + "' weight '" + weight + "' has shape " + t.shapeString()
                    + "; empty and scalar weights cannot be written");
        }
        Object arr = Array.newInstance(float.class, shape);
        fill(arr, t.data(), t.offset(), shape, 0);
        return arr;
    }

    private static int fill(Object arr, float[] src, int pos, int[] shape, int axis) {
        if (axis == shape.length - 1) {
            float[] row = (float[]) arr;
            System.arraycopy(src, pos, row, 0, row.length);
            return pos + row.length;
        }
        Object[] sub = (Object[]) arr;
        for (Object s : sub) {
            pos = fill(s, src, pos, shape, axis + 1);
        }
        return pos;
    }
}
