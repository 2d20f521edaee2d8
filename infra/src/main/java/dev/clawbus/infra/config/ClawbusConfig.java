package dev.clawbus.infra.config;

import static dev.clawbus.infra.config.Option.Kind.BOOL;
import static dev.clawbus.infra.config.Option.Kind.HOSTPORTS;
import static dev.clawbus.infra.config.Option.Kind.INT;
import static dev.clawbus.infra.config.Option.Kind.STRING;
import static dev.clawbus.infra.config.Option.Kind.URL;

import dev.clawbus.infra.limits.MaxInflight;
import dev.clawbus.infra.tenancy.TenancyOptions;
import dev.clawbus.infra.tenancy.Tenant;
import dev.clawbus.infra.tenancy.Tenants;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All of clawbus's settings in one place. Precedence: flags &gt; environment &gt; config file &gt;
 * defaults. Everything is validated at start; a mistake is a one-line {@link ConfigException}.
 * The same JSON form travels to verticles as their deployment config.
 */
public final class ClawbusConfig {
  public static final Option HOST = new Option("host", "CLAWBUS_HOST", "127.0.0.1",
      "interface to listen on; anything but loopback requires --api-keys", STRING);
  public static final Option PORT = new Option("port", "CLAWBUS_PORT", "8003", "HTTP port of the OpenAI API", INT);
  public static final Option VLLM_URL = new Option("vllm-url", "VLLM_URL", "http://127.0.0.1:8000",
      "base URL of the vLLM OpenAI server", URL);
  public static final Option KAFKA = new Option("kafka", "KAFKA_BOOTSTRAP_SERVERS", "embedded",
      "'embedded' (in-process broker under the data dir) or HOST:PORT,...", HOSTPORTS);
  public static final Option DATA_DIR = new Option("data-dir", "CLAWBUS_DATA_DIR",
      System.getProperty("user.home") + "/.clawbus", "where the embedded broker keeps its data", STRING);
  public static final Option CONFIG = new Option("config", "CLAWBUS_CONFIG", "",
      "JSON config file (keys are these option names, plus \"models\")", STRING);
  public static final Option SIM = new Option("sim", "CLAWBUS_SIM", "false",
      "also start the vLLM simulator in-process and use it as the backend", BOOL);
  public static final Option API_KEYS = new Option("api-keys", "CLAWBUS_API_KEYS", "",
      "comma-separated KEY or KEY=TENANT; empty means no auth (loopback only)", STRING);
  public static final Option KEEPALIVE_SECONDS = new Option("keepalive-seconds", "CLAWBUS_KEEPALIVE_SECONDS", "5",
      "send an empty-delta SSE chunk after this many idle seconds", INT);
  public static final Option VLLM_WAIT_SECONDS = new Option("vllm-wait-seconds", "CLAWBUS_VLLM_WAIT_SECONDS", "600",
      "how long a request waits for an unreachable vLLM before it fails", INT);
  public static final Option STALL_SECONDS = new Option("stall-seconds", "CLAWBUS_STALL_SECONDS", "120",
      "a vLLM stream with no token for this long counts as failed", INT);
  public static final Option MAX_BODY_BYTES = new Option("max-body-bytes", "CLAWBUS_MAX_BODY_BYTES", "16777216",
      "largest accepted request body (413 above)", INT);
  /** Cluster-wide: requests in flight at vLLM for all nodes together ({@code N} or {@code auto}). */
  public static final Option MAX_INFLIGHT = TenancyOptions.MAX_INFLIGHT;
  public static final Option PARSER = new Option("parser", "CLAWBUS_PARSER", "auto",
      "default tool-call parser family for models without their own setting", STRING);
  public static final Option NODE_ID = new Option("node-id", "CLAWBUS_NODE_ID", "",
      "this node's name in the cluster (default: host-pid)", STRING);
  public static final Option CLUSTER_MEMBERS = new Option("cluster-members", "CLAWBUS_CLUSTER_MEMBERS", "",
      "HOST:PORT,... of other clawbus nodes (Hazelcast TCP members)", HOSTPORTS);
  public static final Option CLUSTER_PORT = new Option("cluster-port", "CLAWBUS_CLUSTER_PORT", "5701",
      "Hazelcast member port (0 = any free port)", INT);
  public static final Option CLUSTER_HOST = new Option("cluster-host", "CLAWBUS_CLUSTER_HOST", "127.0.0.1",
      "interface the cluster (Hazelcast and event bus) binds to", STRING);
  public static final Option JOURNAL_RETENTION_SECONDS = new Option("journal-retention-seconds",
      "CLAWBUS_JOURNAL_RETENTION_SECONDS", "3600", "how long finished responses stay replayable", INT);
  public static final Option JOURNAL_MEMORY_SECONDS = new Option("journal-memory-seconds",
      "CLAWBUS_JOURNAL_MEMORY_SECONDS", "120", "how long a finished answer stays in memory once archived (a second "
      + "after its end); after that it is read back from Kafka (for the rest of --journal-retention-seconds)", INT);
  public static final Option DEDUPE_WINDOW_SECONDS = new Option("dedupe-window-seconds",
      "CLAWBUS_DEDUPE_WINDOW_SECONDS", "15",
      "an identical request body from the same tenant within this window attaches to the first (0 = off)", INT);
  public static final Option REQUEST_PARTITIONS = new Option("request-partitions", "CLAWBUS_REQUEST_PARTITIONS", "6",
      "partitions of clawbus.requests when clawbus creates it", INT);

  public static final Option DURABILITY = new Option("durability", "CLAWBUS_DURABILITY", "on",
      "'on': requests are written to Kafka before they run and survive a node crash; 'off': handed to the "
      + "dispatcher in memory (lower latency, lost if the node dies before answering)", STRING);

  public static final Option LOOP_MAX_REPEATS = new Option("loop-max-repeats", "CLAWBUS_LOOP_MAX_REPEATS", "5",
      "loop guard: stop after the same tool call with the same arguments ends the history this many times", INT);
  public static final Option LOOP_MAX_CALLS_PER_TURN = new Option("loop-max-calls-per-turn",
      "CLAWBUS_LOOP_MAX_CALLS_PER_TURN", "60", "loop guard: stop after this many tool calls since the last user message", INT);

  // Connection hygiene (ingress ConnectionGuard): what a production gateway does with slow or idle clients.
  public static final Option REQUEST_TIMEOUT_SECONDS = new Option("request-timeout-seconds",
      "CLAWBUS_REQUEST_TIMEOUT_SECONDS", "30",
      "a client must send a request's headers and body within this (408 and close after; 0 = no limit)", INT);
  public static final Option IDLE_TIMEOUT_SECONDS = new Option("idle-timeout-seconds",
      "CLAWBUS_IDLE_TIMEOUT_SECONDS", "90",
      "a keep-alive connection with no request in progress is closed after this (0 = never); "
          + "responses, however long, are not affected", INT);
  public static final Option MAX_CONNECTIONS = new Option("max-connections", "CLAWBUS_MAX_CONNECTIONS", "10000",
      "open client connections per node; past it a request is answered 503 and its connection closed "
          + "(0 = only the file descriptor limit)", INT);
  /**
   * The secret that serve signs exec requests with and node hosts check them with (shared by {@code serve} and
   * {@code node}; defined here, where both option tables can reach it without a cycle between their classes). Only
   * the path is configuration: the file is read once when the process starts and its content is never logged.
   */
  public static final Option EXEC_SECRET_FILE = new Option("exec-secret-file", "CLAWBUS_EXEC_SECRET_FILE", "",
      "file with the exec secret shared by serve and its node hosts (32+ bytes; required by node; serve without "
      + "it has exec off)", STRING);

  /** Options of {@code clawbus serve}, in --help order. */
  public static final List<Option> SERVE_OPTIONS = List.of(HOST, PORT, VLLM_URL, KAFKA, DATA_DIR, CONFIG, SIM,
      API_KEYS, TenancyOptions.ADMIN_KEYS, TenancyOptions.TENANTS, KEEPALIVE_SECONDS, VLLM_WAIT_SECONDS,
      STALL_SECONDS, MAX_BODY_BYTES, MAX_INFLIGHT, TenancyOptions.MAX_QUEUED, PARSER, LOOP_MAX_REPEATS,
      LOOP_MAX_CALLS_PER_TURN, NODE_ID, CLUSTER_MEMBERS, CLUSTER_PORT, CLUSTER_HOST, JOURNAL_RETENTION_SECONDS,
      JOURNAL_MEMORY_SECONDS, DEDUPE_WINDOW_SECONDS, REQUEST_PARTITIONS, DURABILITY, REQUEST_TIMEOUT_SECONDS,
      IDLE_TIMEOUT_SECONDS, MAX_CONNECTIONS, EXEC_SECRET_FILE);

  private final JsonObject json;

  private ClawbusConfig(JsonObject json) {
    this.json = json;
  }

  /** Wraps a config already resolved (e.g. a verticle's deployment config). */
  public static ClawbusConfig of(JsonObject json) {
    return new ClawbusConfig(json);
  }

  /** Defaults only: for tests, which then override what they need with {@link #with}. */
  public static ClawbusConfig defaults() {
    return load(List.of(), Map.of(), SERVE_OPTIONS);
  }

  /**
   * Resolves flags &gt; environment &gt; config file &gt; defaults for {@code options}. {@code args} are
   * the command's arguments after the subcommand name.
   */
  public static ClawbusConfig load(List<String> args, Map<String, String> env, List<Option> options) {
    Map<String, String> flags = parseFlags(args, options);
    Map<String, Option> byName = new LinkedHashMap<>();
    options.forEach(o -> byName.put(o.name(), o));

    String configPath = !options.contains(CONFIG) ? ""
        : flags.getOrDefault(CONFIG.name(), env.getOrDefault(CONFIG.env(), ""));
    JsonObject file = configPath.isBlank() ? new JsonObject() : readFile(configPath);
    for (String key : file.fieldNames()) {
      if (!byName.containsKey(key) && !key.equals("models")) {
        throw new ConfigException("unknown key '" + key + "' in config file " + configPath);
      }
    }

    JsonObject out = new JsonObject();
    for (Option o : options) {
      String raw;
      if (flags.containsKey(o.name())) {
        raw = flags.get(o.name());
      } else if (o.env() != null && env.containsKey(o.env())) {
        raw = env.get(o.env());
      } else if (file.containsKey(o.key())) {
        raw = String.valueOf(file.getValue(o.key()));
      } else {
        raw = o.defaultValue();
      }
      out.put(o.key(), o.parse(raw));
    }
    out.put("models", file.getJsonObject("models", new JsonObject()));
    ClawbusConfig cfg = new ClawbusConfig(out);
    cfg.validate(options);
    return cfg;
  }

  private static Map<String, String> parseFlags(List<String> args, List<Option> options) {
    Map<String, Option> byFlag = new LinkedHashMap<>();
    options.forEach(o -> byFlag.put(o.flag(), o));
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      Option o = byFlag.get(a);
      if (o == null) {
        throw new ConfigException("unknown option '" + args.get(i) + "' (see --help)");
      }
      if (value == null) {
        if (o.kind() == BOOL) {
          value = "true";
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          throw new ConfigException(o.flag() + " needs a value");
        }
      }
      flags.put(o.name(), value);
    }
    return flags;
  }

  private static JsonObject readFile(String path) {
    try {
      return new JsonObject(Files.readString(Path.of(path)));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + path + ": " + e.getMessage());
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException("config file " + path + " is not a JSON object: " + e.getMessage().split("\n")[0]);
    }
  }

  private void validate(List<Option> options) {
    if (options.contains(PORT) && port() > 65535) {
      throw new ConfigException("--port must be at most 65535");
    }
    if (options.contains(MAX_INFLIGHT)) {
      maxInflight();
    }
    // Reading the tenants file here stops a bad one at start, with one line saying what is wrong where.
    Tenants tenants = options.contains(TenancyOptions.TENANTS) ? TenancyOptions.tenants(this) : null;
    boolean keys = tenants != null ? tenants.keysConfigured() : !apiKeys().isEmpty();
    if (options.contains(HOST) && !isLoopback(host()) && !keys) {
      throw new ConfigException("refusing to listen on " + host()
          + " without API keys: set --api-keys or --tenants (or CLAWBUS_API_KEYS), or bind to 127.0.0.1");
    }
    if (options.contains(DURABILITY) && !List.of("on", "off").contains(json.getString(DURABILITY.key()))) {
      throw new ConfigException("--durability must be on or off, got '" + json.getString(DURABILITY.key()) + "'");
    }
    if (options.contains(PARSER)) {
      ModelSettings.checkParser(PARSER.flag(), defaultParser());
    }
    for (String key : models().fieldNames()) {
      if (!(models().getValue(key) instanceof JsonObject)) {
        throw new ConfigException("models." + key + " in the config file must be an object");
      }
      ModelSettings.check(key, models().getJsonObject(key));
    }
    if (options.contains(EXEC_SECRET_FILE)) {
      checkExecTargets(tenants);
    }
    if (options.contains(API_KEYS)) {
      for (String tenant : apiKeys().values()) {
        if (!tenant.matches("[A-Za-z0-9._-]{1,64}")) {
          throw new ConfigException("--api-keys: tenant '" + tenant + "' must be 1-64 letters, digits, dots, "
              + "underscores or dashes");
        }
      }
    }
  }

  /**
   * A tenant or model that names an exec node needs the secret to sign with: without it the tool loop could not run,
   * so serve refuses to start instead of handing the model's exec calls to the client unannounced.
   */
  private void checkExecTargets(Tenants tenants) {
    if (!execSecretFile().isBlank()) return;
    if (tenants != null) {
      for (Tenant t : tenants.all()) {
        if (t.execNode() != null) {
          throw new ConfigException("tenant '" + t.name() + "' runs exec on node '" + t.execNode()
              + "', which needs --exec-secret-file (the secret shared with the node)");
        }
      }
    }
    for (String m : models().fieldNames()) {
      String node = model(m).execNode();
      if (node != null) {
        throw new ConfigException("models." + m + ".exec.node '" + node + "' needs --exec-secret-file (the secret "
            + "shared with the node)");
      }
    }
  }

  public static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }

  public ClawbusConfig with(Option option, Object value) {
    return new ClawbusConfig(json.copy().put(option.key(), value));
  }

  public ClawbusConfig withModels(JsonObject models) {
    return new ClawbusConfig(json.copy().put("models", models));
  }

  public JsonObject json() { return json; }
  public String host() { return json.getString(HOST.key()); }
  public int port() { return json.getInteger(PORT.key()); }
  public String vllmUrl() { return json.getString(VLLM_URL.key()); }
  public String kafka() { return json.getString(KAFKA.key()); }
  public boolean embeddedKafka() { return kafka().isBlank() || kafka().equals("embedded"); }
  public Path dataDir() { return Path.of(json.getString(DATA_DIR.key())); }
  public boolean sim() { return json.getBoolean(SIM.key(), false); }
  public int keepaliveSeconds() { return json.getInteger(KEEPALIVE_SECONDS.key()); }
  public int vllmWaitSeconds() { return json.getInteger(VLLM_WAIT_SECONDS.key()); }
  public int stallSeconds() { return json.getInteger(STALL_SECONDS.key()); }
  public int maxBodyBytes() { return json.getInteger(MAX_BODY_BYTES.key()); }
  /** {@code --max-inflight}: a whole number, or {@code auto}. */
  public MaxInflight maxInflight() { return MaxInflight.parse(String.valueOf(json.getValue(MAX_INFLIGHT.key()))); }
  public String defaultParser() { return json.getString(PARSER.key()); }
  public int loopMaxRepeats() { return json.getInteger(LOOP_MAX_REPEATS.key()); }
  public int loopMaxCallsPerTurn() { return json.getInteger(LOOP_MAX_CALLS_PER_TURN.key()); }
  public int clusterPort() { return json.getInteger(CLUSTER_PORT.key()); }
  public String clusterHost() { return json.getString(CLUSTER_HOST.key()); }
  public int journalRetentionSeconds() { return Math.max(60, json.getInteger(JOURNAL_RETENTION_SECONDS.key())); }
  public int journalMemorySeconds() {
    // At least a second (a time to live of 0 would mean "forever" to Hazelcast), at most the retention.
    return Math.max(1, Math.min(journalRetentionSeconds(), json.getInteger(JOURNAL_MEMORY_SECONDS.key(),
        Integer.parseInt(JOURNAL_MEMORY_SECONDS.defaultValue()))));
  }
  public int dedupeWindowSeconds() { return json.getInteger(DEDUPE_WINDOW_SECONDS.key()); }
  /** Whether requests go through Kafka (on, the default) or straight to the dispatcher over the event bus. */
  public boolean durable() { return !"off".equals(json.getString(DURABILITY.key(), "on")); }
  public int requestPartitions() { return Math.max(1, json.getInteger(REQUEST_PARTITIONS.key())); }
  /** {@code --exec-secret-file}: the path, or "" when exec is off. */
  public String execSecretFile() { return json.getString(EXEC_SECRET_FILE.key(), ""); }

  public String nodeId() {
    String id = json.getString(NODE_ID.key(), "");
    return id.isBlank() ? defaultNodeId() : id;
  }

  private static String defaultNodeId() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "node";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  public List<String> clusterMembers() {
    String v = json.getString(CLUSTER_MEMBERS.key(), "");
    return v.isBlank() ? List.of() : List.of(v.split(","));
  }

  /** API key → tenant. Keys without {@code =TENANT} are their own tenant's name (shortened, never logged). */
  public Map<String, String> apiKeys() {
    String v = json.getString(API_KEYS.key(), "");
    Map<String, String> keys = new LinkedHashMap<>();
    int n = 0;
    for (String part : v.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) continue;
      int eq = p.indexOf('=');
      n++;
      if (eq > 0) keys.put(p.substring(0, eq), p.substring(eq + 1));
      else keys.put(p, "key" + n);
    }
    return keys;
  }

  /** The "models" section of the config file: per-model parser, reasoning and compat settings. */
  public JsonObject models() {
    return json.getJsonObject("models", new JsonObject());
  }

  public ModelSettings model(String name) {
    JsonObject m = models().getJsonObject(name);
    return ModelSettings.of(name, m == null ? new JsonObject() : m, defaultParser());
  }

  /** {@code --help} text of the given options. */
  public static String help(List<Option> options) {
    StringBuilder sb = new StringBuilder();
    for (Option o : options) {
      String flag = o.flag() + (o.kind() == BOOL ? "" : " " + o.name().toUpperCase().replace('-', '_'));
      sb.append(String.format("  %-34s %s", flag, o.help()));
      List<String> extra = new ArrayList<>();
      if (o.env() != null) extra.add("env " + o.env());
      if (!o.defaultValue().isEmpty() && o.kind() != BOOL) extra.add("default " + o.defaultValue());
      if (!extra.isEmpty()) sb.append(" [").append(String.join(", ", extra)).append(']');
      sb.append('\n');
    }
    return sb.toString();
  }
}
