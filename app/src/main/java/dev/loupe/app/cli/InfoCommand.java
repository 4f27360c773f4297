package dev.loupe.app.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.loupe.engine.EngineInfo;
import dev.loupe.engine.LoupeModel;
import java.io.PrintStream;
import java.util.List;

/** {@code loupe info}: the model card as JSON, with the engine that computes it. */
final class InfoCommand implements Command {

    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "print what a checkpoint is (family, sizes, parameters, dtype, device) as JSON";
    }

    @Override
    public String synopsis() {
        return "info --model DIR [--device auto|cpu|gpu] [--dtype f32|f16|bf16]";
    }

    @Override
    public List<Option> options() {
        return ModelArgs.OPTIONS;
    }

    @Override
    public void run(ParsedArgs args, PrintStream out, PrintStream err) {
        try (LoupeModel model = ModelArgs.open(args)) {
            JsonObject card = model.info().toJson();
            // Which kernels compute matters when comparing speed or bits with another machine.
            card.addProperty("engine", EngineInfo.describe());
            out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(card));
        }
    }
}
