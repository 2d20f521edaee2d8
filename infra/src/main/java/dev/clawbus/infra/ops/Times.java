package dev.clawbus.infra.ops;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The points in time operators write ({@code --since T}, {@code ?since=T}): an ISO-8601 instant
 * ({@code 2026-11-29T10:15:00Z}, {@code 2026-11-29T11:15:00+01:00}), a local date-time or date (read as UTC),
 * epoch milliseconds, or a time ago ({@code 90s}, {@code 30m}, {@code 1h}, {@code 2d}, {@code 1h30m}).
 * Pure: "now" comes from the clock given.
 */
public final class Times {
  private static final Pattern AGO = Pattern.compile("(?:(\\d{1,9})([smhdw]))+");
  private static final Pattern PART = Pattern.compile("(\\d{1,9})([smhdw])");
  private static final Pattern MILLIS = Pattern.compile("\\d{10,15}");

  private Times() {}

  /** Epoch milliseconds of {@code text}; IllegalArgumentException with a message for people when it is none. */
  public static long parse(String text, Clock clock) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty()) throw new IllegalArgumentException("a time is empty");
    if (AGO.matcher(t).matches()) {
      long ms = 0;
      Matcher m = PART.matcher(t);
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        ms += n * switch (m.group(2)) {
          case "s" -> 1_000L;
          case "m" -> 60_000L;
          case "h" -> 3_600_000L;
          case "d" -> 86_400_000L;
          default -> 7 * 86_400_000L;
        };
      }
      return clock.millis() - ms;
    }
    if (MILLIS.matcher(t).matches()) return Long.parseLong(t);
    try {
      return Instant.parse(t).toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // not an instant with Z
    }
    try {
      return OffsetDateTime.parse(t).toInstant().toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // no offset
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // not a date-time
    }
    try {
      return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // not a date
    }
    throw new IllegalArgumentException("'" + (t.length() > 40 ? t.substring(0, 40) + "…" : t)
        + "' is not a time: use ISO-8601 (2026-11-29T10:15:00Z), epoch milliseconds, or a time ago like 30m, 1h, 2d");
  }
}
