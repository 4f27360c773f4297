package dev.loupe.plugin.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {
    enum Mode { GRID, SINGLE }

    enum Aggregate implements Param.Choice {
        NONE("none"), MEAN("mean-over-heads");

        private final String name;

        Aggregate(String name) {
            this.name = name;
        }

        @Override
        public String choiceName() {
            return name;
        }
    }

    static final Param<Integer> LAYER = CommonParams.layer("the layer");
    static final Param<Double> ALPHA = Param.doubleParam("alpha", "Alpha", "strength", 1.0, 0, 10);
    static final Param<Boolean> NORM = Param.bool("norm", "Normalize", "", false);
    static final Param<String> NOTE = Param.text("note", "Note", "", "");
    static final Param<Mode> MODE = Param.choice("mode", "Mode", "how", Mode.class, Mode.GRID);
    static final Param<Aggregate> AGGREGATE = Param.choice("aggregate", "Aggregate", "", Aggregate.class,
            Aggregate.NONE);
    static final ParamSpec SPEC = ParamSpec.of(LAYER, ALPHA, NORM, NOTE, MODE, AGGREGATE);

    @Test
    void constantsReadTypedValues() {
        Params p = SPEC.defaults();
        assertEquals(-1, p.get(LAYER));
        assertEquals(1.0, p.get(ALPHA));
        assertEquals(false, p.get(NORM));
        assertEquals("", p.get(NOTE));
        assertEquals(Mode.GRID, p.get(MODE));
        assertEquals(Aggregate.NONE, p.get(AGGREGATE));
        Params q = p.with(MODE, Mode.SINGLE).with(LAYER, 3);
        assertEquals(Mode.SINGLE, q.get(MODE));
        assertEquals(3, q.get(LAYER));
    }

    @Test
    void choicesAreShownParsedAndStoredByTheirStableName() {
        assertEquals(List.of("grid", "single"), ((Param.ChoiceParam<?>) MODE).choices());
        assertEquals(List.of("none", "mean-over-heads"), ((Param.ChoiceParam<?>) AGGREGATE).choices());
        Params p = SPEC.parse(Map.of("mode", "single", "aggregate", "mean-over-heads"));
        assertEquals(Mode.SINGLE, p.get(MODE));
        assertEquals(Aggregate.MEAN, p.get(AGGREGATE));
        assertEquals("mean-over-heads", p.values().get("aggregate"), "the form and the session see the name");
        JsonObject json = p.toJson();
        assertEquals("mean-over-heads", json.get("aggregate").getAsString());
        assertEquals("single", json.get("mode").getAsString());
        assertEquals(p, Params.fromJson(SPEC, json, "Test"));
        var bad = assertThrows(IllegalArgumentException.class, () -> SPEC.parse(Map.of("mode", "MEAN_OVER")));
        assertEquals("mode must be one of grid, single, got \"MEAN_OVER\"", bad.getMessage());
    }

    @Test
    void aConstantFromAnotherSpecIsRefused() {
        Param<Integer> other = Param.intParam("layers", "Layers", "", 1, 0, 9);
        var e = assertThrows(IllegalArgumentException.class, () -> SPEC.defaults().get(other));
        assertTrue(e.getMessage().startsWith("parameter \"layers\" is not one of these parameters"), e.getMessage());
        // Same key, different definition: not this spec's parameter either.
        var same = assertThrows(IllegalArgumentException.class,
                () -> SPEC.defaults().get(Param.intParam("layer", "Layer", "", 0, 0, 3)));
        assertTrue(same.getMessage().contains("\"layer\""));
    }

    @Test
    void sharedDefinitionsAreTheSameEverywhere() {
        assertEquals(CommonParams.position("a"), CommonParams.position("a"));
        Param.IntParam pos = CommonParams.position("read here");
        assertEquals("position", pos.key());
        assertEquals(-1, pos.defaultValue());
        assertEquals(-CommonParams.MAX_POSITION, pos.min());
        assertEquals(5, CommonParams.topK("").defaultValue());
        assertEquals("topK", CommonParams.topK("").key());
        assertEquals("head", CommonParams.head("").key());
    }

    @Test
    void storedValuesOfTheSameVersionRoundTrip() {
        Params p = SPEC.defaults().with(LAYER, 2).with(ALPHA, 0.25).with(NORM, true).with(NOTE, "  spaced ");
        JsonObject json = p.toJson();
        assertEquals(1, json.get(Params.VERSION_KEY).getAsInt());
        assertEquals(p, Params.fromJson(SPEC, json, "Test"));
    }

    // Version 1 called the layer "layerIndex", the alpha a percentage "alphaPct" and the single mode "one".
    static final ParamSpec V2 = ParamSpec.of(2, LAYER, ALPHA, MODE)
            .migrateFrom(1, ParamMigration.rename("layerIndex", "layer")
                    .andThen(ParamMigration.rename("alphaPct", "alpha"))
                    .andThen(ParamMigration.convert("alpha", v -> new JsonPrimitive(v.getAsDouble() / 100)))
                    .andThen(ParamMigration.renameChoice("mode", "one", "single")));

    @Test
    void anOlderVersionOpensMigrated() {
        JsonObject v1 = JsonParser.parseString(
                "{\"$version\": 1, \"layerIndex\": 4, \"alphaPct\": 250, \"mode\": \"one\", \"dropped\": true}")
                .getAsJsonObject();
        Params p = Params.fromJson(V2, v1, "Test plugin");
        assertEquals(4, p.get(LAYER));
        assertEquals(2.5, p.get(ALPHA));
        assertEquals(Mode.SINGLE, p.get(MODE));
        assertEquals(2, p.toJson().get(Params.VERSION_KEY).getAsInt());
        assertTrue(v1.has("layerIndex") && !v1.has("layer"), "the stored JSON itself is left as it was");
    }

    @Test
    void theCurrentVersionIsNotMigratedAgain() {
        JsonObject v2 = JsonParser.parseString("{\"$version\": 2, \"layer\": 4, \"alpha\": 2.5, \"mode\": \"single\"}")
                .getAsJsonObject();
        Params p = Params.fromJson(V2, v2, "Test plugin");
        assertEquals(2.5, p.get(ALPHA), "a second migration would have made it 0.025");
        assertEquals(p, Params.fromJson(V2, p.toJson(), "Test plugin"));
    }

    @Test
    void stepsRunInOrderFromTheStoredVersion() {
        ParamSpec v3 = ParamSpec.of(3, ALPHA)
                .migrateFrom(2, ParamMigration.convert("alpha", v -> new JsonPrimitive(v.getAsDouble() + 1)))
                .migrateFrom(1, ParamMigration.convert("alpha", v -> new JsonPrimitive(v.getAsDouble() * 2)));
        JsonObject v1 = JsonParser.parseString("{\"$version\": 1, \"alpha\": 3}").getAsJsonObject();
        assertEquals(7.0, Params.fromJson(v3, v1, "T").get(ALPHA), "(3 * 2) + 1, not (3 + 1) * 2");
        JsonObject v2 = JsonParser.parseString("{\"$version\": 2, \"alpha\": 3}").getAsJsonObject();
        assertEquals(4.0, Params.fromJson(v3, v2, "T").get(ALPHA));
    }

    @Test
    void aValueThatNoLongerFitsNamesThePluginAndTheKey() {
        JsonObject v1 = JsonParser.parseString("{\"$version\": 1, \"layerIndex\": 4, \"mode\": \"all\"}")
                .getAsJsonObject();
        var e = assertThrows(IllegalArgumentException.class, () -> Params.fromJson(V2, v1, "Attention patterns"));
        assertEquals("Attention patterns: the stored parameter \"mode\" (parameters version 1, now 2) does not fit: "
                + "mode must be one of grid, single, got \"all\"", e.getMessage());

        JsonObject outOfRange = JsonParser.parseString("{\"$version\": 1, \"alphaPct\": 5000}").getAsJsonObject();
        var range = assertThrows(IllegalArgumentException.class, () -> Params.fromJson(V2, outOfRange, "Steering"));
        assertTrue(range.getMessage().startsWith("Steering: the stored parameter \"alpha\""), range.getMessage());
        assertTrue(range.getMessage().endsWith("alpha must be in 0.0..10.0, got 50.0"), range.getMessage());

        JsonObject wrongType = JsonParser.parseString("{\"$version\": 2, \"layer\": \"four\"}").getAsJsonObject();
        var type = assertThrows(IllegalArgumentException.class, () -> Params.fromJson(V2, wrongType, "Lens"));
        assertTrue(type.getMessage().startsWith("Lens: the stored parameter \"layer\""), type.getMessage());
        assertTrue(type.getMessage().endsWith("layer must be a whole number or all, got \"four\""), type.getMessage());
    }

    @Test
    void aStepThatFailsNamesThePluginAndTheVersions() {
        JsonObject v1 = JsonParser.parseString("{\"$version\": 1, \"alphaPct\": [1, 2]}").getAsJsonObject();
        var e = assertThrows(IllegalArgumentException.class, () -> Params.fromJson(V2, v1, "Steering"));
        assertTrue(e.getMessage().startsWith("Steering: parameters stored by version 1 could not be brought to "
                + "version 2: "), e.getMessage());
    }

    @Test
    void specsRefuseMigrationsThatLeadNowhere() {
        assertThrows(IllegalArgumentException.class, () -> ParamSpec.of(2, ALPHA).migrateFrom(2, v -> { }));
        assertThrows(IllegalArgumentException.class, () -> ParamSpec.of(2, ALPHA).migrateFrom(0, v -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> ParamSpec.of(3, ALPHA).migrateFrom(1, v -> { }).migrateFrom(1, v -> { }));
        assertThrows(IllegalArgumentException.class, () -> ParamSpec.of(0, ALPHA));
    }

    @Test
    void specsAreEqualByVersionAndParametersNotBySteps() {
        assertEquals(V2, ParamSpec.of(2, LAYER, ALPHA, MODE));
        assertNotEquals(V2, ParamSpec.of(LAYER, ALPHA, MODE));
    }

    @Test
    void twoChoicesWithOneNameAreRefused() {
        enum Clash implements Param.Choice {
            A, B;

            @Override
            public String choiceName() {
                return "same";
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Param.choice("c", "C", "", Clash.class, Clash.A));
        assertEquals("c: two choices are named \"same\"", e.getMessage());
    }

    @Test
    void namedValuesParseAndReadAsWords() {
        Param.IntParam layer = CommonParams.layer("which layer");
        assertEquals(-1, layer.parse("all"));
        assertEquals(-1, layer.parse(" All "));
        assertEquals(3, layer.parse("3"));
        assertEquals("all", layer.display(-1));
        assertEquals("3", layer.display(3));
        var bad = assertThrows(IllegalArgumentException.class, () -> layer.parse("every"));
        assertEquals("layer must be a whole number or all, got \"every\"", bad.getMessage());
        var range = assertThrows(IllegalArgumentException.class, () -> layer.validate(-2));
        assertEquals("layer must be all or a whole number in 0..9999, got -2", range.getMessage());
        assertEquals(-1, CommonParams.position("p").parse("last"));
        assertEquals(-2, CommonParams.position("p").parse("-2"), "other negative positions still count from the end");
    }
}
