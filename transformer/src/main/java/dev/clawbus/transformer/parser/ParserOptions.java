package dev.clawbus.transformer.parser;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * How to parse one response.
 *
 * @param tools the request's tools; calls to other names stay content unless {@code allowUnknownTools}
 *     (with no tools at all every name is accepted: there is nothing to check against)
 * @param reasoning split (to reasoning_content), pass (leave the tags in content) or drop
 * @param idForIndex tool call id for the n-th call of the response
 */
public record ParserOptions(List<ToolSpec> tools, boolean allowUnknownTools, String reasoning,
                            IntFunction<String> idForIndex) {

  private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  public ParserOptions {
    tools = tools == null ? List.of() : List.copyOf(tools);
    reasoning = reasoning == null ? "split" : reasoning;
    if (!reasoning.equals("split") && !reasoning.equals("pass") && !reasoning.equals("drop")) {
      throw new IllegalArgumentException("reasoning must be split, pass or drop, got '" + reasoning + "'");
    }
    idForIndex = idForIndex == null ? ParserOptions::randomId : idForIndex;
  }

  public static ParserOptions of(List<ToolSpec> tools) {
    return new ParserOptions(tools, false, "split", ParserOptions::randomId);
  }

  public ParserOptions withReasoning(String mode) {
    return new ParserOptions(tools, allowUnknownTools, mode, idForIndex);
  }

  public ParserOptions withAllowUnknownTools(boolean allow) {
    return new ParserOptions(tools, allow, reasoning, idForIndex);
  }

  /** "call" + 24 alphanumerics: clients strip non-alphanumerics from ids, so none are used. */
  static String randomId(int index) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] c = new char[28];
    c[0] = 'c';
    c[1] = 'a';
    c[2] = 'l';
    c[3] = 'l';
    for (int i = 4; i < c.length; i++) c[i] = ALNUM[r.nextInt(ALNUM.length)];
    return new String(c);
  }

  ToolSpec tool(String name) {
    for (ToolSpec t : tools) if (t.name().equals(name)) return t;
    return null;
  }

  boolean accepts(String name) {
    if (name == null || name.isEmpty()) return false;
    return allowUnknownTools || tools.isEmpty() || tool(name) != null;
  }
}
