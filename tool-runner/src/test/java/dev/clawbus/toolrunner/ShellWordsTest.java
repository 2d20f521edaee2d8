package dev.clawbus.toolrunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShellWordsTest {
  /** Commands without shell syntax: run directly they must get exactly the argv that /bin/sh gives them. */
  private static final List<String> PLAIN = List.of(
      "ls -la 'my dir'", "echo \"a b\" c", "echo a\\ b", "echo \"x\\\"y\"", "echo 'it'\"'\"'s'",
      "echo \"back\\\\slash\"", "echo \"keep\\n\"", "echo a\\\\b", "printf %s\\\\n x", "echo \"\"", "echo '' x",
      "echo a\"b\"c", "echo \"tab\tinside\"", "echo \"line1\\\nline2\"", "echo a\\\nb", "echo $", "echo a$",
      "echo \"$\"", "echo 'single $HOME'", "echo x=1", "echo a=b c", "echo -- -x", "echo é ü 日本", "echo a#b",
      "echo '#quoted'", "echo a~b", "git show HEAD~1", "echo \\$HOME", "echo \"\\$HOME\"", "echo \\*", "echo '*'",
      "echo \"a*b\"", "echo \\|", "echo \"a|b\"", "echo ';'", "echo \"{a,b}\"", "  echo   spaced\t words  ",
      "grep -E 'a|b' file.txt", "echo \"it's\"", "echo \"cost: 5$\"", "'A=1' x", "echo \"a\\b\"", "echo trailing\\",
      "curl -d '{\"a\":1}' http://x/y", "echo 100%", "echo a,b", "echo a^b", "echo a!b", "echo \"\\`\"");

  private static final List<String[]> SYNTAX = List.of(
      new String[] {"ls | wc -l", "pipe"}, new String[] {"a || b", "'||'"}, new String[] {"a && b", "'&&'"},
      new String[] {"a; b", "';'"}, new String[] {"sleep 1 &", "background"}, new String[] {"ls > f", "redirection"},
      new String[] {"cat < f", "redirection"}, new String[] {"a 2>&1", "redirection"},
      new String[] {"(ls)", "parentheses"}, new String[] {"echo $(id)", "$(…)"}, new String[] {"echo `id`", "backticks"},
      new String[] {"echo $HOME", "variable"}, new String[] {"echo ${HOME}", "variable"},
      new String[] {"echo \"$HOME\"", "variable"}, new String[] {"echo \"$(id)\"", "$(…)"},
      new String[] {"echo \"`id`\"", "backticks"}, new String[] {"ls *.txt", "glob"}, new String[] {"ls file?", "glob"},
      new String[] {"ls [ab]", "glob"}, new String[] {"cd /tmp", "builtin"}, new String[] {"\"cd\" /tmp", "builtin"},
      new String[] {"export A=1", "builtin"}, new String[] {"A=1 env", "assignment"},
      new String[] {"A=\"x y\" env", "assignment"}, new String[] {"if true", "keyword"}, new String[] {"! true", "keyword"},
      new String[] {"ls ~", "tilde"}, new String[] {"ls ~/x", "tilde"}, new String[] {"echo a=~/x", "tilde"},
      new String[] {"echo hi # comment", "comment"}, new String[] {"echo a\necho b", "new line"},
      new String[] {"exec ls", "builtin"}, new String[] {"source x", "builtin"}, new String[] {". x", "builtin"},
      new String[] {"{ ls; }", "braces"}, new String[] {"echo {a,b}", "braces"}, new String[] {"echo $'a\\tb'", "quoting"},
      new String[] {"echo $1", "variable"}, new String[] {"echo $?", "variable"}, new String[] {"echo <(ls)", "redirection"},
      new String[] {"ls>f", "redirection"}, new String[] {"true&&false", "'&&'"});

  @Test
  void plainCommandsSplitExactlyAsTheShellSplitsThem() throws Exception {
    for (String c : PLAIN) {
      ShellWords.Split s = ShellWords.split(c);
      assertNull(s.shellSyntax(), c);
    }
    assertEquals(List.of("ls", "-la", "my dir"), ShellWords.split("ls -la 'my dir'").argv());
    assertEquals(List.of("echo", "", "x"), ShellWords.split("echo '' x").argv());
    assertEquals(shellWords(PLAIN), PLAIN.stream().map(c -> ShellWords.split(c).argv()).toList());
  }

  @Test
  void randomCommandsWithoutShellSyntaxSplitAsTheShellSplitsThem() throws Exception {
    Random random = new Random(13);
    String alphabet = "ab =\\'\" \t\n$|;&<>*?[~#{}()`xé";
    List<String> plain = new ArrayList<>();
    int flagged = 0;
    for (int i = 0; i < 3000 && plain.size() < 300; i++) {
      StringBuilder sb = new StringBuilder("x ");
      int len = 1 + random.nextInt(12);
      for (int k = 0; k < len; k++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      try {
        ShellWords.Split s = ShellWords.split(sb.toString());
        if (s.hasShellSyntax()) {
          flagged++;
        } else {
          plain.add(sb.toString());
        }
      } catch (IllegalArgumentException unterminated) {
        // sh would refuse it too
      }
    }
    assertTrue(plain.size() > 100 && flagged > 100, plain.size() + " plain, " + flagged + " flagged");
    assertEquals(shellWords(plain), plain.stream().map(c -> ShellWords.split(c).argv()).toList());
  }

  @Test
  void shellSyntaxIsFoundAndNamed() {
    for (String[] c : SYNTAX) {
      String found = ShellWords.split(c[0]).shellSyntax();
      assertNotNull(found, c[0]);
      assertTrue(found.contains(c[1]), c[0] + " -> " + found);
    }
  }

  @Test
  void unterminatedQuotesAndEmptyCommandsAreErrors() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ShellWords.split("echo 'open")).getMessage()
        .contains("single quote"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ShellWords.split("echo \"open")).getMessage()
        .contains("double quote"));
    assertThrows(IllegalArgumentException.class, () -> ShellWords.split(""));
    assertThrows(IllegalArgumentException.class, () -> ShellWords.split(" \n\t "));
  }

  /** The argv that {@code /bin/sh -c} gives each command (its words printed by printf, NUL-terminated). */
  private static List<List<String>> shellWords(List<String> commands) throws Exception {
    List<List<String>> all = new ArrayList<>();
    for (String c : commands) {
      Process p = new ProcessBuilder("/bin/sh", "-c", "printf '%s\\0' " + c).redirectErrorStream(true).start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      p.getInputStream().transferTo(out);
      assertTrue(p.waitFor(10, TimeUnit.SECONDS));
      List<String> words = new ArrayList<>(Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\0", -1)));
      words.remove(words.size() - 1); // after the last NUL
      all.add(words);
    }
    return all;
  }
}
