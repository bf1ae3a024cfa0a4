package io.switchboard.core.calendar;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.calendar.Deviation.Action;
import io.switchboard.core.calendar.OpeningStatus.Reason;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Every invalid input is an IllegalArgumentException whose message names the offending field. */
class CalendarValidationTest {

  private static final ZoneId ZONE = ZoneId.of("Europe/Stockholm");
  private static final WeeklyHours BASE = WeeklyHours.always();
  private static final TimeRange LUNCH = TimeRange.of("12:00", "13:00");

  private static void rejects(ThrowingCallable call, String... fragments) {
    var assertion = assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class);
    for (String fragment : fragments) {
      assertion.hasMessageContaining(fragment);
    }
  }

  @Test
  void calendarId() {
    rejects(() -> new CalendarId(null), "calendarId");
    rejects(() -> CalendarId.of(""), "calendarId");
    rejects(() -> CalendarId.of("has space"), "calendarId");
    rejects(() -> CalendarId.of("-leading-dash"), "calendarId");
    rejects(() -> CalendarId.of("x".repeat(65)), "calendarId");
  }

  @Test
  void timeRange() {
    rejects(() -> new TimeRange(null, LocalTime.NOON), "from", "null");
    rejects(() -> new TimeRange(LocalTime.NOON, null), "to", "null");
    rejects(
        () -> TimeRange.of("22:00", "06:00"),
        "to", "overnight ranges are not supported; split them at midnight");
    rejects(() -> TimeRange.of("08:00", "07:59"), "overnight ranges are not supported");
    rejects(() -> TimeRange.of("08:00", "08:00"), "to", "empty");
    rejects(() -> new TimeRange(LocalTime.of(8, 0, 30), LocalTime.NOON), "from", "whole minute");
    rejects(
        () -> new TimeRange(LocalTime.of(8, 0), LocalTime.of(9, 0, 0, 1)), "to", "whole minute");
    rejects(() -> TimeRange.of("8am", "17:00"), "from");
    rejects(() -> TimeRange.of("08:00", null), "to");
    rejects(() -> LUNCH.contains(null), "time");
  }

  @Test
  void weeklyHours() {
    rejects(() -> new WeeklyHours(null), "days");
    Map<DayOfWeek, List<TimeRange>> nullKey = new HashMap<>();
    nullKey.put(null, List.of(LUNCH));
    rejects(() -> new WeeklyHours(nullKey), "days", "null day");
    Map<DayOfWeek, List<TimeRange>> nullList = new HashMap<>();
    nullList.put(DayOfWeek.MONDAY, null);
    rejects(() -> new WeeklyHours(nullList), "days", "MONDAY");
    rejects(
        () -> new WeeklyHours(Map.of(DayOfWeek.MONDAY, Arrays.asList(LUNCH, null))),
        "days", "MONDAY");
    rejects(
        () ->
            new WeeklyHours(
                Map.of(DayOfWeek.TUESDAY,
                    List.of(TimeRange.of("08:00", "12:00"), TimeRange.of("11:00", "13:00")))),
        "days", "TUESDAY", "overlap", "08:00-12:00", "11:00-13:00");
    rejects(
        () ->
            new WeeklyHours(
                Map.of(DayOfWeek.SUNDAY,
                    List.of(TimeRange.of("22:00", "00:00"), TimeRange.of("23:00", "23:30")))),
        "SUNDAY", "overlap");
    rejects(
        () -> new WeeklyHours(Map.of(DayOfWeek.SUNDAY, List.of(LUNCH, LUNCH))),
        "SUNDAY", "overlap");
    rejects(() -> WeeklyHours.weekdays(LocalTime.of(17, 0), LocalTime.of(8, 0)), "overnight");
    rejects(() -> BASE.isOpen(null, LocalTime.NOON), "day");
  }

  @Test
  void deviation() {
    LocalDate d1 = LocalDate.of(2025, 12, 1);
    LocalDate d2 = LocalDate.of(2025, 12, 31);
    rejects(() -> new Deviation(null, null, null, null, null, Action.OPEN, null), "name");
    rejects(() -> new Deviation("  ", null, null, null, null, Action.OPEN, null), "name");
    rejects(
        () -> new Deviation("Backwards", d2, d1, null, null, Action.OPEN, null),
        "fromDate", "toDate", "2025-12-31", "2025-12-01");
    rejects(() -> new Deviation("No action", null, null, null, null, null, null), "action");
    rejects(
        () -> new Deviation("Open with prompt", null, null, null, LUNCH, Action.OPEN, "x.wav"),
        "prompt", "CLOSED");
    rejects(() -> Deviation.closed("Blank prompt", null, null, null, LUNCH, " "), "prompt");
    Set<DayOfWeek> withNull = new HashSet<>();
    withNull.add(null);
    rejects(() -> Deviation.open("Null day", null, null, withNull, null), "weekdays");
    rejects(() -> Deviation.open("x", null, null, null, null).matches(null), "local");
  }

  @Test
  void holiday() {
    LocalDate date = LocalDate.of(2025, 12, 24);
    rejects(() -> new Holiday(null, "Julafton", Holiday.Kind.HOLIDAY_EVE), "date");
    rejects(() -> new Holiday(date, null, Holiday.Kind.HOLIDAY_EVE), "name");
    rejects(() -> new Holiday(date, "", Holiday.Kind.HOLIDAY_EVE), "name");
    rejects(() -> new Holiday(date, "Julafton", null), "kind");
  }

  @Test
  void openingStatus() {
    rejects(() -> new OpeningStatus(true, null, null, null), "reason");
    rejects(() -> new OpeningStatus(false, Reason.BASE_HOURS, null, null), "open", "BASE_HOURS");
    rejects(() -> new OpeningStatus(true, Reason.OUTSIDE_BASE_HOURS, null, null), "open");
    rejects(() -> new OpeningStatus(true, Reason.PUBLIC_HOLIDAY, "Juldagen", null), "open");
    rejects(() -> new OpeningStatus(true, Reason.HOLIDAY_EVE, "Julafton", null), "open");
    rejects(() -> new OpeningStatus(false, Reason.PUBLIC_HOLIDAY, null, null), "detail");
    rejects(() -> new OpeningStatus(true, Reason.DEVIATION, " ", null), "detail");
    rejects(() -> new OpeningStatus(true, Reason.BASE_HOURS, "Lunch", null), "detail");
    rejects(() -> new OpeningStatus(true, Reason.DEVIATION, "Evening", "x.wav"), "prompt");
    rejects(
        () -> new OpeningStatus(false, Reason.PUBLIC_HOLIDAY, "Juldagen", "x.wav"), "prompt");
    rejects(() -> new OpeningStatus(false, Reason.DEVIATION, "Lunch", ""), "prompt");
  }

  @Test
  void calendarDefinition() {
    rejects(() -> new CalendarDefinition(null, ZONE, BASE, true, true, List.of()), "name");
    rejects(() -> new CalendarDefinition(" ", ZONE, BASE, true, true, List.of()), "name");
    rejects(() -> new CalendarDefinition("C", null, BASE, true, true, List.of()), "zone");
    rejects(() -> new CalendarDefinition("C", ZONE, null, true, true, List.of()), "baseHours");
    rejects(() -> new CalendarDefinition("C", ZONE, BASE, true, true, null), "deviations");
    List<Deviation> withNull = new ArrayList<>();
    withNull.add(null);
    rejects(() -> new CalendarDefinition("C", ZONE, BASE, true, true, withNull), "deviations");
    rejects(() -> CalendarDefinition.standard("", ZONE, BASE), "name");
  }
}
