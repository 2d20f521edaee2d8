package dev.clawbus.toolrunner;

import static dev.clawbus.infra.config.Option.Kind.HOSTPORTS;
import static dev.clawbus.infra.config.Option.Kind.INT;
import static dev.clawbus.infra.config.Option.Kind.STRING;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.ConfigException;
import dev.clawbus.infra.config.Option;
import dev.clawbus.infra.contract.exec.ExecRequest;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The options of {@code clawbus node}, parsed by the shared option table (flags &gt; environment &gt; defaults). */
public final class NodeOptions {
  private NodeOptions() {}

  public static final Option NAME = new Option("name", "CLAWBUS_NODE_NAME", "",
      "this node's name; exec requests address it (required; letters, digits, . _ -)", STRING);
  /** Shared with {@code serve} (one definition, in {@link ClawbusConfig}): both sides read the same secret. */
  public static final Option EXEC_SECRET_FILE = ClawbusConfig.EXEC_SECRET_FILE;
  public static final Option WORKDIR = new Option("workdir", "CLAWBUS_NODE_WORKDIR", "",
      "working directory of commands; a request's workdir is relative to it [default: the current directory]",
      STRING);
  public static final Option POLICY = new Option("policy", "CLAWBUS_NODE_POLICY", "deny",
      "deny (nothing runs), allowlist (only programs matching --allow, no shell) or full (anything; /bin/sh for "
      + "shell syntax)", STRING);
  public static final Option ALLOW = new Option("allow", "CLAWBUS_NODE_ALLOW", "",
      "allowlist file: one absolute path glob (/usr/bin/git, /opt/tools/*) or bare program name per line, "
      + "# comments", STRING);
  public static final Option KAFKA = new Option("kafka", "KAFKA_BOOTSTRAP_SERVERS", "",
      "HOST:PORT,... of Kafka for audit records; empty: serve nodes write them (sent over the cluster)", HOSTPORTS);
  public static final Option MAX_OUTPUT_BYTES = new Option("max-output-bytes", "CLAWBUS_NODE_MAX_OUTPUT_BYTES",
      "1048576", "output kept per stream (stdout, stderr) of a command; more is cut with a marker", INT);
  public static final Option MAX_CONCURRENT = new Option("max-concurrent", "CLAWBUS_NODE_MAX_CONCURRENT", "8",
      "commands run at once; more are refused with 429", INT);

  /** Options of {@code clawbus node}, in --help order. */
  public static final List<Option> OPTIONS = List.of(NAME, ClawbusConfig.CLUSTER_MEMBERS, ClawbusConfig.CLUSTER_PORT,
      ClawbusConfig.CLUSTER_HOST, WORKDIR, POLICY, ALLOW, EXEC_SECRET_FILE, KAFKA, MAX_OUTPUT_BYTES, MAX_CONCURRENT);

  /**
   * A node's settings, checked.
   *
   * @param cluster the resolved options (cluster host, port and members for {@code ClusterSetup})
   * @param kafka   Kafka for audit records, or null to send them to serve nodes
   */
  public record NodeSettings(ClawbusConfig cluster, String name, Path workdir, ExecPolicy.Mode policy, Path allowFile,
      Path secretFile, String kafka, int maxOutputBytes, int maxConcurrent) {}

  public static NodeSettings load(List<String> args, Map<String, String> env) {
    ClawbusConfig c = ClawbusConfig.load(args, env, OPTIONS);
    String name = c.json().getString(NAME.key());
    if (name.isBlank()) {
      throw new ConfigException("--name is required: the name exec requests use to reach this node");
    }
    if (!ExecRequest.NODE_NAME.matcher(name).matches()) {
      throw new ConfigException("--name must be 1-63 letters, digits or . _ - starting with a letter or digit, got '"
          + name + "'");
    }
    if (c.clusterMembers().isEmpty()) {
      throw new ConfigException("--cluster-members is required: HOST:PORT of the serve node(s) to join");
    }
    if (c.clusterPort() > 65535) {
      throw new ConfigException("--cluster-port must be at most 65535");
    }
    String secret = c.json().getString(EXEC_SECRET_FILE.key());
    if (secret.isBlank()) {
      throw new ConfigException("--exec-secret-file is required: the file with the secret serve signs requests with");
    }
    ExecPolicy.Mode mode;
    try {
      mode = ExecPolicy.Mode.parse(c.json().getString(POLICY.key()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--" + e.getMessage());
    }
    String allow = c.json().getString(ALLOW.key());
    if (mode == ExecPolicy.Mode.ALLOWLIST && allow.isBlank()) {
      throw new ConfigException("--policy allowlist needs --allow FILE (the programs this node may run)");
    }
    if (mode != ExecPolicy.Mode.ALLOWLIST && !allow.isBlank()) {
      throw new ConfigException("--allow is used only with --policy allowlist (the policy is " + mode.label() + ")");
    }
    Path workdir = directory(c.json().getString(WORKDIR.key()));
    String kafka = c.json().getString(KAFKA.key());
    if (kafka.equals("embedded")) {
      throw new ConfigException("--kafka of a node must be HOST:PORT of a running broker (a node has no embedded one)");
    }
    int maxOutput = c.json().getInteger(MAX_OUTPUT_BYTES.key());
    if (maxOutput < 1024 || maxOutput > 64 << 20) {
      throw new ConfigException("--max-output-bytes must be from 1024 to " + (64 << 20));
    }
    int maxConcurrent = c.json().getInteger(MAX_CONCURRENT.key());
    if (maxConcurrent < 1) {
      throw new ConfigException("--max-concurrent must be at least 1");
    }
    return new NodeSettings(c, name, workdir, mode, allow.isBlank() ? null : Path.of(allow), Path.of(secret),
        kafka.isBlank() ? null : kafka, maxOutput, maxConcurrent);
  }

  private static Path directory(String dir) {
    try {
      Path p = (dir.isBlank() ? Path.of("") : Path.of(dir)).toAbsolutePath().normalize();
      if (!Files.isDirectory(p)) {
        throw new ConfigException("--workdir " + dir + " is not a directory");
      }
      return p;
    } catch (InvalidPathException e) {
      throw new ConfigException("--workdir " + dir + " is not a valid path");
    }
  }
}
