package dev.loupe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.testing.TestCheckpoints;
import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loupe never downloads. A fresh JVM with an empty DJL cache opens a model and runs it while every http(s) URL
 * connection is recorded and refused; the PyTorch native library must come out of the Maven jar instead.
 */
class OfflineTest {

    @Test
    void enginesStartAndRunWithoutTouchingTheNetwork(@TempDir Path tmp) throws Exception {
        Path model = TestCheckpoints.write(tmp.resolve("model"), TestCheckpoints.Spec.gpt2());
        Path cache = Files.createDirectories(tmp.resolve("djl-cache"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", childClassPath(),
                "-DDJL_CACHE_DIR=" + cache,
                "-DENGINE_CACHE_DIR=" + cache,
                OfflineProbe.class.getName(), model.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe timed out");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("network attempts: 0"), out);
        assertTrue(out.contains("forward ok"), out);
        try (Stream<Path> files = Files.walk(cache)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("libtorch")),
                    "the native library was extracted from the jar into the fresh cache");
        }
    }

    /** This JVM's class path, plus the test class loader's entries when a launcher added its own loader. */
    private static String childClassPath() throws Exception {
        StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
        if (OfflineTest.class.getClassLoader() instanceof java.net.URLClassLoader loader) {
            for (URL u : loader.getURLs()) {
                cp.append(java.io.File.pathSeparator).append(Path.of(u.toURI()));
            }
        }
        return cp.toString();
    }

    /** Runs in the child JVM. */
    public static final class OfflineProbe {
        public static void main(String[] args) {
            List<String> attempts = new ArrayList<>();
            URL.setURLStreamHandlerFactory(protocol -> protocol.startsWith("http") ? new URLStreamHandler() {
                @Override
                protected URLConnection openConnection(URL u) throws IOException {
                    attempts.add(u.toString());
                    throw new IOException("network access refused by OfflineTest: " + u);
                }
            } : null);
            try (LoupeModel m = LoupeModel.open(Path.of(args[0]));
                    RunResult r = m.run(RunRequest.of(1, 2, 3))) {
                System.out.println(r.logits().getShape().get(2) == m.info().dVocab() ? "forward ok" : "bad logits");
            } catch (RuntimeException e) {
                e.printStackTrace(System.out);
            }
            System.out.println("network attempts: " + attempts.size() + " " + attempts);
        }
    }
}
