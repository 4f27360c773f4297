package dev.loupe.app.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.engine.LoupeException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EngineLaneTest {
    /** Stands in for the FX thread: callbacks must arrive here, one at a time, in order. */
    private final ExecutorService ui = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-ui"));
    private final EngineLane lane = new EngineLane(ui);
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        lane.close();
        assertTrue(lane.awaitTermination(10_000));
        ui.shutdown();
    }

    private static TaskOutcome outcome(TaskHandle h) throws Exception {
        return h.outcome().get(30, TimeUnit.SECONDS);
    }

    /** A body that waits for a latch while checking for cancellation, like a plugin between layers. */
    private static TaskBody<String> blockingUntil(CountDownLatch started, CountDownLatch release) {
        return p -> {
            started.countDown();
            while (!release.await(5, TimeUnit.MILLISECONDS)) {
                p.checkCancelled();
            }
            return "done";
        };
    }

    @Test
    void tasksRunInOrderOnTheEngineThreadAndReportOnTheUiThread() throws Exception {
        AtomicReference<String> uiThread = new AtomicReference<>();
        TaskHandle a = lane.submit(BackgroundTask.of("a", p -> Thread.currentThread().getName() + ":a")
                .onSuccess(events::add));
        TaskHandle b = lane.submit(BackgroundTask.of("b", p -> Thread.currentThread().getName() + ":b")
                .onSuccess(r -> {
                    uiThread.set(Thread.currentThread().getName());
                    events.add(r);
                }));
        assertEquals(TaskOutcome.SUCCEEDED, outcome(a));
        assertEquals(TaskOutcome.SUCCEEDED, outcome(b));
        assertEquals(List.of("loupe-engine:a", "loupe-engine:b"), events);
        assertEquals("fake-ui", uiThread.get());
    }

    @Test
    void aFailureIsOneLineAndNoResult() throws Exception {
        TaskHandle h = lane.submit(BackgroundTask.<String>of("fail", p -> {
            throw new LoupeException("config.json: missing field \"n_layer\"\n\tat somewhere");
        }).onSuccess(r -> events.add("success")).onFailure(m -> events.add("failed: " + m)));
        assertEquals(TaskOutcome.FAILED, outcome(h));
        assertEquals(List.of("failed: config.json: missing field \"n_layer\""), events);
    }

    @Test
    void cancelStopsTheRunningTaskAndTheQueue() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        TaskHandle running = lane.submit(BackgroundTask.of("long", blockingUntil(started, never))
                .onSuccess(r -> events.add("success")).onCancelled(() -> events.add("cancelled")));
        TaskHandle queued = lane.submit(BackgroundTask.of("next", p -> {
            events.add("queued task ran");
            return 1;
        }).onCancelled(() -> events.add("queued cancelled")));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        lane.cancelAll();
        assertEquals(TaskOutcome.CANCELLED, outcome(running));
        assertEquals(TaskOutcome.CANCELLED, outcome(queued));
        assertEquals(List.of("cancelled", "queued cancelled"), events);
    }

    @Test
    void aResultThatArrivesAfterCancelIsDropped() throws Exception {
        // The body ignores cancellation entirely; Cancel must still win over its late result.
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskHandle h = lane.submit(BackgroundTask.of("stubborn", p -> {
            started.countDown();
            release.await();
            return "late";
        }).onSuccess(events::add).onCancelled(() -> events.add("cancelled")));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        lane.cancelAll();
        release.countDown();
        assertEquals(TaskOutcome.CANCELLED, outcome(h));
        assertEquals(List.of("cancelled"), events);
    }

    @Test
    void aResultDroppedByCancelIsHandedToOnDiscard() throws Exception {
        // An opened model that nobody will use must still be closed.
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskHandle h = lane.submit(BackgroundTask.of("open", p -> {
            started.countDown();
            release.await();
            return "model";
        }).onSuccess(r -> events.add("used " + r)).onDiscard(r -> events.add("closed " + r)));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        lane.cancelAll();
        release.countDown();
        assertEquals(TaskOutcome.CANCELLED, outcome(h));
        assertEquals(List.of("closed model"), events);
    }

    @Test
    void notCancellableWorkRunsThroughCancelAndClose() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskHandle switching = lane.submit(BackgroundTask.of("switch session", blockingUntil(started, release))
                .notCancellable().onSuccess(events::add));
        TaskHandle save = lane.submit(BackgroundTask.of("final save", p -> "saved").quiet().onSuccess(events::add));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        lane.cancelAll();
        assertEquals(false, lane.snapshot().cancellable());
        lane.close();
        release.countDown();
        assertEquals(TaskOutcome.SUCCEEDED, outcome(switching));
        assertEquals(TaskOutcome.SUCCEEDED, outcome(save));
        assertEquals(List.of("done", "saved"), events);
    }

    @Test
    void theLatestRequestForAKeyWins() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskHandle first = lane.submitLatest("view", BackgroundTask.of("v1", blockingUntil(started, release))
                .onSuccess(r -> events.add("v1")).onCancelled(() -> events.add("v1 cancelled")));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        TaskHandle second = lane.submitLatest("view", BackgroundTask.of("v2", p -> "v2").onSuccess(events::add)
                .onCancelled(() -> events.add("v2 cancelled")));
        TaskHandle third = lane.submitLatest("view", BackgroundTask.of("v3", p -> "v3").onSuccess(events::add));
        TaskHandle other = lane.submitLatest("other", BackgroundTask.of("o", p -> "o").onSuccess(events::add));
        assertEquals(TaskOutcome.SUPERSEDED, outcome(first));
        assertEquals(TaskOutcome.SUPERSEDED, outcome(second));
        assertEquals(TaskOutcome.SUCCEEDED, outcome(third));
        assertEquals(TaskOutcome.SUCCEEDED, outcome(other));
        // Superseded work is dropped silently: no "cancelled" message for something the user replaced.
        assertEquals(List.of("v3", "o"), events);
    }

    @Test
    void quietTasksSurviveCancelAndStayOutOfTheStatus() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        lane.addStatusListener(seen::add);
        TaskHandle quiet = lane.submit(BackgroundTask.of("count tokens", blockingUntil(started, release)).quiet());
        assertTrue(started.await(30, TimeUnit.SECONDS));
        lane.cancelAll();
        assertEquals(TaskStatus.IDLE, lane.snapshot());
        release.countDown();
        assertEquals(TaskOutcome.SUCCEEDED, outcome(quiet));
        assertTrue(seen.stream().noneMatch(TaskStatus::running), "quiet work never shows: " + seen);
    }

    @Test
    void statusShowsTheRunningTaskThenIdle() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch sawRunning = new CountDownLatch(1);
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        lane.addStatusListener(s -> {
            seen.add(s);
            if (s.running() && s.fraction() == 0.5) {
                sawRunning.countDown();
            }
        });
        TaskHandle h = lane.submit(BackgroundTask.of("Running Activations", p -> {
            p.begin("layers", 4);
            p.worked(2);
            p.message("layer 2 of 4");
            started.countDown();
            release.await();
            return 1;
        }));
        assertTrue(sawRunning.await(30, TimeUnit.SECONDS), "status seen: " + seen);
        TaskStatus running = seen.stream().filter(s -> s.fraction() == 0.5).findFirst().orElseThrow();
        assertEquals("Running Activations", running.title());
        assertEquals("layer 2 of 4", running.message());
        release.countDown();
        outcome(h);
        // The coalescer always publishes after the last change, so the final status is idle.
        lane.close();
        assertTrue(lane.awaitTermination(10_000));
        for (int i = 0; i < 100 && !seen.get(seen.size() - 1).equals(TaskStatus.IDLE); i++) {
            Thread.sleep(20);
        }
        assertEquals(TaskStatus.IDLE, seen.get(seen.size() - 1));
    }

    @Test
    void aClosedLaneCancelsNewWork() throws Exception {
        lane.close();
        TaskHandle h = lane.submit(BackgroundTask.of("late", p -> "x").onSuccess(events::add));
        assertEquals(TaskOutcome.CANCELLED, outcome(h));
        assertTrue(events.isEmpty());
    }

    @Test
    void sameThreadRunnerRunsAtOnce() {
        AtomicReference<String> got = new AtomicReference<>();
        try (SameThreadTaskRunner r = new SameThreadTaskRunner()) {
            TaskHandle h = r.submit(BackgroundTask.of("t", p -> Thread.currentThread().getName()).onSuccess(got::set));
            assertTrue(h.isDone());
            assertEquals(Thread.currentThread().getName(), got.get());
            TaskHandle f = r.submit(BackgroundTask.of("f", p -> {
                throw new IllegalStateException("boom");
            }).onFailure(got::set));
            assertEquals(TaskOutcome.FAILED, f.outcome().join());
            assertEquals("unexpected IllegalStateException: boom", got.get());
        }
    }

    /** A plugin whose analyze never checks for cancel: abandoned after the grace period, and the queue goes on. */
    @Test
    void aTaskIgnoringCancelIsAbandonedAndLaterTasksStillRun() throws Exception {
        EngineLane strict = new EngineLane(ui, java.time.Duration.ofMillis(200));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> failures = new CopyOnWriteArrayList<>();
        List<String> late = new CopyOnWriteArrayList<>();
        try {
            TaskHandle stuck = strict.submit(BackgroundTask.of("Tuned lens", p -> {
                started.countDown();
                release.await(); // never looks at p: deaf to cancel
                return "late";
            }).onSuccess(late::add).onFailure(failures::add));
            TaskHandle next = strict.submit(BackgroundTask.of("next", p -> Thread.currentThread().getName()));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            stuck.cancel();
            assertEquals(TaskOutcome.FAILED, outcome(stuck));
            assertEquals(List.of("\"Tuned lens\" did not stop when cancelled (abandoned after 0.2 s; it may go on using"
                    + " the CPU until it ends)"), failures);
            assertEquals(TaskOutcome.SUCCEEDED, outcome(next));
            TaskHandle after = strict.submit(BackgroundTask.of("after", p -> Thread.currentThread().getName())
                    .onSuccess(events::add));
            assertEquals(TaskOutcome.SUCCEEDED, outcome(after));
            assertEquals(List.of("loupe-engine-2"), events, "later work runs on the new lane thread");
            release.countDown(); // the abandoned body ends at last: what it returns is dropped
            Thread.sleep(300);
            assertTrue(late.isEmpty(), "an abandoned task reports nothing more");
            assertEquals(1, failures.size());
        } finally {
            release.countDown();
            strict.close();
        }
    }

    /** The abandon hook runs on the new lane thread, before the work queued behind, and before the UI hears. */
    @Test
    void anAbandonedTasksHookRunsOnTheNewLaneBeforeQueuedWork() throws Exception {
        EngineLane strict = new EngineLane(ui, java.time.Duration.ofMillis(200));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        try {
            TaskHandle stuck = strict.submit(BackgroundTask.of("Tuned lens", p -> {
                started.countDown();
                release.await(); // deaf to cancel
                return "late";
            }).onAbandoned(m -> order.add("hook on " + Thread.currentThread().getName() + ": " + m))
                    .onFailure(m -> order.add("failure")));
            TaskHandle next = strict.submit(BackgroundTask.of("next", p -> {
                order.add("next");
                return null;
            }));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            stuck.cancel();
            assertEquals(TaskOutcome.FAILED, outcome(stuck));
            assertEquals(TaskOutcome.SUCCEEDED, outcome(next));
            assertEquals(3, order.size(), order.toString());
            assertTrue(order.get(0).startsWith("hook on loupe-engine-2: \"Tuned lens\" did not stop when cancelled"),
                    order.toString());
            assertTrue(order.indexOf("failure") > 0 && order.contains("next"), order.toString());
        } finally {
            release.countDown();
            strict.close();
        }
    }

    /** A task that honours cancel within the grace period is cancelled as always, not abandoned. */
    @Test
    void aTaskThatStopsInTimeIsCancelledNotAbandoned() throws Exception {
        EngineLane strict = new EngineLane(ui, java.time.Duration.ofSeconds(30));
        CountDownLatch started = new CountDownLatch(1);
        try {
            TaskHandle h = strict.submit(BackgroundTask.of("a", blockingUntil(started, new CountDownLatch(1))));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            h.cancel();
            assertEquals(TaskOutcome.CANCELLED, outcome(h));
        } finally {
            strict.close();
        }
    }
}
