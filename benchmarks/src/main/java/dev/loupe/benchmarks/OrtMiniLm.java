package dev.loupe.benchmarks;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * all-MiniLM-L6-v2 in ONNX Runtime on the CPU, fed the same token ids as Loupe, asked for last_hidden_state only
 * (the output Loupe's forward pass produces). The inputs are built once: a run then times the model, not the
 * copying of 128 longs.
 */
final class OrtMiniLm implements AutoCloseable {

    /** How a session is configured: ONNX Runtime's defaults, or a fixed thread count, optionally unoptimised. */
    record Config(int intraOpThreads, boolean optimise, String profilePrefix, String optimisedModelPath) {
        static Config defaults() {
            return new Config(0, true, null, null);
        }

        Config withThreads(int n) {
            return new Config(n, optimise, profilePrefix, optimisedModelPath);
        }

        Config unoptimised() {
            return new Config(intraOpThreads, false, profilePrefix, optimisedModelPath);
        }

        Config profiled(String prefix) {
            return new Config(intraOpThreads, optimise, prefix, optimisedModelPath);
        }

        Config savingOptimisedModel(String path) {
            return new Config(intraOpThreads, optimise, profilePrefix, path);
        }
    }

    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new HashMap<>();
    private final Set<String> outputs;

    OrtMiniLm(byte[] onnx, long[] ids, Config config) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            if (config.intraOpThreads() > 0) {
                opts.setIntraOpNumThreads(config.intraOpThreads());
            }
            if (!config.optimise()) {
                opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            }
            if (config.profilePrefix() != null) {
                opts.enableProfiling(config.profilePrefix());
            }
            if (config.optimisedModelPath() != null) {
                opts.setOptimizedModelFilePath(config.optimisedModelPath());
            }
            session = env.createSession(onnx, opts);
        }
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        // One segment, no padding: what Loupe's BERT assumes (token type 0 everywhere, every position attended).
        Map<String, long[]> byName = Map.of("input_ids", ids, "attention_mask", mask,
                "token_type_ids", new long[ids.length]);
        for (String name : session.getInputNames()) {
            long[] v = byName.get(name);
            if (v == null) {
                close();
                throw new IllegalStateException("unexpected ONNX input " + name + "; inputs are "
                        + session.getInputNames());
            }
            inputs.put(name, OnnxTensor.createTensor(env, new long[][] {v}));
        }
        String hidden = null;
        for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
            if (e.getValue().getInfo() instanceof TensorInfo ti && ti.getShape().length == 3) {
                hidden = e.getKey();
            }
        }
        if (hidden == null) {
            close();
            throw new IllegalStateException("no rank-3 (last_hidden_state) output in " + session.getOutputNames());
        }
        outputs = Set.of(hidden);
    }

    /** One forward pass; the result is freed before returning, as Loupe's is in the timed loop. */
    void run() throws OrtException {
        try (OrtSession.Result r = session.run(inputs, outputs)) {
            if (r.size() != 1) {
                throw new IllegalStateException("expected one output");
            }
        }
    }

    /** last_hidden_state [pos * hidden], to check that both runtimes computed the same thing. */
    float[] lastHiddenState() throws OrtException {
        try (OrtSession.Result r = session.run(inputs, outputs)) {
            float[][][] v = (float[][][]) r.get(0).getValue();
            int t = v[0].length;
            int d = v[0][0].length;
            float[] flat = new float[t * d];
            for (int i = 0; i < t; i++) {
                System.arraycopy(v[0][i], 0, flat, i * d, d);
            }
            return flat;
        }
    }

    /** Ends profiling (if enabled) and returns the trace file ONNX Runtime wrote. */
    String endProfiling() throws OrtException {
        return session.endProfiling();
    }

    @Override
    public void close() throws OrtException {
        for (OnnxTensor t : inputs.values()) {
            t.close();
        }
        session.close();
    }
}
