package io.switchboard.core.statistics;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The 15-minute intervals statistics are kept in, and how they roll up to hours, days, weeks
 * (ISO, Monday first) and months of the centre's time zone. Interval starts are instants (UTC);
 * every zone whose offset is a whole quarter hour puts its local quarters on the same instants.
 */
public final class Intervals {
  public static final Duration LENGTH = Duration.ofMinutes(15);
  private static final long LENGTH_MS = LENGTH.toMillis();

  private Intervals() {}

  public static Instant startOf(Instant at) {
    return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), LENGTH_MS) * LENGTH_MS);
  }

  /** One piece of a span that falls in one interval. */
  public record Slice(Instant intervalStart, long millis) {}

  /** Splits [from, to) at interval boundaries; empty when {@code to} is not after {@code from}. */
  public static List<Slice> split(Instant from, Instant to) {
    List<Slice> slices = new ArrayList<>();
    long t = from.toEpochMilli(), end = to.toEpochMilli();
    while (t < end) {
      long start = Math.floorDiv(t, LENGTH_MS) * LENGTH_MS;
      long next = Math.min(start + LENGTH_MS, end);
      slices.add(new Slice(Instant.ofEpochMilli(start), next - t));
      t = next;
    }
    return slices;
  }

  /** How rows are summed for a report. */
  public enum Granularity {
    INTERVAL,
    HOUR,
    DAY,
    WEEK,
    MONTH;

    public static Granularity parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "15m", "interval" -> INTERVAL;
        case "hour" -> HOUR;
        case "day" -> DAY;
        case "week" -> WEEK;
        case "month" -> MONTH;
        default -> throw new IllegalArgumentException(
            "granularity must be one of 15m, hour, day, week, month (got '" + s + "')");
      };
    }

    /** The start of the period an interval belongs to, in the centre's time zone. */
    public Instant periodStart(Instant intervalStart, ZoneId zone) {
      return switch (this) {
        case INTERVAL -> intervalStart;
        case HOUR -> intervalStart.atZone(zone).withMinute(0).withSecond(0).withNano(0).toInstant();
        case DAY -> day(intervalStart, zone).atStartOfDay(zone).toInstant();
        case WEEK -> day(intervalStart, zone).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
            .atStartOfDay(zone).toInstant();
        case MONTH -> day(intervalStart, zone).withDayOfMonth(1).atStartOfDay(zone).toInstant();
      };
    }
  }

  public static LocalDate day(Instant at, ZoneId zone) {
    return LocalDate.ofInstant(at, zone);
  }
}
