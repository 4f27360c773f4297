package dev.loupe.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.testing.TestCheckpoints;
import dev.loupe.engine.testing.TestCheckpoints.Spec;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MKL vendor override: where it applies, and that results with it equal results without it. MKL fixes its
 * kernels at the first GEMM of a process, so "with" and "without" are two JVMs ({@link GemmPathProbe}).
 */
class MklVendorGateTest {
    @TempDir
    Path tmp;

    private static MklVendorGate.Platform platform(String os, String arch, String vendor, boolean off) {
        return new MklVendorGate.Platform(os, arch, vendor, off);
    }

    @Test
    void appliesOnlyToNonIntelX86LinuxNotOptedOut() {
        assertTrue(MklVendorGate.notApplicable(platform("Linux", "amd64", "AuthenticAMD", false)).isEmpty());
        assertTrue(MklVendorGate.notApplicable(platform("Linux", "amd64", "HygonGenuine", false)).isEmpty());
        assertTrue(MklVendorGate.notApplicable(platform("Linux", "amd64", "GenuineIntel", false)).orElseThrow()
                .contains("an Intel CPU needs no override"));
        assertTrue(MklVendorGate.notApplicable(platform("Linux", "aarch64", "", false)).orElseThrow()
                .contains("not an x86-64 CPU"));
        assertTrue(MklVendorGate.notApplicable(platform("Windows 11", "amd64", "AuthenticAMD", false)).orElseThrow()
                .contains("Linux-only"));
        assertTrue(MklVendorGate.notApplicable(platform("Linux", "amd64", "AuthenticAMD", true)).orElseThrow()
                .contains("switched off"));
        assertTrue(MklVendorGate.notApplicable(platform("Linux", "amd64", "", false)).orElseThrow()
                .contains("could not be read"));
    }

    private record Probe(String gemmPath, float[] logits) {
    }

    private Probe probe(Path model, String override, String name) throws Exception {
        Path out = tmp.resolve(name + ".bin");
        Path log = tmp.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dloupe.mkl.vendorOverride=" + override, "-cp",
                System.getProperty("java.class.path"), GemmPathProbe.class.getName(), model.toString(), out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "probe hung");
        assertEquals(0, p.exitValue(), Files.readString(log));
        try (DataInputStream in = new DataInputStream(Files.newInputStream(out))) {
            String path = in.readUTF();
            float[] logits = new float[in.readInt()];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = in.readFloat();
            }
            return new Probe(path, logits);
        }
    }

    @Test
    void resultsWithTheOverrideEqualResultsWithoutIt() throws Exception {
        // Wide enough that MKL's blocked kernels, not its small-matrix path, do the products.
        Spec spec = new Spec("llama", 2, 8, 4, 256, 768, 1024, 256, false, Spec.llama().dtype(), 11, 0.05f,
                new com.google.gson.JsonObject(), true);
        Path model = TestCheckpoints.write(tmp.resolve("llama"), spec);
        Probe with = probe(model, "on", "with");
        Probe without = probe(model, "off", "without");
        assertTrue(without.gemmPath().contains("switched off"), without.gemmPath());
        boolean applies = MklVendorGate.notApplicable(MklVendorGate.Platform.current()).isEmpty()
                && !with.gemmPath().contains("no " + MklVendorGate.SYMBOL);
        if (applies) {
            assertTrue(with.gemmPath().contains("vendor gate lifted"), with.gemmPath());
        } else {
            assertFalse(with.gemmPath().contains("vendor gate lifted"), with.gemmPath());
        }
        assertEquals(without.logits().length, with.logits().length);
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < with.logits().length; i++) {
            worst = Math.max(worst, Math.abs(with.logits()[i] - without.logits()[i]));
            scale = Math.max(scale, Math.abs(without.logits()[i]));
        }
        assertTrue(scale > 0, "logits all zero");
        System.out.printf("MKL vendor override: %s; logits relative difference %.2e%n", with.gemmPath(), worst / scale);
        assertTrue(worst / scale <= 1e-5, "relative difference " + worst / scale + " (" + with.gemmPath() + ")");
    }
}
