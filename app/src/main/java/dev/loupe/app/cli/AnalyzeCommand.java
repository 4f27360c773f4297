package dev.loupe.app.cli;

import dev.loupe.app.plugins.AnalysisInput;
import dev.loupe.app.plugins.RecordedAnalysis;
import dev.loupe.app.plugins.PluginRegistry;
import dev.loupe.app.plugins.PluginRegistry.LoadedPlugin;
import dev.loupe.app.session.SessionStore;
import dev.loupe.engine.LoupeException;
import dev.loupe.engine.LoupeModel;
import dev.loupe.engine.io.AtomicFiles;
import dev.loupe.plugin.params.Params;
import dev.loupe.plugin.result.CustomResult;
import dev.loupe.plugin.result.Result;
import dev.loupe.plugin.result.ResultCodec;
import dev.loupe.plugin.result.ResultCsv;
import dev.loupe.viewers.export.FigureExporter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code loupe analyze}: runs any plugin headless, exactly as the app does (same runner), and writes what its view
 * would show: result.json (the result, reloadable), data.csv, figure.png and figure.svg.
 */
final class AnalyzeCommand implements Command {
    static final Option PLUGIN = Option.value("plugin", "ID", "the plugin to run, by id (loupe plugins lists them)");
    static final Option PROMPT = Option.value("prompt", "TEXT", "the input text (needs tokenizer.json)");
    static final Option TOKENS = Option.value("tokens", "IDS", "the input as token ids, e.g. 1,2,3 (no tokenizer needed)");
    static final Option PARAM = Option.repeated("param", "KEY=VALUE", "set a plugin parameter (repeatable); unset ones keep their defaults");
    static final Option OUT = Option.value("out", "DIR", "folder for result.json, data.csv, figure.png, figure.svg (created if needed)");
    static final Option SESSION = Option.value("session", "FILE",
            "record the run in this session file (created if it does not exist)");

    static final String RESULT_JSON = "result.json";
    static final String DATA_CSV = "data.csv";
    static final String FIGURE_PNG = "figure.png";
    static final String FIGURE_SVG = "figure.svg";

    private final Supplier<Path> pluginDir;

    AnalyzeCommand() {
        this(PluginRegistry::defaultPluginDir);
    }

    /** With another user plugin folder (tests). */
    AnalyzeCommand(Path pluginDir) {
        this(() -> pluginDir);
    }

    private AnalyzeCommand(Supplier<Path> pluginDir) {
        this.pluginDir = pluginDir;
    }

    @Override
    public String name() {
        return "analyze";
    }

    @Override
    public String summary() {
        return "run a plugin on a prompt and write its result, data and figure to a folder";
    }

    @Override
    public String synopsis() {
        return "analyze --model DIR --plugin ID (--prompt TEXT | --tokens 1,2,3) [--param KEY=VALUE]... [--session FILE] --out DIR";
    }

    @Override
    public List<Option> options() {
        List<Option> all = new ArrayList<>(ModelArgs.OPTIONS);
        all.addAll(List.of(PLUGIN, PROMPT, TOKENS, PARAM, OUT, SESSION));
        return all;
    }

    @Override
    public void run(ParsedArgs args, PrintStream out, PrintStream err) {
        // Everything that can be checked without the model first: loading and running take a while.
        ModelArgs.modelDir(args);
        String pluginId = args.require(PLUGIN.name());
        String prompt = args.get(PROMPT.name());
        String tokenList = args.get(TOKENS.name());
        if (prompt != null && tokenList != null) {
            throw new UsageException("analyze: give either --prompt or --tokens, not both");
        }
        if (prompt == null && tokenList == null) {
            throw new UsageException("analyze: needs --prompt TEXT or --tokens IDS");
        }
        ModelArgs.checkPrompt(prompt); // blank counts as empty, as in trace and generate
        AnalysisInput input = prompt != null ? AnalysisInput.ofText(prompt)
                : AnalysisInput.ofTokens(TraceCommand.parseTokens(tokenList));
        Map<String, String> paramTexts = paramTexts(args.all(PARAM.name()));
        Path outDir = Path.of(args.require(OUT.name())).toAbsolutePath();
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new LoupeException(outDir + ": is a file (--out needs a folder)");
        }

        try (PluginRegistry registry = PluginRegistry.discover(pluginDir.get())) {
            LoadedPlugin plugin = registry.find(pluginId).orElseThrow(() -> unknownPlugin(pluginId, registry));
            Params params;
            try {
                params = plugin.params().parse(paramTexts);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--param: " + e.getMessage());
            }

            Result result;
            String sessionFile = args.get(SESSION.name());
            Long runId = null;
            RecordedAnalysis.Recording recording = new RecordedAnalysis.Recording();
            // Declared first, closed last: a signal's wait ends only once the session is closed.
            try (StopOnSignal stop = new StopOnSignal(plugin.id(), recording, err);
                    SessionStore session = sessionFile == null ? null : SessionStore.openOrCreate(Path.of(sessionFile));
                    LoupeModel model = ModelArgs.open(args)) {
                ModelArgs.warnUnknownWords(model, prompt, err);
                RecordedAnalysis.Outcome outcome = RecordedAnalysis.run(session, model, plugin, params, input,
                        new ConsoleProgress(err, stop::requested), recording);
                result = outcome.result();
                runId = outcome.runId();
            }

            List<String> written = new ArrayList<>();
            try {
                Files.createDirectories(outDir);
                AtomicFiles.writeText(outDir.resolve(RESULT_JSON), w -> w.write(ResultCodec.toJsonText(result)));
                written.add(RESULT_JSON);
                if (ResultCsv.supports(result)) {
                    AtomicFiles.writeText(outDir.resolve(DATA_CSV), w -> ResultCsv.write(result, w));
                    written.add(DATA_CSV);
                }
                if (hasFigure(result, out)) {
                    FigureExporter.writePng(result, outDir.resolve(FIGURE_PNG));
                    FigureExporter.writeSvg(result, outDir.resolve(FIGURE_SVG));
                    written.add(FIGURE_PNG);
                    written.add(FIGURE_SVG);
                }
            } catch (IOException | RuntimeException | Error e) {
                String why = e instanceof IOException ? outDir + ": cannot write the results (" + e.getClass().getSimpleName()
                        + ": " + e.getMessage() + ")"
                        : outDir + ": the results could not all be written (" + e.getClass().getSimpleName() + ": "
                                + e.getMessage() + ")";
                // The run computed, but the user did not get its outputs: the session must not say "ok".
                if (runId != null) {
                    try (SessionStore session = SessionStore.open(Path.of(sessionFile))) {
                        session.markFailed(runId, why + "; written: " + (written.isEmpty() ? "nothing" : String.join(", ", written)));
                    }
                }
                throw new LoupeException(why, e);
            }
            out.println("wrote " + String.join(", ", written) + " to " + outDir + " (" + plugin.id() + " "
                    + plugin.info().version() + ", " + ResultCodec.typeName(result) + " \"" + result.title() + "\")"
                    + (runId == null ? "" : "; recorded as run " + runId + " in " + sessionFile));
        }
    }

    /** Standard results always have a figure; a custom one only if its plugin registered one. */
    private static boolean hasFigure(Result result, PrintStream out) {
        if (result instanceof CustomResult) {
            try {
                FigureExporter.figure(result);
            } catch (IllegalArgumentException e) {
                out.println("no figure: " + e.getMessage());
                return false;
            }
        }
        return true;
    }

    /** "k=v" texts -> map; the value may itself contain '=' (only the first one splits). */
    static Map<String, String> paramTexts(List<String> params) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--param: expected KEY=VALUE, got \"" + p + "\"");
            }
            String key = p.substring(0, eq).strip();
            if (out.put(key, p.substring(eq + 1)) != null) {
                throw new UsageException("--param: " + key + " is given more than once");
            }
        }
        return out;
    }

    private static UsageException unknownPlugin(String id, PluginRegistry registry) {
        List<String> ids = registry.plugins().stream().map(LoadedPlugin::id).toList();
        String failed = registry.failures().isEmpty() ? ""
                : "; " + registry.failures().size() + " failed to load, see loupe plugins";
        return new UsageException("--plugin: no plugin \"" + id + "\" (plugins: "
                + (ids.isEmpty() ? "none" : String.join(", ", ids)) + failed + ")");
    }
}
