package io.switchboard.core.calendar;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.TUESDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.calendar.OpeningStatus.Reason;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Instants are written in UTC and converted by hand: Stockholm is UTC+1 in winter and UTC+2 in
 * summer (from the last Sunday of March to the last Sunday of October).
 */
class CalendarDefinitionTest {

  static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
  static final WeeklyHours OFFICE = WeeklyHours.weekdays(LocalTime.of(8, 0), LocalTime.of(17, 0));
  static final CalendarDefinition STANDARD = CalendarDefinition.standard("Office", STOCKHOLM, OFFICE);

  static Instant utc(String text) {
    return Instant.parse(text);
  }

  static LocalDate date(String text) {
    return LocalDate.parse(text);
  }

  static CalendarDefinition withDeviations(Deviation... deviations) {
    return STANDARD.withDeviations(List.of(deviations));
  }

  static void assertOpen(CalendarDefinition calendar, String instant, Reason reason) {
    OpeningStatus status = calendar.evaluate(utc(instant));
    assertThat(status.open()).as("open at %s", instant).isTrue();
    assertThat(status.reason()).as("reason at %s", instant).isEqualTo(reason);
  }

  static void assertClosed(CalendarDefinition calendar, String instant, Reason reason) {
    OpeningStatus status = calendar.evaluate(utc(instant));
    assertThat(status.open()).as("open at %s", instant).isFalse();
    assertThat(status.reason()).as("reason at %s", instant).isEqualTo(reason);
  }

  @Nested
  class BaseHours {

    @Test
    void edgesOfAWinterWeekday() {
      // Wednesday 2025-01-15, 08:00 Stockholm = 07:00Z.
      assertThat(STANDARD.evaluate(utc("2025-01-15T07:00:00Z")))
          .isEqualTo(new OpeningStatus(true, Reason.BASE_HOURS, null, null));
      assertThat(STANDARD.evaluate(utc("2025-01-15T06:59:00Z")))
          .isEqualTo(new OpeningStatus(false, Reason.OUTSIDE_BASE_HOURS, null, null));
      assertClosed(STANDARD, "2025-01-15T06:59:59.999Z", Reason.OUTSIDE_BASE_HOURS);
      assertOpen(STANDARD, "2025-01-15T15:59:59Z", Reason.BASE_HOURS);
      assertClosed(STANDARD, "2025-01-15T16:00:00Z", Reason.OUTSIDE_BASE_HOURS);
    }

    @Test
    void edgesOfASummerWeekday() {
      // Wednesday 2025-07-02, 08:00 Stockholm = 06:00Z.
      assertClosed(STANDARD, "2025-07-02T05:59:00Z", Reason.OUTSIDE_BASE_HOURS);
      assertOpen(STANDARD, "2025-07-02T06:00:00Z", Reason.BASE_HOURS);
      assertOpen(STANDARD, "2025-07-02T14:59:00Z", Reason.BASE_HOURS);
      assertClosed(STANDARD, "2025-07-02T15:00:00Z", Reason.OUTSIDE_BASE_HOURS);
    }

    @Test
    void weekendIsClosed() {
      assertClosed(STANDARD, "2025-01-18T11:00:00Z", Reason.OUTSIDE_BASE_HOURS); // Saturday 12:00
      assertClosed(STANDARD, "2025-01-19T11:00:00Z", Reason.OUTSIDE_BASE_HOURS); // Sunday 12:00
    }

    @Test
    void splitDayWithLunchGapInTheBaseHours() {
      WeeklyHours split =
          new WeeklyHours(
              Map.of(TUESDAY, List.of(TimeRange.of("13:00", "17:00"), TimeRange.of("08:00", "12:00"))));
      CalendarDefinition calendar = CalendarDefinition.standard("Split", STOCKHOLM, split);
      // Tuesday 2025-02-04, winter.
      assertOpen(calendar, "2025-02-04T10:59:00Z", Reason.BASE_HOURS); // 11:59
      assertClosed(calendar, "2025-02-04T11:00:00Z", Reason.OUTSIDE_BASE_HOURS); // 12:00
      assertOpen(calendar, "2025-02-04T12:00:00Z", Reason.BASE_HOURS); // 13:00
      assertClosed(calendar, "2025-02-05T10:00:00Z", Reason.OUTSIDE_BASE_HOURS); // Wednesday
    }
  }

  @Nested
  class Holidays {

    @Test
    void publicHolidayIsClosedWithItsName() {
      // Christmas Day, Thursday 2025-12-25 10:00.
      assertThat(STANDARD.evaluate(utc("2025-12-25T09:00:00Z")))
          .isEqualTo(
              new OpeningStatus(false, Reason.PUBLIC_HOLIDAY, "Juldagen (Christmas Day)", null));
      // Ascension Day, Thursday 2025-05-29 10:00 (summer time).
      assertThat(STANDARD.evaluate(utc("2025-05-29T08:00:00Z")).detail())
          .isEqualTo("Kristi himmelsfärdsdag (Ascension Day)");
    }

    @Test
    void holidayEveIsClosed() {
      assertThat(STANDARD.evaluate(utc("2025-12-24T09:00:00Z")))
          .isEqualTo(
              new OpeningStatus(false, Reason.HOLIDAY_EVE, "Julafton (Christmas Eve)", null));
      // Midsummer Eve, Friday 2025-06-20 10:00 CEST; the Thursday before is an ordinary day.
      assertClosed(STANDARD, "2025-06-20T08:00:00Z", Reason.HOLIDAY_EVE);
      assertOpen(STANDARD, "2025-06-19T08:00:00Z", Reason.BASE_HOURS);
    }

    @Test
    void evesOnBaseHoursWhenNotClosedOnEves() {
      CalendarDefinition calendar =
          new CalendarDefinition("Eves open", STOCKHOLM, OFFICE, true, false, List.of());
      assertOpen(calendar, "2025-12-24T09:00:00Z", Reason.BASE_HOURS);
      assertClosed(calendar, "2025-12-24T17:00:00Z", Reason.OUTSIDE_BASE_HOURS); // 18:00
      assertClosed(calendar, "2025-12-25T09:00:00Z", Reason.PUBLIC_HOLIDAY);
    }

    @Test
    void publicHolidaysOnBaseHoursWhenNotClosedOnThem() {
      CalendarDefinition calendar =
          new CalendarDefinition("Red days open", STOCKHOLM, OFFICE, false, true, List.of());
      assertOpen(calendar, "2025-05-29T08:00:00Z", Reason.BASE_HOURS);
      assertClosed(calendar, "2025-12-24T09:00:00Z", Reason.HOLIDAY_EVE);
    }

    @Test
    void holidayOnAWeekendClosesAnAlwaysOpenCalendar() {
      CalendarDefinition calendar =
          CalendarDefinition.standard("24/7", STOCKHOLM, WeeklyHours.always());
      // All Saints' Day, Saturday 2025-11-01 (winter time again).
      assertClosed(calendar, "2025-11-01T12:00:00Z", Reason.PUBLIC_HOLIDAY);
      assertOpen(calendar, "2025-11-02T12:00:00Z", Reason.BASE_HOURS);
    }

    @Test
    void holidayIsDecidedByTheLocalDate() {
      CalendarDefinition stockholm =
          CalendarDefinition.standard("24/7", STOCKHOLM, WeeklyHours.always());
      CalendarDefinition utcCalendar =
          CalendarDefinition.standard("24/7", ZoneOffset.UTC, WeeklyHours.always());
      // 2025-12-24T23:30Z is already 00:30 on Christmas Day in Stockholm.
      Instant at = utc("2025-12-24T23:30:00Z");
      assertThat(stockholm.evaluate(at).detail()).isEqualTo("Juldagen (Christmas Day)");
      assertThat(utcCalendar.evaluate(at).detail()).isEqualTo("Julafton (Christmas Eve)");
      // 2025-12-31T23:00Z is New Year's Day in Stockholm and still New Year's Eve in UTC.
      assertClosed(stockholm, "2025-12-31T23:00:00Z", Reason.PUBLIC_HOLIDAY);
      assertClosed(utcCalendar, "2025-12-31T23:00:00Z", Reason.HOLIDAY_EVE);
    }
  }

  @Nested
  class Deviations {

    final Deviation training =
        Deviation.closed(
            "Training", date("2025-01-15"), date("2025-01-15"), null,
            TimeRange.of("13:00", "15:00"), "training.wav");
    final Deviation extended =
        Deviation.open(
            "Extended", date("2025-01-15"), date("2025-01-15"), null,
            TimeRange.of("14:00", "19:00"));

    @Test
    void firstMatchWinsClosedBeforeOpen() {
      CalendarDefinition calendar = withDeviations(training, extended);
      // Wednesday 2025-01-15 winter: 14:30 local = 13:30Z.
      assertThat(calendar.evaluate(utc("2025-01-15T13:30:00Z")))
          .isEqualTo(new OpeningStatus(false, Reason.DEVIATION, "Training", "training.wav"));
      assertThat(calendar.evaluate(utc("2025-01-15T12:30:00Z")).detail()).isEqualTo("Training");
      assertThat(calendar.evaluate(utc("2025-01-15T14:30:00Z")))
          .isEqualTo(new OpeningStatus(true, Reason.DEVIATION, "Extended", null));
      assertThat(calendar.evaluate(utc("2025-01-15T17:00:00Z")).detail()).isEqualTo("Extended");
      assertClosed(calendar, "2025-01-15T18:00:00Z", Reason.OUTSIDE_BASE_HOURS); // 19:00
    }

    @Test
    void firstMatchWinsOpenBeforeClosed() {
      CalendarDefinition calendar = withDeviations(extended, training);
      assertThat(calendar.evaluate(utc("2025-01-15T13:30:00Z")))
          .isEqualTo(new OpeningStatus(true, Reason.DEVIATION, "Extended", null));
      // Before the open deviation starts, the closed one still applies.
      assertThat(calendar.evaluate(utc("2025-01-15T12:30:00Z")))
          .isEqualTo(new OpeningStatus(false, Reason.DEVIATION, "Training", "training.wav"));
      assertOpen(calendar, "2025-01-15T11:59:00Z", Reason.BASE_HOURS);
    }

    @Test
    void onlyWeekdays() {
      CalendarDefinition calendar =
          withDeviations(Deviation.open("Saturdays", null, null, Set.of(SATURDAY), null));
      assertOpen(calendar, "2025-01-18T02:00:00Z", Reason.DEVIATION); // Saturday 03:00
      assertOpen(calendar, "2025-01-18T22:59:00Z", Reason.DEVIATION); // Saturday 23:59
      assertClosed(calendar, "2025-01-18T23:00:00Z", Reason.OUTSIDE_BASE_HOURS); // Sunday 00:00
      // A deviation beats a holiday: All Saints' Day 2025 is a Saturday.
      assertOpen(calendar, "2025-11-01T12:00:00Z", Reason.DEVIATION);
    }

    @Test
    void onlyDateRangeBothEndsInclusive() {
      CalendarDefinition calendar =
          withDeviations(
              Deviation.closed("Inventory", date("2025-03-10"), date("2025-03-12"), null, null,
                  null));
      assertOpen(calendar, "2025-03-07T09:00:00Z", Reason.BASE_HOURS); // Friday before
      assertClosed(calendar, "2025-03-10T09:00:00Z", Reason.DEVIATION); // Monday
      assertClosed(calendar, "2025-03-12T15:59:00Z", Reason.DEVIATION); // Wednesday 16:59
      assertOpen(calendar, "2025-03-13T07:00:00Z", Reason.BASE_HOURS); // Thursday 08:00
    }

    @Test
    void openEndedDateRanges() {
      CalendarDefinition from =
          withDeviations(Deviation.open("24/7 from April", date("2025-04-01"), null, null, null));
      assertClosed(from, "2025-03-31T19:00:00Z", Reason.OUTSIDE_BASE_HOURS); // Monday 21:00
      assertOpen(from, "2025-03-31T22:00:00Z", Reason.DEVIATION); // Tuesday 00:00 CEST
      assertOpen(from, "2030-12-25T03:00:00Z", Reason.DEVIATION);

      CalendarDefinition until =
          withDeviations(
              Deviation.closed("Before launch", null, date("2025-01-09"), null, null, null));
      assertClosed(until, "2020-06-01T08:00:00Z", Reason.DEVIATION);
      assertClosed(until, "2025-01-09T09:00:00Z", Reason.DEVIATION); // Thursday
      assertOpen(until, "2025-01-10T09:00:00Z", Reason.BASE_HOURS); // Friday
    }

    @Test
    void onlyTimeAppliesEveryDayAndCarriesThePrompt() {
      CalendarDefinition calendar =
          withDeviations(
              Deviation.closed("Lunch", null, null, null, TimeRange.of("12:00", "13:00"),
                  "lunch.wav"));
      assertOpen(calendar, "2025-01-15T10:59:00Z", Reason.BASE_HOURS); // 11:59
      assertThat(calendar.evaluate(utc("2025-01-15T11:00:00Z")))
          .isEqualTo(new OpeningStatus(false, Reason.DEVIATION, "Lunch", "lunch.wav"));
      assertThat(calendar.evaluate(utc("2025-01-15T11:59:00Z")).prompt()).isEqualTo("lunch.wav");
      assertOpen(calendar, "2025-01-15T12:00:00Z", Reason.BASE_HOURS); // 13:00
      // Weekends and holidays match too; the first matching rule names the reason.
      assertClosed(calendar, "2025-01-18T11:30:00Z", Reason.DEVIATION);
      assertClosed(calendar, "2025-12-25T11:30:00Z", Reason.DEVIATION);
      assertThat(calendar.evaluate(utc("2025-12-25T09:00:00Z")).prompt()).isNull();
    }

    @Test
    void dateWeekdayAndTimeAllFilled() {
      CalendarDefinition calendar =
          withDeviations(
              Deviation.open("February evenings", date("2025-02-01"), date("2025-02-28"),
                  Set.of(TUESDAY, THURSDAY), TimeRange.of("17:00", "20:00")));
      assertOpen(calendar, "2025-02-04T17:00:00Z", Reason.DEVIATION); // Tue 18:00
      assertOpen(calendar, "2025-02-04T16:00:00Z", Reason.DEVIATION); // Tue 17:00
      assertClosed(calendar, "2025-02-04T19:00:00Z", Reason.OUTSIDE_BASE_HOURS); // Tue 20:00
      assertOpen(calendar, "2025-02-27T18:59:00Z", Reason.DEVIATION); // Thu 19:59, last day
      assertClosed(calendar, "2025-02-05T17:00:00Z", Reason.OUTSIDE_BASE_HOURS); // Wednesday
      assertClosed(calendar, "2025-01-28T17:00:00Z", Reason.OUTSIDE_BASE_HOURS); // January
      assertClosed(calendar, "2025-03-04T17:00:00Z", Reason.OUTSIDE_BASE_HOURS); // March
      assertOpen(calendar, "2025-02-04T09:00:00Z", Reason.BASE_HOURS); // Tue 10:00
    }

    @Test
    void openDeviationOnAHoliday() {
      CalendarDefinition calendar =
          withDeviations(
              Deviation.open("Christmas Eve morning", date("2025-12-24"), date("2025-12-24"),
                  null, TimeRange.of("09:00", "12:00")));
      assertClosed(calendar, "2025-12-24T07:59:00Z", Reason.HOLIDAY_EVE); // 08:59
      assertThat(calendar.evaluate(utc("2025-12-24T08:00:00Z")))
          .isEqualTo(new OpeningStatus(true, Reason.DEVIATION, "Christmas Eve morning", null));
      assertOpen(calendar, "2025-12-24T10:59:00Z", Reason.DEVIATION); // 11:59
      assertClosed(calendar, "2025-12-24T11:00:00Z", Reason.HOLIDAY_EVE); // 12:00
      assertClosed(calendar, "2025-12-25T09:00:00Z", Reason.PUBLIC_HOLIDAY);
    }

    @Test
    void fridayEarlyClose() {
      CalendarDefinition calendar =
          withDeviations(
              Deviation.closed("Friday early close", null, null, Set.of(FRIDAY),
                  TimeRange.of("15:00", "17:00"), "weekend.wav"));
      assertOpen(calendar, "2025-01-17T13:59:00Z", Reason.BASE_HOURS); // Fri 14:59
      assertThat(calendar.evaluate(utc("2025-01-17T14:00:00Z")))
          .isEqualTo(
              new OpeningStatus(false, Reason.DEVIATION, "Friday early close", "weekend.wav"));
      assertOpen(calendar, "2025-01-16T14:30:00Z", Reason.BASE_HOURS); // Thu 15:30
    }

    @Test
    void extraEvening() {
      CalendarDefinition calendar =
          withDeviations(
              Deviation.open("Wednesday evening", null, null, Set.of(WEDNESDAY),
                  TimeRange.of("18:00", "21:00")));
      assertOpen(calendar, "2025-01-15T18:00:00Z", Reason.DEVIATION); // 19:00
      assertClosed(calendar, "2025-01-15T16:30:00Z", Reason.OUTSIDE_BASE_HOURS); // 17:30 gap
      assertClosed(calendar, "2025-01-15T20:00:00Z", Reason.OUTSIDE_BASE_HOURS); // 21:00
      assertClosed(calendar, "2025-01-16T18:00:00Z", Reason.OUTSIDE_BASE_HOURS); // Thursday
    }
  }

  @Nested
  class TimeZones {

    @Test
    void sameInstantDiffersBetweenStockholmAndUtc() {
      CalendarDefinition utcCalendar = CalendarDefinition.standard("UTC", ZoneOffset.UTC, OFFICE);
      // 07:30Z: 08:30 in Stockholm (open), 07:30 in UTC (closed).
      assertOpen(STANDARD, "2025-01-15T07:30:00Z", Reason.BASE_HOURS);
      assertClosed(utcCalendar, "2025-01-15T07:30:00Z", Reason.OUTSIDE_BASE_HOURS);
      // 16:30Z: 17:30 in Stockholm (closed), 16:30 in UTC (open).
      assertClosed(STANDARD, "2025-01-15T16:30:00Z", Reason.OUTSIDE_BASE_HOURS);
      assertOpen(utcCalendar, "2025-01-15T16:30:00Z", Reason.BASE_HOURS);
      // Summer: two hours apart.
      assertOpen(STANDARD, "2025-07-02T06:30:00Z", Reason.BASE_HOURS);
      assertClosed(utcCalendar, "2025-07-02T06:30:00Z", Reason.OUTSIDE_BASE_HOURS);
    }

    @Test
    void newYorkCalendar() {
      CalendarDefinition ny =
          CalendarDefinition.standard("NY", ZoneId.of("America/New_York"), OFFICE);
      // Wednesday 2025-01-15 08:00 EST = 13:00Z.
      assertClosed(ny, "2025-01-15T12:59:00Z", Reason.OUTSIDE_BASE_HOURS);
      assertOpen(ny, "2025-01-15T13:00:00Z", Reason.BASE_HOURS);
      // Friday 2025-01-17 21:59Z is 16:59 in New York but Saturday night in Stockholm.
      assertOpen(ny, "2025-01-17T21:59:00Z", Reason.BASE_HOURS);
    }
  }

  @Nested
  class DaylightSaving {

    final CalendarDefinition alwaysOpen =
        new CalendarDefinition("24/7", STOCKHOLM, WeeklyHours.always(), false, false, List.of());
    final CalendarDefinition sundayNight =
        CalendarDefinition.standard(
            "Sunday night", STOCKHOLM,
            new WeeklyHours(Map.of(SUNDAY, List.of(TimeRange.of("02:30", "03:30")))));

    @Test
    void springForwardDayIsOpenAllDayWithWholeDayHours() {
      // Sunday 2025-03-30 in Stockholm runs from 2025-03-29T23:00Z to 2025-03-30T22:00Z (23 h).
      for (Instant t = utc("2025-03-29T23:00:00Z");
          t.isBefore(utc("2025-03-30T22:00:00Z"));
          t = t.plusSeconds(60)) {
        assertThat(alwaysOpen.evaluate(t).open()).as("open at %s", t).isTrue();
      }
      assertThat(alwaysOpen.nextChange(utc("2025-03-29T12:00:00Z"), Duration.ofDays(3)))
          .isEmpty();
    }

    @Test
    void fallBackDayIsOpenAllDayWithWholeDayHours() {
      // Sunday 2025-10-26 runs from 2025-10-25T22:00Z to 2025-10-26T23:00Z (25 h).
      for (Instant t = utc("2025-10-25T22:00:00Z");
          t.isBefore(utc("2025-10-26T23:00:00Z"));
          t = t.plusSeconds(60)) {
        assertThat(alwaysOpen.evaluate(t).open()).as("open at %s", t).isTrue();
      }
    }

    @Test
    void springForwardSkipsTheNonexistentHalfHour() {
      // 01:00Z jumps from 02:00 CET to 03:00 CEST; 02:30-03:00 local never happens.
      assertClosed(sundayNight, "2025-03-30T00:59:00Z", Reason.OUTSIDE_BASE_HOURS); // 01:59
      assertOpen(sundayNight, "2025-03-30T01:00:00Z", Reason.BASE_HOURS); // 03:00 CEST
      assertOpen(sundayNight, "2025-03-30T01:29:00Z", Reason.BASE_HOURS); // 03:29
      assertClosed(sundayNight, "2025-03-30T01:30:00Z", Reason.OUTSIDE_BASE_HOURS); // 03:30
      assertThat(sundayNight.nextChange(utc("2025-03-29T23:00:00Z"), Duration.ofDays(1)))
          .contains(utc("2025-03-30T01:00:00Z"));
      assertThat(sundayNight.nextChange(utc("2025-03-30T01:00:00Z"), Duration.ofDays(1)))
          .contains(utc("2025-03-30T01:30:00Z"));
    }

    @Test
    void fallBackRepeatsTheHalfHour() {
      // 01:00Z falls back from 03:00 CEST to 02:00 CET; 02:30-03:00 local happens twice.
      assertClosed(sundayNight, "2025-10-26T00:29:00Z", Reason.OUTSIDE_BASE_HOURS); // 02:29 CEST
      assertOpen(sundayNight, "2025-10-26T00:30:00Z", Reason.BASE_HOURS); // 02:30 CEST
      assertOpen(sundayNight, "2025-10-26T00:59:00Z", Reason.BASE_HOURS); // 02:59 CEST
      assertClosed(sundayNight, "2025-10-26T01:00:00Z", Reason.OUTSIDE_BASE_HOURS); // 02:00 CET
      assertOpen(sundayNight, "2025-10-26T01:30:00Z", Reason.BASE_HOURS); // 02:30 CET
      assertOpen(sundayNight, "2025-10-26T02:29:00Z", Reason.BASE_HOURS); // 03:29 CET
      assertClosed(sundayNight, "2025-10-26T02:30:00Z", Reason.OUTSIDE_BASE_HOURS); // 03:30

      Duration day = Duration.ofDays(1);
      assertThat(sundayNight.nextChange(utc("2025-10-26T00:00:00Z"), day))
          .contains(utc("2025-10-26T00:30:00Z"));
      assertThat(sundayNight.nextChange(utc("2025-10-26T00:30:00Z"), day))
          .contains(utc("2025-10-26T01:00:00Z"));
      assertThat(sundayNight.nextChange(utc("2025-10-26T01:00:00Z"), day))
          .contains(utc("2025-10-26T01:30:00Z"));
      assertThat(sundayNight.nextChange(utc("2025-10-26T01:30:00Z"), day))
          .contains(utc("2025-10-26T02:30:00Z"));
    }

    @Test
    void officeHoursAcrossTheSpringChange() {
      // Friday 2025-03-28 17:00 CET = 16:00Z; Monday 2025-03-31 08:00 CEST = 06:00Z.
      assertThat(STANDARD.nextChange(utc("2025-03-28T16:00:00Z"), Duration.ofDays(7)))
          .contains(utc("2025-03-31T06:00:00Z"));
    }
  }

  @Nested
  class NextChange {

    final CalendarDefinition lunchAndFriday =
        withDeviations(
            Deviation.closed("Lunch", null, null, null, TimeRange.of("12:00", "13:00"),
                "lunch.wav"),
            Deviation.closed("Friday early close", null, null, Set.of(FRIDAY),
                TimeRange.of("15:00", "17:00"), "weekend.wav"));
    final Duration fortnight = Duration.ofDays(14);

    @Test
    void fromFridayAfternoonToMondayMorning() {
      // Friday 2025-01-17 16:00 (closed early) -> Monday 2025-01-20 08:00 = 07:00Z.
      assertThat(lunchAndFriday.nextChange(utc("2025-01-17T15:00:00Z"), fortnight))
          .contains(utc("2025-01-20T07:00:00Z"));
    }

    @Test
    void throughAFridayStepByStep() {
      assertThat(lunchAndFriday.nextChange(utc("2025-01-17T09:00:00Z"), fortnight))
          .contains(utc("2025-01-17T11:00:00Z")); // 10:00 -> lunch 12:00
      assertThat(lunchAndFriday.nextChange(utc("2025-01-17T11:00:00Z"), fortnight))
          .contains(utc("2025-01-17T12:00:00Z")); // lunch -> 13:00
      assertThat(lunchAndFriday.nextChange(utc("2025-01-17T12:00:00Z"), fortnight))
          .contains(utc("2025-01-17T14:00:00Z")); // 13:00 -> early close 15:00
      // Starting exactly on an opening boundary looks strictly after it.
      assertThat(lunchAndFriday.nextChange(utc("2025-01-17T07:00:00Z"), fortnight))
          .contains(utc("2025-01-17T11:00:00Z"));
    }

    @Test
    void closedToClosedBoundariesAreNotChanges() {
      // Thursday 17:00 -> Friday 08:00; the midnight boundary in between is no change.
      assertThat(lunchAndFriday.nextChange(utc("2025-01-16T16:00:00Z"), fortnight))
          .contains(utc("2025-01-17T07:00:00Z"));
    }

    @Test
    void fromWithSecondsGoesToTheNextMinuteBoundary() {
      assertThat(STANDARD.nextChange(utc("2025-01-15T06:59:30Z"), fortnight))
          .contains(utc("2025-01-15T07:00:00Z"));
      assertThat(STANDARD.nextChange(utc("2025-01-15T15:59:59.5Z"), fortnight))
          .contains(utc("2025-01-15T16:00:00Z"));
    }

    @Test
    void horizonEndIsInclusive() {
      Instant from = utc("2025-01-17T15:00:00Z");
      Duration exact = Duration.between(from, utc("2025-01-20T07:00:00Z")); // 2 d 16 h
      assertThat(lunchAndFriday.nextChange(from, exact)).contains(utc("2025-01-20T07:00:00Z"));
      assertThat(lunchAndFriday.nextChange(from, exact.minusMinutes(1))).isEmpty();
      assertThat(lunchAndFriday.nextChange(from, Duration.ofDays(2))).isEmpty();
      assertThat(lunchAndFriday.nextChange(from, Duration.ZERO)).isEmpty();
    }

    @Test
    void acrossChristmas() {
      // Tuesday 2025-12-23 16:00 open -> 17:00 closed; then closed through the weekend
      // (24 eve, 25-26 public holidays, 27-28 weekend) until Monday 2025-12-29 08:00.
      assertThat(STANDARD.nextChange(utc("2025-12-23T15:00:00Z"), fortnight))
          .contains(utc("2025-12-23T16:00:00Z"));
      assertThat(STANDARD.nextChange(utc("2025-12-23T16:00:00Z"), fortnight))
          .contains(utc("2025-12-29T07:00:00Z"));
    }

    @Test
    void acrossChristmasWithAnOpenMorning() {
      CalendarDefinition calendar =
          withDeviations(
              Deviation.open("Christmas Eve morning", date("2025-12-24"), date("2025-12-24"),
                  null, TimeRange.of("09:00", "12:00")));
      assertThat(calendar.nextChange(utc("2025-12-23T16:00:00Z"), fortnight))
          .contains(utc("2025-12-24T08:00:00Z"));
      assertThat(calendar.nextChange(utc("2025-12-24T08:00:00Z"), fortnight))
          .contains(utc("2025-12-24T11:00:00Z"));
    }

    @Test
    void holidayStartsAtLocalMidnight() {
      CalendarDefinition calendar =
          CalendarDefinition.standard("24/7", STOCKHOLM, WeeklyHours.always());
      // Open until Christmas Eve starts at 00:00 Stockholm = 2025-12-23T23:00Z.
      assertThat(calendar.nextChange(utc("2025-12-20T12:00:00Z"), fortnight))
          .contains(utc("2025-12-23T23:00:00Z"));
      // Closed 24-26 December; open again at 00:00 on the 27th.
      assertThat(calendar.nextChange(utc("2025-12-23T23:00:00Z"), fortnight))
          .contains(utc("2025-12-26T23:00:00Z"));
    }

    @Test
    void neverChangingCalendarsFindNothing() {
      CalendarDefinition alwaysOpen =
          new CalendarDefinition("24/7", STOCKHOLM, WeeklyHours.always(), false, false, List.of());
      CalendarDefinition neverOpen =
          CalendarDefinition.standard("Closed", STOCKHOLM, new WeeklyHours(Map.of()));
      assertThat(alwaysOpen.nextChange(utc("2025-01-01T00:00:00Z"), Duration.ofDays(400)))
          .isEmpty();
      assertThat(neverOpen.nextChange(utc("2025-01-01T00:00:00Z"), Duration.ofDays(400)))
          .isEmpty();
    }

    @Test
    void fortnightSearchIsFast() {
      CalendarDefinition alwaysOpen =
          new CalendarDefinition("24/7", STOCKHOLM, WeeklyHours.always(), false, false,
              List.of(Deviation.closed("Lunch", date("2030-01-01"), null, null,
                  TimeRange.of("12:00", "13:00"), null)));
      Instant from = utc("2025-03-20T00:00:00Z"); // spans the spring DST change
      alwaysOpen.nextChange(from, fortnight); // warm-up
      // The best of 20 runs: a pause of the machine (GC, a busy CI host) slows one run, not all.
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 20; i++) {
        long start = System.nanoTime();
        assertThat(alwaysOpen.nextChange(from.plusSeconds(i * 3600L), fortnight)).isEmpty();
        best = Math.min(best, System.nanoTime() - start);
      }
      assertThat(Duration.ofNanos(best)).isLessThan(Duration.ofMillis(50));
    }
  }
}
