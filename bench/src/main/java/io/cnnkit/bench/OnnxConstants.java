package io.cnnkit.bench;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.cnnkit.engine.api.Tensor;

/**
 * Turns weight inputs of an ONNX model into initializers (constants), in memory, by editing
 * the protobuf wire format directly: the ModelProto's graph (field 7) loses the
 * {@code input} entries (GraphProto field 11) of the given names and gains one
 * {@code initializer} (field 5, a float TensorProto with dims, data_type FLOAT, name and
 * raw_data) per weight. Every other field is copied byte for byte. With constant weights ONNX
 * Runtime can fold and pre-pack them at session creation, as it would for a deployed model.
 */
public final class OnnxConstants {
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int VALUE_INFO_NAME = 1;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int FLOAT = 1;
    private static final int VARINT = 0;
    private static final int LEN = 2;

    private OnnxConstants() {
    }

    /** {@code model} with {@code weights} (ONNX layout, by input name) as initializers instead of inputs. */
    public static byte[] embed(byte[] model, Map<String, Tensor> weights) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + 64);
        Reader r = new Reader(model);
        boolean graphSeen = false;
        while (r.more()) {
            int start = r.pos;
            long key = r.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == MODEL_GRAPH && wire == LEN) {
                byte[] graph = r.bytes();
                writeLen(out, MODEL_GRAPH, embedInGraph(graph, weights));
                graphSeen = true;
            } else {
                r.skip(wire);
                out.write(model, start, r.pos - start);
            }
        }
        if (!graphSeen) {
            throw new IllegalArgumentException("not an ONNX model: no graph");
        }
        return out.toByteArray();
    }

    private static byte[] embedInGraph(byte[] graph, Map<String, Tensor> weights) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(graph.length + 64);
        Set<String> dropped = new HashSet<>();
        Reader r = new Reader(graph);
        while (r.more()) {
            int start = r.pos;
            long key = r.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == GRAPH_INPUT && wire == LEN) {
                byte[] valueInfo = r.bytes();
                String name = valueInfoName(valueInfo);
                if (weights.containsKey(name)) {
                    dropped.add(name);
                    continue;
                }
            } else {
                r.skip(wire);
            }
            out.write(graph, start, r.pos - start);
        }
        if (!dropped.equals(weights.keySet())) {
            Set<String> missing = new HashSet<>(weights.keySet());
            missing.removeAll(dropped);
            throw new IllegalArgumentException("weights " + missing + " are not inputs of the ONNX graph");
        }
        weights.forEach((name, t) -> writeLen(out, GRAPH_INITIALIZER, tensorProto(name, t)));
        return out.toByteArray();
    }

    private static String valueInfoName(byte[] valueInfo) {
        Reader r = new Reader(valueInfo);
        while (r.more()) {
            long key = r.varint();
            if ((int) (key >>> 3) == VALUE_INFO_NAME && (int) (key & 7) == LEN) {
                return new String(r.bytes(), StandardCharsets.UTF_8);
            }
            r.skip((int) (key & 7));
        }
        return "";
    }

    private static byte[] tensorProto(String name, Tensor t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(t.size() * 4 + 64);
        for (int d : t.shape()) {
            writeVarint(out, (long) TENSOR_DIMS << 3 | VARINT);
            writeVarint(out, d);
        }
        writeVarint(out, (long) TENSOR_DATA_TYPE << 3 | VARINT);
        writeVarint(out, FLOAT);
        writeLen(out, TENSOR_NAME, name.getBytes(StandardCharsets.UTF_8));
        ByteBuffer raw = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(t.data(), t.offset(), t.size());
        writeLen(out, TENSOR_RAW_DATA, raw.array());
        return out.toByteArray();
    }

    private static void writeLen(ByteArrayOutputStream out, int field, byte[] payload) {
        writeVarint(out, (long) field << 3 | LEN);
        writeVarint(out, payload.length);
        out.write(payload, 0, payload.length);
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** A protobuf wire-format cursor. */
    private static final class Reader {
        final byte[] b;
        int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        boolean more() {
            return pos < b.length;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= b.length) {
                    throw new IllegalArgumentException("truncated ONNX protobuf at byte " + pos);
                }
                int x = b[pos++];
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("malformed varint in ONNX protobuf at byte " + pos);
        }

        byte[] bytes() {
            int n = Math.toIntExact(varint());
            if (n < 0 || pos + n > b.length) {
                throw new IllegalArgumentException("truncated ONNX protobuf field at byte " + pos);
            }
            byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        void skip(int wire) {
            switch (wire) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    // read the length first: "pos += varint()" would add it to pos as it was before the varint
                    int n = Math.toIntExact(varint());
                    pos += n;
                }
                case 5 -> pos += 4;
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wire + " at byte " + pos);
            }
            if (pos > b.length) {
                throw new IllegalArgumentException("truncated ONNX protobuf");
            }
        }
    }
}
