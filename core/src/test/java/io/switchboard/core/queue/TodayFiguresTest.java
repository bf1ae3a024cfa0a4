package io.switchboard.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** METRICS.md: service level (default definition) and ASA, as the wallboard shows them. */
class TodayFiguresTest {
  static final LocalDate DAY = LocalDate.of(2026, 11, 23);
  static final Duration T = Duration.ofSeconds(20);
  static final Duration SHORT = Duration.ofSeconds(5);

  @Test
  void nothingCountedMeansNoServiceLevelAndNoAsa() {
    TodayFigures f = TodayFigures.empty(DAY);
    assertThat(f.serviceLevelPercent()).isNull();
    assertThat(f.asaSeconds()).isNull();
  }

  @Test
  void serviceLevelCountsAbandonsButNotShortAbandons() {
    TodayFigures f = TodayFigures.empty(DAY);
    for (int i = 0; i < 6; i++) f = f.withQueued();
    f = f.withAnswered(Duration.ofSeconds(10), T)   // within
        .withAnswered(Duration.ofSeconds(20), T)    // exactly T: within
        .withAnswered(Duration.ofSeconds(21), T)    // later than T
        .withAbandoned(Duration.ofSeconds(30), SHORT)
        .withAbandoned(Duration.ofSeconds(3), SHORT) // short abandon: out of the denominator
        .withOverflowed();
    assertThat(f.offered()).isEqualTo(6);
    assertThat(f.answered()).isEqualTo(3);
    assertThat(f.answeredWithinThreshold()).isEqualTo(2);
    assertThat(f.abandoned()).isEqualTo(2);
    assertThat(f.shortAbandoned()).isEqualTo(1);
    assertThat(f.overflowed()).isEqualTo(1);
    // (3 − 1) ÷ (3 + 2 − 1) = 50 %
    assertThat(f.serviceLevelPercent()).isCloseTo(50.0, within(1e-9));
    // (10 + 20 + 21) ÷ 3
    assertThat(f.asaSeconds()).isCloseTo(17.0, within(1e-9));
  }

  @Test
  void onlyShortAbandonsLeaveNoServiceLevel() {
    TodayFigures f = TodayFigures.empty(DAY).withAbandoned(Duration.ofSeconds(1), SHORT);
    assertThat(f.serviceLevelPercent()).isNull();
  }

  @Test
  void aNewDayStartsFromZero() {
    TodayFigures f = TodayFigures.empty(DAY).withQueued().withAnswered(Duration.ofSeconds(1), T);
    assertThat(f.on(DAY)).isSameAs(f);
    TodayFigures next = f.on(DAY.plusDays(1));
    assertThat(next.offered()).isZero();
    assertThat(next.answered()).isZero();
    assertThat(next.date()).isEqualTo(DAY.plusDays(1));
  }
}
