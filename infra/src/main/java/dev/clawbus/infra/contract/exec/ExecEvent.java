package dev.clawbus.infra.contract.exec;

/**
 * A piece of a running command's output, sent by the node to the request's {@code streamTo} address while the command
 * runs. On the bus it travels as a short string ({@link #encode()}). {@code seq} counts from 0 across both streams, so
 * the receiver can order the pieces and knows from {@link ExecResult#events()} when it has them all. The pieces of
 * one stream, concatenated, are that stream's text in the result (a truncation marker included).
 *
 * @param requestId the request's id
 * @param seq       position among this request's events, from 0
 * @param stream    {@link #STDOUT} or {@link #STDERR}
 * @param data      UTF-8 text (never a split character)
 */
public record ExecEvent(String requestId, int seq, char stream, String data) {
  public static final char STDOUT = 'o';
  public static final char STDERR = 'e';
  private static final String ADDRESS_PREFIX = "clawbus.execout.";

  public ExecEvent {
    if (stream != STDOUT && stream != STDERR) {
      throw new IllegalArgumentException("stream must be 'o' or 'e'");
    }
  }

  /** A fresh, unguessable streaming address for one request ({@code streamTo}). */
  public static String address(String uniqueId) {
    return ADDRESS_PREFIX + uniqueId;
  }

  /** {@code <stream><seq> <requestId>\n<data>}; request ids hold no space or newline. */
  public String encode() {
    return new StringBuilder(data.length() + requestId.length() + 16).append(stream).append(seq).append(' ')
        .append(requestId).append('\n').append(data).toString();
  }

  public static ExecEvent decode(String text) {
    int space = text.indexOf(' ');
    int nl = text.indexOf('\n', Math.max(space, 0));
    if (space < 2 || nl < 0) {
      throw new IllegalArgumentException("not an exec event");
    }
    try {
      return new ExecEvent(text.substring(space + 1, nl), Integer.parseInt(text, 1, space, 10), text.charAt(0),
          text.substring(nl + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an exec event");
    }
  }
}
