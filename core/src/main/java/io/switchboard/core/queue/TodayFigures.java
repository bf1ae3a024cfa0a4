package io.switchboard.core.queue;

import io.switchboard.core.CborSerializable;
import java.time.Duration;
import java.time.LocalDate;

/**
 * A queue's counts for one day of the centre, kept from the queue's own events so they survive
 * a restart. Formulas as METRICS.md: service level by the default (Genesys-style) definition,
 * ASA over queue time only.
 */
public record TodayFigures(
    LocalDate date,
    int offered,
    int answered,
    int answeredWithinThreshold,
    long answerWaitMillis,
    int abandoned,
    int shortAbandoned,
    int overflowed)
    implements CborSerializable {

  public static TodayFigures empty(LocalDate date) {
    return new TodayFigures(date, 0, 0, 0, 0, 0, 0, 0);
  }

  /** The figures as of {@code day}: a new day starts from zero. */
  public TodayFigures on(LocalDate day) {
    return day.equals(date) ? this : empty(day);
  }

  TodayFigures withQueued() {
    return new TodayFigures(date, offered + 1, answered, answeredWithinThreshold, answerWaitMillis, abandoned,
        shortAbandoned, overflowed);
  }

  TodayFigures withAnswered(Duration wait, Duration threshold) {
    return new TodayFigures(date, offered, answered + 1,
        answeredWithinThreshold + (wait.compareTo(threshold) <= 0 ? 1 : 0), answerWaitMillis + wait.toMillis(),
        abandoned, shortAbandoned, overflowed);
  }

  TodayFigures withAbandoned(Duration wait, Duration shortAbandonThreshold) {
    return new TodayFigures(date, offered, answered, answeredWithinThreshold, answerWaitMillis, abandoned + 1,
        shortAbandoned + (wait.compareTo(shortAbandonThreshold) < 0 ? 1 : 0), overflowed);
  }

  TodayFigures withOverflowed() {
    return new TodayFigures(date, offered, answered, answeredWithinThreshold, answerWaitMillis, abandoned,
        shortAbandoned, overflowed + 1);
  }

  /**
   * (answered − answered later than T) ÷ (answered + abandoned − short abandons), in percent;
   * null when nothing counts yet.
   */
  public Double serviceLevelPercent() {
    int denominator = answered + abandoned - shortAbandoned;
    if (denominator <= 0) return null;
    return 100.0 * answeredWithinThreshold / denominator;
  }

  /** Average speed of answer in seconds: Σ(answeredAt − enqueuedAt) ÷ answered; null if none. */
  public Double asaSeconds() {
    return answered == 0 ? null : answerWaitMillis / 1000.0 / answered;
  }
}
