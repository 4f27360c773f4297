package dev.loupe.app.cli;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** dev.loupe.app.Main started in a JVM of its own, as ./loupe starts it, on this test JVM's class path. */
final class MainProcess {
    private MainProcess() {
    }

    /**
     * @param jvmOptions options before the main class (system properties)
     * @param env variables to set in the child; an empty value removes the variable
     */
    static Process start(List<String> jvmOptions, Map<String, String> env, Path stdout, Path stderr, List<String> args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add("dev.loupe.app.Main");
        cmd.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        env.forEach((k, v) -> {
            if (v.isEmpty()) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        return builder.start();
    }

    /**
     * This JVM's class path: java.class.path under Maven's Surefire, plus the URLs of any class loader a launcher
     * put the tests in (the JUnit console launcher does).
     */
    private static String classPath() {
        List<String> entries = new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (ClassLoader l = MainProcess.class.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    try {
                        entries.add(Path.of(url.toURI()).toString());
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        throw new IllegalStateException("class path entry " + url, e);
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
