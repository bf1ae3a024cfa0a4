package io.switchboard.sip.gateway;

import io.switchboard.core.call.CallView;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.testkit.EngineHarness;
import java.util.List;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/** What the gateway's end-to-end tests share around the engine harness and the gateway. */
final class GatewayTests {

  private GatewayTests() {}

  /** Every notification the engine publishes from now on lands in {@code seen}. */
  static void collectNotifications(EngineHarness h, List<Notification> seen) throws InterruptedException {
    var collector = h.kit.spawn(Behaviors.<Notification>receiveMessage(n -> {
      seen.add(n);
      return Behaviors.same();
    }));
    h.engine.notifications().tell(Topic.subscribe(collector));
    Thread.sleep(300); // the subscription reaches the topic
  }

  /** Every call of a test has ended: the gateway holds no call, no media port, no arrival. */
  static void awaitNothingHeld(EngineHarness h, SipGateway gateway) {
    h.await(() -> gateway.counts().toCompletableFuture().join(),
        c -> c.calls() == 0 && c.mediaLegs() == 0 && c.pendingArrivals() == 0, "the gateway to hold no call");
  }

  /**
   * Until the agent itself is on the call. The call is TALKING before the answer reaches the
   * agent; the desktop offers Transfer and Announce only once the agent's state says so.
   */
  static void awaitAgentTalking(EngineHarness h, String agent) {
    h.awaitAgent(agent, v -> v.contacts().stream()
        .anyMatch(c -> c.phase() == io.switchboard.core.agent.AgentContact.Phase.BUSY));
  }

  /** The last view the engine published of the call to {@code dialled} that matches. */
  static CallView awaitCall(EngineHarness h, List<Notification> seen, String dialled, Predicate<CallView> condition) {
    return h.await(() -> seen.stream()
            .filter(n -> n instanceof Notification.CallChanged c && c.view() != null
                && c.view().dialledNumber().equals(dialled) && condition.test(c.view()))
            .map(n -> ((Notification.CallChanged) n).view())
            .reduce((a, b) -> b).orElse(null),
        v -> v != null, "a call to " + dialled);
  }

  /** Whether the engine ever published a view of the call to {@code dialled} that matches. */
  static boolean everSeen(List<Notification> seen, String dialled, Predicate<CallView> condition) {
    return seen.stream().anyMatch(n -> n instanceof Notification.CallChanged c && c.view() != null
        && c.view().dialledNumber().equals(dialled) && condition.test(c.view()));
  }
}
