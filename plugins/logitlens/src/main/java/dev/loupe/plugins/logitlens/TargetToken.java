package dev.loupe.plugins.logitlens;

import dev.loupe.engine.LoupeModel;

/**
 * Resolves what the user typed as a target token: "#1234" is a raw id; a word must encode to exactly one token
 * (type it as the model sees it, e.g. " Paris" with its leading space for byte-level BPE).
 */
final class TargetToken {
    private TargetToken() {
    }

    static long resolve(LoupeModel model, String typed, String param) {
        String t = typed;
        if (t.startsWith("#")) {
            try {
                long id = Long.parseLong(t.substring(1).strip());
                if (id < 0 || id >= model.info().dVocab()) {
                    throw new IllegalArgumentException(param + ": token id " + id + " is out of range 0.." + (model.info().dVocab() - 1));
                }
                return id;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(param + ": \"" + typed + "\" is not a token id like #1234");
            }
        }
        long[] ids = model.encodePiece(t); // not model.encode: a BOS-adding tokenizer would make every word two
        if (ids.length != 1) {
            throw new IllegalArgumentException(param + ": \"" + typed + "\" is " + ids.length
                    + " tokens for this tokenizer; give a single token (or #id)");
        }
        if (ids[0] == model.unknownTokenId()) {
            throw new IllegalArgumentException(param + ": \"" + typed + "\" is not in this model's vocabulary (it would"
                    + " be read as the unknown token); check the spelling, or give a token id (#id)");
        }
        return ids[0];
    }

    /** A token label in quotes for titles and hovers, its newlines shown as \n. */
    static String quote(String token) {
        return "'" + token.replace("\n", "\\n") + "'";
    }

    static int position(int requested, int length, String param) {
        int p = requested < 0 ? length + requested : requested;
        if (p < 0 || p >= length) {
            throw new IllegalArgumentException(param + " " + requested + " is outside the input (0.." + (length - 1) + ")");
        }
        return p;
    }
}
