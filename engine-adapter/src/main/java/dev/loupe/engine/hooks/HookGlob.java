package dev.loupe.engine.hooks;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Glob patterns over hook names: "*" matches any run of characters (dots included), "?" one character. */
public final class HookGlob {
    private final String glob;
    private final Pattern pattern;

    private HookGlob(String glob) {
        this.glob = glob;
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        this.pattern = Pattern.compile(re.toString());
    }

    public static HookGlob of(String glob) {
        return new HookGlob(glob.strip());
    }

    /** Parses a comma-separated list ("blocks.*.hook_resid_post, logits"), skipping empty entries. */
    public static List<HookGlob> parseList(String commaSeparated) {
        List<HookGlob> out = new ArrayList<>();
        for (String part : commaSeparated.split(",")) {
            if (!part.isBlank()) {
                out.add(of(part));
            }
        }
        return out;
    }

    public boolean matches(String hookName) {
        return pattern.matcher(hookName).matches();
    }

    /** The names among {@code hookNames} this glob matches, in their order. */
    public List<String> select(List<String> hookNames) {
        List<String> out = new ArrayList<>();
        for (String h : hookNames) {
            if (matches(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** A short sample of a model's hooks for "matches nothing" messages; the full list can run to hundreds. */
    public static String sample(List<String> hookNames) {
        if (hookNames.size() <= 6) {
            return String.join(", ", hookNames);
        }
        return String.join(", ", hookNames.subList(0, 4)) + ", ..., " + hookNames.get(hookNames.size() - 1) + "; "
                + hookNames.size() + " hooks";
    }

    public String glob() {
        return glob;
    }

    @Override
    public String toString() {
        return glob;
    }
}
