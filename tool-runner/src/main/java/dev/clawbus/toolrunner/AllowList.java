package dev.clawbus.toolrunner;

import dev.clawbus.infra.config.ConfigException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The programs an {@code allowlist} node may run, from a file with one pattern per line ({@code #} starts a comment):
 * <ul>
 *   <li>an absolute glob, matched against the program's resolved, normalised path: {@code /usr/bin/git},
 *   {@code /opt/tools/*} (one level), {@code /opt/tools/**} (any depth), {@code /usr/bin/python3.{11,12}};</li>
 *   <li>a bare program name, resolved on the node's PATH when the file is read: {@code git} allows exactly the
 *   {@code git} that PATH finds, not a {@code git} elsewhere. A name PATH does not find is skipped with a warning.</li>
 * </ul>
 * Anything else (a relative path, a glob without a leading slash) is a mistake reported with its line number.
 */
public final class AllowList {
  private record Rule(String pattern, PathMatcher matcher, Path exact) {
    boolean matches(Path p) {
      return exact != null ? exact.equals(p) : matcher.matches(p);
    }
  }

  private final List<Rule> rules;
  private final List<String> warnings;

  private AllowList(List<Rule> rules, List<String> warnings) {
    this.rules = List.copyOf(rules);
    this.warnings = List.copyOf(warnings);
  }

  public static AllowList load(Path file, Function<String, Optional<Path>> findOnPath) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read allowlist file " + file + ": " + e.getMessage());
    }
    return parse(lines, findOnPath, file.toString());
  }

  public static AllowList parse(List<String> lines, Function<String, Optional<Path>> findOnPath, String source) {
    List<Rule> rules = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String p = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (p.isEmpty()) {
        continue;
      }
      String where = source + ":" + (i + 1);
      if (p.startsWith("/")) {
        try {
          rules.add(new Rule(p, FileSystems.getDefault().getPathMatcher("glob:" + p), null));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(where + ": bad pattern '" + p + "': " + dev.clawbus.infra.Failures.firstLine(e.getMessage()));
        }
      } else if (p.matches("[A-Za-z0-9._+-]+")) {
        Optional<Path> found = findOnPath.apply(p);
        if (found.isPresent()) {
          rules.add(new Rule(p, null, found.get()));
        } else {
          warnings.add(where + ": '" + p + "' is not on this node's PATH; the line is ignored");
        }
      } else {
        throw new ConfigException(where + ": '" + p + "' must be an absolute path pattern (/usr/bin/git, "
            + "/opt/tools/*) or a bare program name (git)");
      }
    }
    return new AllowList(rules, warnings);
  }

  /** Whether {@code program} (absolute, normalised) may run. */
  public boolean allows(Path program) {
    for (Rule r : rules) {
      if (r.matches(program)) {
        return true;
      }
    }
    return false;
  }

  /** Lines skipped because their program is not installed here; the node prints them at start. */
  public List<String> warnings() {
    return warnings;
  }

  public int size() {
    return rules.size();
  }
}
