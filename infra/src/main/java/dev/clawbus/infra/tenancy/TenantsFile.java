package dev.clawbus.infra.tenancy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.clawbus.infra.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads and checks a tenants file (JSON, or YAML for {@code .yaml}/{@code .yml}). Every mistake is one line naming the
 * file and the field; secrets (plain keys) are never repeated in a message.
 */
final class TenantsFile {
  private static final Set<String> TOP = Set.of("tenants", "admin_keys", "admin_key_sha256");
  private static final Set<String> TENANT = Set.of("name", "keys", "key_sha256", "weight", "priority",
      "max_concurrent", "max_queued", "rpm", "tpm", "models", "exec");
  private static final Set<String> EXEC = Set.of("node");

  private final String file;

  private TenantsFile(String file) {
    this.file = file;
  }

  static Tenants read(Path path) {
    TenantsFile f = new TenantsFile(path.toString());
    String text;
    try {
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw f.error("no such file");
    } catch (IOException e) {
      throw f.error("cannot be read: " + e.getMessage());
    }
    return f.parse(text, isYaml(path));
  }

  /** Parses file text; {@code name} is what error messages call the file. */
  static Tenants parse(String name, String text, boolean yaml) {
    return new TenantsFile(name).parse(text, yaml);
  }

  private static boolean isYaml(Path path) {
    String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml");
  }

  private Tenants parse(String text, boolean yaml) {
    ObjectMapper mapper = yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().split("\n")[0];
      throw error("is not valid " + (yaml ? "YAML" : "JSON") + where + ": " + msg);
    }
    if (root == null || root.isMissingNode() || !root.isObject()) {
      throw error("must be an object with a \"tenants\" list");
    }
    unknownFields((ObjectNode) root, TOP, "");
    Tenants.Builder b = new Tenants.Builder("tenants file " + file);
    JsonNode list = root.get("tenants");
    if (list != null && !list.isArray()) throw error("tenants must be a list, got " + shown(list));
    if (list != null) {
      for (int i = 0; i < list.size(); i++) {
        tenant(b, list.get(i), "tenants[" + i + "]");
      }
    }
    int n = 0;
    for (String k : plainKeys(root, "admin_keys", "")) {
      b.key(Tenants.sha256(k), null, true, "admin_keys[" + n++ + "]");
    }
    n = 0;
    for (byte[] d : hexKeys(root, "admin_key_sha256", "")) {
      b.key(d, null, true, "admin_key_sha256[" + n++ + "]");
    }
    return b.build();
  }

  private void tenant(Tenants.Builder b, JsonNode t, String at) {
    if (!t.isObject()) throw error(at + " must be an object, got " + shown(t));
    unknownFields((ObjectNode) t, TENANT, at + ".");
    JsonNode nameNode = t.get("name");
    if (nameNode == null) throw error(at + ".name is missing");
    if (!nameNode.isTextual() || !Tenant.NAME.matcher(nameNode.asText()).matches()) {
      throw error(at + ".name must be 1-64 of the characters A-Z a-z 0-9 . _ -, got " + shown(nameNode));
    }
    String name = nameNode.asText();
    int weight = (int) whole(t, "weight", at, 1, 1, Integer.MAX_VALUE);
    int priority = (int) whole(t, "priority", at, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    int maxConcurrent = (int) whole(t, "max_concurrent", at, 0, 0, Integer.MAX_VALUE);
    int maxQueued = (int) whole(t, "max_queued", at, 0, 0, Integer.MAX_VALUE);
    int rpm = (int) whole(t, "rpm", at, 0, 0, Integer.MAX_VALUE);
    long tpm = whole(t, "tpm", at, 0, 0, Long.MAX_VALUE / 4);
    List<String> models = List.of("*");
    JsonNode m = t.get("models");
    if (m != null) {
      if (!m.isArray() || m.isEmpty()) throw error(at + ".models must be a non-empty list of model names, got " + shown(m));
      models = new ArrayList<>();
      for (int i = 0; i < m.size(); i++) {
        JsonNode v = m.get(i);
        if (!v.isTextual() || v.asText().isBlank()) {
          throw error(at + ".models[" + i + "] must be a model name or pattern, got " + shown(v));
        }
        models.add(v.asText());
      }
    }
    String execNode = null;
    JsonNode exec = t.get("exec");
    if (exec != null) {
      if (!exec.isObject()) throw error(at + ".exec must be an object like {\"node\": \"NAME\"}, got " + shown(exec));
      unknownFields((ObjectNode) exec, EXEC, at + ".exec.");
      JsonNode node = exec.get("node");
      if (node != null) {
        if (!node.isTextual() || node.asText().isBlank()) {
          throw error(at + ".exec.node must be a node name, got " + shown(node));
        }
        execNode = node.asText();
      }
    }
    b.tenant(new Tenant(name, weight, priority, maxConcurrent, maxQueued, rpm, tpm, models, execNode), at);
    List<String> plain = plainKeys(t, "keys", at + ".");
    List<byte[]> hashed = hexKeys(t, "key_sha256", at + ".");
    if (plain.isEmpty() && hashed.isEmpty()) {
      throw error(at + " (" + name + ") needs at least one key in \"keys\" or \"key_sha256\"");
    }
    for (int i = 0; i < plain.size(); i++) b.key(Tenants.sha256(plain.get(i)), name, false, at + ".keys[" + i + "]");
    for (int i = 0; i < hashed.size(); i++) b.key(hashed.get(i), name, false, at + ".key_sha256[" + i + "]");
  }

  private List<String> plainKeys(JsonNode parent, String field, String at) {
    JsonNode list = parent.get(field);
    List<String> out = new ArrayList<>();
    if (list == null) return out;
    if (!list.isArray()) throw error(at + field + " must be a list of keys");
    for (int i = 0; i < list.size(); i++) {
      JsonNode k = list.get(i);
      // Never echo a key, even a malformed one.
      if (!k.isTextual() || k.asText().isBlank() || !k.asText().equals(k.asText().strip())) {
        throw error(at + field + "[" + i + "] must be a non-empty string without surrounding spaces");
      }
      out.add(k.asText());
    }
    return out;
  }

  private List<byte[]> hexKeys(JsonNode parent, String field, String at) {
    JsonNode list = parent.get(field);
    List<byte[]> out = new ArrayList<>();
    if (list == null) return out;
    if (!list.isArray()) throw error(at + field + " must be a list of SHA-256 hex digests");
    for (int i = 0; i < list.size(); i++) {
      JsonNode k = list.get(i);
      String h = k.isTextual() ? k.asText().trim() : "";
      if (!h.matches("[0-9a-fA-F]{64}")) {
        throw error(at + field + "[" + i + "] must be 64 hex digits (a SHA-256, see 'clawbus keys new'), got "
            + (k.isTextual() ? h.length() + " characters" + (h.matches("[0-9a-fA-F]*") ? "" : " with non-hex ones")
                : shown(k)));
      }
      out.add(HexFormat.of().parseHex(h.toLowerCase(Locale.ROOT)));
    }
    return out;
  }

  private long whole(JsonNode t, String field, String at, long dflt, long min, long max) {
    JsonNode v = t.get(field);
    if (v == null) return dflt;
    String bound = min == Integer.MIN_VALUE ? "" : " ≥ " + min;
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw error(at + "." + field + " must be a whole number" + bound + ", got " + shown(v));
    }
    return v.asLong();
  }

  private void unknownFields(ObjectNode o, Set<String> known, String at) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw error("unknown field " + at + f + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  private static String shown(JsonNode v) {
    if (v.isTextual()) {
      String s = v.asText();
      return "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s).replace("\n", "\\n") + "\"";
    }
    if (v.isArray()) return "a list";
    if (v.isObject()) return "an object";
    return v.toString();
  }

  private ConfigException error(String what) {
    return new ConfigException("tenants file " + file + ": " + what);
  }
}
