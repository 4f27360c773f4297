package dev.loupe.app.ui.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.plugin.params.ParamDef;
import dev.loupe.plugin.params.ParamSpec;
import dev.loupe.plugin.params.Params;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParamFormViewModelTest {
    private final ParamSpec spec = ParamSpec.of(
            new ParamDef.HookParam("hook", "Hook", "which hook", "blocks.{last}.hook_resid_post", false),
            new ParamDef.IntParam("k", "Top k", "how many", 5, 1, 50),
            new ParamDef.DoubleParam("alpha", "Alpha", "strength", 1.0, 0.0, 10.0),
            new ParamDef.BoolParam("norm", "Normalize", "divide by the norm", false),
            new ParamDef.ChoiceParam("mode", "Mode", "how", "mean", List.of("mean", "max")));

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
        assertEquals("blocks.1.hook_resid_post", form.params().getString("hook"));
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
        assertEquals(7, form.params().getInt("k"));
        form.field("alpha").setText("abc");
        assertEquals("alpha must be a number, got \"abc\"", form.field("alpha").errorProperty().get());
    }

    @Test
    void storedValuesLoadBack() {
        ParamFormViewModel form = new ParamFormViewModel(spec);
        Params stored = spec.defaults().with("k", 9).with("norm", true).with("mode", "max");
        form.load(Params.fromJson(spec, stored.toJson()));
        assertEquals(stored, form.params());
    }
}
