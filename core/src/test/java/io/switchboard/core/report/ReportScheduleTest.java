package io.switchboard.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Periods worked out by hand in the centre's zone (Stockholm: UTC+1 in winter, UTC+2 in summer). */
class ReportScheduleTest {
  static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
  static final Duration TEN_MIN = Duration.ofMinutes(10);

  static Instant t(String s) {
    return Instant.parse(s);
  }

  static ReportPeriod period(String from, String to, String label) {
    return new ReportPeriod(t(from), t(to), label);
  }

  @Test
  void aDayIsTheLocalCalendarDay() {
    // 09:00Z is 10:00 in Stockholm on Monday 23 November.
    assertThat(ReportSchedule.DAILY.containing(t("2026-11-23T09:00:00Z"), STOCKHOLM))
        .isEqualTo(period("2026-11-22T23:00:00Z", "2026-11-23T23:00:00Z", "2026-11-23"));
    assertThat(ReportSchedule.DAILY.lastCompleted(t("2026-11-23T09:00:00Z"), STOCKHOLM))
        .isEqualTo(period("2026-11-21T23:00:00Z", "2026-11-22T23:00:00Z", "2026-11-22"));
    // 23:30Z on the 23rd is already 00:30 on the 24th locally.
    assertThat(ReportSchedule.DAILY.lastCompleted(t("2026-11-23T23:30:00Z"), STOCKHOLM).label()).isEqualTo("2026-11-23");
    // A period ending exactly now has ended.
    assertThat(ReportSchedule.DAILY.lastCompleted(t("2026-11-23T23:00:00Z"), STOCKHOLM).label()).isEqualTo("2026-11-23");
    assertThat(ReportSchedule.DAILY.lastCompleted(t("2026-11-23T22:59:59Z"), STOCKHOLM).label()).isEqualTo("2026-11-22");
  }

  @Test
  void daysAcrossTheDaylightSavingChangesAre23And25HoursLong() {
    // Spring forward on Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST.
    ReportPeriod spring = ReportSchedule.DAILY.containing(t("2026-03-29T01:30:00Z"), STOCKHOLM);
    assertThat(spring).isEqualTo(period("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", "2026-03-29"));
    assertThat(Duration.between(spring.from(), spring.to())).isEqualTo(Duration.ofHours(23));
    assertThat(ReportSchedule.DAILY.after(spring, STOCKHOLM))
        .isEqualTo(period("2026-03-29T22:00:00Z", "2026-03-30T22:00:00Z", "2026-03-30"));
    assertThat(ReportSchedule.DAILY.before(spring, STOCKHOLM))
        .isEqualTo(period("2026-03-27T23:00:00Z", "2026-03-28T23:00:00Z", "2026-03-28"));
    // Fall back on Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET.
    ReportPeriod autumn = ReportSchedule.DAILY.containing(t("2026-10-25T12:00:00Z"), STOCKHOLM);
    assertThat(autumn).isEqualTo(period("2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", "2026-10-25"));
    assertThat(Duration.between(autumn.from(), autumn.to())).isEqualTo(Duration.ofHours(25));
    // The week of the spring change is an hour short.
    ReportPeriod week = ReportSchedule.WEEKLY.containing(t("2026-03-29T12:00:00Z"), STOCKHOLM);
    assertThat(week).isEqualTo(period("2026-03-22T23:00:00Z", "2026-03-29T22:00:00Z", "2026-W13"));
    assertThat(Duration.between(week.from(), week.to())).isEqualTo(Duration.ofHours(7 * 24 - 1));
  }

  @Test
  void weeksAreIsoWeeksFromMonday() {
    // Sunday 29 November at noon is still in week 48, which began on Monday the 23rd.
    assertThat(ReportSchedule.WEEKLY.containing(t("2026-11-29T12:00:00Z"), STOCKHOLM))
        .isEqualTo(period("2026-11-22T23:00:00Z", "2026-11-29T23:00:00Z", "2026-W48"));
    assertThat(ReportSchedule.WEEKLY.lastCompleted(t("2026-11-30T08:00:00Z"), STOCKHOLM).label()).isEqualTo("2026-W48");
    // 2026 has 53 ISO weeks: Friday 1 January 2027 belongs to 2026-W53.
    ReportPeriod w53 = ReportSchedule.WEEKLY.containing(t("2027-01-01T12:00:00Z"), STOCKHOLM);
    assertThat(w53).isEqualTo(period("2026-12-27T23:00:00Z", "2027-01-03T23:00:00Z", "2026-W53"));
    assertThat(ReportSchedule.WEEKLY.after(w53, STOCKHOLM).label()).isEqualTo("2027-W01");
  }

  @Test
  void monthsEndOnTheirLastDayWhateverItsLength() {
    assertThat(ReportSchedule.MONTHLY.lastCompleted(t("2026-11-30T23:05:00Z"), STOCKHOLM))
        .isEqualTo(period("2026-10-31T23:00:00Z", "2026-11-30T23:00:00Z", "2026-11"));
    ReportPeriod feb = ReportSchedule.MONTHLY.containing(t("2026-02-15T12:00:00Z"), STOCKHOLM);
    assertThat(feb).isEqualTo(period("2026-01-31T23:00:00Z", "2026-02-28T23:00:00Z", "2026-02"));
    assertThat(ReportSchedule.MONTHLY.containing(t("2028-02-29T12:00:00Z"), STOCKHOLM))
        .isEqualTo(period("2028-01-31T23:00:00Z", "2028-02-29T23:00:00Z", "2028-02"));
    // March starts in winter time and ends in summer time.
    assertThat(ReportSchedule.MONTHLY.after(feb, STOCKHOLM))
        .isEqualTo(period("2026-02-28T23:00:00Z", "2026-03-31T22:00:00Z", "2026-03"));
    ReportPeriod dec = ReportSchedule.MONTHLY.containing(t("2026-12-31T22:59:59Z"), STOCKHOLM);
    assertThat(dec.label()).isEqualTo("2026-12");
    assertThat(ReportSchedule.MONTHLY.after(dec, STOCKHOLM).label()).isEqualTo("2027-01");
    assertThat(ReportSchedule.MONTHLY.before(feb, STOCKHOLM).label()).isEqualTo("2026-01");
  }

  @Test
  void aPeriodIsDueItsDelayAfterItsEnd() {
    ReportPeriod day = period("2026-11-22T23:00:00Z", "2026-11-23T23:00:00Z", "2026-11-23");
    assertThat(ReportSchedule.dueAt(day, TEN_MIN)).isEqualTo(t("2026-11-23T23:10:00Z"));
    // Five past midnight: yesterday is complete but not yet due.
    assertThat(ReportSchedule.DAILY.nextDue(t("2026-11-23T23:05:00Z"), STOCKHOLM, TEN_MIN)).isEqualTo(t("2026-11-23T23:10:00Z"));
    // Once it is due, the next one is tomorrow's.
    assertThat(ReportSchedule.DAILY.nextDue(t("2026-11-23T23:10:00Z"), STOCKHOLM, TEN_MIN)).isEqualTo(t("2026-11-24T23:10:00Z"));
    assertThat(ReportSchedule.MONTHLY.nextDue(t("2026-11-15T00:00:00Z"), STOCKHOLM, TEN_MIN)).isEqualTo(t("2026-11-30T23:10:00Z"));
    // A delay longer than a period still finds the earliest period not yet due.
    assertThat(ReportSchedule.DAILY.nextDue(t("2026-11-24T12:00:00Z"), ZoneOffset.UTC, Duration.ofHours(36)))
        .isEqualTo(t("2026-11-25T12:00:00Z"));
    assertThat(ReportSchedule.DAILY.nextDue(t("2026-11-24T11:00:00Z"), ZoneOffset.UTC, Duration.ofHours(36)))
        .isEqualTo(t("2026-11-24T12:00:00Z"));
  }

  @Test
  void wireNamesParseAndBadOnesNameTheAllowedValues() {
    assertThat(ReportSchedule.parse("weekly")).isEqualTo(ReportSchedule.WEEKLY);
    assertThat(ReportKind.parse("billing")).isEqualTo(ReportKind.BILLING);
    assertThat(ReportKind.parse("queue-summary")).isEqualTo(ReportKind.QUEUE_SUMMARY);
    assertThatThrownBy(() -> ReportKind.parse("queue_summary"))
        .hasMessage("kind must be one of queue-summary, agent-summary, billing, call-log, got 'queue_summary'");
    assertThatThrownBy(() -> ReportSchedule.parse("hourly"))
        .hasMessage("schedule must be one of daily, weekly, monthly, got 'hourly'");
    assertThatThrownBy(() -> ReportSchedule.parse(null)).hasMessageContaining("got nothing");
  }
}
