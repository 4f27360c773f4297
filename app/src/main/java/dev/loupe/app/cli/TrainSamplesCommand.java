package dev.loupe.app.cli;

import dev.loupe.app.SampleModels;
import dev.loupe.samples.SampleTraining;
import dev.loupe.samples.SampleTraining.Sample;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code loupe train-samples}: retrains the sample models Loupe ships, from their generated data and fixed seeds,
 * with a progress bar per model. By default it writes into the sample folder Loupe opens (in a source checkout,
 * sample-models/), replacing each model only once it is trained and measured.
 */
final class TrainSamplesCommand implements Command {

    @Override
    public String name() {
        return "train-samples";
    }

    @Override
    public String summary() {
        return "retrain the sample models (tiny-lm, looped-lm) from their seeds (about 10 minutes on 2 cores)";
    }

    @Override
    public String synopsis() {
        return "train-samples [--only NAME] [--out DIR]";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.repeated("only", "NAME", "train only this sample ("
                        + String.join(", ", Stream.of(Sample.values()).map(Sample::folderName).toList())
                        + "); repeatable"),
                Option.value("out", "DIR", "folder to write the models into (default: Loupe's sample folder, "
                        + SampleModels.folder().map(Path::toString).orElse("sample-models") + ")"));
    }

    @Override
    public void run(ParsedArgs args, PrintStream out, PrintStream err) throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (String name : args.all("only")) {
            try {
                samples.add(Sample.named(name));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--only: " + e.getMessage());
            }
        }
        if (samples.isEmpty()) {
            samples.addAll(List.of(Sample.values()));
        }
        Path folder = args.has("out") ? Path.of(args.get("out")) : SampleModels.folder().orElseThrow(() ->
                new UsageException("no sample folder found (set -Dloupe.samples or give --out DIR)"));
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new UsageException("--out " + folder + " is a file, not a folder");
        }
        // Progress bars and figures are the command's output, but they go to stderr with the other progress notes,
        // so that stdout stays for results, as with every other command.
        SampleTraining.train(samples, folder, err);
        out.println(folder.toAbsolutePath());
    }
}
