package dev.loupe.plugin.result.builtin;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import dev.loupe.plugin.result.CustomResult;
import dev.loupe.plugin.result.ResultReader;
import dev.loupe.plugin.result.ResultType;
import dev.loupe.plugin.result.ResultWriter;

/** {@code "custom"}: {@code customType} and the plugin's {@code data} object as given. No CSV form. */
public final class CustomType implements ResultType<CustomResult> {

    @Override
    public String type() {
        return "custom";
    }

    @Override
    public Class<CustomResult> resultClass() {
        return CustomResult.class;
    }

    @Override
    public void write(CustomResult c, ResultWriter o) {
        o.text("customType", c.type());
        o.json("data", c.data() == null ? JsonNull.INSTANCE : c.data());
    }

    @Override
    public CustomResult read(String title, ResultReader f) {
        String customType = f.string("customType");
        JsonElement data = f.required("data");
        if (!data.isJsonObject()) {
            throw f.bad("data", "must be an object");
        }
        return new CustomResult(title, customType, data.getAsJsonObject().deepCopy());
    }
}
