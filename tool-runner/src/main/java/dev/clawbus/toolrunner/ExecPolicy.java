package dev.clawbus.toolrunner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether and how a node runs a command. I/O-free: finding programs is the {@link Resolver}'s job.
 * <ul>
 *   <li>{@code deny} (the default): nothing runs.</li>
 *   <li>{@code allowlist}: the command is split into argv without a shell; shell syntax is refused; the program is
 *   resolved (bare names on the node's PATH) and must match the {@link AllowList}; it is then started by that
 *   resolved path, so what runs is what was checked. Environment overrides that make a program load other code
 *   ({@code LD_PRELOAD}, {@code PATH}, {@code PYTHONPATH}, {@code GIT_SSH_COMMAND}, …) are refused.</li>
 *   <li>{@code full}: anything; a command with shell syntax runs as {@code /bin/sh -c COMMAND}, one without runs
 *   directly.</li>
 * </ul>
 */
public final class ExecPolicy {
  public static final String SHELL = "/bin/sh";

  public enum Mode {
    DENY, ALLOWLIST, FULL;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Mode parse(String s) {
      for (Mode m : values()) {
        if (m.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
      throw new IllegalArgumentException("policy must be deny, allowlist or full, got '" + s + "'");
    }
  }

  /** Finds the program that {@code argv0} names, or nothing if there is no such executable file. */
  @FunctionalInterface
  public interface Resolver {
    Optional<Path> resolve(String argv0, Path workdir);
  }

  public enum Verdict { ALLOWED, DENIED, INVALID }

  /**
   * @param verdict    allowed, denied by policy (403) or not runnable as given (400)
   * @param reason     for a refusal, a sentence for the caller
   * @param argv       what to start (for {@code allowlist}, argv[0] is the resolved path)
   * @param executable the resolved program, or null if none was found ({@code full} only: it fails with 127)
   * @param shell      whether it runs through {@code /bin/sh -c}
   */
  public record Decision(Verdict verdict, String reason, List<String> argv, String executable, boolean shell) {
    public boolean allowed() {
      return verdict == Verdict.ALLOWED;
    }

    public String mode() {
      return !allowed() ? null : shell ? "shell" : "direct";
    }

    static Decision denied(String reason) {
      return new Decision(Verdict.DENIED, reason, List.of(), null, false);
    }

    static Decision invalid(String reason) {
      return new Decision(Verdict.INVALID, reason, List.of(), null, false);
    }
  }

  /** Overrides that make an allowed program load code chosen by the caller, refused under {@code allowlist}. */
  private static final Set<String> CODE_LOADING_ENV = Set.of("PATH", "IFS", "ENV", "BASH_ENV", "SHELLOPTS",
      "BASHOPTS", "PS4", "PROMPT_COMMAND", "PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME", "PYTHONINSPECT",
      "PERL5OPT", "PERL5LIB", "PERLLIB", "PERL5DB", "RUBYOPT", "RUBYLIB", "NODE_OPTIONS", "NODE_PATH",
      "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH", "GIT_SSH", "GIT_SSH_COMMAND",
      "GIT_EXTERNAL_DIFF", "GIT_PAGER", "GIT_EDITOR", "GIT_ASKPASS", "GIT_EXEC_PATH", "GIT_TEMPLATE_DIR",
      "GIT_PROXY_COMMAND", "SSH_ASKPASS", "PAGER", "EDITOR", "VISUAL", "BROWSER", "LESSOPEN", "LESSCLOSE",
      "MANPAGER", "HOME", "XDG_CONFIG_HOME");
  private static final List<String> CODE_LOADING_ENV_PREFIXES = List.of("LD_", "DYLD_", "GIT_CONFIG");

  private final Mode mode;
  private final AllowList allowList;
  private final String nodeName;

  private ExecPolicy(Mode mode, AllowList allowList, String nodeName) {
    this.mode = mode;
    this.allowList = allowList;
    this.nodeName = nodeName;
  }

  public static ExecPolicy deny(String nodeName) {
    return new ExecPolicy(Mode.DENY, null, nodeName);
  }

  public static ExecPolicy full(String nodeName) {
    return new ExecPolicy(Mode.FULL, null, nodeName);
  }

  public static ExecPolicy allowlist(String nodeName, AllowList list) {
    return new ExecPolicy(Mode.ALLOWLIST, list, nodeName);
  }

  public Mode mode() {
    return mode;
  }

  public Decision decide(String command, Map<String, String> env, Path workdir, Resolver resolver) {
    if (mode == Mode.DENY) {
      return Decision.denied("exec is disabled on node '" + nodeName + "' (policy deny)");
    }
    ShellWords.Split split;
    try {
      split = ShellWords.split(command);
    } catch (IllegalArgumentException e) {
      return Decision.invalid(e.getMessage());
    }
    if (split.hasShellSyntax()) {
      if (mode == Mode.FULL) {
        return new Decision(Verdict.ALLOWED, null, List.of(SHELL, "-c", command), SHELL, true);
      }
      return Decision.denied("shell syntax is not allowed on node '" + nodeName + "' (policy allowlist): the command "
          + "contains " + split.shellSyntax() + "; send one program with its arguments");
    }
    String argv0 = split.argv().get(0);
    Optional<Path> program = argv0.isEmpty() ? Optional.empty() : resolver.resolve(argv0, workdir);
    if (mode == Mode.FULL) {
      return new Decision(Verdict.ALLOWED, null, split.argv(), program.map(Path::toString).orElse(null), false);
    }
    if (program.isEmpty()) {
      return Decision.denied("'" + argv0 + "' is not an executable program on node '" + nodeName + "'"
          + (argv0.contains("/") ? "" : "'s PATH"));
    }
    if (!allowList.allows(program.get())) {
      return Decision.denied("'" + program.get() + "' is not in the allowlist of node '" + nodeName + "'");
    }
    for (String name : env.keySet()) {
      if (CODE_LOADING_ENV.contains(name) || CODE_LOADING_ENV_PREFIXES.stream().anyMatch(name::startsWith)) {
        return Decision.denied("the environment variable " + name + " cannot be set on node '" + nodeName
            + "' (policy allowlist): it can make a program run other code");
      }
    }
    List<String> argv = new ArrayList<>(split.argv());
    argv.set(0, program.get().toString());
    return new Decision(Verdict.ALLOWED, null, List.copyOf(argv), program.get().toString(), false);
  }
}
