package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.clawbus.sim.VllmSimulator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline (ingress → transformer → Kafka → dispatcher → simulator → parser → journal →
 * ingress) judged by the official OpenAI Java SDK, a strict client.
 */
class OpenAiSdkEndToEndTest extends SimNodeTest {
  static OpenAIClient client;

  @BeforeAll
  static void startClient() {
    client = OpenAIOkHttpClient.builder().baseUrl(node.url() + "/v1").apiKey("unused").maxRetries(0).build();
  }

  @AfterAll
  static void stopClient() {
    if (client != null) client.close();
  }

  /** What the simulator will answer for the last chat body it received. */
  private static String expectedAnswer(int words) {
    List<JsonObject> seen = node.simulator().requests();
    return VllmSimulator.answerText(seen.get(seen.size() - 1).getJsonArray("messages"), words);
  }

  private static FunctionParameters execSchema() {
    return FunctionParameters.builder()
        .putAdditionalProperty("type", JsonValue.from("object"))
        .putAdditionalProperty("properties", JsonValue.from(Map.of("command", Map.of("type", "string"),
            "timeoutSeconds", Map.of("type", "integer"))))
        .putAdditionalProperty("required", JsonValue.from(List.of("command")))
        .build();
  }

  private static ChatCompletionFunctionTool execTool() {
    return ChatCompletionFunctionTool.builder()
        .function(FunctionDefinition.builder().name("exec").description("run a command").parameters(execSchema()).build())
        .build();
  }

  @Test
  void streamedTextArrivesWholeInStrictChunks() {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(TestNodes.MODEL)
        .addUserMessage("Tell me a story [[sim words=60 tps=2000]]")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
        .build();
    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    Set<String> ids = new HashSet<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      stream.stream().forEach(chunk -> {
        ids.add(chunk.id());
        acc.accumulate(chunk);
      });
    }
    ChatCompletion done = acc.chatCompletion();
    assertEquals(1, ids.size(), "one id for every chunk");
    assertEquals(expectedAnswer(60), done.choices().get(0).message().content().orElse(""));
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, done.choices().get(0).finishReason());
    assertEquals(60, done.usage().orElseThrow().completionTokens());
  }

  @Test
  void nonStreamedAnswerIsOneCompletion() {
    ChatCompletion done = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(TestNodes.MODEL).addUserMessage("Say something [[sim words=25]]").build());
    assertEquals(expectedAnswer(25), done.choices().get(0).message().content().orElse(""));
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, done.choices().get(0).finishReason());
    assertTrue(done.usage().orElseThrow().promptTokens() > 0);
    assertTrue(done.id().startsWith("chatcmpl-"));
  }

  @Test
  void structuredToolCallRoundTrip() {
    ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model(TestNodes.MODEL)
        .addUserMessage("list my files [[sim tool=exec args={\"command\":\"ls -la\"} mode=structured]]")
        .addTool(execTool()).build();
    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(first)) {
      stream.stream().forEach(acc::accumulate);
    }
    ChatCompletion c = acc.chatCompletion();
    ChatCompletionMessage msg = c.choices().get(0).message();
    assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason());
    ChatCompletionMessageFunctionToolCall call = msg.toolCalls().orElseThrow().get(0).asFunction();
    assertEquals("exec", call.function().name());
    assertEquals("ls -la", new JsonObject(call.function().arguments()).getString("command"));
    assertTrue(call.id().matches("[A-Za-z0-9]+"), "OpenClaw strips non-alphanumerics from ids: " + call.id());

    ChatCompletion second = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(TestNodes.MODEL)
        .addUserMessage("list my files [[sim tool=exec args={\"command\":\"ls -la\"} mode=structured]]")
        .addMessage(msg)
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("a.txt\nb.txt").build())
        .addUserMessage("thanks [[sim words=5]]")
        .addTool(execTool()).build());
    assertEquals(expectedAnswer(5), second.choices().get(0).message().content().orElse(""));
    JsonArray sent = node.simulator().requests().get(node.simulator().requests().size() - 1).getJsonArray("messages");
    assertEquals("tool", sent.getJsonObject(2).getString("role"), "the tool result reached vLLM");
  }

  @Test
  void qwenXmlPrintedAsTextBecomesAToolCallStreamed() {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(TestNodes.MODEL)
        .addUserMessage("run it [[sim text=\"Let me check.\" tool=exec args={\"command\":\"ls <dir> && echo \\\"ok\\\"\","
            + "\"timeoutSeconds\":30} mode=xml]]")
        .addTool(execTool()).build();
    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      stream.stream().forEach(acc::accumulate);
    }
    ChatCompletion c = acc.chatCompletion();
    assertXmlToolCall(c);
    ChatCompletion plain = client.chat().completions().create(params.toBuilder().build());
    assertXmlToolCall(plain);
  }

  private static void assertXmlToolCall(ChatCompletion c) {
    ChatCompletionMessage msg = c.choices().get(0).message();
    String content = msg.content().orElse("");
    assertFalse(content.contains("<tool_call>"), "markup must not reach the client: " + content);
    assertFalse(content.contains("<function="), content);
    ChatCompletionMessageFunctionToolCall call = msg.toolCalls().orElseThrow().get(0).asFunction();
    assertEquals("exec", call.function().name());
    JsonObject args = new JsonObject(call.function().arguments());
    assertEquals("ls <dir> && echo \"ok\"", args.getString("command"));
    assertEquals(30, args.getValue("timeoutSeconds"), "integer by the tool's schema, not the text \"30\"");
    assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason());
  }
}
