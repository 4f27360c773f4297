package dev.loupe.samples;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.loupe.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Retrains the sample models with their shipped settings: the entry point of {@code loupe train-samples}. Each
 * model is trained into a scratch folder beside its destination and its files are moved in only once training and
 * measuring have finished, so an interrupted or failed run leaves the previous model whole.
 */
public final class SampleTraining {

    /**
     * A sample model: its folder name, what it is, and the PyTorch intra-op thread count its shipped weights were
     * trained with. Float sums split over a different number of threads round differently, and over thousands of
     * steps that grows into other weights; with the same count (on the same kind of CPU) a retrain reproduces the
     * committed safetensors bit for bit.
     */
    public enum Sample {
        TINY_LM("tiny-lm", "4-layer GPT-2: induction, indirect objects, sentiment, facts", 2),
        LOOPED_LM("looped-lm", "recurrent-depth GPT-2, blocks A A A B B B: multi-hop lookups", 1);

        private final String folderName;
        private final String description;
        private final int threads;

        Sample(String folderName, String description, int threads) {
            this.folderName = folderName;
            this.description = description;
            this.threads = threads;
        }

        public String folderName() {
            return folderName;
        }

        public String description() {
            return description;
        }

        /** The sample called {@code name} (its folder name), or an exception listing the names there are. */
        public static Sample named(String name) {
            for (Sample s : values()) {
                if (s.folderName.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("no sample model named '" + name + "'; there are "
                    + Stream.of(values()).map(Sample::folderName).toList());
        }
    }

    private SampleTraining() {
    }

    /**
     * Trains {@code samples} in order into {@code samplesFolder}/{name}, printing progress bars and the measured
     * figures to {@code out}.
     */
    public static void train(List<Sample> samples, Path samplesFolder, PrintStream out) throws IOException {
        train(samples, samplesFolder, out, 0);
    }

    /** As {@link #train(List, Path, PrintStream)}; {@code steps} > 0 overrides the shipped step counts (tests). */
    static void train(List<Sample> samples, Path samplesFolder, PrintStream out, int steps) throws IOException {
        long start = System.nanoTime();
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            out.printf(Locale.ROOT, "[%d/%d] %s: %s%n", i + 1, samples.size(), sample.folderName(),
                    sample.description());
            trainOne(sample, samplesFolder.resolve(sample.folderName()), out, steps);
            out.println();
        }
        out.printf(Locale.ROOT, "trained %d sample model(s) into %s in %s%n", samples.size(), samplesFolder,
                ConsoleProgressBar.clock((System.nanoTime() - start) / 1e9));
    }

    private static void trainOne(Sample sample, Path destination, PrintStream out, int steps) throws IOException {
        Files.createDirectories(destination);
        Path scratch = Files.createTempDirectory(destination.getParent(), "." + sample.folderName() + ".training-");
        // Ctrl+C ends the JVM without running finally blocks; the hook still clears the half-trained scratch.
        Thread cleanUp = new Thread(() -> deleteQuietly(scratch), "remove " + scratch.getFileName());
        Runtime.getRuntime().addShutdownHook(cleanUp);
        Engine.getInstance(); // loads the native library before its thread count is touched
        int threadsBefore = JniUtils.getNumThreads();
        JniUtils.setNumThreads(sample.threads);
        try {
            switch (sample) {
                case TINY_LM -> {
                    TinyLmTrainer.Settings s = TinyLmTrainer.Settings.defaults();
                    new TinyLmTrainer(steps > 0 ? s.withSteps(steps) : s, out).run(scratch);
                }
                case LOOPED_LM -> {
                    LoopedLmTrainer.Settings s = LoopedLmTrainer.Settings.defaults();
                    new LoopedLmTrainer(steps > 0 ? s.withSteps(steps) : s, out).run(scratch);
                }
            }
            try (Stream<Path> files = Files.list(scratch)) {
                for (Path file : files.toList()) {
                    moveInto(file, destination.resolve(file.getFileName().toString()));
                }
            }
            out.println("installed into " + destination);
        } finally {
            JniUtils.setNumThreads(threadsBefore);
            deleteRecursively(scratch);
            Runtime.getRuntime().removeShutdownHook(cleanUp);
        }
    }

    private static void moveInto(Path file, Path target) throws IOException {
        AtomicFiles.replace(file, target);
    }

    private static void deleteQuietly(Path folder) {
        try {
            deleteRecursively(folder);
        } catch (IOException | UncheckedIOException e) {
            // The JVM is ending; a scratch folder left behind is ignored by git and replaced by the next run.
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
