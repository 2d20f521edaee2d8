package dev.clawbus.toolrunner;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the program a command names, the way {@code execvp} does: a name with a slash is a path (relative to the
 * working directory), a bare name is looked up in the directories of PATH. Only absolute PATH entries count (an empty
 * or relative entry would make the current directory, which the command chooses, part of the search).
 */
public final class PathLookup implements ExecPolicy.Resolver {
  private final List<Path> dirs;

  public PathLookup(String pathVariable) {
    List<Path> d = new ArrayList<>();
    for (String entry : (pathVariable == null ? "" : pathVariable).split(File.pathSeparator)) {
      try {
        if (!entry.isEmpty() && Path.of(entry).isAbsolute()) {
          d.add(Path.of(entry).normalize());
        }
      } catch (InvalidPathException ignored) {
        // not a directory name; execvp would skip it too
      }
    }
    this.dirs = List.copyOf(d);
  }

  /** The node's own PATH. */
  public static PathLookup system() {
    return new PathLookup(System.getenv("PATH"));
  }

  /** A bare program name on PATH: the first directory with an executable regular file of that name. */
  public Optional<Path> find(String name) {
    if (name.isEmpty() || name.contains("/")) {
      return Optional.empty();
    }
    for (Path dir : dirs) {
      Path p = dir.resolve(name);
      if (isProgram(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<Path> resolve(String argv0, Path workdir) {
    if (!argv0.contains("/")) {
      return find(argv0);
    }
    try {
      Path p = workdir.resolve(argv0).toAbsolutePath().normalize();
      return isProgram(p) ? Optional.of(p) : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  private static boolean isProgram(Path p) {
    return Files.isRegularFile(p) && Files.isExecutable(p);
  }
}
