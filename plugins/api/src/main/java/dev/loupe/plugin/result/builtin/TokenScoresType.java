package dev.loupe.plugin.result.builtin;

import dev.loupe.plugin.result.CsvWriter;
import dev.loupe.plugin.result.ResultReader;
import dev.loupe.plugin.result.ResultType;
import dev.loupe.plugin.result.ResultWriter;
import dev.loupe.plugin.result.TokenScoresResult;
import java.io.IOException;
import java.util.List;

/** {@code "tokens"}: tokens, scores, score label, diverging. CSV: {@code position,token,score}. */
public final class TokenScoresType implements ResultType<TokenScoresResult> {

    @Override
    public String type() {
        return "tokens";
    }

    @Override
    public Class<TokenScoresResult> resultClass() {
        return TokenScoresResult.class;
    }

    @Override
    public void write(TokenScoresResult t, ResultWriter o) {
        o.strings("tokens", t.tokens());
        o.floats("scores", t.scores());
        o.text("scoreLabel", t.scoreLabel());
        o.bool("diverging", t.diverging());
    }

    @Override
    public TokenScoresResult read(String title, ResultReader f) {
        List<String> tokens = f.strings("tokens");
        float[] scores = f.floats("scores");
        String label = f.text("scoreLabel");
        boolean diverging = f.bool("diverging");
        return f.guarded("scores", () -> new TokenScoresResult(title, tokens, scores, label, diverging));
    }

    @Override
    public boolean hasCsv(TokenScoresResult result) {
        return true;
    }

    @Override
    public void writeCsv(TokenScoresResult t, CsvWriter csv) throws IOException {
        csv.row(List.of("position", "token", "score"));
        for (int i = 0; i < t.scores().length; i++) {
            csv.integer(i);
            csv.text(t.tokens().get(i));
            csv.number(t.scores()[i]);
            csv.end();
        }
    }
}
