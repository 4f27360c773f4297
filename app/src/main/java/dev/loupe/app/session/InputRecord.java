package dev.loupe.app.session;

import dev.loupe.engine.input.ImageInput;
import dev.loupe.engine.input.InputKind;
import dev.loupe.engine.input.ModelInput;
import dev.loupe.engine.input.TokenInput;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A model input as a session keeps it, by kind. Text: a prompt and/or the token ids it became (a run given ids
 * directly has no text). Image: the file, the sha256 of its bytes, its size and, when the session carries the
 * picture, the bytes themselves; never the preprocessed pixels, which the model recomputes. Either way the labels
 * of its positions (what the views show on their axes).
 */
public record InputRecord(InputKind kind, String text, long[] tokenIds, Image image, List<String> tokenLabels) {

    /**
     * An image input's provenance: {@code bytes} is null unless the session stores the picture; when present, its
     * sha256 must be {@code sha256}.
     */
    public record Image(Path path, String sha256, int width, int height, byte[] bytes) {

        public Image {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(sha256, "sha256");
            if (width <= 0 || height <= 0) {
                throw new IllegalArgumentException(path + ": image size " + width + "x" + height + " is not positive");
            }
            if (bytes != null) {
                String actual = ModelHasher.hex(ModelHasher.digest().digest(bytes));
                if (!actual.equals(sha256)) {
                    throw new IllegalArgumentException(path + ": the bytes given hash to " + actual
                            + ", not the recorded sha256 " + sha256);
                }
                bytes = bytes.clone();
            }
        }

        @Override
        public byte[] bytes() {
            return bytes == null ? null : bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Image i && path.equals(i.path) && sha256.equals(i.sha256) && width == i.width
                    && height == i.height && Arrays.equals(bytes, i.bytes);
        }

        @Override
        public int hashCode() {
            return Objects.hash(path, sha256, width, height, Arrays.hashCode(bytes));
        }

        @Override
        public String toString() {
            return "Image[" + path + ", " + width + "x" + height + ", sha256=" + sha256
                    + (bytes == null ? "" : ", " + bytes.length + " bytes") + "]";
        }
    }

    public InputRecord {
        Objects.requireNonNull(kind, "kind");
        tokenIds = tokenIds == null ? null : tokenIds.clone();
        tokenLabels = tokenLabels == null ? List.of() : List.copyOf(tokenLabels);
        switch (kind) {
            case TEXT -> {
                if (text == null && tokenIds == null) {
                    throw new IllegalArgumentException("an input needs its text or its token ids");
                }
                if (image != null) {
                    throw new IllegalArgumentException("a text input has no image");
                }
                if (!tokenLabels.isEmpty() && (tokenIds == null || tokenLabels.size() != tokenIds.length)) {
                    throw new IllegalArgumentException("token labels need one label per token id");
                }
            }
            case IMAGE -> {
                if (image == null) {
                    throw new IllegalArgumentException("an image input needs its image");
                }
                if (text != null || tokenIds != null) {
                    throw new IllegalArgumentException("an image input has no text or token ids");
                }
                if (tokenLabels.isEmpty()) {
                    throw new IllegalArgumentException("an image input needs the labels of its tokens");
                }
            }
        }
    }

    public static InputRecord ofText(String text, long[] tokenIds, List<String> tokenLabels) {
        return new InputRecord(InputKind.TEXT, Objects.requireNonNull(text, "text"), tokenIds, null, tokenLabels);
    }

    public static InputRecord ofTokens(long[] tokenIds, List<String> tokenLabels) {
        return new InputRecord(InputKind.TEXT, null, Objects.requireNonNull(tokenIds, "tokenIds"), null, tokenLabels);
    }

    public static InputRecord ofImage(Image image, List<String> tokenLabels) {
        return new InputRecord(InputKind.IMAGE, null, null, Objects.requireNonNull(image, "image"), tokenLabels);
    }

    /** What a session keeps of a prepared input (one row; an image without its bytes: see {@link #withImageBytes}). */
    public static InputRecord of(ModelInput input) {
        if (input.batchSize() != 1) {
            throw new IllegalArgumentException("a session records one input per run, not a batch of "
                    + input.batchSize());
        }
        if (input instanceof TokenInput t) {
            return new InputRecord(InputKind.TEXT, t.text(), t.tokens(), null, t.labels());
        }
        ImageInput i = (ImageInput) input;
        return ofImage(new Image(i.source(), i.sha256(), i.width(), i.height(), null), i.labels());
    }

    /** This image input carrying its file's bytes, so the session can show and re-run it without the file. */
    public InputRecord withImageBytes(byte[] bytes) {
        if (kind != InputKind.IMAGE) {
            throw new IllegalArgumentException("only an image input carries image bytes");
        }
        return ofImage(new Image(image.path(), image.sha256(), image.width(), image.height(), bytes), tokenLabels);
    }

    @Override
    public long[] tokenIds() {
        return tokenIds == null ? null : tokenIds.clone();
    }

    /** One line for the run's description: the prompt, "tokens 1,2,3" or the image's file name. */
    public String describe() {
        if (kind == InputKind.IMAGE) {
            return "image " + image.path().getFileName() + " (" + image.width() + "x" + image.height() + ")";
        }
        return text != null ? text : "tokens " + Arrays.toString(tokenIds).replaceAll("[\\[\\] ]", "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputRecord r && kind == r.kind && Objects.equals(text, r.text)
                && Arrays.equals(tokenIds, r.tokenIds) && Objects.equals(image, r.image)
                && tokenLabels.equals(r.tokenLabels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, text, Arrays.hashCode(tokenIds), image, tokenLabels);
    }

    @Override
    public String toString() {
        return "InputRecord[" + kind.id() + ", text=" + text + ", tokenIds=" + Arrays.toString(tokenIds)
                + (image == null ? "" : ", image=" + image) + ", tokenLabels=" + tokenLabels + "]";
    }
}
