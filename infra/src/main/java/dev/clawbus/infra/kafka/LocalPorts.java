package dev.clawbus.infra.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port helpers for brokers, cluster members and tests that must know their ports before binding. */
public final class LocalPorts {
  private LocalPorts() {}

  /**
   * A port that was free a moment ago on {@code host}. Another process may take it before the caller binds; callers
   * that cannot tolerate that must bind port 0 themselves.
   */
  public static int free(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + host + ": " + e.getMessage(), e);
    }
  }

  /** True if something else already listens on {@code host:port} (or the port cannot be bound for another reason). */
  public static boolean inUse(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      // Without SO_REUSEADDR a port in TIME_WAIT after our own broker's restart would look busy on some systems;
      // with it, a real listener still refuses the bind.
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
