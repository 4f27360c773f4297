package dev.loupe.engine.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the parts of an ONNX {@code ModelProto} that a weight importer needs: the main graph's nodes, initializers
 * and input/output names. It decodes the protobuf wire format by hand so the tests need no protobuf runtime or
 * generated classes; unknown fields are skipped, as protobuf itself does.
 *
 * <p>Field numbers are those of onnx/onnx.proto: ModelProto.graph = 7; GraphProto node = 1, initializer = 5,
 * input = 11, output = 12; NodeProto input = 1, output = 2, name = 3, op_type = 4, attribute = 5;
 * AttributeProto name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8; TensorProto dims = 1,
 * data_type = 2, float_data = 4, int32_data = 5, int64_data = 7, name = 8, raw_data = 9, data_location = 14;
 * ValueInfoProto name = 1.
 */
public final class OnnxModelReader {

    /** TensorProto.DataType values used here. */
    public static final int FLOAT = 1;
    public static final int INT32 = 6;
    public static final int INT64 = 7;

    private OnnxModelReader() {
    }

    /** One constant tensor. Exactly one of {@code raw} / {@code floatData} / {@code intData} carries the values. */
    public record Tensor(String name, long[] dims, int dataType, ByteBuffer raw, float[] floatData, long[] intData) {

        public long elementCount() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        /** The values as float32, from raw_data (little-endian per the ONNX spec) or float_data. */
        public float[] floats() {
            if (dataType != FLOAT) {
                throw new IllegalStateException(name + ": data_type " + dataType + " is not FLOAT");
            }
            int n = Math.toIntExact(elementCount());
            if (raw != null) {
                if (raw.remaining() != (long) n * Float.BYTES) {
                    throw new IllegalStateException(name + ": raw_data holds " + raw.remaining() + " bytes, dims "
                            + Arrays.toString(dims) + " need " + (long) n * Float.BYTES);
                }
                float[] out = new float[n];
                raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
                return out;
            }
            if (floatData != null && floatData.length == n) {
                return floatData.clone();
            }
            throw new IllegalStateException(name + ": no float data for dims " + Arrays.toString(dims));
        }

        /** The values as longs (INT64 / INT32 tensors, e.g. shape constants). */
        public long[] longs() {
            int n = Math.toIntExact(elementCount());
            if (raw != null) {
                ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = dataType == INT64 ? b.getLong() : b.getInt();
                }
                return out;
            }
            if (intData != null) {
                return intData.clone();
            }
            throw new IllegalStateException(name + ": no integer data");
        }
    }

    /** A node attribute; only the scalar, int-list and tensor kinds are decoded. */
    public record Attribute(String name, Float f, Long i, String s, Tensor t, long[] ints) {
    }

    public record Node(String name, String opType, List<String> inputs, List<String> outputs,
            Map<String, Attribute> attributes) {
    }

    public record Graph(List<Node> nodes, Map<String, Tensor> initializers, List<String> inputs, List<String> outputs) {
    }

    public static Graph read(Path file) throws IOException {
        try {
            return read(Files.readAllBytes(file));
        } catch (IllegalStateException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a serialized ModelProto. Initializer data stays as zero-copy slices of {@code model}. */
    public static Graph read(byte[] model) {
        ByteBuffer buf = ByteBuffer.wrap(model);
        Graph graph = null;
        Wire w = new Wire(buf);
        while (w.more()) {
            int tag = w.tag();
            if (field(tag) == 7 && wire(tag) == 2) {
                graph = readGraph(w.bytes());
            } else {
                w.skip(tag);
            }
        }
        if (graph == null) {
            throw new IllegalStateException("no graph in the ONNX model (is it a ModelProto?)");
        }
        return graph;
    }

    private static Graph readGraph(ByteBuffer b) {
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> inits = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Wire w = new Wire(b);
        while (w.more()) {
            int tag = w.tag();
            switch (wire(tag) == 2 ? field(tag) : -1) {
                case 1 -> nodes.add(readNode(w.bytes()));
                case 5 -> {
                    Tensor t = readTensor(w.bytes());
                    inits.put(t.name(), t);
                }
                case 11 -> inputs.add(readValueInfoName(w.bytes()));
                case 12 -> outputs.add(readValueInfoName(w.bytes()));
                default -> w.skip(tag);
            }
        }
        return new Graph(List.copyOf(nodes), Collections.unmodifiableMap(inits), List.copyOf(inputs),
                List.copyOf(outputs));
    }

    private static Node readNode(ByteBuffer b) {
        String name = "";
        String op = "";
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        Wire w = new Wire(b);
        while (w.more()) {
            int tag = w.tag();
            switch (wire(tag) == 2 ? field(tag) : -1) {
                case 1 -> in.add(w.string());
                case 2 -> out.add(w.string());
                case 3 -> name = w.string();
                case 4 -> op = w.string();
                case 5 -> {
                    Attribute a = readAttribute(w.bytes());
                    attrs.put(a.name(), a);
                }
                default -> w.skip(tag);
            }
        }
        return new Node(name, op, List.copyOf(in), List.copyOf(out), Collections.unmodifiableMap(attrs));
    }

    private static Attribute readAttribute(ByteBuffer b) {
        String name = "";
        Float f = null;
        Long i = null;
        String s = null;
        Tensor t = null;
        LongList ints = new LongList();
        Wire w = new Wire(b);
        while (w.more()) {
            int tag = w.tag();
            int field = field(tag);
            if (field == 1 && wire(tag) == 2) {
                name = w.string();
            } else if (field == 2 && wire(tag) == 5) {
                f = w.fixed32Float();
            } else if (field == 3 && wire(tag) == 0) {
                i = w.varint();
            } else if (field == 4 && wire(tag) == 2) {
                s = w.string();
            } else if (field == 5 && wire(tag) == 2) {
                t = readTensor(w.bytes());
            } else if (field == 8) {
                w.repeatedVarints(tag, ints);
            } else {
                w.skip(tag);
            }
        }
        return new Attribute(name, f, i, s, t, ints.size == 0 ? null : ints.toArray());
    }

    private static Tensor readTensor(ByteBuffer b) {
        String name = "";
        int dataType = 0;
        LongList dims = new LongList();
        ByteBuffer raw = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        Wire w = new Wire(b);
        while (w.more()) {
            int tag = w.tag();
            switch (field(tag)) {
                case 1 -> w.repeatedVarints(tag, dims);
                case 2 -> dataType = (int) w.varint();
                case 4 -> w.repeatedFloats(tag, floats);
                case 5, 7 -> w.repeatedVarints(tag, ints);
                case 8 -> name = w.string();
                case 9 -> raw = w.bytes();
                case 14 -> {
                    // data_location = EXTERNAL (1) means the weights live in a side file we do not read.
                    if (w.varint() == 1) {
                        throw new IllegalStateException("tensor " + name + " uses external data, not supported");
                    }
                }
                default -> w.skip(tag);
            }
        }
        return new Tensor(name, dims.toArray(), dataType, raw, floats.size == 0 ? null : floats.toArray(),
                ints.size == 0 ? null : ints.toArray());
    }

    private static String readValueInfoName(ByteBuffer b) {
        Wire w = new Wire(b);
        while (w.more()) {
            int tag = w.tag();
            if (field(tag) == 1 && wire(tag) == 2) {
                return w.string();
            }
            w.skip(tag);
        }
        return "";
    }

    private static int field(int tag) {
        return tag >>> 3;
    }

    private static int wire(int tag) {
        return tag & 7;
    }

    /** A cursor over one message's bytes: wire types 0 (varint), 1 (64-bit), 2 (length-delimited), 5 (32-bit). */
    private static final class Wire {
        private final ByteBuffer b;

        Wire(ByteBuffer b) {
            this.b = b.slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        boolean more() {
            return b.hasRemaining();
        }

        int tag() {
            long t = varint();
            if (t <= 0 || t > Integer.MAX_VALUE) {
                throw new IllegalStateException("corrupt protobuf: tag " + t + " at byte " + b.position());
            }
            return (int) t;
        }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte x = b.get();
                result |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalStateException("corrupt protobuf: varint longer than 10 bytes");
        }

        /** The next length-delimited payload as a zero-copy slice. */
        ByteBuffer bytes() {
            int len = Math.toIntExact(varint());
            if (len < 0 || len > b.remaining()) {
                throw new IllegalStateException("corrupt protobuf: length " + len + " with " + b.remaining() + " left");
            }
            ByteBuffer slice = b.slice(b.position(), len).order(ByteOrder.LITTLE_ENDIAN);
            b.position(b.position() + len);
            return slice;
        }

        String string() {
            ByteBuffer s = bytes();
            byte[] a = new byte[s.remaining()];
            s.get(a);
            return new String(a, StandardCharsets.UTF_8);
        }

        float fixed32Float() {
            return b.getFloat();
        }

        /** A repeated integer field, either packed (proto3 default) or one varint per tag (proto2). */
        void repeatedVarints(int tag, LongList into) {
            if (wire(tag) == 2) {
                Wire packed = new Wire(bytes());
                while (packed.more()) {
                    into.add(packed.varint());
                }
            } else if (wire(tag) == 0) {
                into.add(varint());
            } else {
                skip(tag);
            }
        }

        void repeatedFloats(int tag, FloatList into) {
            if (wire(tag) == 2) {
                ByteBuffer packed = bytes();
                while (packed.remaining() >= 4) {
                    into.add(packed.getFloat());
                }
            } else if (wire(tag) == 5) {
                into.add(b.getFloat());
            } else {
                skip(tag);
            }
        }

        void skip(int tag) {
            switch (wire(tag)) {
                case 0 -> varint();
                case 1 -> b.position(b.position() + 8);
                case 2 -> bytes();
                case 5 -> b.position(b.position() + 4);
                default -> throw new IllegalStateException("unsupported protobuf wire type " + wire(tag)
                        + " (field " + field(tag) + ")");
            }
        }
    }

    private static final class LongList {
        long[] a = new long[8];
        int size;

        void add(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }

    private static final class FloatList {
        float[] a = new float[8];
        int size;

        void add(float v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
