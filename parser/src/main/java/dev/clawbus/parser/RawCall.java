package dev.clawbus.parser;

import io.vertx.core.json.JsonObject;

/**
 * What a decoder found in a block: a tool call (before name checks, numbering and id assignment), or, with a
 * null name, a segment of the block that did not make a call and stays content.
 *
 * @param text the call's own markup when the decoder can delimit it (then a call to an unknown tool gives back
 *     just that text and the block's other calls still count); for a rejected segment, its text
 */
record RawCall(String name, JsonObject arguments, String id, String text) {
  RawCall(String name, JsonObject arguments) {
    this(name, arguments, null, null);
  }

  RawCall(String name, JsonObject arguments, String id) {
    this(name, arguments, id, null);
  }

  static RawCall rejected(String text) {
    return new RawCall(null, null, null, text);
  }

  boolean isCall() {
    return name != null;
  }

  RawCall withText(String segment) {
    return new RawCall(name, arguments, id, segment);
  }
}
