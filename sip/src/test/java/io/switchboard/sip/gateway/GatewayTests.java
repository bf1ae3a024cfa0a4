package io.switchboard.sip.gateway;

import io.switchboard.core.engine.Notification;
import io.switchboard.core.testkit.EngineHarness;
import java.util.List;
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
}
