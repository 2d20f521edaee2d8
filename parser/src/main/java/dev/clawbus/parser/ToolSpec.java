package dev.clawbus.parser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A tool the request offers: its name and JSON schema ({@code parameters}, may be null). */
public record ToolSpec(String name, JsonObject parameters) {

  /**
   * Reads an OpenAI {@code tools} array. Also accepts the flat {@code {"name","parameters"}} shape that test
   * corpora use. Null-safe; entries without a name are skipped.
   */
  public static List<ToolSpec> fromRequestTools(JsonArray tools) {
    if (tools == null) return List.of();
    List<ToolSpec> out = new ArrayList<>(tools.size());
    for (Object o : tools) {
      if (!(o instanceof JsonObject t)) continue;
      JsonObject fn = t.getValue("function") instanceof JsonObject f ? f : t;
      Object name = fn.getValue("name");
      if (!(name instanceof String n) || n.isEmpty()) continue;
      Object params = fn.getValue("parameters");
      out.add(new ToolSpec(n, params instanceof JsonObject p ? p : null));
    }
    return List.copyOf(out);
  }

  /** The schema of one parameter, or null when the tool has no schema for it. */
  JsonObject propertySchema(String param) {
    if (parameters == null) return null;
    Object props = parameters.getValue("properties");
    if (!(props instanceof JsonObject p)) return null;
    return p.getValue(param) instanceof JsonObject s ? s : null;
  }
}
