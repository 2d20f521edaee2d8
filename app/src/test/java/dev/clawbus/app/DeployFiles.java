package dev.clawbus.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.clawbus.broker.KafkaCommand;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.Option;
import dev.clawbus.toolrunner.NodeOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The deployment files under {@code deploy/} read the way their tools read them: YAML with a real parser (Jackson's),
 * systemd units and environment files line by line, and every {@code clawbus} invocation they contain (command, flags,
 * environment, mounted files) extracted so tests can check it against the real option tables and run it through the
 * real configuration loader.
 */
final class DeployFiles {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** Where the units and the image put the launcher. */
  static final String INSTALLED_LAUNCHER = "/opt/clawbus/clawbus";

  /**
   * One {@code clawbus} run a deployment file describes.
   *
   * @param where   file and service, for messages
   * @param args    the arguments after the command name
   * @param env     the environment the process gets (values as written)
   * @param envNames every environment name the file names for it, including commented-out examples
   * @param mounts  container path → local file, for files the deployment mounts into the process
   */
  record Invocation(String where, String command, List<String> args, Map<String, String> env, Set<String> envNames,
      Map<String, Path> mounts) {}

  private DeployFiles() {}

  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !(Files.isDirectory(p.resolve("deploy")) && Files.isRegularFile(p.resolve("clawbus")))) {
      p = p.getParent();
    }
    if (p == null) throw new IllegalStateException("no repository root with deploy/ above " + Path.of("").toAbsolutePath());
    return p;
  }

  static Path deploy(String first, String... more) {
    return root().resolve("deploy").resolve(Path.of(first, more));
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every YAML file under deploy/. */
  static List<Path> yamlFiles() {
    try (Stream<Path> s = Files.walk(root().resolve("deploy"))) {
      return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The documents of a YAML file (a Kubernetes file may hold several, separated by ---). */
  static List<JsonNode> yamlDocs(Path p) {
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(p.toFile())) {
      List<JsonNode> docs = new ArrayList<>();
      while (it.hasNext()) {
        JsonNode d = it.next();
        if (d != null && !d.isNull() && !d.isMissingNode()) docs.add(d);
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(p + ": " + e.getMessage(), e);
    }
  }

  /** Every Kubernetes object under deploy/k8s. */
  static List<JsonNode> k8sObjects() {
    List<JsonNode> all = new ArrayList<>();
    try (Stream<Path> s = Files.list(deploy("k8s"))) {
      for (Path p : s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        if (p.getFileName().toString().equals("kustomization.yaml")) continue;
        all.addAll(yamlDocs(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  static JsonNode k8s(String kind, String name) {
    return k8sObjects().stream().filter(o -> kind.equals(o.path("kind").asText())
        && name.equals(o.path("metadata").path("name").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in deploy/k8s"));
  }

  static List<JsonNode> k8sOfKind(String kind) {
    return k8sObjects().stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  // ---- systemd ----

  /** A unit's settings: section → key → values in order (a key may repeat). */
  static Map<String, Map<String, List<String>>> unit(Path p) {
    Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
    Map<String, List<String>> section = null;
    for (String line : read(p).split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) continue;
      if (l.startsWith("[") && l.endsWith("]")) {
        section = out.computeIfAbsent(l.substring(1, l.length() - 1), k -> new LinkedHashMap<>());
        continue;
      }
      int eq = l.indexOf('=');
      if (section == null || eq < 0) throw new AssertionError(p + ": not a unit line: " + line);
      section.computeIfAbsent(l.substring(0, eq).strip(), k -> new ArrayList<>()).add(l.substring(eq + 1).strip());
    }
    return out;
  }

  static List<Path> units() {
    try (Stream<Path> s = Files.list(deploy("systemd"))) {
      return s.filter(p -> p.toString().endsWith(".service")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Pattern ASSIGNMENT = Pattern.compile("^#?\\s*([A-Z][A-Z0-9_]*)=(.*)$");

  /** Assignments of an environment file; {@code names} also gets the commented-out ones (documented examples). */
  static Map<String, String> envFile(Path p, Set<String> names) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : read(p).split("\n")) {
      Matcher m = ASSIGNMENT.matcher(line.strip());
      if (!m.matches()) continue;
      names.add(m.group(1));
      if (!line.strip().startsWith("#")) env.put(m.group(1), m.group(2));
    }
    return env;
  }

  /** The unit's clawbus run: ExecStart's command and flags, EnvironmentFile (the copy in deploy/systemd), Environment. */
  static Invocation unitInvocation(Path unitFile) {
    Map<String, List<String>> s = unit(unitFile).get("Service");
    List<String> exec = Arrays.asList(s.get("ExecStart").get(0).split("\\s+"));
    if (!exec.get(0).equals(INSTALLED_LAUNCHER)) {
      throw new AssertionError(unitFile + ": ExecStart must run " + INSTALLED_LAUNCHER + ", runs " + exec.get(0));
    }
    Set<String> names = new LinkedHashSet<>();
    Map<String, String> env = new LinkedHashMap<>();
    for (String f : s.getOrDefault("EnvironmentFile", List.of())) {
      Path local = deploy("systemd", Path.of(f.replaceFirst("^-", "")).getFileName().toString());
      env.putAll(envFile(local, names));
    }
    for (String e : s.getOrDefault("Environment", List.of())) {
      int eq = e.indexOf('=');
      names.add(e.substring(0, eq));
      env.put(e.substring(0, eq), e.substring(eq + 1));
    }
    return new Invocation(unitFile.getFileName().toString(), exec.get(1), exec.subList(2, exec.size()), env, names,
        Map.of());
  }

  // ---- compose ----

  static JsonNode compose() {
    return yamlDocs(deploy("compose", "compose.yaml")).get(0);
  }

  private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

  /** Compose's variable interpolation: ${NAME}, ${NAME:-default}, ${NAME:?error}. */
  static String interpolate(String s, Map<String, String> vars) {
    Matcher m = INTERPOLATION.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = vars.get(m.group(1));
      String op = m.group(2);
      boolean unset = v == null || (op != null && op.startsWith(":") && v.isEmpty());
      if (unset && op != null && op.endsWith("?")) {
        throw new IllegalArgumentException("required variable " + m.group(1) + " is missing: " + m.group(3));
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(unset ? (op != null && op.endsWith("-") ? m.group(3) : "") : v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** The clawbus services of the compose file (image clawbus:*), with the image's own ENV under theirs. */
  static List<Invocation> composeInvocations(Map<String, String> vars) {
    List<Invocation> out = new ArrayList<>();
    JsonNode services = compose().path("services");
    for (var it = services.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode svc = e.getValue();
      if (!svc.path("image").asText().startsWith("clawbus:")) continue;
      List<String> cmd = new ArrayList<>();
      svc.path("command").forEach(n -> cmd.add(interpolate(n.asText(), vars)));
      Map<String, String> env = new LinkedHashMap<>(dockerfileEnv());
      Set<String> names = new LinkedHashSet<>(dockerfileEnv().keySet());
      svc.path("environment").fields().forEachRemaining(f -> {
        names.add(f.getKey());
        env.put(f.getKey(), interpolate(f.getValue().asText(), vars));
      });
      Map<String, Path> mounts = new LinkedHashMap<>();
      svc.path("volumes").forEach(v -> {
        String[] parts = v.asText().split(":");
        if (parts[0].startsWith("./")) mounts.put(parts[1], deploy("compose", parts[0].substring(2)));
      });
      out.add(new Invocation("compose service " + e.getKey(), cmd.get(0), cmd.subList(1, cmd.size()), env, names,
          mounts));
    }
    return out;
  }

  // ---- image ----

  static List<String> dockerfile() {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : read(deploy("image", "Dockerfile")).split("\n")) {
      String l = line.strip();
      if (l.startsWith("#") && cur.isEmpty()) continue;
      if (l.endsWith("\\")) {
        cur.append(l, 0, l.length() - 1).append(' ');
        continue;
      }
      cur.append(l);
      if (!cur.toString().isBlank()) out.add(cur.toString().strip());
      cur.setLength(0);
    }
    return out;
  }

  static String dockerfileInstruction(String name) {
    return dockerfile().stream().filter(l -> l.startsWith(name + " ")).reduce((a, b) -> b)
        .map(l -> l.substring(name.length() + 1).strip())
        .orElseThrow(() -> new AssertionError("no " + name + " in deploy/image/Dockerfile"));
  }

  /** The image's ENV (NAME=value pairs). */
  static Map<String, String> dockerfileEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String l : dockerfile()) {
      if (!l.startsWith("ENV ")) continue;
      for (String pair : l.substring(4).strip().split("\\s+")) {
        int eq = pair.indexOf('=');
        env.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return env;
  }

  // ---- Kubernetes ----

  private static final Pattern K8S_VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  /**
   * The StatefulSet's container as a clawbus run: its args with $(VAR) expanded, env (fieldRefs given the values
   * Kubernetes would: the pod's name and an address), envFrom Secrets' stringData, and configMap volumes written to
   * {@code dir}.
   */
  static Invocation statefulSetInvocation(Path dir) throws IOException {
    JsonNode sts = k8s("StatefulSet", "clawbus");
    JsonNode pod = sts.path("spec").path("template").path("spec");
    JsonNode c = pod.path("containers").get(0);
    Map<String, String> env = new LinkedHashMap<>();
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode e : c.path("env")) {
      String name = e.path("name").asText();
      names.add(name);
      String field = e.path("valueFrom").path("fieldRef").path("fieldPath").asText("");
      env.put(name, switch (field) {
        case "metadata.name" -> sts.path("metadata").path("name").asText() + "-0";
        case "status.podIP" -> "10.42.0.7";
        case "" -> e.path("value").asText();
        default -> throw new AssertionError("fieldRef " + field + " not modelled");
      });
    }
    for (JsonNode from : c.path("envFrom")) {
      String secret = from.path("secretRef").path("name").asText(null);
      String map = from.path("configMapRef").path("name").asText(null);
      JsonNode data = secret != null ? k8s("Secret", secret).path("stringData") : k8s("ConfigMap", map).path("data");
      data.fields().forEachRemaining(f -> {
        names.add(f.getKey());
        env.put(f.getKey(), f.getValue().asText());
      });
    }
    List<String> args = new ArrayList<>();
    for (JsonNode a : c.path("args")) {
      Matcher m = K8S_VAR.matcher(a.asText());
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        if (!env.containsKey(m.group(1))) throw new AssertionError("args use $(" + m.group(1) + "), not in env");
        m.appendReplacement(sb, Matcher.quoteReplacement(env.get(m.group(1))));
      }
      m.appendTail(sb);
      args.add(sb.toString());
    }
    Map<String, String> volumeToConfigMap = new LinkedHashMap<>();
    for (JsonNode v : pod.path("volumes")) {
      if (v.has("configMap")) volumeToConfigMap.put(v.path("name").asText(), v.path("configMap").path("name").asText());
    }
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (JsonNode m : c.path("volumeMounts")) {
      String cm = volumeToConfigMap.get(m.path("name").asText());
      if (cm == null) continue;
      for (var it = k8s("ConfigMap", cm).path("data").fields(); it.hasNext(); ) {
        var f = it.next();
        Path local = Files.writeString(dir.resolve(f.getKey()), f.getValue().asText());
        mounts.put(m.path("mountPath").asText() + "/" + f.getKey(), local);
      }
    }
    return new Invocation("StatefulSet clawbus", args.get(0), args.subList(1, args.size()), env, names, mounts);
  }

  // ---- the real tables ----

  /** The option table of a clawbus command, as the command itself uses it. */
  static List<Option> options(String command) {
    return switch (command) {
      case "serve" -> ClawbusConfig.SERVE_OPTIONS;
      case "node" -> NodeOptions.OPTIONS;
      case "kafka" -> KafkaCommand.options();
      default -> throw new AssertionError("a deployment runs 'clawbus " + command + "', which this check does not know");
    };
  }

  /** Environment variables the launcher script reads (its ${NAME} and ${NAME:-…} references). */
  static Set<String> launcherEnv() {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)").matcher(read(root().resolve("clawbus")));
    while (m.find()) names.add(m.group(1));
    return names;
  }

  /** A value that is a mounted container path becomes the local file it comes from. */
  static String local(String value, Map<String, Path> mounts) {
    Path p = mounts.get(value);
    return p == null ? value : p.toString();
  }

  /** The invocation's args and env with mounted paths replaced by the local files. */
  static List<String> localArgs(Invocation inv) {
    return inv.args().stream().map(a -> local(a, inv.mounts())).toList();
  }

  static Map<String, String> localEnv(Invocation inv) {
    Map<String, String> env = new LinkedHashMap<>();
    inv.env().forEach((k, v) -> env.put(k, local(v, inv.mounts())));
    return env;
  }

  static ObjectNode obj(JsonNode n) {
    return (ObjectNode) n;
  }
}
