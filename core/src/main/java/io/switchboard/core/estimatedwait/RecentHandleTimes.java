package io.switchboard.core.estimatedwait;

import java.time.Duration;

/**
 * The mean handle time (talk, hold and wrap-up) of a queue's last {@value #SIZE} answered
 * contacts: recent enough to follow a change within minutes (METRICS.md asks for no slow running
 * average). Held in memory: after a restart the estimate starts again from {@code initial}.
 */
public final class RecentHandleTimes {

  public static final int SIZE = 20;

  private final long[] millis = new long[SIZE];
  private final Duration initial;
  private int count;
  private int next;
  private long sum;

  public RecentHandleTimes(Duration initial) {
    this.initial = initial;
  }

  public void record(Duration handleTime) {
    if (handleTime == null || handleTime.isNegative()) return;
    long m = handleTime.toMillis();
    if (count == SIZE) sum -= millis[next];
    else count++;
    millis[next] = m;
    sum += m;
    next = (next + 1) % SIZE;
  }

  /** The mean of the recent contacts, or {@code initial} before the first. */
  public Duration mean() {
    return count == 0 ? initial : Duration.ofMillis(sum / count);
  }

  public int count() {
    return count;
  }
}
