package io.switchboard.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.Refusal;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.call.CallId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.Notifier;
import io.switchboard.core.routing.Channel;
import io.switchboard.core.routing.ContactSummary;
import io.switchboard.core.routing.OfferOutcome;
import io.switchboard.core.routing.Strategy;
import io.switchboard.core.testkit.ProbeRefs;
import io.switchboard.core.testkit.TestClock;
import io.switchboard.core.testkit.TestSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueueTest {

  static final ActorTestKit kit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ManualTime.config()));
  static final ManualTime manualTime = ManualTime.get(kit.system());

  static final QueueId Q = new QueueId("sales");
  static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
  static final AgentId A1 = new AgentId("a1");
  static final AgentId A2 = new AgentId("a2");
  static final AgentId A3 = new AgentId("a3");

  TestClock clock;
  ProbeRefs refs;
  EventSourcedBehaviorTestKit<Queue.Command, Queue.Event, Queue.State> queue;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    clock = new TestClock(T0);
    refs = new ProbeRefs(kit);
    // The queue's state is mutable, and the actor goes on changing it after a command returns (a
    // dequeue's follow-ups, timers): the kit's state check reads it from the test's thread and once
    // met a ConcurrentModificationException. Events and commands are still checked; the snapshot's
    // form has its own test (snapshotsRoundTripThroughTheAdapter).
    queue = EventSourcedBehaviorTestKit.create(kit.system(),
        Queue.create(Q, new EngineContext(refs, clock, TestSettings.defaults(), Notifier.NONE)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  void advance(Duration d) {
    clock.advance(d);
    manualTime.timePasses(d);
  }

  void configure(QueueConfig config) {
    var result = queue.<Queue.Reply>runCommand(r -> new Queue.Configure(config, r));
    assertThat(result.reply()).isInstanceOf(Queue.Done.class);
  }

  Queue.Enqueued enqueue(String call, int priority, Instant virtualStart) {
    ContactSummary c = new ContactSummary(new CallId(call), Channel.VOICE, Q, "0812345", "0701234",
        new AnsweringPointId("ap"), new CompanyId("acme"), priority, virtualStart, null);
    var result = queue.<Queue.Reply>runCommand(r -> new Queue.Enqueue(c, r));
    return (Queue.Enqueued) result.reply();
  }

  void available(AgentId agent, int level, Instant since, int today, long epoch) {
    queue.runCommand(new Queue.AgentAvailable(agent, level, since, today, epoch));
  }

  /** The next offer to the agent, past the "nothing for you" answers to its announcements. */
  Agent.OfferContact offerTo(AgentId agent) {
    while (true) {
      Agent.Command m = refs.agentProbe(agent).receiveMessage();
      if (m instanceof Agent.OfferContact o) return o;
      assertThat(m).isInstanceOf(Agent.NoOfferNow.class);
    }
  }

  java.util.List<Object> journal() {
    return queue.persistenceTestKit().persistedInStorage("Queue|sales");
  }

  /** Arrivals and departures a queue receives at once are written together. */
  @Test
  void contactsArrivingTogetherAreWrittenInOneBatchAndAllAnswered() {
    configure(QueueConfig.named("Sales"));
    TestProbe<Queue.Reply> replies = kit.createTestProbe(Queue.Reply.class);
    var ref = kit.spawn(Queue.create(new QueueId("batch"), new EngineContext(refs, clock, TestSettings.defaults(),
        Notifier.NONE)));
    ref.tell(new Queue.Configure(QueueConfig.named("Batch"), replies.ref()));
    replies.expectMessageClass(Queue.Done.class);
    java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
    // The first write is held until all 50 arrivals are sent, so the test does not depend on how
    // fast this thread sends compared with the journal (a slow CI machine interleaves them).
    java.util.concurrent.CountDownLatch allSent = new java.util.concurrent.CountDownLatch(1);
    queue.persistenceTestKit().withPolicy((persistenceId, operation) -> {
      if (persistenceId.equals("Queue|batch") && operation instanceof org.apache.pekko.persistence.testkit.WriteEvents
          && writes.incrementAndGet() == 1) {
        try {
          allSent.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return org.apache.pekko.persistence.testkit.ProcessingSuccess$.MODULE$.getInstance();
    });
    for (int i = 0; i < 50; i++)
      ref.tell(new Queue.Enqueue(new ContactSummary(new CallId("b" + i), Channel.VOICE, new QueueId("batch"), "08",
          "07", new AnsweringPointId("ap"), new CompanyId("acme"), 0, null, null), replies.ref()));
    allSent.countDown();
    for (int i = 0; i < 50; i++)
      assertThat(((Queue.Enqueued) replies.receiveMessage()).position()).isBetween(1, 50);
    queue.persistenceTestKit().resetPolicy();
    var events = queue.persistenceTestKit().persistedInStorage("Queue|batch");
    assertThat(events.stream().filter(e -> e instanceof Queue.ContactQueued)).hasSize(50);
    // The first write holds whatever had arrived; everything that came while it was in flight
    // goes into the next one, not one write per call.
    assertThat(writes.get()).isBetween(1, 3);
  }

  QueueView view() {
    return ((Queue.Done) queue.<Queue.Reply>runCommand(Queue.GetState::new).reply()).view();
  }

  @Test
  void anUnconfiguredQueueRefusesAndChangesNothing() {
    var state = queue.<Queue.Reply>runCommand(Queue.GetState::new);
    assertThat(((Queue.Refused) state.reply()).refusal().code()).isEqualTo(Refusal.Code.NOT_FOUND);
    var admission = queue.<Queue.Reply>runCommand(Queue.GetAdmission::new);
    assertThat(admission.reply()).isInstanceOf(Queue.Refused.class);
    ContactSummary c = new ContactSummary(new CallId("c1"), Channel.VOICE, Q, "08", "07", new AnsweringPointId("ap"),
        new CompanyId("acme"), 0, null, null);
    var enqueue = queue.<Queue.Reply>runCommand(r -> new Queue.Enqueue(c, r));
    assertThat(((Queue.Refused) enqueue.reply()).refusal().message()).contains("queue sales is not configured");
    assertThat(enqueue.events()).isEmpty();
  }

  @Test
  void aQueueCannotOverflowToItself() {
    var result = queue.<Queue.Reply>runCommand(r -> new Queue.Configure(
        QueueConfig.named("Sales").withMaxWait(Duration.ofMinutes(1), new OverflowTarget.ToQueue(Q)), r));
    Refusal refusal = ((Queue.Refused) result.reply()).refusal();
    assertThat(refusal.field()).isEqualTo("overflow.queue");
    assertThat(result.events()).isEmpty();
  }

  @Test
  void enqueueReportsPositionTermsAndIsIdempotent() {
    configure(QueueConfig.named("Sales").withMaxWait(Duration.ofMinutes(2), new OverflowTarget.Close(
        new ClosedAction.Voicemail("sales"))));
    Queue.Enqueued first = enqueue("c1", 0, null);
    assertThat(first.position()).isEqualTo(1);
    assertThat(first.enqueuedAt()).isEqualTo(T0);
    assertThat(first.virtualStartAt()).isEqualTo(T0);
    assertThat(first.terms().maxWait()).isEqualTo(Duration.ofMinutes(2));
    advance(Duration.ofSeconds(5));
    assertThat(enqueue("c2", 0, null).position()).isEqualTo(2);
    // An overflowed contact keeps its seniority and goes ahead of c1 and c2.
    Queue.Enqueued senior = enqueue("c3", 0, T0.minusSeconds(60));
    assertThat(senior.position()).isEqualTo(1);
    assertThat(senior.virtualStartAt()).isEqualTo(T0.minusSeconds(60));
    // Asking again does not queue twice.
    var again = queue.<Queue.Reply>runCommand(r -> new Queue.Enqueue(new ContactSummary(new CallId("c1"),
        Channel.VOICE, Q, "0812345", "0701234", new AnsweringPointId("ap"), new CompanyId("acme"), 0, null, null), r));
    assertThat(again.events()).isEmpty();
    assertThat(((Queue.Enqueued) again.reply()).position()).isEqualTo(2);
    assertThat(view().waitingCount()).isEqualTo(3);
  }

  @Test
  void aFreeAgentIsOfferedTheWaitingContactAndLearnedAsMember() {
    configure(QueueConfig.named("Sales").withOfferTimeout(Duration.ofSeconds(15), false));
    enqueue("c1", 0, null);
    var result = queue.runCommand(new Queue.AgentAvailable(A1, 1, T0, 0, 7));
    assertThat(result.events()).containsExactly(new Queue.MemberJoined(A1, 1, T0));
    Agent.OfferContact offer = offerTo(A1);
    assertThat(offer.offer().contact().callId()).isEqualTo(new CallId("c1"));
    assertThat(offer.offer().timeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(offer.offer().pauseOnMiss()).isFalse();
    assertThat(offer.offer().availabilityEpoch()).isEqualTo(7);
    assertThat(view().waiting().get(0).offeredTo()).containsExactly(A1);
  }

  @Test
  void anAgentWithNothingToTakeIsToldSoWithItsEpoch() {
    configure(QueueConfig.named("Sales"));
    available(A1, 1, T0, 0, 42);
    assertThat(refs.agentProbe(A1).expectMessageClass(Agent.NoOfferNow.class))
        .isEqualTo(new Agent.NoOfferNow(Q, 42));
    // Then a contact arrives and goes to the free agent at once.
    enqueue("c1", 0, null);
    assertThat(offerTo(A1).offer().contact().callId().value()).isEqualTo("c1");
  }

  @Test
  void longestIdleAgentGetsTheContact() {
    configure(QueueConfig.named("Sales"));
    available(A1, 1, T0.minusSeconds(10), 0, 1);
    available(A2, 1, T0.minusSeconds(300), 0, 1);
    available(A3, 1, T0.minusSeconds(60), 0, 1);
    enqueue("c1", 0, null);
    offerTo(A2);
    enqueue("c2", 0, null);
    offerTo(A3);
  }

  @Test
  void fewestContactsTodayWins() {
    configure(QueueConfig.named("Sales").withStrategy(Strategy.FEWEST_CONTACTS));
    available(A1, 1, T0.minusSeconds(300), 9, 1);
    available(A2, 1, T0.minusSeconds(10), 2, 1);
    enqueue("c1", 0, null);
    offerTo(A2);
  }

  @Test
  void roundRobinContinuesAfterTheLastAgentOffered() {
    configure(QueueConfig.named("Sales").withStrategy(Strategy.ROUND_ROBIN));
    available(A3, 1, T0, 0, 1);
    available(A2, 1, T0, 0, 1);
    available(A1, 1, T0, 0, 1);
    enqueue("c1", 0, null);
    offerTo(A1);
    // a1 answers c1 and is free again at once: it still waits for its turn.
    queue.runCommand(new Queue.Dequeue(new CallId("c1"), LeaveReason.ANSWERED));
    available(A1, 1, clock.instant(), 1, 2);
    refs.agentProbe(A1).expectMessageClass(Agent.NoOfferNow.class);
    enqueue("c2", 0, null);
    offerTo(A2);
    enqueue("c3", 0, null);
    offerTo(A3);
    enqueue("c4", 0, null);
    assertThat(offerTo(A1).offer().contact().callId().value()).isEqualTo("c4");
  }

  @Test
  void higherPriorityFirstThenFifo() {
    configure(QueueConfig.named("Sales"));
    enqueue("old", 0, null);
    advance(Duration.ofSeconds(1));
    enqueue("newer", 0, null);
    advance(Duration.ofSeconds(1));
    enqueue("vip", 5, null);
    available(A1, 1, T0, 0, 1);
    assertThat(offerTo(A1).offer().contact().callId().value()).isEqualTo("vip");
    available(A2, 1, T0, 0, 1);
    assertThat(offerTo(A2).offer().contact().callId().value()).isEqualTo("old");
    available(A3, 1, T0, 0, 1);
    assertThat(offerTo(A3).offer().contact().callId().value()).isEqualTo("newer");
  }

  @Test
  void ringAllOffersTheHeadToEveryFreeAgentAndTheNextContactWaits() {
    configure(QueueConfig.named("Sales").withStrategy(Strategy.RING_ALL));
    available(A1, 1, T0, 0, 1);
    available(A2, 1, T0, 0, 1);
    available(A3, 1, T0, 0, 1);
    enqueue("c1", 0, null);
    Set<String> offered = new HashSet<>();
    for (AgentId a : List.of(A1, A2, A3)) offered.add(offerTo(a).offer().contact().callId().value());
    assertThat(offered).containsExactly("c1");
    enqueue("c2", 0, null);
    for (AgentId a : List.of(A1, A2, A3)) refs.agentProbe(a).expectNoMessage(Duration.ofMillis(50));
    assertThat(view().waiting().get(0).offeredTo()).containsExactlyInAnyOrder(A1, A2, A3);
    // c1 answered by a2: the others are withdrawn by the call session and announce themselves again.
    queue.runCommand(new Queue.Dequeue(new CallId("c1"), LeaveReason.ANSWERED));
    available(A1, 1, T0, 0, 2);
    assertThat(offerTo(A1).offer().contact().callId().value()).isEqualTo("c2");
  }

  @Test
  void tiersOpenLevelTwoOnlyAfterTheTierDelay() {
    configure(QueueConfig.named("Support").withStrategy(Strategy.SKILLS).withTierDelay(Duration.ofSeconds(30)));
    available(A2, 2, T0.minusSeconds(600), 0, 1);
    refs.agentProbe(A2).expectMessageClass(Agent.NoOfferNow.class);
    enqueue("c1", 0, null);
    refs.agentProbe(A2).expectNoMessage(Duration.ofMillis(50));
    advance(Duration.ofSeconds(29));
    refs.agentProbe(A2).expectNoMessage(Duration.ofMillis(50));
    advance(Duration.ofSeconds(1));
    assertThat(offerTo(A2).offer().contact().callId().value()).isEqualTo("c1");
  }

  @Test
  void tiersPreferTheLowestLevelEvenWhenAllAreEligible() {
    configure(QueueConfig.named("Support").withStrategy(Strategy.SKILLS));
    available(A2, 2, T0.minusSeconds(600), 0, 1);
    available(A1, 1, T0, 0, 1);
    enqueue("c1", 0, null);
    offerTo(A1);
  }

  @Test
  void aDeclinedContactGoesToTheNextAgentAndNotBackToTheDeclinerDuringTheCooloff() {
    configure(QueueConfig.named("Sales"));
    available(A1, 1, T0.minusSeconds(100), 0, 1);
    enqueue("c1", 0, null);
    Agent.OfferContact first = offerTo(A1);
    queue.runCommand(new Queue.OfferEnded(first.offer().offerId(), new CallId("c1"), A1, OfferOutcome.DECLINED));
    // a1 is free again at once, but just declined c1.
    available(A1, 1, clock.instant(), 0, 2);
    refs.agentProbe(A1).expectMessageClass(Agent.NoOfferNow.class);
    available(A2, 1, clock.instant(), 0, 1);
    assertThat(offerTo(A2).offer().contact().callId().value()).isEqualTo("c1");
  }

  @Test
  void afterTheCooloffTheDeclinerMayGetTheContactAgain() {
    configure(QueueConfig.named("Sales"));
    available(A1, 1, T0, 0, 1);
    enqueue("c1", 0, null);
    Agent.OfferContact first = offerTo(A1);
    queue.runCommand(new Queue.OfferEnded(first.offer().offerId(), new CallId("c1"), A1, OfferOutcome.TIMED_OUT));
    available(A1, 1, clock.instant(), 0, 2);
    refs.agentProbe(A1).expectMessageClass(Agent.NoOfferNow.class);
    advance(TestSettings.defaults().declineCooloff());
    assertThat(offerTo(A1).offer().contact().callId().value()).isEqualTo("c1");
  }

  @Test
  void anOfferNobodyAnsweredIsForgottenAfterItsTimeoutAndGraceAndReoffered() {
    configure(QueueConfig.named("Sales").withOfferTimeout(Duration.ofSeconds(10), true));
    available(A1, 1, T0.minusSeconds(100), 0, 1);
    enqueue("c1", 0, null);
    offerTo(A1);
    available(A2, 1, T0, 0, 1);
    refs.agentProbe(A2).expectMessageClass(Agent.NoOfferNow.class);
    advance(Duration.ofSeconds(14));
    refs.agentProbe(A2).expectNoMessage(Duration.ofMillis(50));
    advance(Duration.ofSeconds(1));
    assertThat(offerTo(A2).offer().contact().callId().value()).isEqualTo("c1");
  }

  @Test
  void todaysFiguresFollowTheQueuesOwnEventsAndSurviveARestart() {
    configure(QueueConfig.named("Sales"));
    enqueue("c1", 0, null);
    enqueue("c2", 0, null);
    enqueue("c3", 0, null);
    advance(Duration.ofSeconds(10));
    queue.runCommand(new Queue.Dequeue(new CallId("c1"), LeaveReason.ANSWERED));
    advance(Duration.ofSeconds(20));
    queue.runCommand(new Queue.Dequeue(new CallId("c2"), LeaveReason.ANSWERED));
    queue.runCommand(new Queue.Dequeue(new CallId("c3"), LeaveReason.ABANDONED));
    // A contact that is not here does not count.
    queue.runCommand(new Queue.Dequeue(new CallId("never-here"), LeaveReason.ANSWERED));
    TodayFigures today = view().today();
    assertThat(today.date()).isEqualTo(java.time.LocalDate.of(2026, 11, 23));
    assertThat(today.offered()).isEqualTo(3);
    assertThat(today.answered()).isEqualTo(2);
    assertThat(today.answeredWithinThreshold()).isEqualTo(1);
    assertThat(today.abandoned()).isEqualTo(1);
    assertThat(today.serviceLevelPercent()).isCloseTo(100.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(today.asaSeconds()).isCloseTo(20.0, org.assertj.core.api.Assertions.within(1e-9));
    queue.restart();
    assertThat(view().today()).isEqualTo(today);
    // The next day starts from zero.
    advance(Duration.ofDays(1));
    assertThat(view().today().offered()).isZero();
  }

  @Test
  void aLeavingContactIsRemovedAndPositionsMove() {
    configure(QueueConfig.named("Sales"));
    enqueue("c1", 0, null);
    enqueue("c2", 0, null);
    queue.runCommand(new Queue.Dequeue(new CallId("c1"), LeaveReason.ABANDONED));
    QueueView v = view();
    assertThat(journal()).last().isEqualTo(new Queue.ContactLeft(new CallId("c1"), LeaveReason.ABANDONED, T0));
    assertThat(v.waitingCount()).isEqualTo(1);
    assertThat(v.waiting().get(0).callId().value()).isEqualTo("c2");
    assertThat(v.waiting().get(0).position()).isEqualTo(1);
    // A second dequeue of the same call changes nothing.
    int written = journal().size();
    queue.runCommand(new Queue.Dequeue(new CallId("c1"), LeaveReason.ABANDONED));
    view();
    assertThat(journal()).hasSize(written);
  }

  @Test
  void anUnavailableOrLoggedOutAgentIsNotOffered() {
    configure(QueueConfig.named("Sales"));
    available(A1, 1, T0, 0, 1);
    available(A2, 1, T0, 0, 1);
    queue.runCommand(new Queue.AgentUnavailable(A1));
    var logout = queue.runCommand(new Queue.MemberLogout(A2));
    assertThat(logout.events()).containsExactly(new Queue.MemberLeft(A2, T0));
    enqueue("c1", 0, null);
    refs.agentProbe(A1).expectMessageClass(Agent.NoOfferNow.class);
    refs.agentProbe(A1).expectNoMessage(Duration.ofMillis(50));
    assertThat(view().freeAgents()).isZero();
  }

  @Test
  void afterARestartTheWaitingLineIsIntactAndMembersAreAskedWhoIsFree() {
    configure(QueueConfig.named("Sales"));
    queue.runCommand(new Queue.MemberLogin(A1, 1));
    queue.runCommand(new Queue.MemberLogin(A2, 2));
    enqueue("c1", 0, null);
    advance(Duration.ofSeconds(1));
    enqueue("c2", 0, null);
    var restarted = queue.restart();
    Queue.Active state = (Queue.Active) restarted.state();
    assertThat(state.waitingCount()).isEqualTo(2);
    assertThat(refs.agentProbe(A1).expectMessageClass(Agent.ReportAvailability.class).queue()).isEqualTo(Q);
    assertThat(refs.agentProbe(A2).expectMessageClass(Agent.ReportAvailability.class).queue()).isEqualTo(Q);
    available(A1, 1, T0, 0, 3);
    assertThat(offerTo(A1).offer().contact().callId().value()).isEqualTo("c1");
  }

  @Test
  void theQueueTellsACallItsMaxWaitIsReachedAndAgainUntilItLeaves() {
    configure(QueueConfig.named("Sales").withMaxWait(Duration.ofSeconds(60),
        new OverflowTarget.ToQueue(new QueueId("overflow"))));
    enqueue("c1", 0, null);
    advance(Duration.ofSeconds(10));
    enqueue("c2", 0, null);
    var c1 = refs.callProbe(new CallId("c1"));
    var c2 = refs.callProbe(new CallId("c2"));
    advance(Duration.ofSeconds(49));
    c1.expectNoMessage(Duration.ofMillis(50));
    advance(Duration.ofSeconds(1));
    assertThat(c1.expectMessageClass(io.switchboard.core.call.CallSession.MaxWaitReached.class).queue()).isEqualTo(Q);
    c2.expectNoMessage(Duration.ofMillis(50));
    // Still there a retry interval later: told again (a message can be lost with a node).
    advance(TestSettings.defaults().retryInterval());
    c1.expectMessageClass(io.switchboard.core.call.CallSession.MaxWaitReached.class);
    queue.runCommand(new Queue.Dequeue(new CallId("c1"), LeaveReason.OVERFLOWED));
    advance(Duration.ofSeconds(9));
    c2.expectMessageClass(io.switchboard.core.call.CallSession.MaxWaitReached.class);
    c1.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void afterARestartTheMaxWaitIsToldAtTheOriginalDeadline() {
    configure(QueueConfig.named("Sales").withMaxWait(Duration.ofSeconds(60),
        new OverflowTarget.Close(new ClosedAction.Voicemail("vm"))));
    enqueue("c1", 0, null);
    advance(Duration.ofSeconds(40));
    queue.restart();
    var c1 = refs.callProbe(new CallId("c1"));
    advance(Duration.ofSeconds(19));
    c1.expectNoMessage(Duration.ofMillis(50));
    advance(Duration.ofSeconds(1));
    c1.expectMessageClass(io.switchboard.core.call.CallSession.MaxWaitReached.class);
  }

  @Test
  void aContactWhoseSessionSaysItIsNotThereIsDropped() {
    configure(QueueConfig.named("Sales"));
    enqueue("orphan", 0, null);
    queue.runCommand(new Queue.Dequeue(new CallId("orphan"), LeaveReason.ORPHANED));
    assertThat(view().waitingCount()).isZero();
    assertThat(journal()).last().isEqualTo(new Queue.ContactLeft(new CallId("orphan"), LeaveReason.ORPHANED, T0));
  }

  @Test
  void aContactLeavingInTheSameBatchAsItArrivedIsRefusedNotConfirmed() {
    configure(QueueConfig.named("Sales"));
    TestProbe<Queue.Reply> replies = kit.createTestProbe(Queue.Reply.class);
    var ref = kit.spawn(Queue.create(new QueueId("same-batch"), new EngineContext(refs, clock, TestSettings.defaults(),
        Notifier.NONE)));
    ref.tell(new Queue.Configure(QueueConfig.named("Q"), replies.ref()));
    replies.expectMessageClass(Queue.Done.class);
    ContactSummary c = new ContactSummary(new CallId("x"), Channel.VOICE, new QueueId("same-batch"), "08", "07",
        new AnsweringPointId("ap"), new CompanyId("acme"), 0, null, null);
    inOneBatch(ref, () -> {
      ref.tell(new Queue.Enqueue(c, replies.ref()));
      ref.tell(new Queue.Dequeue(new CallId("x"), LeaveReason.ORPHANED));
    });
    Queue.Refused refused = (Queue.Refused) replies.receiveMessage();
    assertThat(refused.refusal().message()).contains("left queue same-batch while being queued");
    // Left, then queued again, then abandoned — all pending together: it ends up gone.
    ref.tell(new Queue.Enqueue(c, replies.ref()));
    replies.receiveMessage();
    inOneBatch(ref, () -> {
      ref.tell(new Queue.Dequeue(new CallId("x"), LeaveReason.ORPHANED));
      ref.tell(new Queue.Enqueue(c, replies.ref()));
      ref.tell(new Queue.Dequeue(new CallId("x"), LeaveReason.ABANDONED));
    });
    replies.receiveMessage();
    ref.tell(new Queue.GetState(replies.ref()));
    assertThat(((Queue.Done) replies.receiveMessage()).view().waitingCount()).isZero();
  }

  /**
   * Sends {@code messages} while a write of the queue is held in the journal, so they wait for it
   * together and land in the queue's next write batch together, however the threads run.
   */
  private static void inOneBatch(org.apache.pekko.actor.typed.ActorRef<Queue.Command> ref, Runnable messages) {
    var journal = org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit.create(kit.system());
    var release = new java.util.concurrent.CountDownLatch(1);
    var held = new java.util.concurrent.CountDownLatch(1);
    journal.withPolicy((persistenceId, operation) -> {
      if (operation instanceof org.apache.pekko.persistence.testkit.WriteEvents && held.getCount() > 0) {
        held.countDown();
        try {
          release.await(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return org.apache.pekko.persistence.testkit.ProcessingSuccess$.MODULE$;
    });
    try {
      TestProbe<Queue.Reply> configured = kit.createTestProbe(Queue.Reply.class);
      ref.tell(new Queue.Configure(QueueConfig.named("Q"), configured.ref()));
      try {
        assertThat(held.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("a write held in the journal").isTrue();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      messages.run();
      release.countDown();
      configured.expectMessageClass(Queue.Done.class);
    } finally {
      release.countDown();
      journal.resetPolicy();
    }
  }

  @Test
  void aContactWhoseDepartureIsBeingWrittenIsNotOffered() {
    configure(QueueConfig.named("Sales"));
    TestProbe<Queue.Reply> replies = kit.createTestProbe(Queue.Reply.class);
    QueueId q = new QueueId("leaving");
    var ref = kit.spawn(Queue.create(q, new EngineContext(refs, clock, TestSettings.defaults(), Notifier.NONE)));
    ref.tell(new Queue.Configure(QueueConfig.named("Q"), replies.ref()));
    replies.expectMessageClass(Queue.Done.class);
    ref.tell(new Queue.Enqueue(new ContactSummary(new CallId("gone"), Channel.VOICE, q, "08", "07",
        new AnsweringPointId("ap"), new CompanyId("acme"), 0, null, null), replies.ref()));
    replies.expectMessageClass(Queue.Enqueued.class);
    // The departure and an agent becoming free arrive together: no offer for the leaving contact.
    ref.tell(new Queue.Dequeue(new CallId("gone"), LeaveReason.ABANDONED));
    ref.tell(new Queue.AgentAvailable(A1, 1, T0, 0, 1));
    assertThat(refs.agentProbe(A1).expectMessageClass(Agent.NoOfferNow.class).queue()).isEqualTo(q);
    refs.agentProbe(A1).expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void theMaxWaitNoticeCarriesTheCurrentOverflow() {
    configure(QueueConfig.named("Sales").withMaxWait(Duration.ofSeconds(60),
        new OverflowTarget.ToQueue(new QueueId("first"))));
    enqueue("c1", 0, null);
    configure(QueueConfig.named("Sales").withMaxWait(Duration.ofSeconds(30),
        new OverflowTarget.Close(new ClosedAction.Voicemail("vm"))));
    advance(Duration.ofSeconds(30));
    var notice = refs.callProbe(new CallId("c1")).expectMessageClass(io.switchboard.core.call.CallSession.MaxWaitReached.class);
    assertThat(notice.overflow()).isEqualTo(new OverflowTarget.Close(new ClosedAction.Voicemail("vm")));
  }

  @Test
  void snapshotsRoundTripThroughTheAdapter() {
    configure(QueueConfig.named("Sales"));
    queue.runCommand(new Queue.MemberLogin(A1, 3));
    enqueue("c1", 1, T0.minusSeconds(5));
    Queue.Active state = (Queue.Active) queue.getState();
    Object journalForm = Queue.SNAPSHOTS.toJournal(state);
    assertThat(journalForm).isInstanceOf(Queue.Snapshot.class);
    assertThat(((Queue.Snapshot) journalForm).members()).containsEntry(A1, 3);
    assertThat(Queue.Active.of((Queue.Snapshot) journalForm)).isEqualTo(state);
  }

}
