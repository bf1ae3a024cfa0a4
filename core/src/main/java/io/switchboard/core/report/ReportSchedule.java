package io.switchboard.core.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How often a report is sent, as pure calendar arithmetic in the centre's time zone. Periods are
 * whole local days, ISO weeks (Monday to Monday) or months, so a day across a DST change is 23
 * or 25 hours long. A period is sent a delay after its end, so late events are in the figures.
 */
public enum ReportSchedule {
  DAILY,
  WEEKLY,
  MONTHLY;

  public static final Duration DEFAULT_SEND_DELAY = Duration.ofMinutes(10);

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ReportSchedule parse(String value) {
    if (value != null)
      for (ReportSchedule s : values()) if (s.wire().equals(value.strip())) return s;
    throw new IllegalArgumentException("schedule must be one of "
        + Arrays.stream(values()).map(ReportSchedule::wire).collect(Collectors.joining(", ")) + ", got "
        + (value == null ? "nothing" : "'" + value + "'"));
  }

  /** The period {@code at} falls in. */
  public ReportPeriod containing(Instant at, ZoneId zone) {
    return startingOn(start(at.atZone(zone).toLocalDate()), zone);
  }

  /** The latest period that had ended by {@code at} (one ending exactly at {@code at} has). */
  public ReportPeriod lastCompleted(Instant at, ZoneId zone) {
    return before(containing(at, zone), zone);
  }

  /** The period right after {@code period}. */
  public ReportPeriod after(ReportPeriod period, ZoneId zone) {
    LocalDate first = period.to().atZone(zone).toLocalDate();
    return startingOn(start(first), zone);
  }

  /** The period right before {@code period}. */
  public ReportPeriod before(ReportPeriod period, ZoneId zone) {
    LocalDate first = start(period.from().atZone(zone).toLocalDate());
    return startingOn(switch (this) {
      case DAILY -> first.minusDays(1);
      case WEEKLY -> first.minusWeeks(1);
      case MONTHLY -> first.minusMonths(1);
    }, zone);
  }

  /** When {@code period} is due to be sent. */
  public static Instant dueAt(ReportPeriod period, Duration sendDelay) {
    return period.to().plus(sendDelay);
  }

  /** The first instant after {@code at} at which some period of this schedule falls due. */
  public Instant nextDue(Instant at, ZoneId zone, Duration sendDelay) {
    // Walks back only when the delay is longer than a period (unusual, but not wrong).
    ReportPeriod p = containing(at, zone);
    for (ReportPeriod b = before(p, zone); dueAt(b, sendDelay).isAfter(at); b = before(b, zone)) p = b;
    return dueAt(p, sendDelay);
  }

  private LocalDate start(LocalDate day) {
    return switch (this) {
      case DAILY -> day;
      case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTHLY -> day.withDayOfMonth(1);
    };
  }

  private ReportPeriod startingOn(LocalDate first, ZoneId zone) {
    LocalDate end = switch (this) {
      case DAILY -> first.plusDays(1);
      case WEEKLY -> first.plusWeeks(1);
      case MONTHLY -> first.plusMonths(1);
    };
    String label = switch (this) {
      case DAILY -> first.toString();
      case WEEKLY -> String.format(Locale.ROOT, "%d-W%02d", first.get(IsoFields.WEEK_BASED_YEAR),
          first.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      case MONTHLY -> String.format(Locale.ROOT, "%d-%02d", first.getYear(), first.getMonthValue());
    };
    // atStartOfDay(zone), not midnight: a zone may skip midnight on a DST change.
    return new ReportPeriod(first.atStartOfDay(zone).toInstant(), end.atStartOfDay(zone).toInstant(), label);
  }
}
