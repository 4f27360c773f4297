package dev.loupe.plugins.attention;

import dev.loupe.engine.Intervention;
import dev.loupe.engine.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heads as people write them: {@code L1H2} one head, {@code L1} every head of a layer, several separated by spaces
 * or commas ({@code L1H2 L1H3}). Layers and heads count from 0, as in the views' labels.
 */
final class HeadSpec {
    private static final Pattern ONE = Pattern.compile("[Ll](\\d+)(?:[Hh](\\d+))?");

    private HeadSpec() {
    }

    /** Layer -> heads (an empty set: every head), checked against the model; errors name {@code param}. */
    static Map<Integer, TreeSet<Integer>> parse(String spec, ModelInfo model, String param) {
        Map<Integer, TreeSet<Integer>> out = new TreeMap<>();
        List<String> words = words(spec);
        if (words.isEmpty()) {
            throw new IllegalArgumentException(param + ": \"" + spec + "\" names no head (write heads like L1H2 or layers like L1)");
        }
        for (String word : words) {
            Matcher m = ONE.matcher(word);
            if (!m.matches()) {
                throw new IllegalArgumentException(param + ": \"" + word + "\" is not a head like L1H2 or a layer like L1");
            }
            int layer = index(m.group(1));
            if (layer >= model.layers()) {
                throw new IllegalArgumentException(param + ": " + word + " names layer " + m.group(1) + ", but the model has "
                        + "layers 0.." + (model.layers() - 1));
            }
            TreeSet<Integer> heads = out.computeIfAbsent(layer, l -> new TreeSet<>());
            if (m.group(2) == null) {
                heads.clear(); // the whole layer
                heads.add(-1);
                continue;
            }
            int head = index(m.group(2));
            if (head >= model.heads()) {
                throw new IllegalArgumentException(param + ": " + word + " names head " + m.group(2) + ", but the model has "
                        + "heads 0.." + (model.heads() - 1));
            }
            if (!heads.contains(-1)) {
                heads.add(head);
            }
        }
        return out;
    }

    /** The spec's words; separators alone (",,,") give none. */
    private static List<String> words(String spec) {
        List<String> out = new ArrayList<>();
        for (String w : spec.strip().split("[\\s,;]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** A layer or head number; one too large for an int is simply out of the model's range. */
    private static int index(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** Zero-ablation of the named heads' outputs, {@code blocks.L.attn.hook_z}, one intervention per layer. */
    static List<Intervention> zeroAblations(String spec, ModelInfo model, String param) {
        List<Intervention> out = new ArrayList<>();
        parse(spec, model, param).forEach((layer, heads) -> {
            String hook = "blocks." + layer + ".attn.hook_z";
            out.add(heads.contains(-1) ? Intervention.zeroAblate(hook)
                    : Intervention.zeroAblate(hook, heads.stream().mapToInt(Integer::intValue).toArray()));
        });
        return out;
    }

    /** The spec as it reads in a title: the words, comma-separated. */
    static String describe(String spec) {
        return String.join(", ", words(spec));
    }
}
