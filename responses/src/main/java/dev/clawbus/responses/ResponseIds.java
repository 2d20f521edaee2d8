package dev.clawbus.responses;

/**
 * Every id of a response derives from the clawbus request id, so a response that is resumed, re-read or
 * rebuilt on another node carries the same ids: {@code resp_<request id>} for the response and
 * {@code msg_|rs_|fc_<request id>_<output index>} for its output items. Function calls keep the call id
 * the tool-call parser gave them (it is in the journal), or {@code call_<request id>_<output index>}
 * when the model gave none.
 */
public final class ResponseIds {
  public static final String RESPONSE_PREFIX = "resp_";

  private ResponseIds() {}

  public static String responseId(String requestId) {
    return RESPONSE_PREFIX + requestId;
  }

  /** The request id inside a response id, or null when {@code responseId} is not one of ours. */
  public static String requestId(String responseId) {
    if (responseId == null || !responseId.startsWith(RESPONSE_PREFIX) || responseId.length() == RESPONSE_PREFIX.length()) {
      return null;
    }
    return responseId.substring(RESPONSE_PREFIX.length());
  }

  static String messageId(String requestId, int outputIndex) {
    return "msg_" + requestId + "_" + outputIndex;
  }

  static String reasoningId(String requestId, int outputIndex) {
    return "rs_" + requestId + "_" + outputIndex;
  }

  static String functionCallId(String requestId, int outputIndex) {
    return "fc_" + requestId + "_" + outputIndex;
  }

  static String callId(String requestId, int outputIndex) {
    return "call_" + requestId + "_" + outputIndex;
  }
}
