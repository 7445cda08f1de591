package io.cnnkit.io.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cnnkit.engine.api.Tensor;
import io.cnnkit.io.api.CnnIoException;

/**
 * NumPy .npy files of float32. Writes format 1.0, {@code '<f4'}, C order, the header padded
 * to a multiple of 64 bytes as numpy does. Reads format 1.0, 2.0 and 3.0 with
 * {@code '<f4'} or {@code '>f4'} in C order; anything else is an error naming the dtype.
 */
public final class NpyCodec {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** The header's fields, compiled on the first read (writing a run's .npy files needs none of them). */
    private static final class HeaderFields {
        static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
        static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
        static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    }

    private NpyCodec() {
    }

    public static String header(int[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) {
                s.append(shape.length == 1 ? "," : ", ");
            }
        }
        s.append(')');
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + s + ", }";
        int total = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        return dict + " ".repeat(padded - total) + "\n";
    }

    /** Writes atomically (see {@link AtomicFiles}): the previous file stays whole if this fails. */
    public static void write(Tensor t, Path file) {
        byte[] h = header(t.shape()).getBytes(StandardCharsets.US_ASCII);
        // (a class, not a lambda: a bundle's lambdas are spun at first use, which the class-data archive cannot hold)
        AtomicFiles.write(file, ".npy file", new AtomicFiles.Body() {
            @Override
            public void write(OutputStream out) throws IOException {
                ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
                pre.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length);
                out.write(pre.array());
                out.write(h);
                float[] d = t.data();
                int off = t.offset();
                // little-endian floats through a float view, a block at a time: a bulk copy, where a
                // putFloat per value was a call per value on the client compiler (one-shot commands);
                // no larger than the tensor (a report writes dozens of small ones)
                ByteBuffer buf = ByteBuffer.allocate(4 * Math.max(1, Math.min(1 << 14, t.size())))
                        .order(ByteOrder.LITTLE_ENDIAN);
                FloatBuffer floats = buf.asFloatBuffer();
                for (int i = 0, n = t.size(); i < n;) {
                    int k = Math.min(floats.capacity(), n - i);
                    floats.clear();
                    floats.put(d, off + i, k);
                    out.write(buf.array(), 0, 4 * k);
                    i += k;
                }
            }
        });
    }

    public static Tensor read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CnnIoException(file + ": .npy file not found");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] pre = in.readNBytes(8);
            for (int i = 0; i < MAGIC.length; i++) {
                if (pre.length < 8 || pre[i] != MAGIC[i]) {
                    throw new CnnIoException(file + ": not a NumPy .npy file (no \\x93NUMPY magic)");
                }
            }
            int major = pre[6];
            int headerLen;
            if (major == 1) {
                byte[] l = in.readNBytes(2);
                if (l.length < 2) {
                    throw new CnnIoException(file + ": truncated .npy header");
                }
                headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
            } else if (major == 2 || major == 3) {
                byte[] l = in.readNBytes(4);
                if (l.length < 4) {
                    throw new CnnIoException(file + ": truncated .npy header");
                }
                headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt();
                if (headerLen < 0 || headerLen > 1 << 20) {
                    throw new CnnIoException(file + ": implausible .npy header length " + headerLen);
                }
            } else {
                throw new CnnIoException(file + ": .npy format version " + major + "." + pre[7]
                        + " is not supported (1.0, 2.0 and 3.0 are)");
            }
            byte[] hb = in.readNBytes(headerLen);
            if (hb.length < headerLen) {
                throw new CnnIoException(file + ": truncated .npy header");
            }
            String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Matcher m = HeaderFields.DESCR.matcher(header);
            if (!m.find()) {
                throw new CnnIoException(file + ": .npy header has no 'descr': " + header.strip());
            }
            String descr = m.group(1);
            ByteOrder order;
            if (descr.equals("<f4")) {
                order = ByteOrder.LITTLE_ENDIAN;
            } else if (descr.equals(">f4")) {
                order = ByteOrder.BIG_ENDIAN;
            } else {
                throw new CnnIoException(file + ": .npy dtype '" + descr + "' is not supported; cnnkit reads float32"
                        + " ('<f4' or '>f4'): save with array.astype(numpy.float32)");
            }
            Matcher f = HeaderFields.FORTRAN.matcher(header);
            if (!f.find()) {
                throw new CnnIoException(file + ": .npy header has no 'fortran_order': " + header.strip());
            }
            if (f.group(1).equals("True")) {
                throw new CnnIoException(file + ": .npy array is in Fortran order; save a C-ordered array"
                        + " (numpy.ascontiguousarray)");
            }
            Matcher s = HeaderFields.SHAPE.matcher(header);
            if (!s.find()) {
                throw new CnnIoException(file + ": .npy header has no 'shape': " + header.strip());
            }
            List<Integer> dims = new ArrayList<>();
            for (String part : s.group(1).split(",")) {
                String p = part.strip();
                if (p.endsWith("L")) {
                    p = p.substring(0, p.length() - 1);
                }
                if (!p.isEmpty()) {
                    try {
                        dims.add(Integer.parseInt(p));
                    } catch (NumberFormatException e) {
                        throw new CnnIoException(file + ": bad .npy shape (" + s.group(1) + ")");
                    }
                }
            }
            int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
            int n;
            try {
                n = Tensor.checkedSize(shape);
            } catch (IllegalArgumentException e) {
                throw new CnnIoException(file + ": .npy shape (" + s.group(1) + ") is too large or invalid: "
                        + e.getMessage(), e);
            }
            long expected = 4L * n;
            long available = Files.size(file) - (major == 1 ? 10 : 12) - headerLen;
            if (available < expected) {
                throw new CnnIoException(file + ": truncated .npy: shape (" + s.group(1) + ") needs " + expected
                        + " data bytes but the file has " + available);
            }
            float[] data = new float[n];
            byte[] chunk = new byte[1 << 16];
            int i = 0;
            while (i < n) {
                int want = Math.min(chunk.length, (n - i) * 4);
                int got = in.readNBytes(chunk, 0, want);
                if (got < want) {
                    throw new CnnIoException(file + ": truncated .npy data");
                }
                ByteBuffer bb = ByteBuffer.wrap(chunk, 0, got).order(order);
                for (int k = 0; k < got / 4; k++) {
                    data[i++] = bb.getFloat();
                }
            }
            return Tensor.wrap(data, shape);
        } catch (IOException e) {
            throw new CnnIoException(file + ": cannot read .npy: " + e.getMessage(), e);
        }
    }
}
