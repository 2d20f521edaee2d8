package dev.clawbus.infra.contract;

import java.security.SecureRandom;

/** Fresh request ids: 24 random characters of [0-9a-z] (about 124 bits), for new requests and replays alike. */
public final class IdGenerator {
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private IdGenerator() {}

  public static String newRequestId() {
    char[] c = new char[24];
    for (int i = 0; i < c.length; i++) c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    return new String(c);
  }
}
