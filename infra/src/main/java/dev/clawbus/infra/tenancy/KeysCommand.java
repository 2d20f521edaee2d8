package dev.clawbus.infra.tenancy;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/** {@code clawbus keys new}: a fresh random API key and the SHA-256 to put in a tenants file instead of it. */
public final class KeysCommand {
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeysCommand() {}

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
      (args.isEmpty() ? err : out).print("""
          usage: clawbus keys new

          Prints a fresh random API key (256 bits from SecureRandom) and its SHA-256. Give the key to the
          client; put either the key ("keys") or, better, its digest ("key_sha256") in the tenants file.
          """);
      return args.isEmpty() ? 2 : 0;
    }
    if (args.size() != 1 || !args.get(0).equals("new")) {
      err.println("clawbus keys: unknown arguments " + String.join(" ", args) + " (usage: clawbus keys new)");
      return 2;
    }
    String key = newKey();
    out.println("key:        " + key);
    out.println("key_sha256: " + Tenants.sha256Hex(key));
    return 0;
  }

  /** {@code sk-} and 43 URL-safe base64 characters (32 random bytes). */
  public static String newKey() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
