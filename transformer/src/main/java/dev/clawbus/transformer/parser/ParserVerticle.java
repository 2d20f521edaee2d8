package dev.clawbus.transformer.parser;

import dev.clawbus.infra.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The parser on the event bus ({@link Addresses#PARSE}): request {@code {"format","text","tools"?,
 * "stream_deltas"?, "reasoning"?}}, reply {@link ParseResult#toJson()}. Parsing is CPU-only and linear, so it
 * runs on the event loop.
 */
public final class ParserVerticle extends VerticleBase {
  private MessageConsumer<Object> consumer;

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(Addresses.PARSE, this::handle);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void handle(Message<Object> msg) {
    if (!(msg.body() instanceof JsonObject req)) {
      msg.fail(400, "parse request must be a JSON object");
      return;
    }
    try {
      msg.reply(ParseRequests.run(req).toJson());
    } catch (IllegalArgumentException e) {
      msg.fail(400, e.getMessage());
    } catch (RuntimeException e) {
      // the parsers turn bad markup into content, so this is a bug: report it without a stack trace
      msg.fail(500, "parse failed: " + e);
    }
  }

  /** Shared by the verticle and the CLI's jsonl mode: one request object → result. */
  static final class ParseRequests {
    private ParseRequests() {}

    static ParseResult run(JsonObject req) {
      Object format = req.getValue("format");
      if (!(format instanceof String f) || f.isEmpty()) throw new IllegalArgumentException("'format' is required");
      Object tools = req.getValue("tools");
      if (tools != null && !(tools instanceof JsonArray)) throw new IllegalArgumentException("'tools' must be an array");
      Object reasoning = req.getValue("reasoning");
      ParserOptions o = ParserOptions.of(ToolSpec.fromRequestTools((JsonArray) tools));
      if (reasoning instanceof String r) o = o.withReasoning(r);
      if (Boolean.TRUE.equals(req.getValue("allow_unknown_tools"))) o = o.withAllowUnknownTools(true);
      Object deltas = req.getValue("stream_deltas");
      if (deltas != null) {
        if (!(deltas instanceof JsonArray a)) throw new IllegalArgumentException("'stream_deltas' must be an array");
        List<String> pieces = new ArrayList<>(a.size());
        for (Object p : a) {
          if (!(p instanceof String s)) throw new IllegalArgumentException("'stream_deltas' must hold strings");
          pieces.add(s);
        }
        return ParseResult.parseStream(f, pieces, o);
      }
      Object text = req.containsKey("text") ? req.getValue("text") : req.getValue("model_output");
      if (text != null && !(text instanceof String)) throw new IllegalArgumentException("'text' must be a string");
      return ParseResult.parse(f, (String) text, o);
    }
  }
}
