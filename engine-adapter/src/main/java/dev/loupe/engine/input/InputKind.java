package dev.loupe.engine.input;

import java.util.Locale;

/**
 * What a model runs on. A model says which kinds it takes, a plugin which kinds it accepts, and a session records
 * each input with its kind; a new kind is one constant here and one {@link ModelInput} record.
 */
public enum InputKind {
    /** Token ids, usually encoded from a prompt by the checkpoint's tokenizer: {@link TokenInput}. */
    TEXT,
    /** An image preprocessed to pixels for a vision model: {@link ImageInput}. */
    IMAGE;

    /** "text", "image": how messages and session files name the kind. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind a session file names; anything else is refused by name. */
    public static InputKind fromId(String id) {
        for (InputKind k : values()) {
            if (k.id().equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown input kind \"" + id + "\" (known: text, image)");
    }
}
