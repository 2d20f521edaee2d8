package dev.clawbus.ingress;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.Option;
import java.util.List;

/**
 * The settings of {@link ConnectionGuard}, as options of {@code clawbus serve} (to be listed in
 * {@link ClawbusConfig#SERVE_OPTIONS}). Defaults are what a production gateway uses: nginx closes a
 * client that has not sent its request in 60 s ({@code client_header_timeout}, {@code client_body_timeout})
 * and idle keep-alive connections after 75 s; AWS ALB's idle timeout is 60 s; 10,000 connections fit the
 * usual container limit of 65,536 file descriptors (and, here, 20,000) with room for Kafka, Hazelcast and the
 * vLLM connections. The limit is lowered automatically to the process's file descriptor limit less 1,024.
 */
public final class ConnectionOptions {
  public static final Option REQUEST_TIMEOUT_SECONDS = ClawbusConfig.REQUEST_TIMEOUT_SECONDS;
  public static final Option IDLE_TIMEOUT_SECONDS = ClawbusConfig.IDLE_TIMEOUT_SECONDS;
  public static final Option MAX_CONNECTIONS = ClawbusConfig.MAX_CONNECTIONS;

  /** In --help order. */
  public static final List<Option> ALL = List.of(REQUEST_TIMEOUT_SECONDS, IDLE_TIMEOUT_SECONDS, MAX_CONNECTIONS);

  private ConnectionOptions() {}

  /** The guard's settings from a resolved config (defaults for options it does not hold). */
  public static ConnectionGuard.Settings settings(ClawbusConfig config) {
    return new ConnectionGuard.Settings(
        1000L * config.json().getInteger(REQUEST_TIMEOUT_SECONDS.key(), Integer.parseInt(REQUEST_TIMEOUT_SECONDS.defaultValue())),
        1000L * config.json().getInteger(IDLE_TIMEOUT_SECONDS.key(), Integer.parseInt(IDLE_TIMEOUT_SECONDS.defaultValue())),
        config.json().getInteger(MAX_CONNECTIONS.key(), Integer.parseInt(MAX_CONNECTIONS.defaultValue())),
        ConnectionGuard.Settings.defaults().refusalGraceMillis());
  }
}
