package io.switchboard.core.calendar;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Base weekly opening hours. A day that is absent (or has no ranges) is closed. Ranges of a day
 * are kept sorted by start so that equal schedules are equal records.
 */
public record WeeklyHours(Map<DayOfWeek, List<TimeRange>> days) {

  public WeeklyHours {
    if (days == null) {
      throw new IllegalArgumentException("days is required");
    }
    EnumMap<DayOfWeek, List<TimeRange>> copy = new EnumMap<>(DayOfWeek.class);
    for (Map.Entry<DayOfWeek, List<TimeRange>> e : days.entrySet()) {
      DayOfWeek day = e.getKey();
      if (day == null) {
        throw new IllegalArgumentException("WeeklyHours.days must not contain a null day");
      }
      List<TimeRange> ranges = e.getValue();
      if (ranges == null || ranges.stream().anyMatch(Objects::isNull)) {
        throw new IllegalArgumentException(
            "days: the ranges of " + day + " must not be null or contain null");
      }
      if (ranges.isEmpty()) {
        continue; // same as absent: keeps equality independent of how "closed" was spelled
      }
      List<TimeRange> sorted = new ArrayList<>(ranges);
      sorted.sort(Comparator.comparing(TimeRange::from));
      for (int i = 1; i < sorted.size(); i++) {
        TimeRange previous = sorted.get(i - 1);
        TimeRange current = sorted.get(i);
        if (previous.overlaps(current)) {
          throw new IllegalArgumentException(
              "days: the ranges of " + day + " overlap: " + previous + " and "
                  + current);
        }
      }
      copy.put(day, List.copyOf(sorted));
    }
    days = Collections.unmodifiableMap(copy);
  }

  /** Monday to Friday from-to, weekends closed. */
  public static WeeklyHours weekdays(LocalTime from, LocalTime to) {
    TimeRange range = new TimeRange(from, to);
    Map<DayOfWeek, List<TimeRange>> days = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek d : EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY)) {
      days.put(d, List.of(range));
    }
    return new WeeklyHours(days);
  }

  /** Open around the clock, every day. */
  public static WeeklyHours always() {
    Map<DayOfWeek, List<TimeRange>> days = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek d : DayOfWeek.values()) {
      days.put(d, List.of(TimeRange.WHOLE_DAY));
    }
    return new WeeklyHours(days);
  }

  /** The day's ranges, sorted by start; empty when the day is closed. */
  public List<TimeRange> ranges(DayOfWeek day) {
    return days.getOrDefault(day, List.of());
  }

  public boolean isOpen(DayOfWeek day, LocalTime time) {
    if (day == null || time == null) {
      throw new IllegalArgumentException("day and time must not be null");
    }
    for (TimeRange r : ranges(day)) {
      if (r.contains(time)) {
        return true;
      }
    }
    return false;
  }
}
