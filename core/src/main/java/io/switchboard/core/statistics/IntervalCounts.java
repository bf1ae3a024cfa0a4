package io.switchboard.core.statistics;

/**
 * The sums one statistics row holds for one 15-minute interval of one queue, agent, company or
 * answering point. Every figure a report shows is a formula over these (see {@link Metrics});
 * they add up, so a day, week or month is the sum of its intervals.
 *
 * <p>Each fact counts in the interval in which it happened: a contact is offered when it enters
 * the queue, answered when it is answered (so ASA lands in the answering interval), and its talk,
 * hold and wrap-up count when it is completed. Waits are per queue visit: an overflowed contact
 * is offered to, and leaves, each queue it visits.
 */
public record IntervalCounts(
    long arrived,
    long offered,
    long answered,
    long answeredWithinThreshold,
    long abandoned,
    long abandonedWithinThreshold,
    long shortAbandoned,
    long abandonedWithin15s,
    long abandonedWithin30s,
    long abandonedWithin60s,
    long abandonedWithin120s,
    long abandonedWithin300s,
    long abandonedWithin600s,
    long flowOuts,
    long closed,
    long callbacksRequested,
    long totalWaitMillis,
    long answerWaitMillis,
    long maxWaitMillis,
    long handled,
    long talkMillis,
    long holdMillis,
    long wrapUpMillis,
    long offersPresented,
    long offersDeclined,
    long offersMissed,
    long offersWithdrawn,
    long readyMillis,
    long reservedMillis,
    long busyMillis,
    long wrapUpStateMillis,
    long pausedMillis) {

  /** Upper bounds (inclusive, seconds) of the abandon buckets of METRICS.md. */
  public static final int[] ABANDON_BUCKETS = {15, 30, 60, 120, 300, 600};

  public static final IntervalCounts ZERO = new IntervalCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** The column names, in record order: the read side's schema and CSV headers use them. */
  public static final java.util.List<String> FIELDS = java.util.Arrays.stream(IntervalCounts.class.getRecordComponents())
      .map(java.lang.reflect.RecordComponent::getName).toList();

  /** The values in {@link #FIELDS} order. */
  public long[] values() {
    return new long[] {arrived, offered, answered, answeredWithinThreshold, abandoned, abandonedWithinThreshold,
        shortAbandoned, abandonedWithin15s, abandonedWithin30s, abandonedWithin60s, abandonedWithin120s,
        abandonedWithin300s, abandonedWithin600s, flowOuts, closed, callbacksRequested, totalWaitMillis,
        answerWaitMillis, maxWaitMillis, handled, talkMillis, holdMillis, wrapUpMillis, offersPresented,
        offersDeclined, offersMissed, offersWithdrawn, readyMillis, reservedMillis, busyMillis, wrapUpStateMillis,
        pausedMillis};
  }

  public static IntervalCounts of(long[] v) {
    if (v.length != FIELDS.size())
      throw new IllegalArgumentException("expected " + FIELDS.size() + " values, got " + v.length);
    return new IntervalCounts(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13],
        v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23], v[24], v[25], v[26], v[27], v[28], v[29],
        v[30], v[31]);
  }

  /** Whether the column is a maximum rather than a sum. */
  public static boolean isMaximum(String field) {
    return field.equals("maxWaitMillis");
  }

  /** The two rows together: sums add, the maximum wait is the larger. */
  public IntervalCounts plus(IntervalCounts o) {
    long[] a = values(), b = o.values();
    long[] r = new long[a.length];
    for (int i = 0; i < a.length; i++) r[i] = isMaximum(FIELDS.get(i)) ? Math.max(a[i], b[i]) : a[i] + b[i];
    return of(r);
  }

  public boolean isZero() {
    for (long v : values()) if (v != 0) return false;
    return true;
  }
}
