package dev.loupe.app.ui.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.plugin.params.Param;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParamFormViewModelTest {
    enum Mode { MEAN, MAX }

    private static final Param<String> HOOK = Param.hook("hook", "Hook", "which hook", "blocks.{last}.hook_resid_post",
            false);
    private static final Param<Integer> K = Param.intParam("k", "Top k", "how many", 5, 1, 50);
    private final ParamSpec spec = ParamSpec.of(HOOK, K,
            Param.doubleParam("alpha", "Alpha", "strength", 1.0, 0.0, 10.0),
            Param.bool("norm", "Normalize", "divide by the norm", false),
            Param.choice("mode", "Mode", "how", Mode.class, Mode.MEAN));

    @Test
    void startsAtTheDefaultsAndBuildsParams() {
        ParamFormViewModel form = new ParamFormViewModel(spec);
        assertEquals(spec.defaults(), form.params());
        assertEquals(List.of("mean", "max"), form.field("mode").choices());
    }

    @Test
    void aLastLayerPatternBecomesTheModelsHookName() {
        ParamFormViewModel form = new ParamFormViewModel(spec);
        List<String> hooks = List.of("hook_embed", "blocks.0.hook_resid_post", "blocks.1.hook_resid_post");
        form.setModelHooks(hooks, 2);
        assertEquals(hooks, form.field("hook").choices());
        assertEquals("blocks.1.hook_resid_post", form.params().get(HOOK));
    }

    @Test
    void aRejectedValueIsTheFieldsErrorAndBlocksParams() {
        ParamFormViewModel form = new ParamFormViewModel(spec);
        form.field("k").setText("500");
        assertEquals("k must be a whole number in 1..50, got 500", form.field("k").errorProperty().get());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, form::params);
        assertTrue(e.getMessage().startsWith("k must be"));
        form.field("k").setText("7");
        assertEquals("", form.field("k").errorProperty().get());
        assertEquals(7, form.params().get(K));
        form.field("alpha").setText("abc");
        assertEquals("alpha must be a number, got \"abc\"", form.field("alpha").errorProperty().get());
    }

    @Test
    void storedValuesLoadBack() {
        ParamFormViewModel form = new ParamFormViewModel(spec);
        Params stored = spec.defaults().with("k", 9).with("norm", true).with("mode", "max");
        form.load(Params.fromJson(spec, stored.toJson(), "a test plugin"));
        assertEquals(stored, form.params());
    }
}
