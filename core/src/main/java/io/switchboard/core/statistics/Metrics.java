package io.switchboard.core.statistics;

/**
 * Every derived figure of METRICS.md, computed from one row of sums. A ratio whose denominator
 * is zero is {@code null} ("no data"), never 0 or 100 %. Percentages are 0–100, times seconds.
 */
public record Metrics(
    Double serviceLevel,
    Double serviceLevelWithFlowOuts,
    Double serviceLevelAnswered,
    Double serviceLevelWithAbandons,
    Double serviceLevelRemoved,
    Double asaSeconds,
    Double ahtSeconds,
    Double abandonRate,
    Double abandonRateShortAdjusted,
    Double averageWaitSeconds,
    Double maxWaitSeconds,
    Double occupancy) {

  public static Metrics of(IntervalCounts c) {
    return new Metrics(
        percent(c.answeredWithinThreshold(), c.answered() + c.abandoned() - c.shortAbandoned()),
        percent(c.answeredWithinThreshold(), c.answered() + c.abandoned() - c.shortAbandoned() + c.flowOuts()),
        percent(c.answeredWithinThreshold(), c.answered()),
        percent(c.answeredWithinThreshold() + c.abandonedWithinThreshold(), c.answered() + c.abandoned()),
        // Callbacks leave the queue too; they count within T once callbacks exist (none yet).
        percent(c.answeredWithinThreshold() + c.abandonedWithinThreshold(), c.offered()),
        seconds(c.answerWaitMillis(), c.answered()),
        seconds(c.talkMillis() + c.holdMillis() + c.wrapUpMillis(), c.handled()),
        percent(c.abandoned(), c.offered()),
        percent(c.abandoned() - c.shortAbandoned(), c.offered() - c.shortAbandoned()),
        seconds(c.totalWaitMillis(), c.answered() + c.abandoned() + c.flowOuts()),
        c.offered() + c.answered() + c.abandoned() + c.flowOuts() == 0 ? null : c.maxWaitMillis() / 1000.0,
        percent(onContactMillis(c), onContactMillis(c) + c.readyMillis()));
  }

  /** Time on a contact: ringing (reserved), talking and wrapping up. */
  public static long onContactMillis(IntervalCounts c) {
    return c.reservedMillis() + c.busyMillis() + c.wrapUpStateMillis();
  }

  private static Double percent(long part, long whole) {
    return whole <= 0 ? null : 100.0 * part / whole;
  }

  private static Double seconds(long millis, long count) {
    return count <= 0 ? null : millis / 1000.0 / count;
  }
}
