package dev.clawbus.infra;

/** How failures are told to people: one line, the innermost cause, no stack trace. */
public final class Failures {
  private Failures() {}

  /** The innermost cause's message on one line: what a person needs to fix the problem. */
  public static String oneLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return firstLine(msg);
  }

  public static String firstLine(String s) {
    String trimmed = s.strip();
    int nl = trimmed.indexOf('\n');
    return nl < 0 ? trimmed : trimmed.substring(0, nl).strip();
  }
}
