package dev.clawbus.infra;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** clawbus's version, from the build (one source of truth: the Maven project version). */
public final class Version {
  public static final String VERSION = read();

  private Version() {}

  private static String read() {
    try (InputStream in = Version.class.getResourceAsStream("/clawbus-version.properties")) {
      Properties p = new Properties();
      if (in != null) p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
