package dev.loupe.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times several variants of the same work side by side: every round runs each variant once, and the order rotates
 * from round to round so that no variant always goes first (or always follows the same neighbour). Drift on the
 * machine (other jobs, thermal or frequency changes) then hits every variant about equally, which is what makes
 * their ratios meaningful when absolute times are not.
 */
public final class RoundRobin {

    /**
     * One thing to time. {@code setup} runs untimed just before each run (setting a thread count, say); {@code body}
     * must do the whole of the timed work, including freeing what it allocates.
     */
    public record Variant(String name, Runnable setup, Body body) {
    }

    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private final List<Variant> variants = new ArrayList<>();
    private int warmupRounds = 5;
    private int rounds = 20;
    private long pauseMillis = 0;
    private Runnable beforeEach = () -> { };

    public RoundRobin add(String name, Body body) {
        return add(name, () -> { }, body);
    }

    public RoundRobin add(String name, Runnable setup, Body body) {
        variants.add(new Variant(name, setup, body));
        return this;
    }

    public RoundRobin optWarmup(int n) {
        this.warmupRounds = n;
        return this;
    }

    public RoundRobin optRounds(int n) {
        this.rounds = n;
        return this;
    }

    /**
     * A pause between two timed runs. Both PyTorch's OpenMP workers and ONNX Runtime's thread pool spin for a while
     * after a run; without a pause, one runtime's spinning threads would compete with the next runtime's run.
     */
    public RoundRobin optPauseMillis(long ms) {
        this.pauseMillis = ms;
        return this;
    }

    /** Untimed work before every run (evicting a file from the page cache, say). */
    public RoundRobin optBeforeEach(Runnable r) {
        this.beforeEach = r;
        return this;
    }

    /** Runs the warm-up and timed rounds; results keyed by variant name, in the order the variants were added. */
    public Map<String, Samples> run() throws Exception {
        int n = variants.size();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = mx.isCurrentThreadCpuTimeSupported();
        long[][] times = new long[n][rounds];
        long[][] cpuTimes = new long[n][rounds];
        for (int round = 0; round < warmupRounds + rounds; round++) {
            for (int i = 0; i < n; i++) {
                int v = (i + round) % n;
                beforeEach.run();
                variants.get(v).setup().run();
                pause();
                long c0 = cpu ? mx.getCurrentThreadCpuTime() : 0;
                long t0 = System.nanoTime();
                variants.get(v).body().run();
                long dt = System.nanoTime() - t0;
                long dc = cpu ? mx.getCurrentThreadCpuTime() - c0 : 0;
                if (round >= warmupRounds) {
                    times[v][round - warmupRounds] = dt;
                    cpuTimes[v][round - warmupRounds] = dc;
                }
            }
        }
        Map<String, Samples> out = new LinkedHashMap<>();
        for (int v = 0; v < n; v++) {
            out.put(variants.get(v).name(), new Samples(variants.get(v).name(), times[v], cpu ? cpuTimes[v] : null));
        }
        return out;
    }

    private void pause() throws InterruptedException {
        if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
        }
    }
}
