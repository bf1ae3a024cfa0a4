package io.switchboard.core.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.statistics.Intervals.Granularity;
import io.switchboard.core.statistics.Intervals.Slice;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Instants are written in UTC and converted by hand: Stockholm is UTC+1 (CET) in winter and UTC+2
 * (CEST) in summer. In 2026 summer time starts on Sunday 29 March at 01:00 UTC (02:00 CET becomes
 * 03:00 CEST) and ends on Sunday 25 October at 01:00 UTC (03:00 CEST becomes 02:00 CET).
 */
class IntervalsTest {

  static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");

  static Instant utc(String text) {
    return Instant.parse(text);
  }

  @Nested
  class StartOf {

    @Test
    void lengthIsFifteenMinutes() {
      assertThat(Intervals.LENGTH).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aBoundaryIsItsOwnStart() {
      assertThat(Intervals.startOf(utc("2026-05-12T10:00:00Z"))).isEqualTo(utc("2026-05-12T10:00:00Z"));
      assertThat(Intervals.startOf(utc("2026-05-12T10:15:00Z"))).isEqualTo(utc("2026-05-12T10:15:00Z"));
      assertThat(Intervals.startOf(utc("2026-05-12T10:45:00Z"))).isEqualTo(utc("2026-05-12T10:45:00Z"));
      assertThat(Intervals.startOf(utc("2026-05-13T00:00:00Z"))).isEqualTo(utc("2026-05-13T00:00:00Z"));
    }

    @Test
    void justAfterABoundary() {
      assertThat(Intervals.startOf(utc("2026-05-12T10:00:00.001Z"))).isEqualTo(utc("2026-05-12T10:00:00Z"));
      assertThat(Intervals.startOf(utc("2026-05-12T10:07:30Z"))).isEqualTo(utc("2026-05-12T10:00:00Z"));
      assertThat(Intervals.startOf(utc("2026-05-12T10:15:01Z"))).isEqualTo(utc("2026-05-12T10:15:00Z"));
    }

    @Test
    void justBeforeABoundary() {
      assertThat(Intervals.startOf(utc("2026-05-12T10:14:59.999Z"))).isEqualTo(utc("2026-05-12T10:00:00Z"));
      assertThat(Intervals.startOf(utc("2026-05-12T10:14:59.999999999Z"))).isEqualTo(utc("2026-05-12T10:00:00Z"));
      assertThat(Intervals.startOf(utc("2026-05-12T09:59:59.999Z"))).isEqualTo(utc("2026-05-12T09:45:00Z"));
      assertThat(Intervals.startOf(utc("2026-05-12T23:59:59Z"))).isEqualTo(utc("2026-05-12T23:45:00Z"));
    }

    @Test
    void localQuartersOfStockholmAreUtcQuartersAcrossTheChange() {
      // 2026-03-29T01:00Z is 03:00 CEST, the first quarter of summer time
      assertThat(Intervals.startOf(utc("2026-03-29T01:05:00Z"))).isEqualTo(utc("2026-03-29T01:00:00Z"));
      assertThat(Intervals.startOf(utc("2026-03-29T00:59:00Z"))).isEqualTo(utc("2026-03-29T00:45:00Z"));
    }
  }

  @Nested
  class Split {

    @Test
    void aSpanOverSeveralBoundaries() {
      // 10:07:00–10:52:30: 8 min in 10:00, 15 in 10:15, 15 in 10:30, 7.5 in 10:45
      List<Slice> slices = Intervals.split(utc("2026-05-12T10:07:00Z"), utc("2026-05-12T10:52:30Z"));
      assertThat(slices).containsExactly(
          new Slice(utc("2026-05-12T10:00:00Z"), 480_000), // 8 × 60 000
          new Slice(utc("2026-05-12T10:15:00Z"), 900_000), // 15 × 60 000
          new Slice(utc("2026-05-12T10:30:00Z"), 900_000),
          new Slice(utc("2026-05-12T10:45:00Z"), 450_000)); // 7.5 × 60 000
      // 480 000 + 900 000 + 900 000 + 450 000 = 2 730 000 ms = 45 min 30 s
      assertThat(slices.stream().mapToLong(Slice::millis).sum()).isEqualTo(2_730_000L);
    }

    @Test
    void acrossMidnight() {
      // 23:50–00:20: 10 min in 23:45, 15 in 00:00, 5 in 00:15
      assertThat(Intervals.split(utc("2026-05-12T23:50:00Z"), utc("2026-05-13T00:20:00Z"))).containsExactly(
          new Slice(utc("2026-05-12T23:45:00Z"), 600_000),
          new Slice(utc("2026-05-13T00:00:00Z"), 900_000),
          new Slice(utc("2026-05-13T00:15:00Z"), 300_000));
    }

    @Test
    void alignedSpanGivesWholeIntervals() {
      assertThat(Intervals.split(utc("2026-05-12T10:00:00Z"), utc("2026-05-12T10:30:00Z"))).containsExactly(
          new Slice(utc("2026-05-12T10:00:00Z"), 900_000),
          new Slice(utc("2026-05-12T10:15:00Z"), 900_000));
    }

    @Test
    void endingOnABoundaryGivesNoEmptySlice() {
      // 10:10–10:15 is 5 min, all in 10:00
      assertThat(Intervals.split(utc("2026-05-12T10:10:00Z"), utc("2026-05-12T10:15:00Z")))
          .containsExactly(new Slice(utc("2026-05-12T10:00:00Z"), 300_000));
    }

    @Test
    void withinOneInterval() {
      // 10:03:00–10:04:00.250 = 60 250 ms
      assertThat(Intervals.split(utc("2026-05-12T10:03:00Z"), utc("2026-05-12T10:04:00.250Z")))
          .containsExactly(new Slice(utc("2026-05-12T10:00:00Z"), 60_250));
    }

    @Test
    void aLongSpanSumsToTheSpan() {
      // 08:59:59.500 – 17:00:00.500 = 8 h 0 min 1 s = 28 801 000 ms
      // slices: 08:45 (500 ms), 09:00 … 16:45 (8 h × 4 = 32 whole), 17:00 (500 ms) = 34
      Instant from = utc("2026-05-12T08:59:59.500Z"), to = utc("2026-05-12T17:00:00.500Z");
      List<Slice> slices = Intervals.split(from, to);
      assertThat(slices).hasSize(34);
      assertThat(slices.stream().mapToLong(Slice::millis).sum()).isEqualTo(28_801_000L);
      assertThat(slices.get(0)).isEqualTo(new Slice(utc("2026-05-12T08:45:00Z"), 500)); // to 09:00
      assertThat(slices.get(33)).isEqualTo(new Slice(utc("2026-05-12T17:00:00Z"), 500));
      for (int i = 1; i < 33; i++) assertThat(slices.get(i).millis()).isEqualTo(900_000);
    }

    @Test
    void emptyWhenToIsNotAfterFrom() {
      Instant t = utc("2026-05-12T10:07:00Z");
      assertThat(Intervals.split(t, t)).isEmpty();
      assertThat(Intervals.split(t, utc("2026-05-12T10:06:59Z"))).isEmpty();
      assertThat(Intervals.split(t, utc("2026-05-12T09:00:00Z"))).isEmpty();
    }
  }

  @Nested
  class Parse {

    @Test
    void accepted() {
      assertThat(Granularity.parse("15m")).isEqualTo(Granularity.INTERVAL);
      assertThat(Granularity.parse("interval")).isEqualTo(Granularity.INTERVAL);
      assertThat(Granularity.parse("15M")).isEqualTo(Granularity.INTERVAL);
      assertThat(Granularity.parse("hour")).isEqualTo(Granularity.HOUR);
      assertThat(Granularity.parse("HOUR")).isEqualTo(Granularity.HOUR);
      assertThat(Granularity.parse("day")).isEqualTo(Granularity.DAY);
      assertThat(Granularity.parse("Day")).isEqualTo(Granularity.DAY);
      assertThat(Granularity.parse("week")).isEqualTo(Granularity.WEEK);
      assertThat(Granularity.parse("month")).isEqualTo(Granularity.MONTH);
      assertThat(Granularity.parse("MONTH")).isEqualTo(Granularity.MONTH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "minute", "15", "15min", "hours", "days", "year", " day", "quarter"})
    void rejectedNamingTheBadValue(String bad) {
      assertThatThrownBy(() -> Granularity.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("15m, hour, day, week, month");
    }
  }

  @Nested
  class PeriodStart {

    @Test
    void intervalIsItself() {
      Instant i = utc("2026-03-29T01:15:00Z");
      assertThat(Granularity.INTERVAL.periodStart(i, STOCKHOLM)).isEqualTo(i);
    }

    @Test
    void hourInWinterAndSummer() {
      // 09:45Z = 10:45 CET → 10:00 CET = 09:00Z
      assertThat(Granularity.HOUR.periodStart(utc("2026-01-15T09:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-01-15T09:00:00Z"));
      // 09:45Z = 11:45 CEST → 11:00 CEST = 09:00Z
      assertThat(Granularity.HOUR.periodStart(utc("2026-06-15T09:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-06-15T09:00:00Z"));
      assertThat(Granularity.HOUR.periodStart(utc("2026-06-15T09:00:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-06-15T09:00:00Z"));
    }

    @Test
    void hourInAHalfHourZoneIsLocal() {
      // Kolkata is UTC+5:30: 09:45Z = 15:15 IST → 15:00 IST = 09:30Z
      assertThat(Granularity.HOUR.periodStart(utc("2026-01-15T09:45:00Z"), ZoneId.of("Asia/Kolkata")))
          .isEqualTo(utc("2026-01-15T09:30:00Z"));
      // 09:15Z = 14:45 IST → 14:00 IST = 08:30Z
      assertThat(Granularity.HOUR.periodStart(utc("2026-01-15T09:15:00Z"), ZoneId.of("Asia/Kolkata")))
          .isEqualTo(utc("2026-01-15T08:30:00Z"));
    }

    @Test
    void hourOnTheSpringChange() {
      // 00:45Z = 01:45 CET → 01:00 CET = 00:00Z
      assertThat(Granularity.HOUR.periodStart(utc("2026-03-29T00:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-03-29T00:00:00Z"));
      // 01:00Z = 03:00 CEST (02:00–03:00 local does not exist) → 01:00Z
      assertThat(Granularity.HOUR.periodStart(utc("2026-03-29T01:00:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-03-29T01:00:00Z"));
      // 01:45Z = 03:45 CEST → 03:00 CEST = 01:00Z
      assertThat(Granularity.HOUR.periodStart(utc("2026-03-29T01:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-03-29T01:00:00Z"));
    }

    @Test
    void hourOnTheAutumnChangeKeepsTheTwoLocalTwoOClocksApart() {
      // 00:15Z = 02:15 CEST → 02:00 CEST = 00:00Z
      assertThat(Granularity.HOUR.periodStart(utc("2026-10-25T00:15:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-10-25T00:00:00Z"));
      // 00:45Z = 02:45 CEST → 00:00Z
      assertThat(Granularity.HOUR.periodStart(utc("2026-10-25T00:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-10-25T00:00:00Z"));
      // 01:15Z = 02:15 CET (the second 02:15) → 02:00 CET = 01:00Z
      assertThat(Granularity.HOUR.periodStart(utc("2026-10-25T01:15:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-10-25T01:00:00Z"));
      // 01:45Z = 02:45 CET → 01:00Z
      assertThat(Granularity.HOUR.periodStart(utc("2026-10-25T01:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-10-25T01:00:00Z"));
      // 02:00Z = 03:00 CET → 02:00Z
      assertThat(Granularity.HOUR.periodStart(utc("2026-10-25T02:00:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-10-25T02:00:00Z"));
    }

    /** The distinct period starts of every interval in [from, to). */
    Set<Instant> periods(Granularity g, Instant from, Instant to) {
      Set<Instant> starts = new LinkedHashSet<>();
      for (Instant i = from; i.isBefore(to); i = i.plus(Intervals.LENGTH)) starts.add(g.periodStart(i, STOCKHOLM));
      return starts;
    }

    @Test
    void theSpringDayHas23HoursAndTheAutumnDay25() {
      // 29 March: 00:00 CET = 03-28T23:00Z to 00:00 CEST next day = 03-29T22:00Z, 23 h
      assertThat(periods(Granularity.HOUR, utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z"))).hasSize(23);
      // 25 October: 00:00 CEST = 10-24T22:00Z to 00:00 CET next day = 10-25T23:00Z, 25 h
      assertThat(periods(Granularity.HOUR, utc("2026-10-24T22:00:00Z"), utc("2026-10-25T23:00:00Z"))).hasSize(25);
    }

    @Test
    void dayAcrossTheSpringChange() {
      // every one of the 92 intervals (23 h × 4) of 29 March belongs to 00:00 CET = 03-28T23:00Z
      Instant from = utc("2026-03-28T23:00:00Z"), to = utc("2026-03-29T22:00:00Z");
      assertThat(Duration.between(from, to).dividedBy(Intervals.LENGTH)).isEqualTo(92);
      assertThat(periods(Granularity.DAY, from, to)).containsExactly(from);
      // 22:45Z on the 28th = 23:45 CET on the 28th → 00:00 CET 28 March = 03-27T23:00Z
      assertThat(Granularity.DAY.periodStart(utc("2026-03-28T22:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-03-27T23:00:00Z"));
      // 22:00Z on the 29th = 00:00 CEST 30 March → itself
      assertThat(Granularity.DAY.periodStart(utc("2026-03-29T22:00:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-03-29T22:00:00Z"));
    }

    @Test
    void dayAcrossTheAutumnChange() {
      // every one of the 100 intervals (25 h × 4) of 25 October belongs to 00:00 CEST = 10-24T22:00Z
      Instant from = utc("2026-10-24T22:00:00Z"), to = utc("2026-10-25T23:00:00Z");
      assertThat(Duration.between(from, to).dividedBy(Intervals.LENGTH)).isEqualTo(100);
      assertThat(periods(Granularity.DAY, from, to)).containsExactly(from);
      // 23:00Z on the 25th = 00:00 CET 26 October → itself
      assertThat(Granularity.DAY.periodStart(utc("2026-10-25T23:00:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-10-25T23:00:00Z"));
      // 21:45Z on the 24th = 23:45 CEST on the 24th → 00:00 CEST 24 October = 10-23T22:00Z
      assertThat(Granularity.DAY.periodStart(utc("2026-10-24T21:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-10-23T22:00:00Z"));
    }

    @Test
    void dayOfAnInstant() {
      // 23:00Z on the 28th is already 00:00 CET on the 29th in Stockholm
      assertThat(Intervals.day(utc("2026-03-28T23:00:00Z"), STOCKHOLM)).isEqualTo(LocalDate.of(2026, 3, 29));
      assertThat(Intervals.day(utc("2026-03-28T22:45:00Z"), STOCKHOLM)).isEqualTo(LocalDate.of(2026, 3, 28));
    }

    @Test
    void weekStartsOnMondayLocal() {
      // Sunday 29 March 23:45 CEST (21:45Z) → Monday 23 March 00:00 CET = 03-22T23:00Z
      assertThat(Granularity.WEEK.periodStart(utc("2026-03-29T21:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-03-22T23:00:00Z"));
      // Monday 23 March 00:00 CET is Sunday 22 March 23:00 in UTC, but already that week
      assertThat(Granularity.WEEK.periodStart(utc("2026-03-22T23:00:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-03-22T23:00:00Z"));
      // Sunday 22 March 23:45 CET (22:45Z) → the week before: Monday 16 March 00:00 CET = 03-15T23:00Z
      assertThat(Granularity.WEEK.periodStart(utc("2026-03-22T22:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-03-15T23:00:00Z"));
      // Monday 30 March 00:00 CEST = 03-29T22:00Z → itself
      assertThat(Granularity.WEEK.periodStart(utc("2026-03-29T22:00:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-03-29T22:00:00Z"));
      // Wednesday 25 March 12:00 CET (11:00Z) → 03-22T23:00Z
      assertThat(Granularity.WEEK.periodStart(utc("2026-03-25T11:00:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-03-22T23:00:00Z"));
    }

    @Test
    void weekAcrossTheAutumnChange() {
      // Sunday 25 October 23:45 CET (22:45Z) → Monday 19 October 00:00 CEST = 10-18T22:00Z
      assertThat(Granularity.WEEK.periodStart(utc("2026-10-25T22:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-10-18T22:00:00Z"));
      // Monday 26 October 00:00 CET = 10-25T23:00Z → itself
      assertThat(Granularity.WEEK.periodStart(utc("2026-10-25T23:00:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-10-25T23:00:00Z"));
    }

    @Test
    void month() {
      // 31 March 23:45 CEST (21:45Z) → 1 March 00:00 CET = 02-28T23:00Z
      assertThat(Granularity.MONTH.periodStart(utc("2026-03-31T21:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-02-28T23:00:00Z"));
      // 1 April 00:00 CEST = 03-31T22:00Z → itself
      assertThat(Granularity.MONTH.periodStart(utc("2026-03-31T22:00:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-03-31T22:00:00Z"));
      // 31 October 23:45 CET (22:45Z) → 1 October 00:00 CEST = 09-30T22:00Z
      assertThat(Granularity.MONTH.periodStart(utc("2026-10-31T22:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-09-30T22:00:00Z"));
      // 1 November 00:00 CET = 10-31T23:00Z → itself
      assertThat(Granularity.MONTH.periodStart(utc("2026-10-31T23:00:00Z"), STOCKHOLM))
          .isEqualTo(utc("2026-10-31T23:00:00Z"));
      // 1 January 2026 00:00 CET = 2025-12-31T23:00Z, not December
      assertThat(Granularity.MONTH.periodStart(utc("2025-12-31T23:00:00Z"), STOCKHOLM))
          .isEqualTo(utc("2025-12-31T23:00:00Z"));
      assertThat(Granularity.MONTH.periodStart(utc("2025-12-31T22:45:00Z"), STOCKHOLM))
          .isEqualTo(utc("2025-11-30T23:00:00Z"));
    }
  }
}
