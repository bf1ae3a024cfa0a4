package io.switchboard.core.calendar;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An exception to the base hours and holidays, such as "closed for lunch" or "open Christmas Eve
 * morning". Each condition is optional: a null date end is open-ended (both ends are inclusive),
 * no weekdays means any day and no time means the whole day. A deviation matches a local
 * date-time when every condition that is filled in matches.
 *
 * @param prompt sound file that the closed handling plays; only for {@link Action#CLOSED}
 */
public record Deviation(
    String name,
    @JsonFormat(shape = JsonFormat.Shape.STRING) LocalDate fromDate,
    @JsonFormat(shape = JsonFormat.Shape.STRING) LocalDate toDate,
    Set<DayOfWeek> weekdays,
    TimeRange time,
    Action action,
    String prompt) {

  public enum Action {
    OPEN,
    CLOSED
  }

  public Deviation {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("Deviation.name must not be blank");
    }
    if (fromDate != null && toDate != null && fromDate.isAfter(toDate)) {
      throw new IllegalArgumentException(
          "Deviation.fromDate (" + fromDate + ") must not be after toDate (" + toDate + ")");
    }
    if (weekdays == null || weekdays.isEmpty()) {
      weekdays = Set.of();
    } else {
      if (weekdays.stream().anyMatch(Objects::isNull)) {
        throw new IllegalArgumentException("Deviation.weekdays must not contain null");
      }
      weekdays = Collections.unmodifiableSet(EnumSet.copyOf(weekdays));
    }
    if (action == null) {
      throw new IllegalArgumentException("Deviation.action must not be null");
    }
    if (prompt != null) {
      if (action != Action.CLOSED) {
        throw new IllegalArgumentException(
            "Deviation.prompt is only allowed with action CLOSED (the closed handling plays it),"
                + " but '" + name + "' is " + action);
      }
      if (prompt.isBlank()) {
        throw new IllegalArgumentException("Deviation.prompt must not be blank when given");
      }
    }
  }

  /** Open during the given time on every matching day. */
  public static Deviation open(
      String name, LocalDate fromDate, LocalDate toDate, Set<DayOfWeek> weekdays, TimeRange time) {
    return new Deviation(name, fromDate, toDate, weekdays, time, Action.OPEN, null);
  }

  /** Closed during the given time on every matching day; prompt may be null. */
  public static Deviation closed(
      String name,
      LocalDate fromDate,
      LocalDate toDate,
      Set<DayOfWeek> weekdays,
      TimeRange time,
      String prompt) {
    return new Deviation(name, fromDate, toDate, weekdays, time, Action.CLOSED, prompt);
  }

  public boolean matches(LocalDateTime local) {
    if (local == null) {
      throw new IllegalArgumentException("local date-time must not be null");
    }
    LocalDate date = local.toLocalDate();
    if (fromDate != null && date.isBefore(fromDate)) {
      return false;
    }
    if (toDate != null && date.isAfter(toDate)) {
      return false;
    }
    if (!weekdays.isEmpty() && !weekdays.contains(date.getDayOfWeek())) {
      return false;
    }
    return time == null || time.contains(local.toLocalTime());
  }
}
