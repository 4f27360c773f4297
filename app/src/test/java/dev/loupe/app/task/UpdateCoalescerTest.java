package dev.loupe.app.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Deterministic: a fake clock and a scheduler that runs actions when the test advances time. */
class UpdateCoalescerTest {
    private static final long INTERVAL = 100;

    private long now = 1_000;
    private final List<long[]> delays = new ArrayList<>();
    private final List<Object[]> due = new ArrayList<>(); // {Long dueAt, Runnable}
    private final AtomicInteger published = new AtomicInteger();
    private final UpdateCoalescer coalescer = new UpdateCoalescer(INTERVAL, () -> now, (action, delay) -> {
        delays.add(new long[] {delay});
        due.add(new Object[] {now + delay, action});
    }, published::incrementAndGet);

    private void advance(long by) {
        now += by;
        List<Object[]> ready = due.stream().filter(d -> (Long) d[0] <= now).toList();
        due.removeAll(ready);
        ready.forEach(d -> ((Runnable) d[1]).run());
    }

    @Test
    void aBurstOfChangesIsOnePublish() {
        for (int i = 0; i < 10_000; i++) {
            coalescer.request();
        }
        assertEquals(1, due.size());
        assertEquals(0, delays.get(0)[0], "the first change goes out at once");
        advance(0);
        assertEquals(1, published.get());
    }

    @Test
    void changesAfterAPublishWaitForTheRestOfTheInterval() {
        coalescer.request();
        advance(0);
        advance(30);
        coalescer.request();
        coalescer.request();
        assertEquals(1, due.size());
        assertEquals(INTERVAL - 30, delays.get(1)[0]);
        advance(INTERVAL - 30);
        assertEquals(2, published.get());
    }

    @Test
    void aChangeAfterAQuietPeriodGoesOutAtOnce() {
        coalescer.request();
        advance(0);
        advance(5 * INTERVAL);
        coalescer.request();
        assertEquals(0, delays.get(1)[0]);
    }

    @Test
    void aSteadyStreamIsThrottledAndTheLastChangeIsPublished() {
        // A task reporting every time unit for 1000 units: about one publish per interval, not a thousand.
        for (int t = 0; t < 1000; t++) {
            coalescer.request();
            advance(1);
        }
        int during = published.get();
        assertTrue(during >= 9 && during <= 11, "publishes: " + during);
        coalescer.request();
        advance(INTERVAL);
        assertEquals(during + 1, published.get(), "the final state always goes out");
        assertTrue(due.isEmpty());
    }
}
