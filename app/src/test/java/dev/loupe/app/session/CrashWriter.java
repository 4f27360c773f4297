package dev.loupe.app.session;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The process {@link SessionCrashTest} kills: opens a session and saves big runs, workspaces and copies in a loop,
 * printing a line after each save returns. With "pause" it freezes inside a run's transaction (after the run row,
 * before its result) and says so, so the parent can kill it exactly mid-write.
 */
public final class CrashWriter {
    static final int ROWS = 128;
    static final int COLS = 128;

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        long seedBase = Long.parseLong(args[1]);
        boolean pause = args[2].equals("pause");
        Path copy = Path.of(args[3]);
        long[] current = {0};
        long[] done = {0};
        try (SessionStore s = SessionStore.open(db)) {
            s.writeHook = point -> {
                if (pause && done[0] >= 2 && point.equals("run-inserted")) {
                    System.out.println("inside " + current[0]);
                    System.out.flush();
                    try {
                        Thread.sleep(120_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            for (long i = 0; ; i++) {
                long seed = seedBase + i;
                current[0] = seed;
                long id = s.recordRun(Fixtures.okRun(null, null, seed, Fixtures.matrix(ROWS, COLS, seed)));
                done[0]++;
                System.out.println("committed " + id + " " + seed);
                if (i % 3 == 2) {
                    s.saveWorkspace(workspace(seed));
                    System.out.println("workspace " + seed);
                }
                if (i % 4 == 3) {
                    s.saveCopyAs(copy);
                    System.out.println("copy " + seed);
                }
                System.out.flush();
            }
        }
    }

    /** A workspace big enough to span many pages, carrying a checksum of itself to prove it is whole. */
    static JsonObject workspace(long seed) {
        JsonArray views = new JsonArray();
        for (int i = 0; i < 2000; i++) {
            views.add("view " + i + " of workspace " + seed);
        }
        JsonObject ws = new JsonObject();
        ws.addProperty("seq", seed);
        ws.add("views", views);
        ws.addProperty("check", checksum(views));
        return ws;
    }

    static String checksum(JsonArray views) {
        return ModelHasher.hex(ModelHasher.digest().digest(views.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
