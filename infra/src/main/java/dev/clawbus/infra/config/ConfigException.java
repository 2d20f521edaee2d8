package dev.clawbus.infra.config;

/** A configuration mistake, told to the operator in one line (no stack trace). */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
