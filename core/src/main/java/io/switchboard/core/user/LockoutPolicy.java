package io.switchboard.core.user;

import java.time.Duration;
import java.time.Instant;

/**
 * Failed logins lock an account: {@code maxFailures} within {@code window} lock it for {@code
 * lockout}. A success, or a failure after the window, starts counting again.
 */
public record LockoutPolicy(int maxFailures, Duration window, Duration lockout) {

  public LockoutPolicy {
    if (maxFailures < 1) throw new IllegalArgumentException("maxFailures must be at least 1");
    if (window == null || window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive");
    if (lockout == null || lockout.isNegative() || lockout.isZero()) throw new IllegalArgumentException("lockout must be positive");
  }

  /** The user after one more failure at {@code at}. */
  User failed(User user, Instant at) {
    boolean fresh = user.firstFailureAt() == null || !at.isBefore(user.firstFailureAt().plus(window))
        || user.failedLogins() == 0;
    int count = fresh ? 1 : user.failedLogins() + 1;
    Instant first = fresh ? at : user.firstFailureAt();
    Instant locked = count >= maxFailures ? at.plus(lockout) : user.lockedUntil();
    // Locking starts the count again: the next failures after the lockout need their own window.
    if (count >= maxFailures) return user.withFailures(0, null, locked);
    return user.withFailures(count, first, locked);
  }
}
