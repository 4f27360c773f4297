package dev.loupe.benchmarks;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a forward pass spends its time, per operator, read from a profiler's Chrome trace: PyTorch's (written by
 * DJL's {@code JniUtils.stopProfile}) or ONNX Runtime's (session profiling). Profilers add their own per-op cost,
 * so only the shares and call counts are meaningful, not the absolute times.
 */
record OpProfile(List<Op> ops, double opMicrosPerRun, int runs) {

    record Op(String name, double callsPerRun, double microsPerRun) {
    }

    int callsPerRun() {
        return (int) Math.round(ops.stream().mapToDouble(Op::callsPerRun).sum());
    }

    /** Time per run of the operator {@code name}, all its input shapes together. */
    double microsOf(String name) {
        return ops.stream().filter(o -> is(o, name)).mapToDouble(Op::microsPerRun).sum();
    }

    double callsOf(String name) {
        return ops.stream().filter(o -> is(o, name)).mapToDouble(Op::callsPerRun).sum();
    }

    private static boolean is(Op o, String name) {
        return o.name().equals(name) || o.name().startsWith(name + " ");
    }

    /**
     * PyTorch: only top-level operators count, those not nested inside another on the same thread. They are the
     * calls Loupe makes through JNI (aten::matmul, aten::add, ...); their children (aten::mm, aten::addmm) would
     * count the same time twice.
     */
    static OpProfile fromTorchTrace(Path trace, int runs, Set<String> byShape) throws IOException {
        List<JsonObject> events = new ArrayList<>();
        for (JsonElement e : readArray(trace)) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("ph") && o.get("ph").getAsString().equals("X") && o.has("dur")) {
                events.add(o);
            }
        }
        // Longest first among equal starts, so a parent precedes the child that starts with it.
        events.sort(Comparator.<JsonObject>comparingDouble(o -> o.get("ts").getAsDouble())
                .thenComparing(o -> -o.get("dur").getAsDouble()));
        Map<String, double[]> byName = new HashMap<>();
        Map<String, Double> openUntil = new HashMap<>();
        for (JsonObject o : events) {
            String tid = o.has("tid") ? o.get("tid").getAsString() : "";
            double ts = o.get("ts").getAsDouble();
            double dur = o.get("dur").getAsDouble();
            if (ts < openUntil.getOrDefault(tid, Double.NEGATIVE_INFINITY)) {
                continue; // nested in the current top-level op
            }
            openUntil.put(tid, ts + dur);
            String name = o.get("name").getAsString();
            if (byShape.contains(name) && o.has("shape")) {
                name += " " + shapes(o.getAsJsonArray("shape"));
            }
            double[] acc = byName.computeIfAbsent(name, k -> new double[2]);
            acc[0]++;
            acc[1] += dur;
        }
        return summarise(byName, runs);
    }

    /** ONNX Runtime: the kernel time of every graph node, grouped by operator type (MatMul, Attention, ...). */
    static OpProfile fromOrtTrace(Path trace) throws IOException {
        Map<String, double[]> byType = new HashMap<>();
        int runs = 0;
        for (JsonElement e : readArray(trace)) {
            JsonObject o = e.getAsJsonObject();
            String cat = o.has("cat") ? o.get("cat").getAsString() : "";
            String name = o.has("name") ? o.get("name").getAsString() : "";
            if (cat.equals("Session") && name.equals("model_run")) {
                runs++;
            } else if (cat.equals("Node") && name.endsWith("_kernel_time") && o.has("args")) {
                JsonObject args = o.getAsJsonObject("args");
                String type = args.has("op_name") ? args.get("op_name").getAsString() : name;
                double[] acc = byType.computeIfAbsent(type, k -> new double[2]);
                acc[0]++;
                acc[1] += o.get("dur").getAsDouble();
            }
        }
        return summarise(byType, Math.max(runs, 1));
    }

    /** [[1, 128, 384], [384, 1536]] as "1×128×384 · 384×1536" (the profiler records shapes with record_shapes). */
    private static String shapes(JsonArray inputs) {
        List<String> parts = new ArrayList<>();
        for (JsonElement in : inputs) {
            if (in.isJsonArray() && !in.getAsJsonArray().isEmpty()) {
                List<String> dims = new ArrayList<>();
                in.getAsJsonArray().forEach(d -> dims.add(d.getAsString()));
                parts.add(String.join("×", dims));
            }
        }
        return String.join(" · ", parts);
    }

    private static OpProfile summarise(Map<String, double[]> acc, int runs) {
        List<Op> ops = new ArrayList<>();
        double total = 0;
        for (Map.Entry<String, double[]> e : acc.entrySet()) {
            ops.add(new Op(e.getKey(), e.getValue()[0] / runs, e.getValue()[1] / runs));
            total += e.getValue()[1] / runs;
        }
        ops.sort(Comparator.comparingDouble(Op::microsPerRun).reversed());
        return new OpProfile(List.copyOf(ops), total, runs);
    }

    private static JsonArray readArray(Path trace) throws IOException {
        try (Reader r = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
            JsonElement root = JsonParser.parseReader(r);
            // PyTorch writes a bare array; some versions wrap it as {"traceEvents": [...]}.
            if (root.isJsonObject() && root.getAsJsonObject().has("traceEvents")) {
                return root.getAsJsonObject().getAsJsonArray("traceEvents");
            }
            return root.getAsJsonArray();
        }
    }
}
