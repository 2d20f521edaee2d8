package dev.clawbus.parser;

import io.vertx.core.json.JsonObject;

/** A tool call as a decoder found it, before name checks, numbering and id assignment. */
record RawCall(String name, JsonObject arguments, String id) {
  RawCall(String name, JsonObject arguments) {
    this(name, arguments, null);
  }
}
