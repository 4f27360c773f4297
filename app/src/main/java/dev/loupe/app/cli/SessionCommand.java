package dev.loupe.app.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.loupe.app.session.InputRecord;
import dev.loupe.app.session.SessionMeta;
import dev.loupe.app.session.SessionStore;
import dev.loupe.app.session.StoredArtifact;
import dev.loupe.app.session.StoredModel;
import dev.loupe.app.session.StoredRun;
import dev.loupe.engine.LoupeException;
import dev.loupe.plugin.result.Result;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code loupe session}: look into, export and import session files without the app. Unlike the other commands it
 * takes a subcommand and file operands ({@code session show FILE 3}), so {@link Cli} hands it the raw words through
 * {@link #runWords}; it still reports errors by throwing, as every command does.
 */
public final class SessionCommand implements Command {
    static final Option OUT = Option.value("out", "FILE", "export: the .loupe file to write; import: the session file to create");
    private static final List<String> SUBCOMMANDS = List.of("list", "show", "export", "import");
    private static final Gson JSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();
    private static final int MAX_TEXT = 200;

    @Override
    public String name() {
        return "session";
    }

    @Override
    public String summary() {
        return "list, show, export or import a session file";
    }

    @Override
    public String synopsis() {
        return "session list FILE | show FILE [RUN_ID] | export FILE --out FILE.loupe | import FILE.loupe --out FILE";
    }

    @Override
    public List<Option> options() {
        return List.of(OUT);
    }

    /** Reached only when the line had no subcommand (Cli parses option-only lines itself). */
    @Override
    public void run(ParsedArgs args, PrintStream out, PrintStream err) {
        throw new UsageException("session: needs a subcommand (" + String.join(", ", SUBCOMMANDS) + "); see loupe help session");
    }

    /** Runs {@code loupe session WORDS...}: a subcommand, its file operands and options in any order. */
    public void runWords(List<String> words, PrintStream out, PrintStream err) {
        List<String> operands = new ArrayList<>();
        List<String> optionWords = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.startsWith("--") && !w.equals("--")) {
                optionWords.add(w);
                // "--out FILE": the next word is the option's value, not an operand.
                if (w.equals("--" + OUT.name()) && i + 1 < words.size() && !words.get(i + 1).startsWith("--")) {
                    optionWords.add(words.get(++i));
                }
            } else {
                operands.add(w);
            }
        }
        if (optionWords.contains("--" + ParsedArgs.HELP.name())) {
            printHelp(out);
            return;
        }
        if (operands.isEmpty()) {
            throw new UsageException("session: needs a subcommand (" + String.join(", ", SUBCOMMANDS) + "); see loupe help session");
        }
        String sub = operands.remove(0);
        if (!SUBCOMMANDS.contains(sub)) {
            throw new UsageException("session: unknown subcommand \"" + sub + "\" (" + String.join(", ", SUBCOMMANDS) + ")");
        }
        String command = "session " + sub;
        ParsedArgs args = ParsedArgs.parse(command, options(), optionWords);
        boolean takesOut = sub.equals("export") || sub.equals("import");
        if (!takesOut && args.has(OUT.name())) {
            throw new UsageException(command + ": --out is only for export and import");
        }
        int maxOperands = sub.equals("show") ? 2 : 1;
        if (operands.isEmpty()) {
            throw new UsageException(command + ": needs the " + (sub.equals("import") ? "export file (FILE.loupe)" : "session file"));
        }
        if (operands.size() > maxOperands) {
            throw new UsageException(command + ": unexpected argument \"" + operands.get(maxOperands) + "\" (usage: loupe "
                    + usage(sub) + ")");
        }
        Path file = Path.of(operands.get(0));
        switch (sub) {
            case "list" -> list(file, out);
            case "show" -> show(file, operands.size() > 1 ? runId(command, operands.get(1)) : null, out);
            case "export" -> export(file, Path.of(args.require(OUT.name())), out);
            default -> importFile(file, Path.of(args.require(OUT.name())), out);
        }
    }

    private static void list(Path file, PrintStream out) {
        try (SessionStore store = SessionStore.open(file)) {
            List<StoredRun> runs = store.runs();
            out.println(store.file() + ": " + runs.size() + (runs.size() == 1 ? " run" : " runs"));
            if (runs.isEmpty()) {
                return;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "PLUGIN", "VERSION", "STATUS", "STARTED", "DURATION"});
            for (StoredRun r : runs) {
                rows.add(new String[] {Long.toString(r.id()), r.pluginId(), r.pluginVersion(),
                        r.isDamaged() ? "damaged" : r.status().dbName(),
                        r.startedAt().truncatedTo(ChronoUnit.SECONDS).toString(), duration(r.duration())});
            }
            int[] width = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == 0 ? String.format("%" + width[i] + "s", row[i]) : String.format("  %-" + width[i] + "s", row[i]));
                }
                out.println(line.toString().stripTrailing());
            }
            for (StoredRun r : runs) {
                if (r.isDamaged()) {
                    out.println("run " + r.id() + " is damaged: " + r.damage());
                }
            }
        }
    }

    private static void show(Path file, Long runId, PrintStream out) {
        try (SessionStore store = SessionStore.open(file)) {
            out.println(JSON.toJson(runId == null ? sessionJson(store) : runJson(store, runId)));
        }
    }

    private static JsonObject sessionJson(SessionStore store) {
        SessionMeta meta = store.meta();
        JsonObject o = new JsonObject();
        o.addProperty("file", store.file().toString());
        o.addProperty("schema_version", meta.schemaVersion());
        o.addProperty("created", meta.created().toString());
        o.addProperty("modified", meta.modified().toString());
        o.addProperty("created_by", meta.createdBy());
        o.addProperty("app_version", meta.appVersion());
        JsonArray models = new JsonArray();
        store.models().forEach(m -> models.add(modelJson(m)));
        o.add("models", models);
        JsonArray runs = new JsonArray();
        for (StoredRun r : store.runs()) {
            JsonObject s = new JsonObject();
            s.addProperty("id", r.id());
            s.addProperty("plugin", r.pluginId());
            s.addProperty("status", r.status().dbName());
            s.addProperty("started", r.startedAt().toString());
            runs.add(s);
        }
        o.add("runs", runs);
        JsonArray artifacts = new JsonArray();
        store.artifacts().forEach(a -> artifacts.add(artifactJson(a)));
        o.add("artifacts", artifacts);
        o.addProperty("workspace_saved", store.workspace().isPresent());
        return o;
    }

    /** What a plugin keeps in the session (trained translators...): listed, not decoded. */
    private static JsonObject artifactJson(StoredArtifact a) {
        JsonObject o = new JsonObject();
        o.addProperty("plugin", a.pluginId());
        o.addProperty("key", a.key());
        o.addProperty("bytes", a.size());
        o.addProperty("sha256", a.sha256());
        o.addProperty("created", a.createdAt().toString());
        if (a.runId() != null) {
            o.addProperty("made_by_run", a.runId());
        }
        return o;
    }

    private static JsonObject runJson(SessionStore store, long runId) {
        StoredRun run = store.run(runId).orElseThrow(() -> {
            List<StoredRun> runs = store.runs();
            String have = runs.isEmpty() ? "it has no runs"
                    : "its runs are " + runs.get(0).id() + ".." + runs.get(runs.size() - 1).id();
            return new LoupeException(store.file() + ": has no run " + runId + " (" + have + ")");
        });
        JsonObject o = run.toJson();
        if (run.modelId() != null) {
            store.model(run.modelId()).ifPresent(m -> o.add("model", modelJson(m)));
        }
        if (run.inputId() != null) {
            store.input(run.inputId()).ifPresent(in -> o.add("input", inputJson(in)));
        }
        JsonArray made = new JsonArray();
        store.artifacts().stream().filter(a -> a.runId() != null && a.runId() == runId)
                .forEach(a -> made.add(artifactJson(a)));
        if (!made.isEmpty()) {
            o.add("artifacts", made);
        }
        if (run.hasResult()) {
            JsonObject summary;
            try {
                Optional<Result> result = store.result(runId);
                summary = result.map(SessionCommand::summarize).orElseGet(JsonObject::new);
            } catch (LoupeException e) {
                // Provenance is still worth showing when the result cannot be decoded (say, a plugin's newer type).
                summary = new JsonObject();
                summary.addProperty("error", e.getMessage());
            }
            summary.addProperty("json_bytes", run.resultBytes());
            o.add("result", summary);
        }
        return o;
    }

    private static JsonObject modelJson(StoredModel m) {
        JsonObject o = new JsonObject();
        o.addProperty("id", m.id());
        o.addProperty("path", m.path().toString());
        o.addProperty("sha256", m.sha256());
        o.addProperty("family", m.family());
        return o;
    }

    private static JsonObject inputJson(InputRecord in) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", in.kind().id());
        if (in.image() != null) {
            o.addProperty("image", in.image().path().toString());
            o.addProperty("sha256", in.image().sha256());
            o.addProperty("width", in.image().width());
            o.addProperty("height", in.image().height());
            o.addProperty("bytes_included", in.image().bytes() != null);
        }
        if (in.text() != null) {
            o.addProperty("text", in.text());
        }
        if (in.tokenIds() != null) {
            o.add("token_ids", JSON.toJsonTree(in.tokenIds()));
        }
        if (!in.tokenLabels().isEmpty()) {
            o.add("token_labels", JSON.toJsonTree(in.tokenLabels()));
        }
        return o;
    }

    /** What a result is, without its data: type, title, scalar fields, and the sizes of arrays and lists. */
    static JsonObject summarize(Result result) {
        JsonObject o = new JsonObject();
        o.addProperty("type", result.getClass().getSimpleName());
        RecordComponent[] components = result.getClass().getRecordComponents();
        if (components == null) {
            o.addProperty("title", result.title());
            return o;
        }
        for (RecordComponent c : components) {
            Object v;
            try {
                v = c.getAccessor().invoke(result);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            String key = c.getName();
            if (v == null) {
                continue;
            } else if (v instanceof Number n) {
                o.addProperty(key, n);
            } else if (v instanceof Boolean b) {
                o.addProperty(key, b);
            } else if (v instanceof CharSequence || v instanceof Enum<?>) {
                String s = v.toString();
                o.addProperty(key, s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "..." : s);
            } else if (v.getClass().isArray()) {
                o.addProperty(key, v.getClass().getComponentType().getSimpleName() + "[" + Array.getLength(v) + "]");
            } else if (v instanceof Collection<?> col) {
                o.addProperty(key, col.size() + " items");
            } else if (v instanceof Map<?, ?> map) {
                o.addProperty(key, map.size() + " entries");
            } else if (v instanceof JsonObject json) {
                o.addProperty(key, json.size() + " JSON fields");
            }
        }
        return o;
    }

    private static void export(Path file, Path to, PrintStream out) {
        try (SessionStore store = SessionStore.open(file)) {
            int runs = store.runs().size();
            store.exportTo(to);
            out.println("exported " + runs + (runs == 1 ? " run" : " runs") + " from " + store.file() + " to "
                    + to.toAbsolutePath().normalize() + " (" + size(to) + " bytes)");
        }
    }

    private static void importFile(Path from, Path to, PrintStream out) {
        Path created = SessionStore.importFrom(from, to);
        // Opening upgrades an export from an older Loupe and sets the journal mode, so the file is ready to use.
        try (SessionStore store = SessionStore.open(created)) {
            int runs = store.runs().size();
            out.println("imported " + runs + (runs == 1 ? " run" : " runs") + " from " + from.toAbsolutePath().normalize()
                    + " into " + created);
        }
    }

    private static long runId(String command, String text) {
        try {
            long id = Long.parseLong(text.trim());
            if (id >= 1) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the value.
        }
        throw new UsageException(command + ": RUN_ID must be a positive whole number, got \"" + text + "\"");
    }

    private static String duration(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format("%.2f s", ms / 1000.0);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static String usage(String sub) {
        return switch (sub) {
            case "list" -> "session list FILE";
            case "show" -> "session show FILE [RUN_ID]";
            case "export" -> "session export FILE --out FILE.loupe";
            default -> "session import FILE.loupe --out FILE";
        };
    }

    /** The same layout as {@code loupe help session}, for {@code loupe session SUB --help}. */
    private void printHelp(PrintStream p) {
        p.println("usage: loupe " + synopsis());
        p.println();
        p.println(summary());
        p.println();
        p.println("subcommands:");
        for (String sub : SUBCOMMANDS) {
            p.println("  " + usage(sub));
        }
        p.println();
        p.println("options:");
        for (Option o : List.of(OUT, ParsedArgs.DEBUG, ParsedArgs.HELP)) {
            p.printf("  %-10s  %s%n", o.display(), o.help());
        }
    }
}
