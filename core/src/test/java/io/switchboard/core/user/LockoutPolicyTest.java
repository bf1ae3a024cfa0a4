package io.switchboard.core.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LockoutPolicyTest {
  static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
  final LockoutPolicy policy = new LockoutPolicy(3, Duration.ofMinutes(15), Duration.ofMinutes(10));
  final User user = new User("anna", "Anna", "$2a$hash", Set.of(Role.AGENT), Set.of(), Set.of(),
      new io.switchboard.core.agent.AgentId("anna"), 0, null, null);

  @Test
  void theLimitWithinTheWindowLocksForTheLockout() {
    User u = policy.failed(user, T0);
    u = policy.failed(u, T0.plusSeconds(60));
    assertThat(u.lockedAt(T0.plusSeconds(61))).isFalse();
    u = policy.failed(u, T0.plusSeconds(120));
    assertThat(u.lockedAt(T0.plusSeconds(121))).isTrue();
    assertThat(u.lockedUntil()).isEqualTo(T0.plusSeconds(120).plus(Duration.ofMinutes(10)));
    assertThat(u.lockedAt(T0.plusSeconds(120).plus(Duration.ofMinutes(10)))).isFalse();
  }

  @Test
  void failuresOutsideTheWindowStartCountingAgain() {
    User u = policy.failed(user, T0);
    u = policy.failed(u, T0.plusSeconds(60));
    u = policy.failed(u, T0.plus(Duration.ofMinutes(16)));
    assertThat(u.failedLogins()).isEqualTo(1);
    assertThat(u.lockedUntil()).isNull();
  }
}
