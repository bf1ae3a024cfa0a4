package io.switchboard.core.calendar;

import io.switchboard.core.CborSerializable;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Opening hours of one queue or number: base weekly hours, Swedish holidays and an ordered list
 * of deviations, all interpreted in {@link #zone}. Stored in events, hence CBOR-serializable.
 *
 * <p>Precedence: the first matching deviation decides; otherwise a holiday the calendar closes
 * on; otherwise the base hours.
 */
public record CalendarDefinition(
    String name,
    ZoneId zone,
    WeeklyHours baseHours,
    boolean closedOnPublicHolidays,
    boolean closedOnHolidayEves,
    List<Deviation> deviations)
    implements CborSerializable {

  public CalendarDefinition {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("CalendarDefinition.name must not be blank");
    }
    if (zone == null) {
      throw new IllegalArgumentException("zone is required: a time zone such as Europe/Stockholm");
    }
    if (baseHours == null) {
      throw new IllegalArgumentException("baseHours is required");
    }
    if (deviations == null || deviations.stream().anyMatch(Objects::isNull)) {
      throw new IllegalArgumentException(
          "deviations must not be null or contain null");
    }
    deviations = List.copyOf(deviations);
  }

  /** Closed on public holidays and eves, no deviations. */
  public static CalendarDefinition standard(String name, ZoneId zone, WeeklyHours base) {
    return new CalendarDefinition(name, zone, base, true, true, List.of());
  }

  /** A copy with the deviations replaced. */
  public CalendarDefinition withDeviations(List<Deviation> newDeviations) {
    return new CalendarDefinition(
        name, zone, baseHours, closedOnPublicHolidays, closedOnHolidayEves, newDeviations);
  }

  public OpeningStatus evaluate(Instant at) {
    if (at == null) {
      throw new IllegalArgumentException("at must not be null");
    }
    return evaluate(LocalDateTime.ofInstant(at, zone));
  }

  private OpeningStatus evaluate(LocalDateTime local) {
    for (Deviation d : deviations) {
      if (d.matches(local)) {
        return OpeningStatus.deviation(d);
      }
    }
    Optional<Holiday> holiday = SwedishHolidays.on(local.toLocalDate());
    if (holiday.isPresent()) {
      boolean closes =
          switch (holiday.get().kind()) {
            case PUBLIC_HOLIDAY -> closedOnPublicHolidays;
            case HOLIDAY_EVE -> closedOnHolidayEves;
          };
      if (closes) {
        return OpeningStatus.holiday(holiday.get());
      }
    }
    return baseHours.isOpen(local.getDayOfWeek(), local.toLocalTime())
        ? OpeningStatus.baseHours()
        : OpeningStatus.outsideBaseHours();
  }

  /**
   * The first instant in (from, from + horizon] at which {@code evaluate(...).open()} differs from
   * its value at {@code from}, or empty when it stays the same over the whole horizon.
   *
   * <p>The status is a step function of local time whose steps can only lie at midnight (dates,
   * weekdays, holidays) or at a range boundary; besides those, only a zone offset transition can
   * change the local time abruptly. So instead of stepping minute by minute this visits just
   * those candidate instants, which keeps a 14-day search to a few dozen evaluations.
   */
  public Optional<Instant> nextChange(Instant from, Duration horizon) {
    if (from == null) {
      throw new IllegalArgumentException("from must not be null");
    }
    if (horizon == null || horizon.isNegative()) {
      throw new IllegalArgumentException("horizon must be a non-negative duration");
    }
    Instant end = from.plus(horizon);
    boolean initial = evaluate(from).open();
    LocalTime[] boundaries = boundaryTimes();
    ZoneRules rules = zone.getRules();
    Instant t = from;
    while (true) {
      // Between offset transitions local time advances with the instant, so the next boundary
      // is reached at (boundary - offset) unless a transition comes first.
      LocalDateTime local = LocalDateTime.ofInstant(t, zone);
      Instant candidate = nextBoundary(local, boundaries).toInstant(rules.getOffset(t));
      ZoneOffsetTransition transition = rules.nextTransition(t);
      if (transition != null && transition.getInstant().isBefore(candidate)) {
        candidate = transition.getInstant();
      }
      if (candidate.isAfter(end)) {
        return Optional.empty();
      }
      if (evaluate(candidate).open() != initial) {
        return Optional.of(candidate);
      }
      t = candidate;
    }
  }

  /** Every time of day at which some rule can start or stop applying; always includes 00:00. */
  private LocalTime[] boundaryTimes() {
    TreeSet<LocalTime> times = new TreeSet<>();
    times.add(LocalTime.MIDNIGHT);
    for (DayOfWeek day : DayOfWeek.values()) {
      for (TimeRange r : baseHours.ranges(day)) {
        times.add(r.from());
        times.add(r.to());
      }
    }
    for (Deviation d : deviations) {
      if (d.time() != null) {
        times.add(d.time().from());
        times.add(d.time().to());
      }
    }
    return times.toArray(LocalTime[]::new);
  }

  private static LocalDateTime nextBoundary(LocalDateTime local, LocalTime[] sorted) {
    LocalTime time = local.toLocalTime();
    for (LocalTime b : sorted) {
      if (b.isAfter(time)) {
        return local.toLocalDate().atTime(b);
      }
    }
    return local.toLocalDate().plusDays(1).atStartOfDay(); // sorted[0] is 00:00
  }
}
