package dev.loupe.engine;

import ai.djl.engine.Engine;
import dev.loupe.engine.runtime.PyTorchRuntime;

/** What computes for Loupe, in words for an About box or a bug report: DJL, its PyTorch, the GPUs it sees. */
public final class EngineInfo {
    private EngineInfo() {
    }

    /**
     * E.g. "PyTorch 2.5.1 through DJL 0.32.0, no GPU (CPU only); CPU matrix products: MKL's AVX2/AVX-512 kernels
     * ..."; starts the engine if it has not started.
     */
    public static String describe() {
        try {
            Engine e = PyTorchRuntime.engine();
            int gpus = e.getGpuCount();
            return "PyTorch " + e.getVersion() + " through DJL " + Engine.getDjlVersion() + ", "
                    + (gpus == 0 ? "no GPU (CPU only)" : gpus + " GPU" + (gpus == 1 ? "" : "s"))
                    + "; CPU matrix products: " + PyTorchRuntime.gemmPath();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return "the PyTorch engine could not start (" + e.getMessage() + ")";
        }
    }
}
