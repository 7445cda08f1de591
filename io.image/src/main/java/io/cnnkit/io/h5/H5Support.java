package io.cnnkit.io.h5;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import io.cnnkit.io.api.CnnIoException;
import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.StringData;

/** Small helpers around jHDF: string attributes in every encoding Keras used, dtype names, error wrapping. */
final class H5Support {
    private H5Support() {
    }

    /**
     * Runs {@code action}, turning any jHDF or decoding failure into a {@link CnnIoException}
     * that names the file. Messages carry the failure's own text only, never a stack trace.
     */
    static <T> T guarded(Path file, String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (CnnIoException e) {
            // Decoding helpers know the node, not the file: make sure every message names it.
            throw e.getMessage() != null && e.getMessage().contains(file.toString()) ? e
                    : new CnnIoException(file + ": " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new CnnIoException("cannot " + what + " " + file + ": not a readable HDF5 file (truncated, corrupt or "
                    + "not HDF5): " + describe(e), e);
        }
    }

    /** "HdfException: No valid HDF5 signature found", without stack trace or nested noise. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.strip());
    }

    /**
     * A string-list attribute as Keras's {@code load_attributes_from_hdf5_group} reads it:
     * fixed- or variable-length strings, a single string, an empty (float64) array, or
     * Keras's chunked form {@code name0, name1, ...} for lists beyond the 64 KB header limit.
     * Returns null when the attribute is absent in every form.
     */
    static List<String> stringList(Node node, String name) {
        Attribute a = node.getAttribute(name);
        if (a != null) {
            return toStrings(node, name, a);
        }
        List<String> out = null;
        for (int chunk = 0;; chunk++) {
            Attribute c = node.getAttribute(name + chunk);
            if (c == null) {
                return out;
            }
            if (out == null) {
                out = new ArrayList<>();
            }
            out.addAll(toStrings(node, name + chunk, c));
        }
    }

    private static List<String> toStrings(Node node, String name, Attribute a) {
        Object d = a.getData();
        if (d == null) {
            return List.of();
        }
        if (d instanceof String s) {
            return List.of(s);
        }
        if (d instanceof String[] arr) {
            return List.of(arr);
        }
        if (d.getClass().isArray() && java.lang.reflect.Array.getLength(d) == 0) {
            return List.of(); // Keras stores an empty list as an empty float64 array
        }
        throw new CnnIoException("attribute '" + name + "' of " + node.getPath() + " should hold strings but holds "
                + dtypeName(a.getDataType()) + " " + Arrays.toString(a.getDimensions()));
    }

    /** A scalar string attribute (keras_version, backend, model_config), or null when absent. */
    static String string(Node node, String name) {
        Attribute a = node.getAttribute(name);
        if (a == null) {
            return null;
        }
        Object d = a.getData();
        if (d instanceof String s) {
            return s;
        }
        if (d instanceof String[] arr && arr.length == 1) {
            return arr[0];
        }
        if (d instanceof byte[] b) {
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
        throw new CnnIoException("attribute '" + name + "' of " + node.getPath() + " should be a string but holds "
                + dtypeName(a.getDataType()) + " " + Arrays.toString(a.getDimensions()));
    }

    /** numpy-style dtype name: float32, float64, int32, uint8, string, ... */
    static String dtypeName(DataType t) {
        if (t instanceof FloatingPoint) {
            return "float" + t.getSize() * 8;
        }
        if (t instanceof FixedPoint f) {
            return (f.isSigned() ? "int" : "uint") + t.getSize() * 8;
        }
        if (t instanceof StringData) {
            return "string";
        }
        return t == null ? "unknown" : t.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
