package dev.clawbus.infra.config;

import java.util.function.Function;

/**
 * One setting: its flag ({@code --name}), environment variable, key in the JSON config file, default
 * and validation. A flag-only option has no value ({@code --sim}).
 */
public record Option(String name, String env, String defaultValue, String help, Kind kind) {
  public enum Kind { STRING, INT, BOOL, URL, HOSTPORTS }

  public String flag() {
    return "--" + name;
  }

  public String key() {
    return name;
  }

  /** Parses and checks {@code raw}; throws a one-line {@link ConfigException} naming the option. */
  public Object parse(String raw) {
    Function<String, Object> p = switch (kind) {
      case STRING -> s -> s;
      case INT -> s -> {
        try {
          int v = Integer.parseInt(s.trim());
          if (v < 0) throw new NumberFormatException();
          return v;
        } catch (NumberFormatException e) {
          throw new ConfigException(flag() + " must be a non-negative whole number, got '" + s + "'");
        }
      };
      case BOOL -> s -> switch (s.trim().toLowerCase()) {
        case "true", "1", "yes", "on", "" -> true;
        case "false", "0", "no", "off" -> false;
        default -> throw new ConfigException(flag() + " must be true or false, got '" + s + "'");
      };
      case URL -> s -> {
        String v = s.trim();
        if (!v.matches("https?://[^\\s/]+(/\\S*)?")) {
          throw new ConfigException(flag() + " must be an http(s) URL like http://127.0.0.1:8000, got '" + s + "'");
        }
        return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
      };
      case HOSTPORTS -> s -> {
        String v = s.trim();
        if (!v.isEmpty() && !v.equals("embedded") && !v.matches("[^\\s,:]+:\\d{1,5}(,[^\\s,:]+:\\d{1,5})*")) {
          throw new ConfigException(flag() + " must be HOST:PORT[,HOST:PORT...]" + (name.equals("kafka") ? " or 'embedded'" : "")
              + ", got '" + s + "'");
        }
        return v;
      };
    };
    return p.apply(raw);
  }
}
