package io.switchboard.core.calendar;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.calendar.Deviation.Action;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Behaviour of the small value types. */
class CalendarValuesTest {

  private static LocalTime time(String text) {
    return LocalTime.parse(text);
  }

  @Test
  void calendarIdIsComparableAndPrintsItsValue() {
    CalendarId a = CalendarId.of("a-queue");
    CalendarId b = new CalendarId("b.queue");
    assertThat(a.toString()).isEqualTo("a-queue");
    assertThat(a).isLessThan(b).isEqualTo(CalendarId.of("a-queue"));
    assertThat(new TreeSet<>(List.of(b, a))).containsExactly(a, b);
  }

  @Test
  void timeRangeIsHalfOpen() {
    TimeRange office = TimeRange.of("08:00", "17:00");
    assertThat(office.contains(time("07:59:59"))).isFalse();
    assertThat(office.contains(time("08:00"))).isTrue();
    assertThat(office.contains(time("16:59:59.999"))).isTrue();
    assertThat(office.contains(time("17:00"))).isFalse();
    assertThat(office.contains(LocalTime.MIDNIGHT)).isFalse();
  }

  @Test
  void timeRangeEndingAtMidnightRunsToTheEndOfTheDay() {
    TimeRange evening = TimeRange.of("22:00", "00:00");
    assertThat(evening.contains(time("21:59"))).isFalse();
    assertThat(evening.contains(time("22:00"))).isTrue();
    assertThat(evening.contains(LocalTime.MAX)).isTrue();
    assertThat(evening.contains(LocalTime.MIDNIGHT)).isFalse();

    assertThat(TimeRange.WHOLE_DAY.contains(LocalTime.MIDNIGHT)).isTrue();
    assertThat(TimeRange.WHOLE_DAY.contains(time("12:00"))).isTrue();
    assertThat(TimeRange.WHOLE_DAY.contains(LocalTime.MAX)).isTrue();
    assertThat(TimeRange.WHOLE_DAY).isEqualTo(TimeRange.of("00:00", "00:00"));
    assertThat(TimeRange.of("23:59", "00:00").contains(time("23:59:30"))).isTrue();
  }

  @Test
  void timeRangeOverlaps() {
    TimeRange morning = TimeRange.of("08:00", "12:00");
    assertThat(morning.overlaps(TimeRange.of("12:00", "13:00"))).isFalse(); // adjacent
    assertThat(morning.overlaps(TimeRange.of("11:59", "13:00"))).isTrue();
    assertThat(morning.overlaps(TimeRange.of("09:00", "10:00"))).isTrue(); // inside
    assertThat(TimeRange.of("22:00", "00:00").overlaps(TimeRange.of("23:00", "23:30"))).isTrue();
    assertThat(TimeRange.of("22:00", "00:00").overlaps(TimeRange.of("00:00", "22:00"))).isFalse();
    assertThat(TimeRange.WHOLE_DAY.overlaps(morning)).isTrue();
    assertThat(morning.toString()).isEqualTo("08:00-12:00");
  }

  @Test
  void weekdaysFactory() {
    WeeklyHours hours = WeeklyHours.weekdays(time("08:00"), time("17:00"));
    assertThat(hours.days().keySet())
        .containsExactly(MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
            FRIDAY);
    assertThat(hours.isOpen(MONDAY, time("08:00"))).isTrue();
    assertThat(hours.isOpen(FRIDAY, time("16:59"))).isTrue();
    assertThat(hours.isOpen(FRIDAY, time("17:00"))).isFalse();
    assertThat(hours.isOpen(SATURDAY, time("12:00"))).isFalse();
    assertThat(hours.ranges(SUNDAY)).isEmpty();
  }

  @Test
  void alwaysFactory() {
    WeeklyHours hours = WeeklyHours.always();
    for (DayOfWeek day : DayOfWeek.values()) {
      assertThat(hours.ranges(day)).containsExactly(TimeRange.WHOLE_DAY);
      assertThat(hours.isOpen(day, LocalTime.MIDNIGHT)).isTrue();
      assertThat(hours.isOpen(day, LocalTime.MAX)).isTrue();
    }
  }

  @Test
  void weeklyHoursIsAnImmutableCanonicalCopy() {
    Map<DayOfWeek, List<TimeRange>> input = new EnumMap<>(DayOfWeek.class);
    List<TimeRange> monday = new ArrayList<>(List.of(TimeRange.of("13:00", "17:00"),
        TimeRange.of("08:00", "12:00")));
    input.put(MONDAY, monday);
    input.put(SUNDAY, List.of());
    WeeklyHours hours = new WeeklyHours(input);
    monday.clear();
    input.put(SATURDAY, List.of(TimeRange.WHOLE_DAY));

    assertThat(hours.ranges(MONDAY))
        .containsExactly(TimeRange.of("08:00", "12:00"), TimeRange.of("13:00", "17:00"));
    assertThat(hours.days()).containsOnlyKeys(MONDAY); // empty Sunday is the same as absent
    assertThat(hours)
        .isEqualTo(new WeeklyHours(Map.of(MONDAY,
            List.of(TimeRange.of("08:00", "12:00"), TimeRange.of("13:00", "17:00")))));
    assertThatThrownBy(() -> hours.days().put(SUNDAY, List.of()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> hours.ranges(MONDAY).clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(hours.isOpen(MONDAY, time("12:30"))).isFalse();
    assertThat(hours.isOpen(MONDAY, time("13:00"))).isTrue();
  }

  @Test
  void deviationMatchesWhenEveryFilledConditionMatches() {
    Deviation all =
        Deviation.closed("All", LocalDate.of(2025, 2, 1), LocalDate.of(2025, 2, 28),
            Set.of(MONDAY), TimeRange.of("12:00", "13:00"), null);
    assertThat(all.matches(LocalDateTime.parse("2025-02-03T12:00"))).isTrue(); // Monday
    assertThat(all.matches(LocalDateTime.parse("2025-02-03T13:00"))).isFalse(); // time
    assertThat(all.matches(LocalDateTime.parse("2025-02-04T12:00"))).isFalse(); // Tuesday
    assertThat(all.matches(LocalDateTime.parse("2025-03-03T12:00"))).isFalse(); // March
    assertThat(all.matches(LocalDateTime.parse("2025-01-27T12:00"))).isFalse(); // January

    Deviation none = Deviation.open("Always", null, null, Set.of(), null);
    assertThat(none.matches(LocalDateTime.parse("1999-12-31T23:59"))).isTrue();
    assertThat(none.matches(LocalDateTime.parse("2099-01-01T00:00"))).isTrue();
  }

  @Test
  void deviationWeekdaysAreAnImmutableCopyAndNullMeansAnyDay() {
    Set<DayOfWeek> days = new HashSet<>(Set.of(SATURDAY, SUNDAY));
    Deviation weekend = Deviation.open("Weekend", null, null, days, null);
    days.clear();
    assertThat(weekend.weekdays()).containsExactly(SATURDAY, SUNDAY);
    assertThatThrownBy(() -> weekend.weekdays().add(MONDAY))
        .isInstanceOf(UnsupportedOperationException.class);

    Deviation anyDay = Deviation.open("Any", null, null, null, null);
    assertThat(anyDay.weekdays()).isEmpty();
    assertThat(anyDay).isEqualTo(Deviation.open("Any", null, null, EnumSet.noneOf(DayOfWeek.class), null));
  }

  @Test
  void deviationFactoriesAndSameDayRange() {
    LocalDate day = LocalDate.of(2025, 12, 24);
    Deviation closed = Deviation.closed("Closed", day, day, null, null, "closed.wav");
    assertThat(closed.action()).isEqualTo(Action.CLOSED);
    assertThat(closed.prompt()).isEqualTo("closed.wav");
    assertThat(closed.matches(day.atStartOfDay())).isTrue();
    assertThat(closed.matches(day.atTime(LocalTime.MAX))).isTrue();
    assertThat(closed.matches(day.plusDays(1).atStartOfDay())).isFalse();
    assertThat(Deviation.open("Open", day, day, null, null).action()).isEqualTo(Action.OPEN);
  }

  @Test
  void openingStatusFactories() {
    assertThat(OpeningStatus.baseHours())
        .isEqualTo(new OpeningStatus(true, OpeningStatus.Reason.BASE_HOURS, null, null));
    assertThat(OpeningStatus.outsideBaseHours().open()).isFalse();
    Holiday eve = new Holiday(LocalDate.of(2025, 12, 31), "Nyårsafton (New Year's Eve)",
        Holiday.Kind.HOLIDAY_EVE);
    assertThat(OpeningStatus.holiday(eve))
        .isEqualTo(new OpeningStatus(false, OpeningStatus.Reason.HOLIDAY_EVE,
            "Nyårsafton (New Year's Eve)", null));
    Deviation lunch =
        Deviation.closed("Lunch", null, null, null, TimeRange.of("12:00", "13:00"), "lunch.wav");
    assertThat(OpeningStatus.deviation(lunch))
        .isEqualTo(new OpeningStatus(false, OpeningStatus.Reason.DEVIATION, "Lunch", "lunch.wav"));
  }

  @Test
  void calendarDefinitionCopiesDeviationsAndStandardDefaults() {
    List<Deviation> list = new ArrayList<>();
    list.add(Deviation.open("A", null, null, null, null));
    CalendarDefinition calendar =
        new CalendarDefinition("C", ZoneId.of("UTC"), WeeklyHours.always(), false, false, list);
    list.clear();
    assertThat(calendar.deviations()).hasSize(1);
    assertThatThrownBy(() -> calendar.deviations().clear())
        .isInstanceOf(UnsupportedOperationException.class);

    CalendarDefinition standard =
        CalendarDefinition.standard("S", ZoneId.of("UTC"), WeeklyHours.always());
    assertThat(standard.closedOnPublicHolidays()).isTrue();
    assertThat(standard.closedOnHolidayEves()).isTrue();
    assertThat(standard.deviations()).isEmpty();
  }
}
