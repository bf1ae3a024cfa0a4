package io.switchboard.core.calendar;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.LocalTime;

/**
 * A half-open time-of-day range [from, to). A {@code to} of 00:00 means the end of the day, so
 * 00:00-00:00 is the whole day. Times are whole minutes, which is what lets
 * {@link CalendarDefinition#nextChange} look only at minute boundaries.
 */
public record TimeRange(
    @JsonFormat(pattern = "HH:mm") LocalTime from, @JsonFormat(pattern = "HH:mm") LocalTime to) {

  /** 00:00-00:00. */
  public static final TimeRange WHOLE_DAY = new TimeRange(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);

  public TimeRange {
    requireWholeMinute(from, "from");
    requireWholeMinute(to, "to");
    if (!to.equals(LocalTime.MIDNIGHT)) {
      if (to.equals(from)) {
        throw new IllegalArgumentException(
            "TimeRange.to must be after from; the empty range " + from + "-" + to
                + " is not allowed");
      }
      if (to.isBefore(from)) {
        throw new IllegalArgumentException(
            "TimeRange.to (" + to + ") must be after from (" + from
                + "): overnight ranges are not supported; split them at midnight");
      }
    }
  }

  /** Parses "HH:mm" strings, e.g. {@code TimeRange.of("08:00", "17:00")}. */
  public static TimeRange of(String from, String to) {
    return new TimeRange(parse(from, "from"), parse(to, "to"));
  }

  public boolean contains(LocalTime t) {
    if (t == null) {
      throw new IllegalArgumentException("time must not be null");
    }
    return !t.isBefore(from) && (to.equals(LocalTime.MIDNIGHT) || t.isBefore(to));
  }

  /** True when both ranges share at least one minute. */
  public boolean overlaps(TimeRange other) {
    return from.isBefore(other.endOfDayAware()) && other.from.isBefore(endOfDayAware());
  }

  @Override
  public String toString() {
    return from + "-" + to;
  }

  // 00:00 as an end sorts after every other time of the day.
  private LocalTime endOfDayAware() {
    return to.equals(LocalTime.MIDNIGHT) ? LocalTime.MAX : to;
  }

  private static void requireWholeMinute(LocalTime t, String field) {
    if (t == null) {
      throw new IllegalArgumentException("TimeRange." + field + " must not be null");
    }
    if (t.getSecond() != 0 || t.getNano() != 0) {
      throw new IllegalArgumentException(
          "TimeRange." + field + " must be a whole minute, got " + t);
    }
  }

  private static LocalTime parse(String text, String field) {
    if (text == null) {
      throw new IllegalArgumentException("TimeRange." + field + " must not be null");
    }
    try {
      return LocalTime.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          "TimeRange." + field + " must be a time like 08:30, got '" + text + "'", e);
    }
  }
}
