package dev.loupe.viewers;

import dev.loupe.plugin.result.CustomResult;
import dev.loupe.viewers.spi.BasicRenderer;

/** A renderer declared in the test class path's META-INF/services, as a plugin jar would declare one. */
public final class ClassPathTestRenderer extends BasicRenderer<CustomResult> {
    public static final String KIND = "test.class-path";

    public ClassPathTestRenderer() {
        super(KIND, CustomResult.class, c -> new JsonResultView(c, "test renderer"), (c, state) -> {
            throw new IllegalArgumentException("no figure");
        });
    }
}
