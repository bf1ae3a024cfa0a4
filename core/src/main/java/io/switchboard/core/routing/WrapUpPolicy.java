package io.switchboard.core.routing;

import java.time.Duration;

/**
 * After-contact work. FIXED ends by itself after {@code duration} (the agent may end it
 * earlier); AGENT waits for the agent, with {@code duration} as an upper bound when positive.
 */
public record WrapUpPolicy(Mode mode, Duration duration) {
  public enum Mode {
    NONE,
    FIXED,
    AGENT
  }

  public WrapUpPolicy {
    if (mode == null) throw new IllegalArgumentException("wrapUp.mode is required (NONE, FIXED or AGENT)");
    if (duration == null) duration = Duration.ZERO;
    if (duration.isNegative()) throw new IllegalArgumentException("wrapUp.duration must not be negative");
    if (mode == Mode.FIXED && duration.isZero())
      throw new IllegalArgumentException("wrapUp.duration must be positive for FIXED wrap-up");
  }

  public static WrapUpPolicy none() {
    return new WrapUpPolicy(Mode.NONE, Duration.ZERO);
  }

  public static WrapUpPolicy fixed(Duration duration) {
    return new WrapUpPolicy(Mode.FIXED, duration);
  }

  public static WrapUpPolicy agentEnded() {
    return new WrapUpPolicy(Mode.AGENT, Duration.ZERO);
  }

  /** When wrap-up ends by itself, or null when only the agent ends it. */
  public java.time.Instant deadlineFrom(java.time.Instant start) {
    return switch (mode) {
      case NONE -> start;
      case FIXED -> start.plus(duration);
      case AGENT -> duration.isZero() ? null : start.plus(duration);
    };
  }
}
