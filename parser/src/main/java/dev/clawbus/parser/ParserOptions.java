package dev.clawbus.parser;

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

  /** No name is ever empty, so a tool list holding only this one accepts no call at all. */
  private static final ToolSpec NO_TOOL = new ToolSpec("", null);

  /**
   * For a request that declares no tools (or says {@code tool_choice: "none"}): nothing the model prints
   * becomes a call, so markup and JSON with a "name" stay content, while reasoning is still handled.
   * (Plain {@link #of} with no tools accepts every name: right for {@code clawbus parse}, wrong for a
   * client that never offered tools.)
   */
  public static ParserOptions noTools(String reasoning, IntFunction<String> idForIndex) {
    return new ParserOptions(List.of(NO_TOOL), false, reasoning, idForIndex);
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
