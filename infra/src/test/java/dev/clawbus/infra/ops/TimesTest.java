package dev.clawbus.infra.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimesTest {
  static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void readsTimesAgo() {
    assertEquals(NOW.toEpochMilli() - 30 * 60_000L, Times.parse("30m", CLOCK));
    assertEquals(NOW.toEpochMilli() - 3_600_000L, Times.parse("1h", CLOCK));
    assertEquals(NOW.toEpochMilli() - 90_000L, Times.parse(" 90s ", CLOCK));
    assertEquals(NOW.toEpochMilli() - 2 * 86_400_000L, Times.parse("2d", CLOCK));
    assertEquals(NOW.toEpochMilli() - 7 * 86_400_000L, Times.parse("1w", CLOCK));
    assertEquals(NOW.toEpochMilli() - 5_400_000L, Times.parse("1h30m", CLOCK));
  }

  @Test
  void readsIso8601AndEpochMillis() {
    assertEquals(Instant.parse("2026-11-29T10:15:00Z").toEpochMilli(), Times.parse("2026-11-29T10:15:00Z", CLOCK));
    assertEquals(Instant.parse("2026-11-29T10:15:00Z").toEpochMilli(),
        Times.parse("2026-11-29T11:15:00+01:00", CLOCK));
    assertEquals(Instant.parse("2026-11-29T10:15:00Z").toEpochMilli(), Times.parse("2026-11-29T10:15:00", CLOCK),
        "a local date-time is UTC");
    assertEquals(Instant.parse("2026-11-29T00:00:00Z").toEpochMilli(), Times.parse("2026-11-29", CLOCK));
    assertEquals(1_764_400_000_000L, Times.parse("1764400000000", CLOCK));
  }

  @Test
  void refusesAnythingElseWithAMessageForPeople() {
    for (String bad : new String[] {"", "  ", "yesterday", "1y", "h1", "-1h", "2026-13-01", "12", "1.5h"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Times.parse(bad, CLOCK), bad);
      assertTrue(e.getMessage().contains("time"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Times.parse(null, CLOCK));
  }
}
