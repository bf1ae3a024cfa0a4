package io.switchboard.core.estimatedwait;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class EstimatedWaitTest {

  static final Duration AHT = Duration.ofMinutes(4);

  @Test
  void nobodyStaffedMeansNoEstimate() {
    assertThat(EstimatedWait.of(1, 0, 0, AHT)).isEmpty();
    assertThat(EstimatedWait.of(0, 3, 0, AHT)).isEmpty();
  }

  @Test
  void aFreeAgentMeansNoWait() {
    assertThat(EstimatedWait.of(2, 5, 2, AHT)).contains(Duration.ZERO);
    // More free than staffed cannot be: free agents count only as far as they are staffed.
    assertThat(EstimatedWait.of(3, 2, 9, AHT)).contains(Duration.ofMinutes(2));
  }

  @Test
  void contactsAreAnsweredInWavesOfTheStaffedAgents() {
    // 2 staffed, both busy: places 1-2 wait half a handle time, 3-4 one and a half.
    assertThat(EstimatedWait.of(1, 2, 0, AHT)).contains(Duration.ofMinutes(2));
    assertThat(EstimatedWait.of(2, 2, 0, AHT)).contains(Duration.ofMinutes(2));
    assertThat(EstimatedWait.of(3, 2, 0, AHT)).contains(Duration.ofMinutes(6));
    assertThat(EstimatedWait.of(5, 2, 1, AHT)).contains(Duration.ofMinutes(6));
  }

  @Property
  void furtherBackNeverWaitsLess(@ForAll @IntRange(min = 1, max = 500) int position,
      @ForAll @IntRange(min = 1, max = 50) int staffed, @ForAll @IntRange(min = 0, max = 50) int available) {
    Duration here = EstimatedWait.of(position, staffed, available, AHT).orElseThrow();
    Duration behind = EstimatedWait.of(position + 1, staffed, available, AHT).orElseThrow();
    assertThat(behind).isGreaterThanOrEqualTo(here);
    assertThat(EstimatedWait.of(position, staffed + 1, available, AHT).orElseThrow()).isLessThanOrEqualTo(here);
  }

  @Test
  void theRecentMeanFollowsTheLastContactsOnly() {
    RecentHandleTimes recent = new RecentHandleTimes(Duration.ofMinutes(3));
    assertThat(recent.mean()).isEqualTo(Duration.ofMinutes(3));
    for (int i = 0; i < RecentHandleTimes.SIZE; i++) recent.record(Duration.ofMinutes(10));
    assertThat(recent.mean()).isEqualTo(Duration.ofMinutes(10));
    for (int i = 0; i < RecentHandleTimes.SIZE; i++) recent.record(Duration.ofMinutes(2));
    assertThat(recent.mean()).isEqualTo(Duration.ofMinutes(2));
    recent.record(Duration.ofMinutes(-1));
    assertThat(recent.count()).isEqualTo(RecentHandleTimes.SIZE);
  }
}
