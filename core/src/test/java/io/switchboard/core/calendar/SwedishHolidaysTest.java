package io.switchboard.core.calendar;

import static io.switchboard.core.calendar.Holiday.Kind.HOLIDAY_EVE;
import static io.switchboard.core.calendar.Holiday.Kind.PUBLIC_HOLIDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SwedishHolidaysTest {

  private static Holiday pub(String date, String name) {
    return new Holiday(LocalDate.parse(date), name, PUBLIC_HOLIDAY);
  }

  private static Holiday eve(String date, String name) {
    return new Holiday(LocalDate.parse(date), name, HOLIDAY_EVE);
  }

  // Published Easter tables; includes the earliest (22 Mar) and latest (25 Apr) possible dates.
  @ParameterizedTest(name = "Easter {0} is {1}")
  @CsvSource({
    "1900, 1900-04-15",
    "1913, 1913-03-23",
    "1943, 1943-04-25",
    "1954, 1954-04-18",
    "1961, 1961-04-02",
    "2000, 2000-04-23",
    "2008, 2008-03-23",
    "2011, 2011-04-24",
    "2019, 2019-04-21",
    "2024, 2024-03-31",
    "2025, 2025-04-20",
    "2026, 2026-04-05",
    "2027, 2027-03-28",
    "2038, 2038-04-25",
    "2049, 2049-04-18",
    "2100, 2100-03-28",
    "2160, 2160-03-23",
    "2200, 2200-04-06",
    "2285, 2285-03-22"
  })
  void easterSunday(int year, LocalDate expected) {
    assertThat(SwedishHolidays.easterSunday(year)).isEqualTo(expected);
    assertThat(SwedishHolidays.on(expected))
        .contains(new Holiday(expected, "Påskdagen (Easter Sunday)", PUBLIC_HOLIDAY));
  }

  @Test
  void allHolidaysOf2025() {
    assertThat(SwedishHolidays.of(2025))
        .containsExactly(
            pub("2025-01-01", "Nyårsdagen (New Year's Day)"),
            pub("2025-01-06", "Trettondedag jul (Epiphany)"),
            pub("2025-04-18", "Långfredagen (Good Friday)"),
            pub("2025-04-20", "Påskdagen (Easter Sunday)"),
            pub("2025-04-21", "Annandag påsk (Easter Monday)"),
            pub("2025-05-01", "Första maj (May Day)"),
            pub("2025-05-29", "Kristi himmelsfärdsdag (Ascension Day)"),
            pub("2025-06-06", "Sveriges nationaldag (National Day)"),
            pub("2025-06-08", "Pingstdagen (Whitsunday)"),
            eve("2025-06-20", "Midsommarafton (Midsummer Eve)"),
            pub("2025-06-21", "Midsommardagen (Midsummer Day)"),
            pub("2025-11-01", "Alla helgons dag (All Saints' Day)"),
            eve("2025-12-24", "Julafton (Christmas Eve)"),
            pub("2025-12-25", "Juldagen (Christmas Day)"),
            pub("2025-12-26", "Annandag jul (Boxing Day)"),
            eve("2025-12-31", "Nyårsafton (New Year's Eve)"));
  }

  @Test
  void allHolidaysOf2026() {
    assertThat(SwedishHolidays.of(2026))
        .containsExactly(
            pub("2026-01-01", "Nyårsdagen (New Year's Day)"),
            pub("2026-01-06", "Trettondedag jul (Epiphany)"),
            pub("2026-04-03", "Långfredagen (Good Friday)"),
            pub("2026-04-05", "Påskdagen (Easter Sunday)"),
            pub("2026-04-06", "Annandag påsk (Easter Monday)"),
            pub("2026-05-01", "Första maj (May Day)"),
            pub("2026-05-14", "Kristi himmelsfärdsdag (Ascension Day)"),
            pub("2026-05-24", "Pingstdagen (Whitsunday)"),
            pub("2026-06-06", "Sveriges nationaldag (National Day)"),
            eve("2026-06-19", "Midsommarafton (Midsummer Eve)"),
            pub("2026-06-20", "Midsommardagen (Midsummer Day)"),
            pub("2026-10-31", "Alla helgons dag (All Saints' Day)"),
            eve("2026-12-24", "Julafton (Christmas Eve)"),
            pub("2026-12-25", "Juldagen (Christmas Day)"),
            pub("2026-12-26", "Annandag jul (Boxing Day)"),
            eve("2026-12-31", "Nyårsafton (New Year's Eve)"));
  }

  @Test
  void ascensionOnMayDayIn2008ListsBothAndOnReturnsTheFixedOne() {
    assertThat(SwedishHolidays.of(2008))
        .filteredOn(h -> h.date().equals(LocalDate.of(2008, 5, 1)))
        .extracting(Holiday::name)
        .containsExactly("Första maj (May Day)", "Kristi himmelsfärdsdag (Ascension Day)");
    assertThat(SwedishHolidays.on(LocalDate.of(2008, 5, 1)))
        .map(Holiday::name)
        .contains("Första maj (May Day)");
  }

  @Test
  void whitsundayOnNationalDayIn2049AndMidsummerAndAllSaintsAtTheirLatest() {
    assertThat(SwedishHolidays.of(2049))
        .filteredOn(h -> h.date().equals(LocalDate.of(2049, 6, 6)))
        .extracting(Holiday::name)
        .containsExactly("Sveriges nationaldag (National Day)", "Pingstdagen (Whitsunday)");
    assertThat(SwedishHolidays.on(LocalDate.of(2049, 6, 25)))
        .contains(eve("2049-06-25", "Midsommarafton (Midsummer Eve)"));
    assertThat(SwedishHolidays.on(LocalDate.of(2049, 6, 26)))
        .contains(pub("2049-06-26", "Midsommardagen (Midsummer Day)"));
    assertThat(SwedishHolidays.on(LocalDate.of(2049, 11, 6)))
        .contains(pub("2049-11-06", "Alla helgons dag (All Saints' Day)"));
  }

  @Test
  void midsummerAtItsEarliestIn2015AndLatestIn2021() {
    // 20 June 2015 was a Saturday; in 2021 the 19th was a Saturday, one day too early.
    assertThat(SwedishHolidays.on(LocalDate.of(2015, 6, 19)))
        .contains(eve("2015-06-19", "Midsommarafton (Midsummer Eve)"));
    assertThat(SwedishHolidays.on(LocalDate.of(2015, 6, 20)))
        .contains(pub("2015-06-20", "Midsommardagen (Midsummer Day)"));
    assertThat(SwedishHolidays.on(LocalDate.of(2021, 6, 19))).isEmpty();
    assertThat(SwedishHolidays.on(LocalDate.of(2021, 6, 25)))
        .contains(eve("2021-06-25", "Midsommarafton (Midsummer Eve)"));
    assertThat(SwedishHolidays.on(LocalDate.of(2021, 6, 26)))
        .contains(pub("2021-06-26", "Midsommardagen (Midsummer Day)"));
  }

  @Test
  void ordinaryDaysAreNoHolidays() {
    assertThat(SwedishHolidays.on(LocalDate.of(2025, 6, 19))).isEmpty(); // Thursday before
    assertThat(SwedishHolidays.on(LocalDate.of(2025, 6, 9))).isEmpty(); // Whit Monday, abolished
    assertThat(SwedishHolidays.on(LocalDate.of(2025, 12, 23))).isEmpty();
    assertThat(SwedishHolidays.on(LocalDate.of(2025, 11, 2))).isEmpty();
    assertThat(SwedishHolidays.on(LocalDate.of(2025, 4, 19))).isEmpty(); // Easter Saturday
    assertThat(SwedishHolidays.on(LocalDate.of(2025, 4, 17))).isEmpty(); // Maundy Thursday
  }

  @Test
  void eveLookups() {
    assertThat(SwedishHolidays.on(LocalDate.of(2025, 12, 24)))
        .contains(eve("2025-12-24", "Julafton (Christmas Eve)"));
    assertThat(SwedishHolidays.on(LocalDate.of(2025, 12, 31)))
        .contains(eve("2025-12-31", "Nyårsafton (New Year's Eve)"));
  }

  @Test
  void listIsUnmodifiableAndCached() {
    List<Holiday> list = SwedishHolidays.of(2030);
    assertThatThrownBy(() -> list.add(list.get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(SwedishHolidays.of(2030)).isSameAs(list);
  }

  @Test
  void yearsOutsideTheSupportedRangeAreRejected() {
    assertThatThrownBy(() -> SwedishHolidays.of(1582))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("year")
        .hasMessageContaining("1582");
    assertThatThrownBy(() -> SwedishHolidays.easterSunday(10_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("year");
    assertThatThrownBy(() -> SwedishHolidays.on(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("date");
  }

  @Property
  void structureHoldsForEveryYear(@ForAll @IntRange(min = 1900, max = 2200) int year) {
    List<Holiday> all = SwedishHolidays.of(year);
    assertThat(all).hasSize(16);
    assertThat(all).isSortedAccordingTo(Comparator.comparing(Holiday::date));
    assertThat(all).allSatisfy(h -> assertThat(h.date().getYear()).isEqualTo(year));
    assertThat(all).filteredOn(h -> h.kind() == HOLIDAY_EVE).hasSize(3);
    Map<String, LocalDate> byName =
        all.stream().collect(Collectors.toMap(Holiday::name, Holiday::date));
    Function<String, LocalDate> date =
        prefix ->
            byName.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .findFirst()
                .orElseThrow()
                .getValue();

    LocalDate easter = date.apply("Påskdagen");
    assertThat(easter.getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);
    assertThat(easter)
        .isBetween(LocalDate.of(year, Month.MARCH, 22), LocalDate.of(year, Month.APRIL, 25));
    LocalDate goodFriday = date.apply("Långfredagen");
    assertThat(goodFriday.getDayOfWeek()).isEqualTo(DayOfWeek.FRIDAY);
    assertThat(goodFriday.plusDays(2)).isEqualTo(easter);
    LocalDate easterMonday = date.apply("Annandag påsk");
    assertThat(easterMonday.getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
    assertThat(easterMonday.minusDays(1)).isEqualTo(easter);
    assertThat(date.apply("Kristi himmelsfärdsdag").getDayOfWeek())
        .isEqualTo(DayOfWeek.THURSDAY);
    assertThat(date.apply("Pingstdagen").getDayOfWeek()).isEqualTo(DayOfWeek.SUNDAY);

    LocalDate midsummerEve = date.apply("Midsommarafton");
    assertThat(midsummerEve.getDayOfWeek()).isEqualTo(DayOfWeek.FRIDAY);
    assertThat(midsummerEve)
        .isBetween(LocalDate.of(year, Month.JUNE, 19), LocalDate.of(year, Month.JUNE, 25));
    LocalDate midsummerDay = date.apply("Midsommardagen");
    assertThat(midsummerDay).isEqualTo(midsummerEve.plusDays(1));
    LocalDate allSaints = date.apply("Alla helgons dag");
    assertThat(allSaints.getDayOfWeek()).isEqualTo(DayOfWeek.SATURDAY);
    assertThat(allSaints)
        .isBetween(LocalDate.of(year, Month.OCTOBER, 31), LocalDate.of(year, Month.NOVEMBER, 6));

    assertThat(date.apply("Nyårsdagen")).isEqualTo(LocalDate.of(year, 1, 1));
    assertThat(date.apply("Julafton")).isEqualTo(LocalDate.of(year, 12, 24));
    assertThat(date.apply("Nyårsafton")).isEqualTo(LocalDate.of(year, 12, 31));
    assertThat(SwedishHolidays.on(midsummerEve).map(Holiday::kind)).contains(HOLIDAY_EVE);
  }
}
