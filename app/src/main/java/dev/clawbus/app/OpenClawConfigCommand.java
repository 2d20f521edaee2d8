package dev.clawbus.app;

import static dev.clawbus.infra.config.Option.Kind.BOOL;
import static dev.clawbus.infra.config.Option.Kind.STRING;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.ConfigException;
import dev.clawbus.infra.config.Option;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code clawbus openclaw-config}: reads the live model list of a running clawbus ({@code GET /v1/models}, vLLM's
 * list with its {@code max_model_len}) and prints the {@code models.providers} block of {@code openclaw.json}, or with
 * {@code --full} a whole minimal {@code openclaw.json} whose agent uses the first (or {@code --model}) model. A refused
 * key or an unreachable clawbus is one line on stderr and exit code 1.
 */
final class OpenClawConfigCommand {
  static final Option URL = new Option("url", null, "http://127.0.0.1:8003",
      "clawbus's URL (with or without /v1)", STRING);
  static final Option API_KEY = new Option("api-key", null, "",
      "a key of this clawbus (one of its --api-keys or a tenants file key); written into the block as apiKey", STRING);
  static final Option PROVIDER = new Option("provider", null, OpenClawConfig.DEFAULT_PROVIDER,
      "the provider's name in openclaw.json (models are then PROVIDER/MODEL)", STRING);
  static final Option API = new Option("api", null, OpenClawConfig.APIS.get(0),
      "how OpenClaw talks to clawbus: " + String.join(" or ", OpenClawConfig.APIS), STRING);
  static final Option MODEL = new Option("model", null, "",
      "with --full: the agent's primary model [default: the first model clawbus lists]", STRING);
  static final Option FULL = new Option("full", null, "false",
      "print a whole minimal openclaw.json with the agent's primary model set", BOOL);
  static final List<Option> OPTIONS = List.of(URL, API_KEY, PROVIDER, API, MODEL, FULL);

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private OpenClawConfigCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print("usage: clawbus openclaw-config [--url URL] [--api-key KEY] [--provider NAME] "
          + "[--api openai-completions|openai-responses] [--full [--model ID]]\n\n"
          + "Prints the models.providers block of openclaw.json for a running clawbus: its models with contextWindow\n"
          + "from vLLM's max_model_len and maxTokens = min(32768, contextWindow / 4).\n\n"
          + ClawbusConfig.help(OPTIONS));
      return 0;
    }
    JsonObject o = ClawbusConfig.load(args, Map.of(), OPTIONS).json();
    String root;
    try {
      root = OpenClawConfig.rootUrl(o.getString(URL.key()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    String provider = o.getString(PROVIDER.key());
    if (!provider.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new ConfigException("--provider must be 1-64 letters, digits, dots, dashes or underscores (no '/'), got '"
          + provider + "'");
    }
    String api = o.getString(API.key());
    if (!OpenClawConfig.APIS.contains(api)) {
      throw new ConfigException("--api must be " + String.join(" or ", OpenClawConfig.APIS) + ", got '" + api + "'");
    }
    String key = o.getString(API_KEY.key()).trim();
    if (!o.getString(MODEL.key()).isBlank() && !o.getBoolean(FULL.key())) {
      throw new ConfigException("--model is used only with --full (it sets the agent's primary model)");
    }

    JsonObject list;
    try {
      list = fetchModels(root, key);
    } catch (Failure f) {
      err.println("clawbus: " + f.getMessage());
      return 1;
    }
    OpenClawConfig.Result r;
    try {
      r = OpenClawConfig.build(list, new OpenClawConfig.Options(root, key, provider, api, o.getBoolean(FULL.key()),
          o.getString(MODEL.key())));
    } catch (IllegalArgumentException e) {
      err.println("clawbus: " + e.getMessage());
      return 1;
    }
    out.println(r.json().encodePrettily());
    out.flush();
    for (String note : r.notes()) {
      err.println("clawbus: note: " + note);
    }
    return 0;
  }

  /** A failure worth one line: what went wrong where, never the key. */
  private static final class Failure extends Exception {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  private static JsonObject fetchModels(String root, String key) throws Failure {
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(root + "/v1/models")).timeout(TIMEOUT)
        .header("accept", "application/json").GET();
    if (!key.isEmpty()) req.header("authorization", "Bearer " + key);
    HttpResponse<String> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new Failure("cannot reach clawbus at " + root + " (connection refused): is `clawbus serve` running there?");
    } catch (HttpTimeoutException e) {
      throw new Failure("clawbus at " + root + " did not answer GET /v1/models within " + TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      throw new Failure("cannot reach clawbus at " + root + " (" + (e.getMessage() == null
          ? e.getClass().getSimpleName() : e.getMessage()) + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted while asking " + root + " for its models");
    }
    if (resp.statusCode() == 401 || resp.statusCode() == 403) {
      throw new Failure(key.isEmpty()
          ? root + " needs an API key: give one of its keys with --api-key"
          : root + " refused the API key (HTTP " + resp.statusCode() + "): give one of its tenant keys with --api-key");
    }
    JsonObject body;
    try {
      body = new JsonObject(resp.body());
    } catch (DecodeException | ClassCastException e) {
      throw new Failure(root + "/v1/models answered HTTP " + resp.statusCode() + " without a JSON object: is this "
          + "clawbus?");
    }
    if (resp.statusCode() != 200) {
      JsonObject error = body.getValue("error") instanceof JsonObject j ? j : new JsonObject();
      throw new Failure(root + "/v1/models answered HTTP " + resp.statusCode()
          + (error.getValue("message") instanceof String m ? ": " + m : ""));
    }
    if (!(body.getValue("data") instanceof io.vertx.core.json.JsonArray)) {
      throw new Failure(root + "/v1/models did not answer with a model list: is this clawbus?");
    }
    return body;
  }
}
