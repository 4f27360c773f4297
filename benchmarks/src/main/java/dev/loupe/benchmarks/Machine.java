package dev.loupe.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.onnxruntime.OrtEnvironment;
import dev.loupe.engine.runtime.PyTorchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What the numbers were measured on: CPU, cores, memory, JVM, and the two runtimes' versions and threads. */
final class Machine {
    private Machine() {
    }

    /** Lines of "key: value" describing this machine, for the report's header. */
    static List<String> describe() {
        List<String> out = new ArrayList<>();
        List<String> cpuinfo = lines(Path.of("/proc/cpuinfo"));
        String model = field(cpuinfo, "model name");
        Set<String> physical = new LinkedHashSet<>();
        String physicalId = "0";
        for (String line : cpuinfo) {
            if (line.startsWith("physical id")) {
                physicalId = value(line);
            } else if (line.startsWith("core id")) {
                physical.add(physicalId + ":" + value(line));
            }
        }
        String flags = " " + field(cpuinfo, "flags") + " ";
        List<String> simd = new ArrayList<>();
        for (String f : new String[] {"avx2", "fma", "avx512f", "avx512_bf16", "amx_tile"}) {
            if (flags.contains(" " + f + " ")) {
                simd.add(f);
            }
        }
        String family = field(cpuinfo, "cpu family");
        String vendor = field(cpuinfo, "vendor_id");
        out.add("CPU: " + (model.isEmpty() ? System.getProperty("os.arch") : model)
                + (family.isEmpty() ? "" : ", " + vendor + " family " + family + " model " + field(cpuinfo, "model\t"))
                + (simd.isEmpty() ? "" : "; " + String.join(", ", simd))
                + (flags.contains(" hypervisor ") ? "; virtual machine" : ""));
        out.add("Cores: " + Runtime.getRuntime().availableProcessors() + " logical CPUs available to the JVM"
                + (physical.isEmpty() ? "" : ", " + physical.size() + " physical cores in /proc/cpuinfo"));
        String mem = field(lines(Path.of("/proc/meminfo")), "MemTotal");
        if (!mem.isEmpty()) {
            out.add("Memory: " + mem);
        }
        out.add("OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version"));
        out.add("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + "), max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        Engine pt = PyTorchRuntime.engine();
        out.add("PyTorch: " + pt.getVersion() + " via DJL " + Engine.getDjlVersion() + ", intra-op threads "
                + JniUtils.getNumThreads() + ", inter-op threads " + JniUtils.getNumInteropThreads()
                + ", grad mode " + (JniUtils.isGradMode() ? "on" : "off"));
        out.add("CPU matrix products: " + PyTorchRuntime.gemmPath());
        out.add("ONNX Runtime: " + OrtEnvironment.getEnvironment().getVersion() + " (CPU execution provider)");
        // Variables that change which kernels or how many threads the runtimes use; a reader must know of them.
        List<String> env = new ArrayList<>();
        System.getenv().forEach((k, v) -> {
            if (k.equals("LD_PRELOAD") || k.startsWith("OMP_") || k.startsWith("MKL_") || k.startsWith("KMP_")
                    || k.startsWith("GOMP_")) {
                env.add(k + "=" + v);
            }
        });
        env.sort(null);
        out.add("Environment: " + (env.isEmpty() ? "no LD_PRELOAD, OMP_*, MKL_*, KMP_* or GOMP_* variables set"
                : String.join(", ", env)));
        return out;
    }

    /** The 1, 5 and 15 minute load averages: how busy the shared machine was. */
    static String loadAverage() {
        List<String> l = lines(Path.of("/proc/loadavg"));
        if (l.isEmpty()) {
            return "unknown";
        }
        String[] parts = l.get(0).split("\\s+");
        return String.format(Locale.ROOT, "%s / %s / %s", parts[0], parts[1], parts[2]);
    }

    /** A field of /proc/self/status in kB (VmRSS, RssAnon, RssFile), or -1 where the file does not exist. */
    static long selfStatusKb(String key) {
        for (String line : lines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(value(line).replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static String field(List<String> lines, String key) {
        for (String line : lines) {
            if (line.startsWith(key)) {
                return value(line);
            }
        }
        return "";
    }

    private static String value(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? "" : line.substring(colon + 1).trim();
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
