package dev.loupe.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A one-node ONNX model, C = MatMul(A, B) with A [m, k] and B [k, n] as float inputs (not initializers, so ONNX
 * Runtime cannot pre-pack or fold B). Written by hand in protobuf wire format: the benchmark needs ONNX Runtime's
 * own GEMM rate next to PyTorch's, and no ONNX writer is on the class path.
 */
final class OnnxMatMulModel {
    private static final int FLOAT = 1;
    private static final int IR_VERSION = 8;
    private static final int OPSET = 13;

    private OnnxMatMulModel() {
    }

    static byte[] bytes(long m, long k, long n) {
        Proto node = new Proto().string(1, "A").string(1, "B").string(2, "C").string(3, "matmul").string(4, "MatMul");
        Proto graph = new Proto()
                .message(1, node)
                .string(2, "gemm")
                .message(11, valueInfo("A", m, k))
                .message(11, valueInfo("B", k, n))
                .message(12, valueInfo("C", m, n));
        Proto opset = new Proto().string(1, "").varint(2, OPSET);
        return new Proto()
                .varint(1, IR_VERSION)
                .string(2, "loupe-benchmarks")
                .message(7, graph)
                .message(8, opset)
                .toByteArray();
    }

    /** ValueInfoProto {name, type: TypeProto {tensor_type: {elem_type FLOAT, shape {dim, dim}}}}. */
    private static Proto valueInfo(String name, long rows, long cols) {
        Proto shape = new Proto()
                .message(1, new Proto().varint(1, rows))
                .message(1, new Proto().varint(1, cols));
        Proto tensor = new Proto().varint(1, FLOAT).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensor));
    }

    /** The three protobuf wire types an ONNX graph of this kind needs: varints, strings and nested messages. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            writeVarint((long) field << 3);
            writeVarint(value);
            return this;
        }

        Proto string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto m) {
            return bytes(field, m.toByteArray());
        }

        private Proto bytes(int field, byte[] b) {
            writeVarint(((long) field << 3) | 2);
            writeVarint(b.length);
            out.writeBytes(b);
            return this;
        }

        private void writeVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
