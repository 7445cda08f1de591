package io.cnnkit.io.h5;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import io.cnnkit.engine.api.Shape;
import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;
import io.cnnkit.io.api.WeightFileInfo;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

/**
 * An open Keras weight file in any of the layouts Keras has written, reduced to layers in
 * file order, each with its stored weights (dataset handles; no data read yet).
 * <ul>
 * <li>weights only ({@code save_weights}): {@code layer_names} on the root, one group per layer;</li>
 * <li>full model ({@code save}): the same under {@code /model_weights}, {@code model_config} on the root;</li>
 * <li>Keras 3 {@code .weights.h5}: {@code layers/<path>/vars/<i>}, the layer name in the
 * {@code name} attribute of each {@code vars} group.</li>
 * </ul>
 * Datasets are found through each layer group's {@code weight_names}, never by building paths.
 */
public final class WeightFile implements AutoCloseable {
    /** One stored weight: the name as stored, where it is, its declared shape and dtype. */
    public record StoredWeight(String storedName, String path, int[] shape, String dtype, Dataset dataset) {
        boolean isFloat() {
            return dtype.equals("float32") || dtype.equals("float64");
        }
    }

    /** One layer of the file, weightless layers included. */
    public record StoredLayer(String name, String path, List<StoredWeight> weights) {
    }

    private final Path file;
    private final HdfFile hdf;
    private final String format;
    private final String kerasVersion;
    private final boolean keras3Native;
    private final List<StoredLayer> layers;

    private WeightFile(Path file, HdfFile hdf) {
        this.file = file;
        this.hdf = hdf;
        Group weightsRoot = null;
        String kind;
        if (H5Support.stringList(hdf, "layer_names") != null) {
            weightsRoot = hdf;
            kind = "weights";
        } else if (hdf.getChild("model_weights") instanceof Group mw) {
            weightsRoot = mw;
            kind = "full model";
        } else {
            kind = null;
        }
        if (weightsRoot != null) {
            String v = H5Support.string(hdf, "keras_version");
            if (v == null) {
                v = H5Support.string(weightsRoot, "keras_version");
            }
            this.kerasVersion = v;
            // Keras 1.0/1.1 wrote no keras_version; every later release does ("2.2.4-tf", "3.7.0").
            java.util.regex.Matcher major = java.util.regex.Pattern.compile("^\\s*(\\d+)").matcher(v == null ? "1" : v);
            this.format = (major.find() ? "keras" + major.group(1) : "keras (version '" + v + "')") + " " + kind;
            this.keras3Native = false;
            this.layers = legacyLayers(weightsRoot);
        } else if (hdf.getChild("layers") instanceof Group lg) {
            this.kerasVersion = null; // a .weights.h5 keeps its version in the .keras archive's metadata.json
            this.format = "keras3 .weights.h5";
            this.keras3Native = true;
            List<StoredLayer> found = new ArrayList<>();
            collectVars(lg, found);
            if (hdf.getChild("vars") instanceof Group top && !datasets(top).isEmpty()) {
                found.add(varsLayer(top));
            }
            this.layers = List.copyOf(found);
        } else {
            throw new CnnIoException(file + " is HDF5 but not a Keras weight file: no 'layer_names' attribute, no "
                    + "'model_weights' group and no 'layers' group (root holds " + hdf.getChildren().keySet() + ")");
        }
    }

    /** Opens and indexes a file; any failure names the file. */
    public static WeightFile open(Path file) {
        checkFile(file);
        // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        return H5Support.guarded(file, "read", new Supplier<WeightFile>() {
            @Override
            public WeightFile get() {
                HdfFile hdf = openHdf(file);
                try {
                    return new WeightFile(file, hdf);
                } catch (RuntimeException e) {
                    hdf.close();
                    throw e;
                }
            }
        });
    }

    /**
     * The root attribute model_config of a full-model file, or null when there is none. A file
     * that has one is not indexed here (reading its weights opens it again and checks them); one
     * without is, so that a file that is not Keras's fails as {@link #open} fails. Any failure
     * names the file.
     */
    public static String readModelConfig(Path file) {
        checkFile(file);
        return H5Support.guarded(file, "read", new Supplier<String>() {
            @Override
            public String get() {
                try (HdfFile hdf = openHdf(file)) {
                    String config = H5Support.string(hdf, "model_config");
                    if (config == null) {
                        new WeightFile(file, hdf);
                    }
                    return config;
                }
            }
        });
    }

    private static void checkFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CnnIoException("weight file " + file + " does not exist or is not a regular file");
        }
    }

    private static HdfFile openHdf(Path file) {
        StrictChannel channel;
        try {
            channel = StrictChannel.open(file);
        } catch (java.io.IOException e) {
            throw new CnnIoException("cannot read " + file + ": " + H5Support.describe(e), e);
        }
        try {
            return new HdfFile(channel, file.toUri()); // the URI keeps the backing path jHDF asks for
        } catch (RuntimeException | Error e) {
            try {
                channel.close();
            } catch (java.io.IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private List<StoredLayer> legacyLayers(Group root) {
        List<String> names = H5Support.stringList(root, "layer_names");
        if (names == null) {
            throw new CnnIoException(file + ": group " + root.getPath() + " has no 'layer_names' attribute");
        }
        List<StoredLayer> out = new ArrayList<>();
        for (String name : names) {
            if (!(root.getChild(name) instanceof Group g)) {
                throw new CnnIoException(file + ": 'layer_names' lists layer '" + name + "' but there is no group "
                        + join(root.getPath(), name));
            }
            List<String> weightNames = H5Support.stringList(g, "weight_names");
            List<StoredWeight> ws = new ArrayList<>();
            if (weightNames != null) {
                for (String wn : weightNames) {
                    Node n;
                    try {
                        n = g.getByPath(wn);
                    } catch (RuntimeException e) {
                        n = null;
                    }
                    if (!(n instanceof Dataset d)) {
                        throw new CnnIoException(file + ": layer '" + name + "' lists weight '" + wn
                                + "' in weight_names but there is no dataset " + join(g.getPath(), wn));
                    }
                    ws.add(weight(wn, d));
                }
            }
            out.add(new StoredLayer(name, g.getPath(), List.copyOf(ws)));
        }
        return List.copyOf(out);
    }

    /** jHDF group paths end with '/'. */
    private static String join(String groupPath, String child) {
        return (groupPath.endsWith("/") ? groupPath : groupPath + "/") + child;
    }

    private void collectVars(Group g, List<StoredLayer> out) {
        for (Node n : sortedChildren(g)) {
            if (n instanceof Group child) {
                if (child.getName().equals("vars")) {
                    out.add(varsLayer(child));
                } else {
                    collectVars(child, out);
                }
            }
        }
    }

    private StoredLayer varsLayer(Group vars) {
        String name = H5Support.string(vars, "name");
        String owner = vars.getParent().getPath();
        if (name == null) {
            // Without a name attribute the attribute path is all there is.
            name = owner.substring(owner.lastIndexOf('/', owner.length() - 2) + 1).replaceAll("/$", "");
        }
        List<StoredWeight> ws = new ArrayList<>();
        for (Dataset d : datasets(vars)) {
            ws.add(weight("vars/" + d.getName(), d));
        }
        return new StoredLayer(name, vars.getPath(), List.copyOf(ws));
    }

    /** Datasets 0, 1, ..., 10 in numeric order (the variables' order in the layer). */
    private static List<Dataset> datasets(Group g) {
        List<Dataset> out = new ArrayList<>();
        for (Node n : g.getChildren().values()) {
            if (n instanceof Dataset d) {
                out.add(d);
            }
        }
        out.sort(Comparator.comparingLong(d -> numericName(d.getName())));
        return out;
    }

    private static long numericName(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static List<Node> sortedChildren(Group g) {
        List<Node> out = new ArrayList<>(g.getChildren().values());
        out.sort(Comparator.comparing(Node::getName, WeightFile::naturalCompare));
        return out;
    }

    /** dense, dense_1, dense_2, dense_10 (not dense_10 before dense_2). */
    static int naturalCompare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private StoredWeight weight(String storedName, Dataset d) {
        int[] dims;
        String dtype;
        try {
            dims = d.getDimensions();
            dtype = H5Support.dtypeName(d.getDataType());
        } catch (ArithmeticException e) {
            // jHDF keeps dimensions as int: a declared size beyond 2^31-1 overflows while reading them.
            throw new CnnIoException(file + ": dataset " + d.getPath() + " declares a dimension larger than 2^31-1 "
                    + "(" + H5Support.describe(e) + "); no Keras weight is that large, the file is damaged or not "
                    + "a weight file");
        } catch (RuntimeException e) {
            throw new CnnIoException(file + ": cannot read the shape and dtype of dataset " + d.getPath() + ": "
                    + H5Support.describe(e), e);
        }
        return new StoredWeight(storedName, d.getPath(), dims == null ? new int[0] : dims.clone(), dtype, d);
    }

    public Path file() {
        return file;
    }

    public String format() {
        return format;
    }

    public String kerasVersion() {
        return kerasVersion;
    }

    /** True for Keras 3 .weights.h5, whose layer order is by attribute path, not model order. */
    public boolean isKeras3Native() {
        return keras3Native;
    }

    public List<StoredLayer> layers() {
        return layers;
    }

    public WeightFileInfo info() {
        List<WeightFileInfo.LayerWeights> ls = new ArrayList<>();
        for (StoredLayer l : layers) {
            List<String> names = new ArrayList<>();
            List<int[]> shapes = new ArrayList<>();
            for (StoredWeight w : l.weights()) {
                names.add(w.storedName());
                shapes.add(w.shape().clone());
            }
            ls.add(new WeightFileInfo.LayerWeights(l.name(), List.copyOf(names), List.copyOf(shapes)));
        }
        return new WeightFileInfo(file.toString(), format, kerasVersion, List.copyOf(ls));
    }

    /**
     * Reads one weight's data (float32 or float64, converted) into a new tensor. The caller
     * has checked the declared shape against the model, so nothing larger than the model's
     * weight is allocated.
     */
    Tensor read(StoredWeight w) {
        if (!w.isFloat()) {
            throw new CnnIoException(file + ": dataset " + w.path() + " has dtype " + w.dtype()
                    + "; only float32 and float64 weights can be loaded");
        }
        int n = Tensor.checkedSize(w.shape());
        if (n == 0) {
            return Tensor.zeros(w.shape());
        }
        return H5Support.guarded(file, "read", new Supplier<Tensor>() {
            @Override
            public Tensor get() {
                Object data = w.dataset().getDataFlat();
                float[] out;
                if (data instanceof float[] f) {
                    out = f;
                } else if (data instanceof double[] d) {
                    out = new float[d.length];
                    for (int i = 0; i < d.length; i++) {
                        out[i] = (float) d[i];
                    }
                } else {
                    throw new CnnIoException(file + ": dataset " + w.path() + " did not decode to floats ("
                            + (data == null ? "null" : data.getClass().getSimpleName()) + ")");
                }
                if (out.length != n) {
                    throw new CnnIoException(file + ": dataset " + w.path() + " declares shape "
                            + Shape.format(w.shape()) + " but holds " + out.length + " values");
                }
                return Tensor.wrap(out, w.shape());
            }
        });
    }


    @Override
    public void close() {
        hdf.close();
    }
}
