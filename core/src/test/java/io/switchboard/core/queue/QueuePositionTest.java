package io.switchboard.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.testkit.EngineHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A waiting call's place, for the gateway's "you are number N in the queue". */
class QueuePositionTest {

  static EngineHarness h;

  @BeforeAll
  static void start() {
    h = EngineHarness.start("position", EngineHarness.inMemoryConfig());
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static Queue.Position position(String queue, String call) {
    return EngineHarness.expect(h.ask(h.engine.refs().queue(new QueueId(queue)),
        (org.apache.pekko.actor.typed.ActorRef<Queue.Reply> r) -> new Queue.GetPosition(new CallId(call), r)),
        Queue.Position.class);
  }

  @Test
  void callsAreNumberedInTheOrderTheyWillBeOfferedAndMoveUp() {
    h.queue("pos", QueueConfig.named("Positions"));
    h.numberPlan("ap-pos", "co-pos", "08111", "pos");
    h.numberPlan("ap-pos", "co-pos", "08112", "pos", 5);
    for (String c : new String[] {"pos-1", "pos-2"})
      EngineHarness.expect(h.arrive(c, "08111", "0701"), CallSession.Done.class);
    // A priority caller goes ahead of both.
    EngineHarness.expect(h.arrive("pos-vip", "08112", "0702"), CallSession.Done.class);
    assertThat(position("pos", "pos-vip").position()).isEqualTo(1);
    assertThat(position("pos", "pos-1").position()).isEqualTo(2);
    assertThat(position("pos", "pos-2").position()).isEqualTo(3);
    assertThat(position("pos", "pos-2").waitingCount()).isEqualTo(3);
    h.hangup("pos-1");
    h.await(() -> position("pos", "pos-2").position(), p -> p == 2, "pos-2 to move up");
    assertThat(position("pos", "nobody").position()).isZero();
  }
}
