package dev.clawbus.toolrunner;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits a command line into argv the way a POSIX shell splits words (single quotes, double quotes, backslashes,
 * line continuations) and reports the first piece of shell syntax it meets: pipes, {@code ; && || &}, redirections,
 * parentheses, braces, {@code $} expansions and {@code $(…)}, backticks, unquoted glob characters, tilde expansion,
 * comments, command separators on new lines, a leading variable assignment, shell keywords and shell-only builtins. A command
 * without any of these means the same run directly as argv as it would in {@code sh -c}. I/O-free.
 */
public final class ShellWords {
  private static final Set<String> KEYWORDS = Set.of("if", "then", "else", "elif", "fi", "case", "esac", "for",
      "select", "while", "until", "do", "done", "in", "function", "time", "!", "coproc");
  /** Builtins with no program of the same name: run directly they would fail or mean something else. */
  private static final Set<String> BUILTINS = Set.of("cd", "export", "unset", "set", "source", ".", "eval", "exec",
      "alias", "unalias", "ulimit", "umask", "exit", "return", "readonly", "trap", "shift", "wait", "read", "local",
      "declare", "typeset", "break", "continue", "times", "getopts", "hash", "jobs", "fg", "bg", "command", "type",
      "let", "shopt", "history", "builtin", "enable", "disown", "suspend", "logout", "pushd", "popd", "dirs",
      "mapfile", "readarray", "compgen", "complete", "fc");
  private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*", Pattern.DOTALL);

  private ShellWords() {}

  /**
   * @param argv        the words, quotes removed (meaningful only when {@code shellSyntax} is null)
   * @param shellSyntax the first shell construct found, described for a person; null when there is none
   */
  public record Split(List<String> argv, String shellSyntax) {
    public boolean hasShellSyntax() {
      return shellSyntax != null;
    }
  }

  /** Throws IllegalArgumentException for an empty command or an unterminated quote. */
  public static Split split(String command) {
    return new Scanner(command).run();
  }

  private static final class Scanner {
    private final String s;
    private final List<String> words = new ArrayList<>();
    private final StringBuilder word = new StringBuilder();
    private boolean inWord;
    /** Length of the current word when its first quoted or escaped character was added; -1 if none. */
    private int firstQuoted = -1;
    private int firstWordQuoted = -1;
    private String syntax;

    Scanner(String s) {
      this.s = s;
    }

    Split run() {
      int n = s.length();
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        char next = i + 1 < n ? s.charAt(i + 1) : 0;
        switch (c) {
          case ' ', '\t' -> endWord();
          case '\n' -> {
            if (!s.substring(i).isBlank()) {
              found("a new line (a command separator)"); // trailing new lines separate nothing
            }
            endWord();
          }
          case '\\' -> {
            if (i + 1 == n) {
              add('\\', false);
            } else if (next == '\n') {
              i++; // line continuation
            } else {
              add(next, true);
              i++;
            }
          }
          case '\'' -> {
            int end = s.indexOf('\'', i + 1);
            if (end < 0) {
              throw new IllegalArgumentException("unterminated single quote in the command");
            }
            markQuoted();
            word.append(s, i + 1, end);
            i = end;
          }
          case '"' -> i = doubleQuoted(i + 1);
          case '|' -> literal(c, next == '|' ? "'||'" : "a pipe '|'");
          case '&' -> literal(c, next == '&' ? "'&&'" : "a background '&'");
          case ';' -> literal(c, "';' (a command separator)");
          case '<', '>' -> literal(c, "a redirection '" + c + "'");
          case '(', ')' -> literal(c, "parentheses (a subshell or grouping)");
          case '`' -> literal(c, "backticks (command substitution)");
          case '$' -> literal(c, expansion(next));
          case '*', '?', '[' -> literal(c, "a glob pattern ('" + c + "')");
          case '~' -> literal(c, tildeExpands() ? "'~' (tilde expansion)" : null);
          case '{', '}' -> literal(c, "braces (brace expansion or grouping)");
          case '#' -> literal(c, inWord ? null : "'#' (a comment)");
          default -> add(c, false);
        }
      }
      endWord();
      if (words.isEmpty()) {
        throw new IllegalArgumentException("the command is empty");
      }
      checkFirstWord();
      return new Split(List.copyOf(words), syntax);
    }

    /** Inside "…": backslash escapes only $ ` " \ and newline; $ and ` still expand. Returns the closing quote. */
    private int doubleQuoted(int from) {
      markQuoted();
      int n = s.length();
      for (int i = from; i < n; i++) {
        char c = s.charAt(i);
        char next = i + 1 < n ? s.charAt(i + 1) : 0;
        if (c == '"') {
          return i;
        } else if (c == '\\' && (next == '$' || next == '`' || next == '"' || next == '\\')) {
          word.append(next);
          i++;
        } else if (c == '\\' && next == '\n') {
          i++;
        } else {
          if (c == '`') {
            found("backticks (command substitution)");
          } else if (c == '$' && next != '"' && next != '\'') { // "$" and "$'" are literal inside double quotes
            String e = expansion(next);
            if (e != null) {
              found(e);
            }
          }
          word.append(c);
        }
      }
      throw new IllegalArgumentException("unterminated double quote in the command");
    }

    /** At the start of a word, or after = or : (where bash expands it in assignment-like words). */
    private boolean tildeExpands() {
      if (!inWord) {
        return true;
      }
      char prev = word.length() == 0 ? 0 : word.charAt(word.length() - 1);
      return prev == '=' || prev == ':';
    }

    private static String expansion(char next) {
      if (next == '(') {
        return "'$(…)' (command substitution)";
      }
      if (next == '\'' || next == '"') {
        return "'$" + next + "…" + next + "' quoting (bash and dash read it differently)";
      }
      if (Character.isLetterOrDigit(next) || (next != 0 && "_{@*#?$!-".indexOf(next) >= 0)) {
        return "'$' (a variable or parameter expansion)";
      }
      return null; // a lone $ is literal
    }

    private void checkFirstWord() {
      String first = words.get(0);
      if (firstWordQuoted < 0 && KEYWORDS.contains(first)) {
        found("'" + first + "' (a shell keyword)");
      } else if (BUILTINS.contains(first)) { // quoting a builtin's name does not stop the shell from finding it
        found("'" + first + "' (a shell builtin)");
      } else if (ASSIGNMENT.matcher(first).matches()
          && (firstWordQuoted < 0 || first.indexOf('=') < firstWordQuoted)) {
        found("a variable assignment ('" + first.substring(0, first.indexOf('=') + 1) + "…')");
      }
    }

    private void literal(char c, String description) {
      if (description != null) {
        found(description);
      }
      add(c, false);
    }

    private void add(char c, boolean quoted) {
      if (quoted) {
        markQuoted();
      }
      inWord = true;
      word.append(c);
    }

    private void markQuoted() {
      inWord = true;
      if (firstQuoted < 0) {
        firstQuoted = word.length();
      }
    }

    private void endWord() {
      if (inWord) {
        if (words.isEmpty()) {
          firstWordQuoted = firstQuoted;
        }
        words.add(word.toString());
        word.setLength(0);
        inWord = false;
        firstQuoted = -1;
      }
    }

    private void found(String description) {
      if (syntax == null) {
        syntax = description;
      }
    }
  }
}
