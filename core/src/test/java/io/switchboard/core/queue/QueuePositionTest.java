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
    assertThat(position("pos", "pos-2").estimatedWait()).as("no agent logged in: no estimate").isNull();
  }

  @Test
  void theEstimatedWaitComesFromThePlaceTheStaffedAgentsAndTheRecentHandleTime() {
    h.queue("ewt", QueueConfig.named("Estimated wait"));
    h.numberPlan("ap-pos", "co-pos", "08113", "ewt");
    for (String a : new String[] {"ewt-1", "ewt-2"}) {
      h.agent(a, a, EngineHarness.group("ewt", 1));
      h.login(a, true);
    }
    // A third logs in paused: logged in, but not staffed.
    h.agent("ewt-3", "ewt-3", EngineHarness.group("ewt", 1));
    h.login("ewt-3", false);
    // Both others get a call and talk.
    for (String c : new String[] {"ewt-c1", "ewt-c2"}) EngineHarness.expect(h.arrive(c, "08113", "0701"), CallSession.Done.class);
    for (String a : new String[] {"ewt-1", "ewt-2"}) EngineHarness.expect(h.accept(a, h.awaitOffer(a).offerId()),
        io.switchboard.core.agent.Agent.Done.class);
    for (String c : new String[] {"ewt-c3", "ewt-c4", "ewt-c5"})
      EngineHarness.expect(h.arrive(c, "08113", "0701"), CallSession.Done.class);
    // Nothing handled yet: the initial 3 min. Two staffed: places 1-2 wait half of it, place 3
    // one and a half.
    assertThat(position("ewt", "ewt-c3").estimatedWait()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(position("ewt", "ewt-c4").estimatedWait()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(position("ewt", "ewt-c5").estimatedWait()).isEqualTo(java.time.Duration.ofSeconds(270));
    // A call handled in a moment: the queue's recent handle time now says so.
    h.endCall("ewt-1");
    h.await(() -> position("ewt", "ewt-c5"), p -> p.position() >= 1
        && p.estimatedWait() != null && p.estimatedWait().compareTo(java.time.Duration.ofSeconds(30)) < 0,
        "the estimate to follow the short call");
  }
}
