package io.switchboard.core.calendar;

import static io.switchboard.core.calendar.Holiday.Kind.HOLIDAY_EVE;
import static io.switchboard.core.calendar.Holiday.Kind.PUBLIC_HOLIDAY;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Swedish public holidays and holiday eves. Today's rules are applied to every year (historic
 * changes such as Whit Monday before 2005 are deliberately not modelled).
 */
public final class SwedishHolidays {

  /** The Gregorian Easter computus is valid from 1583; the upper bound keeps the cache finite. */
  public static final int MIN_YEAR = 1583;

  public static final int MAX_YEAR = 9999;

  private static final ConcurrentHashMap<Integer, Year> CACHE = new ConcurrentHashMap<>();

  private SwedishHolidays() {}

  /** All holidays and eves of the year, sorted by date. */
  public static List<Holiday> of(int year) {
    return year(year).holidays();
  }

  /**
   * The holiday on that date. In the rare years where two public holidays share a date (Ascension
   * Day on 1 May, Whitsunday on 6 June) the fixed-date one is returned; {@link #of} lists both.
   */
  public static Optional<Holiday> on(LocalDate date) {
    if (date == null) {
      throw new IllegalArgumentException("date must not be null");
    }
    return Optional.ofNullable(year(date.getYear()).byDate().get(date));
  }

  /** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
  public static LocalDate easterSunday(int year) {
    requireYear(year);
    int a = year % 19;
    int b = year / 100;
    int c = year % 100;
    int d = b / 4;
    int e = b % 4;
    int f = (b + 8) / 25;
    int g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4;
    int k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = (h + l - 7 * m + 114) % 31 + 1;
    return LocalDate.of(year, month, day);
  }

  private record Year(List<Holiday> holidays, Map<LocalDate, Holiday> byDate) {}

  private static Year year(int year) {
    requireYear(year);
    return CACHE.computeIfAbsent(year, SwedishHolidays::compute);
  }

  private static void requireYear(int year) {
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new IllegalArgumentException(
          "year must be between " + MIN_YEAR + " and " + MAX_YEAR + ", got " + year);
    }
  }

  private static Year compute(int year) {
    LocalDate easter = easterSunday(year);
    LocalDate midsummerDay =
        LocalDate.of(year, Month.JUNE, 20).with(TemporalAdjusters.nextOrSame(DayOfWeek.SATURDAY));
    LocalDate allSaints =
        LocalDate.of(year, Month.OCTOBER, 31)
            .with(TemporalAdjusters.nextOrSame(DayOfWeek.SATURDAY));

    // Fixed-date holidays come first so that a stable sort keeps them ahead on shared dates.
    List<Holiday> list = new ArrayList<>(16);
    list.add(pub(LocalDate.of(year, 1, 1), "Nyårsdagen (New Year's Day)"));
    list.add(pub(LocalDate.of(year, 1, 6), "Trettondedag jul (Epiphany)"));
    list.add(pub(LocalDate.of(year, 5, 1), "Första maj (May Day)"));
    list.add(pub(LocalDate.of(year, 6, 6), "Sveriges nationaldag (National Day)"));
    list.add(pub(LocalDate.of(year, 12, 25), "Juldagen (Christmas Day)"));
    list.add(pub(LocalDate.of(year, 12, 26), "Annandag jul (Boxing Day)"));
    list.add(pub(easter.minusDays(2), "Långfredagen (Good Friday)"));
    list.add(pub(easter, "Påskdagen (Easter Sunday)"));
    list.add(pub(easter.plusDays(1), "Annandag påsk (Easter Monday)"));
    list.add(pub(easter.plusDays(39), "Kristi himmelsfärdsdag (Ascension Day)"));
    list.add(pub(easter.plusDays(49), "Pingstdagen (Whitsunday)"));
    list.add(pub(midsummerDay, "Midsommardagen (Midsummer Day)"));
    list.add(pub(allSaints, "Alla helgons dag (All Saints' Day)"));
    list.add(eve(midsummerDay.minusDays(1), "Midsommarafton (Midsummer Eve)"));
    list.add(eve(LocalDate.of(year, 12, 24), "Julafton (Christmas Eve)"));
    list.add(eve(LocalDate.of(year, 12, 31), "Nyårsafton (New Year's Eve)"));
    list.sort(Comparator.comparing(Holiday::date).thenComparing(Holiday::kind));

    Map<LocalDate, Holiday> byDate = new HashMap<>();
    for (Holiday h : list) {
      byDate.putIfAbsent(h.date(), h);
    }
    return new Year(List.copyOf(list), Map.copyOf(byDate));
  }

  private static Holiday pub(LocalDate date, String name) {
    return new Holiday(date, name, PUBLIC_HOLIDAY);
  }

  private static Holiday eve(LocalDate date, String name) {
    return new Holiday(date, name, HOLIDAY_EVE);
  }
}
