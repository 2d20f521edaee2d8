package dev.clawbus.responses;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a request with {@code previous_response_id} continues from: the earlier response's conversation
 * as chat messages (without its {@code instructions}, which OpenAI does not carry over) and its output
 * items. Fetching it is the caller's business; the translator only prepends it.
 *
 * @param id the earlier response's id ({@code resp_…})
 * @param messages its input as chat messages (its own history included), instructions left out
 * @param output its {@code output} items
 */
public record PreviousResponse(String id, JsonArray messages, JsonArray output) {

  /**
   * From what clawbus keeps of an earlier response: the chat body it was answered with and its
   * response object ({@link ResponseAssembler#json()}). A leading system message equal to that
   * response's {@code instructions} is left out.
   */
  public static PreviousResponse of(JsonObject chatBody, JsonObject response) {
    JsonArray messages = chatBody.getJsonArray("messages", new JsonArray());
    Object instructions = response.getValue("instructions");
    if (instructions instanceof String text && !messages.isEmpty()
        && messages.getValue(0) instanceof JsonObject first && "system".equals(first.getValue("role"))
        && text.equals(first.getValue("content"))) {
      JsonArray rest = new JsonArray();
      for (int i = 1; i < messages.size(); i++) rest.add(messages.getValue(i));
      messages = rest;
    }
    return new PreviousResponse(response.getString("id"), messages, response.getJsonArray("output", new JsonArray()));
  }
}
