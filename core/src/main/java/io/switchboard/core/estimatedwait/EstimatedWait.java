package io.switchboard.core.estimatedwait;

import java.time.Duration;
import java.util.Optional;

/**
 * The estimated wait of one waiting contact (EWT, METRICS.md; ACD-10), from its position, the
 * agents staffed for the queue, those free right now, and the recent handle time. Contacts are
 * answered in waves of the staffed agents; the first agent to free up is on average half-way
 * through its contact, so the first wave comes after half a handle time.
 */
public final class EstimatedWait {

  private EstimatedWait() {}

  /**
   * Empty when no agent is staffed (no estimate can be honest then); zero when an agent is free
   * for this contact now.
   */
  public static Optional<Duration> of(int position, int staffed, int available, Duration handleTime) {
    if (position < 1 || staffed < 1 || handleTime == null || handleTime.isNegative()) return Optional.empty();
    int free = Math.min(Math.max(available, 0), staffed);
    if (position <= free) return Optional.of(Duration.ZERO);
    long waves = (position - free + staffed - 1L) / staffed;
    return Optional.of(Duration.ofMillis(Math.round((waves - 0.5) * handleTime.toMillis())));
  }
}
