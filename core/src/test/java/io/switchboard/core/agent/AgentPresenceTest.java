package io.switchboard.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.EngineSettings;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.routing.OfferOutcome;
import io.switchboard.core.testkit.ProbeRefs;
import io.switchboard.core.testkit.TestClock;
import io.switchboard.core.testkit.TestSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** An agent is never left available with nobody at its desktop (docs/agent-protocol.md, Presence). */
class AgentPresenceTest {

  static final ActorTestKit kit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ManualTime.config()));
  static final ManualTime manualTime = ManualTime.get(kit.system());
  static final AgentId A = new AgentId("anna");
  static final QueueId SALES = new QueueId("sales");

  TestClock clock = new TestClock(Instant.parse("2026-11-23T09:00:00Z"));
  ProbeRefs refs = new ProbeRefs(kit);
  List<Notification> published = new CopyOnWriteArrayList<>();
  EventSourcedBehaviorTestKit<Agent.Command, Agent.Event, Agent.State> agent;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  void start(boolean logsOut) {
    EngineSettings d = TestSettings.defaults();
    EngineSettings s = new EngineSettings(d.timeZone(), d.askTimeout(), d.collectWindow(), d.offerGrace(),
        d.declineCooloff(), d.finishedLinger(), d.retryInterval(), d.snapshotEvery(), d.tagSlices(),
        Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(30), logsOut);
    agent = EventSourcedBehaviorTestKit.create(kit.system(), Agent.create(A, new EngineContext(refs, clock, s, published::add)));
    agent.<Agent.Reply>runCommand(r -> new Agent.Configure(AgentConfig.of("Anna", new AnswerGroup(SALES, 1)), r));
    agent.<Agent.Reply>runCommand(r -> new Agent.Login("L1", List.of(), true, r));
  }

  /** Lets time pass in steps of the presence check, so its fixed-delay timer fires as it would. */
  void pass(Duration total) {
    for (long s = 0; s < total.toSeconds(); s += 5) {
      clock.advance(Duration.ofSeconds(5));
      manualTime.timePasses(Duration.ofSeconds(5));
    }
  }

  AgentView state() {
    return ((Agent.Done) agent.<Agent.Reply>runCommand(Agent.GetState::new).reply()).view();
  }

  @Test
  void everyPublishedViewCarriesTheVersionOfTheChangeItShows() {
    start(false);
    List<Long> versions = published.stream().filter(n -> n instanceof Notification.AgentChanged)
        .map(n -> ((Notification.AgentChanged) n).view().version()).toList();
    // Configured is event 1, LoggedIn event 2.
    assertThat(versions).containsExactly(1L, 2L);
    assertThat(state().version()).isEqualTo(2L);
    var paused = agent.<Agent.Reply>runCommand(r -> new Agent.Pause("L1", "lunch", r));
    assertThat(((Agent.Done) paused.reply()).view().version()).isEqualTo(3L);
  }

  @Test
  void aLoginWithoutAnySocketIsNotWatched() {
    start(false);
    pass(Duration.ofSeconds(120));
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
  }

  @Test
  void theFirstSocketMarksTheLoginAttendedOnce() {
    start(false);
    var first = agent.runCommand(new Agent.Presence("L1", "c1", true));
    assertThat(first.events()).containsExactly(new Agent.Attended("L1", clock.instant()));
    assertThat(agent.runCommand(new Agent.Presence("L1", "c2", true)).events()).isEmpty();
  }

  @Test
  void aClosedLastSocketPausesTheAgentAfterTheGracePeriodNotBefore() {
    start(false);
    agent.runCommand(new Agent.Presence("L1", "c1", true));
    agent.runCommand(new Agent.Presence("L1", "c1", false));
    pass(Duration.ofSeconds(25));
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
    pass(Duration.ofSeconds(10));
    AgentView v = state();
    assertThat(v.status()).isEqualTo(AgentStatus.PAUSED);
    assertThat(v.pauseReason()).isEqualTo(Agent.NO_CONNECTION);
    assertThat(published).anyMatch(n -> n instanceof Notification.AgentChanged c && c.cause().equals("absent-paused"));
    // The queue is told the agent is not available any more.
    TestProbe<Queue.Command> sales = refs.queueProbe(SALES);
    boolean told = false;
    while (!told) told = sales.receiveMessage() instanceof Queue.AgentUnavailable;
  }

  @Test
  void heartbeatsKeepTheAgentReadyAndASilentSocketCountsAsGone() {
    start(false);
    for (int i = 0; i < 12; i++) {
      agent.runCommand(new Agent.Presence("L1", "c1", true));
      pass(Duration.ofSeconds(10));
    }
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
    // The socket's node dies: no close, no more beats (the last one 10 s ago). Gone after three
    // silent beats, paused a grace period later.
    pass(Duration.ofSeconds(45));
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
    pass(Duration.ofSeconds(20));
    assertThat(state().status()).isEqualTo(AgentStatus.PAUSED);
  }

  @Test
  void anotherSocketKeepsTheAgentWhenOneCloses() {
    start(false);
    agent.runCommand(new Agent.Presence("L1", "c1", true));
    agent.runCommand(new Agent.Presence("L1", "c2", true));
    agent.runCommand(new Agent.Presence("L1", "c1", false));
    for (int i = 0; i < 6; i++) {
      pass(Duration.ofSeconds(10));
      agent.runCommand(new Agent.Presence("L1", "c2", true));
    }
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
  }

  @Test
  void socketsOfAReplacedLoginDoNotCount() {
    start(false);
    var r = agent.runCommand(new Agent.Presence("OLD", "c1", true));
    assertThat(r.events()).isEmpty();
    pass(Duration.ofSeconds(120));
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
  }

  @Test
  void aRingingOfferIsTurnedDownWhenThePauseComes() {
    start(false);
    long epoch = -1;
    TestProbe<Queue.Command> sales = refs.queueProbe(SALES);
    while (epoch < 0) if (sales.receiveMessage() instanceof Queue.AgentAvailable a) epoch = a.epoch();
    agent.runCommand(new Agent.Presence("L1", "c1", true));
    agent.runCommand(new Agent.Presence("L1", "c1", false));
    var offer = AgentTest.offer("o1", "call-1", SALES, 0, clock.instant());
    agent.runCommand(new Agent.OfferContact(new io.switchboard.core.routing.Offer(offer.offerId(), offer.contact(),
        clock.instant(), Duration.ofMinutes(5), false, offer.wrapUp(), offer.terms(), epoch)));
    pass(Duration.ofSeconds(1));
    assertThat(state().status()).isEqualTo(AgentStatus.RESERVED);
    pass(Duration.ofSeconds(40));
    assertThat(state().status()).isEqualTo(AgentStatus.PAUSED);
    Queue.OfferEnded ended = null;
    while (ended == null) if (sales.receiveMessage() instanceof Queue.OfferEnded e) ended = e;
    assertThat(ended.outcome()).isEqualTo(OfferOutcome.DECLINED);
  }

  @Test
  void withTheLogoutActionTheAgentIsLoggedOut() {
    start(true);
    agent.runCommand(new Agent.Presence("L1", "c1", true));
    agent.runCommand(new Agent.Presence("L1", "c1", false));
    pass(Duration.ofSeconds(40));
    assertThat(state().status()).isEqualTo(AgentStatus.LOGGED_OUT);
  }

  @Test
  void aRestartedAgentWatchesAgainAndPausesWhenNoSocketReports() {
    start(false);
    agent.runCommand(new Agent.Presence("L1", "c1", true));
    agent.restart();
    pass(Duration.ofSeconds(25));
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
    pass(Duration.ofSeconds(15));
    assertThat(state().status()).isEqualTo(AgentStatus.PAUSED);
  }

  @Test
  void aRestartedAgentWhoseSocketStillBeatsStaysReady() {
    start(false);
    agent.runCommand(new Agent.Presence("L1", "c1", true));
    agent.restart();
    for (int i = 0; i < 8; i++) {
      pass(Duration.ofSeconds(10));
      agent.runCommand(new Agent.Presence("L1", "c1", true));
    }
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
  }
}
