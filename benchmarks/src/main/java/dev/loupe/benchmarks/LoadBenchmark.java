package dev.loupe.benchmarks;

import ai.djl.pytorch.jni.JniUtils;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.RunRequest;
import dev.loupe.engine.RunResult;
import dev.loupe.engine.testing.TestCheckpoints;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measure 3: opening a checkpoint vs its size. Loupe memory-maps safetensors and wraps F32 tensors in place, so
 * "open" reads almost nothing; the bytes are paged in when a forward pass first touches them. Reporting only the
 * open would flatter the loader, so each checkpoint is also timed as open + first forward, with the file in the
 * page cache and (where the file can be evicted) from disk, next to a plain copying read of the same file.
 */
final class LoadBenchmark {
    private static final int FORWARD_TOKENS = 16;

    /** A checkpoint under test: its folder, weight file, and a short input that is valid for its vocabulary. */
    private record Subject(String name, Path dir, Path weights, long bytes, long[] ids) {
    }

    private final Settings settings;
    private final Path workDir;
    private final List<Subject> subjects = new ArrayList<>();
    private String bigDescription;
    private double bigWriteSeconds;

    private Map<String, Samples> open;
    private Map<String, Samples> openAndForward;
    private Map<String, Samples> forwardOnly;
    private Map<String, Samples> cold;
    private Map<String, Samples> copyingRead;
    private String coldNote;
    private long rssAnonOpenKb;
    private long rssFileOpenKb;
    private long rssAnonForwardKb;
    private long rssFileForwardKb;

    LoadBenchmark(Settings settings, Path workDir) {
        this.settings = settings;
        this.workDir = workDir;
    }

    /**
     * A private copy of MiniLM's weights without its tokenizer (loading tokenizer.json is not weight loading; and
     * the shared MiniLM folder may be mapped by other processes, which would keep it in the page cache), and a big
     * random GPT-2.
     */
    void prepare(Path miniLmDir) throws IOException {
        Path mini = Files.createDirectories(workDir.resolve("minilm-weights-only"));
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(miniLmDir.resolve(f), mini.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        long[] miniIds = new long[FORWARD_TOKENS];
        for (int i = 0; i < miniIds.length; i++) {
            miniIds[i] = 1000 + 37L * i; // ordinary WordPiece ids, well inside the 30522 vocabulary
        }
        addSubject("all-MiniLM-L6-v2 (BERT)", mini, miniIds);

        // Big enough that page-ins dominate, with a small vocabulary so the size is in the blocks' matrices.
        int d = 1536;
        int layers = settings.bigLayers();
        TestCheckpoints.Spec spec = TestCheckpoints.Spec.gpt2().withLayers(layers).withHeads(12, 12)
                .withDims(d, 4 * d).withVocab(512).withContext(256).withoutTokenizer();
        long t0 = System.nanoTime();
        Path big = TestCheckpoints.write(workDir.resolve("gpt2-random"), spec);
        bigWriteSeconds = (System.nanoTime() - t0) / 1e9;
        bigDescription = String.format(Locale.ROOT, "random GPT-2, %d layers, d_model %d, d_mlp %d, vocab 512",
                layers, d, 4 * d);
        long[] bigIds = new long[FORWARD_TOKENS];
        for (int i = 0; i < bigIds.length; i++) {
            bigIds[i] = (7L * i) % 512;
        }
        addSubject(bigDescription, big, bigIds);
        for (Subject s : subjects) {
            exec("sync", s.weights.toRealPath().toString()); // dirty pages cannot be evicted
        }
    }

    private void addSubject(String name, Path dir, long[] ids) throws IOException {
        Path w = dir.resolve("model.safetensors");
        subjects.add(new Subject(name, dir, w, Files.size(w.toRealPath()), ids));
    }

    /**
     * PyTorch runs on one thread here: the page-ins are what is measured, and on a busy machine a second OpenMP
     * thread mostly adds waiting to the compute part.
     */
    void measure() throws Exception {
        int threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
        try {
            measureAll();
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    private void measureAll() throws Exception {
        // Warm page cache: open (map + wrap) only.
        RoundRobin openRr = new RoundRobin().optWarmup(2).optRounds(settings.loadRounds());
        for (Subject s : subjects) {
            openRr.add(s.name, () -> LoupeModel.open(s.dir).close());
        }
        open = openRr.run();

        // Warm page cache, fresh mapping: the forward pass takes a minor fault on every page of the weights.
        RoundRobin firstRr = new RoundRobin().optWarmup(1).optRounds(settings.loadRounds())
                .optBeforeEach(LoadBenchmark::releaseMappings);
        for (Subject s : subjects) {
            firstRr.add(s.name, () -> openAndForward(s));
        }
        openAndForward = firstRr.run();

        // The same forward on a model that is already open and paged in: the compute part of the line above.
        List<LoupeModel> models = new ArrayList<>();
        try {
            RoundRobin fwdRr = new RoundRobin().optWarmup(2).optRounds(settings.loadRounds());
            for (Subject s : subjects) {
                LoupeModel m = LoupeModel.open(s.dir);
                models.add(m);
                fwdRr.add(s.name, () -> forward(m, s.ids));
            }
            forwardOnly = fwdRr.run();
        } finally {
            models.forEach(LoupeModel::close);
        }

        measureRss(subjects.get(subjects.size() - 1));

        // A loader that copies: read the whole file into native memory (warm page cache), what mmap avoids.
        RoundRobin readRr = new RoundRobin().optWarmup(1).optRounds(Math.max(3, settings.loadRounds() / 2));
        for (Subject s : subjects) {
            readRr.add(s.name, () -> readWhole(s.weights));
        }
        copyingRead = readRr.run();

        measureCold();
    }

    /** Cold: each file is dropped from the page cache first, so the first forward reads it from disk. */
    private void measureCold() throws Exception {
        if (!evict(subjects.get(0).weights)) {
            coldNote = "skipped: this machine has no `dd` with iflag=nocache to drop a file from the page cache";
            return;
        }
        long[] worstResident = new long[subjects.size()];
        Arrays.fill(worstResident, -1); // stays -1 where fincore cannot tell
        RoundRobin coldRr = new RoundRobin().optWarmup(0).optRounds(settings.coldRounds())
                .optBeforeEach(() -> {
                    releaseMappings();
                    for (int i = 0; i < subjects.size(); i++) {
                        evict(subjects.get(i).weights);
                        worstResident[i] = Math.max(worstResident[i], residentBytes(subjects.get(i).weights));
                    }
                });
        for (Subject s : subjects) {
            coldRr.add(s.name, () -> openAndForward(s));
        }
        cold = coldRr.run();
        if (worstResident[0] < 0) {
            coldNote = "eviction by `dd iflag=nocache` (not verified: `fincore` is missing)";
            return;
        }
        List<String> left = new ArrayList<>();
        for (int i = 0; i < subjects.size(); i++) {
            left.add(String.format(Locale.ROOT, "%.1f of %.1f MB", worstResident[i] / 1e6, subjects.get(i).bytes / 1e6));
        }
        coldNote = "each file evicted by `dd iflag=nocache` before each run; still resident after eviction, at"
                + " worst (`fincore`): " + String.join(", ", left);
    }

    private static void openAndForward(Subject s) {
        try (LoupeModel m = LoupeModel.open(s.dir)) {
            forward(m, s.ids);
        }
    }

    private static void forward(LoupeModel m, long[] ids) {
        try (RunResult r = m.run(RunRequest.of(ids))) {
            r.lastHiddenState();
        }
    }

    /** Resident memory of this process, split into anonymous (copies) and file-backed (the mapped weights). */
    private void measureRss(Subject s) {
        releaseMappings();
        long anon0 = Machine.selfStatusKb("RssAnon");
        long file0 = Machine.selfStatusKb("RssFile");
        try (LoupeModel m = LoupeModel.open(s.dir)) {
            rssAnonOpenKb = Machine.selfStatusKb("RssAnon") - anon0;
            rssFileOpenKb = Machine.selfStatusKb("RssFile") - file0;
            forward(m, s.ids);
            rssAnonForwardKb = Machine.selfStatusKb("RssAnon") - anon0;
            rssFileForwardKb = Machine.selfStatusKb("RssFile") - file0;
        }
    }

    private static void readWhole(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            // Chunks, because one direct buffer tops out at 2 GiB; re-used so only the read is timed.
            ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(size, 64 << 20));
            long pos = 0;
            while (pos < size) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
            }
        }
    }

    /**
     * Closed models leave their mappings until the buffers are garbage collected; a mapped page cannot be dropped
     * from the page cache, and an old mapping would let a new open find pages already faulted in.
     */
    private static void releaseMappings() {
        try {
            for (int i = 0; i < 2; i++) {
                System.gc(); // unmapping happens on the cleaner thread, after the collection
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drops one file's pages from the page cache without root: GNU dd's nocache flag with count=0. */
    private static boolean evict(Path file) {
        try {
            return exec("dd", "if=" + file.toRealPath(), "iflag=nocache", "count=0", "status=none") == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Bytes of {@code file} in the page cache, per util-linux fincore; -1 when that cannot be told. */
    private static long residentBytes(Path file) {
        try {
            Process p = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--output", "RES",
                    file.toRealPath().toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int exec(String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroy();
                return -1;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String bigDescription() {
        return bigDescription;
    }

    /** GB/s for the biggest checkpoint: [open only, open + first forward warm, cold (NaN if skipped)]. */
    double[] bigThroughput() {
        Subject big = subjects.get(subjects.size() - 1);
        return new double[] {gbps(big, open), gbps(big, openAndForward), cold == null ? Double.NaN : gbps(big, cold)};
    }

    long bigBytes() {
        return subjects.get(subjects.size() - 1).bytes;
    }

    private static double gbps(Subject s, Map<String, Samples> m) {
        return s.bytes / (m.get(s.name).medianMs() * 1e6);
    }

    void report(Markdown md) {
        md.heading(2, "3. Checkpoint load time vs file size (memory-mapped safetensors, F32)");
        Markdown.Table t = new Markdown.Table("Checkpoint", "File", "Open (map + wrap)", "Open + first forward,"
                + " page cache warm", "Open + first forward, cold", "Forward only (already open)",
                "Copying read of the file, warm");
        for (Subject s : subjects) {
            t.row(s.name, String.format(Locale.ROOT, "%.1f MB", s.bytes / 1e6),
                    cell(s, open), cell(s, openAndForward), cold == null ? "—" : cell(s, cold), cell(s, forwardOnly),
                    cell(s, copyingRead));
        }
        md.table(t);
        md.bullets(List.of(
                "Each cell: median ms (quartiles) and the file size divided by the median, as GB/s (10⁹ bytes).",
                String.format(Locale.ROOT, "Open and warm rows: %d rounds; cold: %d rounds, %s.",
                        settings.loadRounds(), settings.coldRounds(), coldNote),
                String.format(Locale.ROOT, "Zero copy, %s: opening it added %.1f MB anonymous and %.1f MB file-backed"
                        + " resident memory; the first %d-token forward then added %.1f MB anonymous and %.1f MB"
                        + " file-backed (the file is %.1f MB). The weights are the page cache's pages, not a copy.",
                        bigDescription, rssAnonOpenKb / 1e3, rssFileOpenKb / 1e3, FORWARD_TOKENS,
                        rssAnonForwardKb / 1e3, rssFileForwardKb / 1e3, bigBytes() / 1e6),
                String.format(Locale.ROOT, "The random checkpoint was written once for this run (%.1f s) with"
                        + " TestCheckpoints and deleted afterwards. Forward passes here use %d tokens, PyTorch on"
                        + " one thread.",
                        bigWriteSeconds, FORWARD_TOKENS)));
    }

    private static String cell(Subject s, Map<String, Samples> m) {
        Samples x = m.get(s.name);
        return String.format(Locale.ROOT, "%s → %.2f GB/s", x.describeMs(), s.bytes / (x.medianMs() * 1e6));
    }
}
