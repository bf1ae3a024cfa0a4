package io.switchboard.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** nextChange against a plain minute-by-minute scan over random calendars, zones and instants. */
class NextChangeTest {

  // Zones with DST at 02:00/03:00, at midnight (Sao Paulo until 2019), by 30 minutes (Lord
  // Howe), a half-hour offset (Kolkata) and none at all. All offsets are whole minutes, so
  // local minute boundaries coincide with UTC minute boundaries.
  private static final List<ZoneId> ZONES =
      List.of(
          ZoneId.of("Europe/Stockholm"),
          ZoneId.of("UTC"),
          ZoneId.of("America/Sao_Paulo"),
          ZoneId.of("Australia/Lord_Howe"),
          ZoneId.of("Asia/Kolkata"),
          ZoneId.of("America/New_York"));

  private static Optional<Instant> bruteForce(
      CalendarDefinition calendar, Instant from, Duration horizon) {
    boolean initial = calendar.evaluate(from).open();
    Instant end = from.plus(horizon);
    for (Instant t = from.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
        !t.isAfter(end);
        t = t.plusSeconds(60)) {
      if (calendar.evaluate(t).open() != initial) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  @Property(tries = 1000)
  void agreesWithAMinuteByMinuteScan(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int zoneIndex) {
    Random random = new Random(seed);
    ZoneId zone = ZONES.get(zoneIndex);
    Instant from = randomInstant(random, zone);
    // Half of the calendars keep their boundaries within 00:00-04:00, where DST changes happen.
    int lastQuarter = random.nextBoolean() ? 96 : 16;
    CalendarDefinition calendar =
        new CalendarDefinition(
            "Random",
            zone,
            randomWeek(random, lastQuarter),
            random.nextBoolean(),
            random.nextBoolean(),
            randomDeviations(random, LocalDate.ofInstant(from, zone), lastQuarter));
    Duration horizon = Duration.ofMinutes(random.nextInt(4 * 24 * 60));

    assertThat(calendar.nextChange(from, horizon))
        .as("%s from %s within %s", calendar, from, horizon)
        .isEqualTo(bruteForce(calendar, from, horizon));
  }

  @Test
  void chainOfChangesOverAWeekMatchesTheScan() {
    CalendarDefinition calendar =
        CalendarDefinitionTest.STANDARD.withDeviations(
            List.of(
                Deviation.closed("Lunch", null, null, null, TimeRange.of("12:00", "13:00"), null),
                Deviation.open("Sunday", null, null, Set.of(DayOfWeek.SUNDAY),
                    TimeRange.of("10:00", "14:00"))));
    Instant t = Instant.parse("2025-03-27T00:00:00Z");
    Instant end = Instant.parse("2025-04-03T00:00:00Z");
    List<Instant> changes = new ArrayList<>();
    while (true) {
      Optional<Instant> next = calendar.nextChange(t, Duration.between(t, end));
      if (next.isEmpty()) {
        break;
      }
      assertThat(next).isEqualTo(bruteForce(calendar, t, Duration.between(t, end)));
      changes.add(next.get());
      t = next.get();
    }
    // Four edges on each of Thu 27, Fri 28 (CET), Mon 31, Tue 1, Wed 2 (CEST) and Sunday 30,
    // whose 10-14 opening keeps the lunch break because the lunch deviation comes first.
    assertThat(changes)
        .startsWith(
            Instant.parse("2025-03-27T07:00:00Z"),
            Instant.parse("2025-03-27T11:00:00Z"),
            Instant.parse("2025-03-27T12:00:00Z"),
            Instant.parse("2025-03-27T16:00:00Z"))
        .contains(Instant.parse("2025-03-30T08:00:00Z"), Instant.parse("2025-03-30T12:00:00Z"))
        .contains(Instant.parse("2025-03-31T06:00:00Z"))
        .hasSize(24);
  }

  @Test
  void invalidArgumentsNameTheField() {
    CalendarDefinition calendar = CalendarDefinitionTest.STANDARD;
    assertThatThrownBy(() -> calendar.nextChange(null, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("from");
    assertThatThrownBy(() -> calendar.nextChange(Instant.EPOCH, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("horizon");
    assertThatThrownBy(() -> calendar.nextChange(Instant.EPOCH, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("horizon");
    assertThatThrownBy(() -> calendar.evaluate(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at");
  }

  /** Mostly just before a DST transition of the zone, sometimes anywhere in 2015-2026. */
  private static Instant randomInstant(Random random, ZoneId zone) {
    Instant yearStart =
        LocalDate.of(2015 + random.nextInt(12), 1, 1).atStartOfDay(zone).toInstant();
    ZoneOffsetTransition transition = zone.getRules().nextTransition(yearStart);
    if (transition != null && random.nextInt(4) != 0) {
      ZoneOffsetTransition following = zone.getRules().nextTransition(transition.getInstant());
      if (following != null && random.nextBoolean()) {
        transition = following; // the other direction of the same year
      }
      long before = random.nextInt(3 * 24 * 3600);
      return transition.getInstant().minusSeconds(before).plusMillis(random.nextInt(2) * 500L);
    }
    return yearStart.plusSeconds(random.nextInt(365 * 24 * 3600));
  }

  private static WeeklyHours randomWeek(Random random, int lastQuarter) {
    Map<DayOfWeek, List<TimeRange>> days = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek day : DayOfWeek.values()) {
      switch (random.nextInt(4)) {
        case 0 -> {} // closed
        case 1 -> days.put(day, List.of(TimeRange.WHOLE_DAY));
        case 2 -> days.put(day, List.of(randomRange(random, 0, lastQuarter)));
        default -> {
          TimeRange first = randomRange(random, 0, lastQuarter / 2);
          int firstEnd = first.to().toSecondOfDay() / 900;
          days.put(day, List.of(first, randomRange(random, firstEnd, lastQuarter)));
        }
      }
    }
    return new WeeklyHours(days);
  }

  /** A range on the quarter-hour grid within [minQuarter, maxQuarter], 96 meaning midnight. */
  private static TimeRange randomRange(Random random, int minQuarter, int maxQuarter) {
    int from = minQuarter + random.nextInt(maxQuarter - minQuarter);
    int to = from + 1 + random.nextInt(maxQuarter - from);
    return new TimeRange(quarter(from), quarter(to));
  }

  private static LocalTime quarter(int q) {
    return q == 96 ? LocalTime.MIDNIGHT : LocalTime.ofSecondOfDay(q * 900L);
  }

  private static List<Deviation> randomDeviations(
      Random random, LocalDate around, int lastQuarter) {
    List<Deviation> list = new ArrayList<>();
    int count = random.nextInt(4);
    for (int i = 0; i < count; i++) {
      LocalDate fromDate = random.nextBoolean() ? null : around.plusDays(random.nextInt(7) - 3);
      LocalDate toDate =
          random.nextBoolean()
              ? null
              : (fromDate == null ? around : fromDate).plusDays(random.nextInt(4));
      Set<DayOfWeek> weekdays = EnumSet.noneOf(DayOfWeek.class);
      if (random.nextBoolean()) {
        for (DayOfWeek d : DayOfWeek.values()) {
          if (random.nextInt(3) == 0) {
            weekdays.add(d);
          }
        }
      }
      TimeRange time = random.nextBoolean() ? null : randomRange(random, 0, lastQuarter);
      list.add(
          random.nextBoolean()
              ? Deviation.open("open-" + i, fromDate, toDate, weekdays, time)
              : Deviation.closed("closed-" + i, fromDate, toDate, weekdays, time,
                  random.nextBoolean() ? null : "closed.wav"));
    }
    return list;
  }
}
