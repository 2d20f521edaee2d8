package dev.clawbus.parser;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/** Creates the streaming parser for a vLLM {@code --tool-call-parser} name. */
public final class ToolParsers {
  private static final Set<String> FORMATS;

  static {
    Set<String> f = new LinkedHashSet<>(Families.names());
    f.add("openai");
    f.add("none");
    FORMATS = Collections.unmodifiableSet(f);
  }

  private ToolParsers() {}

  public static StreamingToolParser create(String format, ParserOptions options) {
    if (format == null) throw new IllegalArgumentException("tool-call format is required");
    ParserOptions o = options == null ? ParserOptions.of(null) : options;
    return switch (format) {
      case "none" -> new PassThroughParser(o);
      case "openai" -> new HarmonyParser(o);
      case "auto" -> new AutoParser(o);
      default -> {
        if (!Families.has(format)) {
          throw new IllegalArgumentException("unknown tool-call format '" + format + "'; known: " + FORMATS);
        }
        StreamingToolParser p = new MarkupParser(Families.get(format, o.reasoning()), o);
        yield Cohere.FORMATS.contains(format) ? Cohere.withoutCitations(p) : p;
      }
    };
  }

  public static Set<String> formats() {
    return FORMATS;
  }
}
