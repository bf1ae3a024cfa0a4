package io.switchboard.core.engine;

import static io.switchboard.core.testkit.EngineHarness.expect;
import static io.switchboard.core.testkit.EngineHarness.group;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.Refusal;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.agent.AgentStatus;
import io.switchboard.core.agent.AgentView;
import io.switchboard.core.calendar.CalendarDefinition;
import io.switchboard.core.calendar.WeeklyHours;
import io.switchboard.core.call.CallOutcome;
import io.switchboard.core.call.CallPhase;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.call.CallView;
import io.switchboard.core.queue.ClosedAction;
import io.switchboard.core.queue.OverflowTarget;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.routing.Offer;
import io.switchboard.core.routing.Strategy;
import io.switchboard.core.testkit.EngineHarness;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The matching protocol end to end on a one-node cluster: queues, agents and call sessions as
 * sharded entities talking through sharding, every message through CBOR. Each test uses its
 * own ids.
 */
class MatchingProtocolTest {

  static EngineHarness h;
  static PersistenceTestKit journal;
  static final AtomicInteger seq = new AtomicInteger();

  @BeforeAll
  static void start() {
    h = EngineHarness.start("matching", EngineHarness.inMemoryConfig());
    journal = PersistenceTestKit.create(h.kit.system());
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** A fresh name for this test's entities. */
  static String id(String base) {
    return base + "-" + seq.incrementAndGet();
  }

  String number() {
    return "08" + (100000 + seq.incrementAndGet());
  }

  @Test
  void aCallIsOfferedAcceptedTalkedAndWrappedUp() {
    String q = id("sales"), a = id("anna"), n = number(), c = id("call");
    h.queue(q, QueueConfig.named("Sales"));
    h.numberPlan("ap", "acme", n, q);
    h.agent(a, "Anna", group(q, 1));
    h.login(a, true);
    CallView arrived = expect(h.arrive(c, n, "0701234"), CallSession.Done.class).view();
    assertThat(arrived.queue().value()).isEqualTo(q);
    Offer offer = h.awaitOffer(a);
    assertThat(offer.contact().callId().value()).isEqualTo(c);
    assertThat(offer.contact().dialledNumber()).isEqualTo(n);
    assertThat(h.call(c).phase()).isIn(CallPhase.OFFERED, CallPhase.QUEUED);
    AgentView busy = expect(h.accept(a, offer.offerId()), Agent.Done.class).view();
    assertThat(busy.status()).isEqualTo(AgentStatus.BUSY);
    assertThat(h.awaitCall(c, v -> v.phase() == CallPhase.TALKING).agent().value()).isEqualTo(a);
    // The session tells the queue after it wrote the answer: the queue lets go a moment later.
    h.await(() -> h.queueView(q).waitingCount(), w -> w == 0, "the queue to let the answered call go");
    h.endCall(a);
    CallView done = h.awaitCall(c, v -> v.phase() == CallPhase.FINISHED);
    assertThat(done.outcome()).isEqualTo(CallOutcome.COMPLETED);
    assertThat(h.awaitAgent(a, v -> v.status() == AgentStatus.READY).handledToday()).isEqualTo(1);
  }

  @Test
  void anUnknownDialledNumberIsRefused() {
    Refusal refusal = expect(h.arrive(id("call"), "0899999999", "070"), CallSession.Refused.class).refusal();
    assertThat(refusal.code()).isEqualTo(Refusal.Code.NOT_FOUND);
    assertThat(refusal.message()).contains("0899999999");
  }

  @Test
  void twoQueuesOfferingOneAgentAtOnceGiveItOneCallAndTheOtherWaits() {
    String q1 = id("q"), q2 = id("q"), a = id("agent"), n1 = number(), n2 = number();
    h.queue(q1, QueueConfig.named("One"));
    h.queue(q2, QueueConfig.named("Two"));
    h.numberPlan("ap", "acme", n1, q1);
    h.numberPlan("ap", "acme", n2, q2);
    h.agent(a, "Agent", group(q1, 1), group(q2, 1));
    h.login(a, true);
    String c1 = id("call"), c2 = id("call");
    CompletableFuture<CallSession.Reply> f1 = CompletableFuture.supplyAsync(() -> h.arrive(c1, n1, "070"));
    CompletableFuture<CallSession.Reply> f2 = CompletableFuture.supplyAsync(() -> h.arrive(c2, n2, "070"));
    f1.join();
    f2.join();
    Offer offer = h.awaitOffer(a);
    String taken = offer.contact().callId().value();
    String other = taken.equals(c1) ? c2 : c1;
    // Nothing rings for the other call: the agent turned the second queue down.
    CallView waiting = h.awaitCall(other, v -> v.phase() == CallPhase.QUEUED);
    assertThat(waiting.ringing()).isEmpty();
    assertThat(h.agentView(a).contacts()).hasSize(1);
    expect(h.accept(a, offer.offerId()), Agent.Done.class);
    h.endCall(a);
    Offer next = h.awaitOffer(a);
    assertThat(next.contact().callId().value()).isEqualTo(other);
  }

  @Test
  void anAgentInSeveralQueuesTakesTheLongestWaitingContactAcrossThem() {
    for (boolean olderInSecond : List.of(true, false)) {
      String q1 = id("q"), q2 = id("q"), a = id("agent"), n1 = number(), n2 = number();
      h.queue(q1, QueueConfig.named("One"));
      h.queue(q2, QueueConfig.named("Two"));
      h.numberPlan("ap", "acme", n1, q1);
      h.numberPlan("ap", "acme", n2, q2);
      h.agent(a, "Agent", group(q1, 1), group(q2, 1));
      h.login(a, false);
      String older = id("older"), newer = id("newer");
      expect(h.arrive(older, olderInSecond ? n2 : n1, "070"), CallSession.Done.class);
      sleep(30);
      expect(h.arrive(newer, olderInSecond ? n1 : n2, "070"), CallSession.Done.class);
      h.awaitCall(newer, v -> v.phase() == CallPhase.QUEUED);
      h.ready(a);
      assertThat(h.awaitOffer(a).contact().callId().value()).as("offer when older is in second queue: " + olderInSecond)
          .isEqualTo(older);
    }
  }

  @Test
  void ringAllDoubleAcceptGivesTheCallToExactlyOneAgent() {
    String q = id("ring"), n = number();
    h.queue(q, QueueConfig.named("Ring all").withStrategy(Strategy.RING_ALL));
    h.numberPlan("ap", "acme", n, q);
    List<String> agents = List.of(id("r"), id("r"), id("r"));
    for (String a : agents) {
      h.agent(a, a, group(q, 1));
      h.login(a, true);
    }
    String c = id("call");
    expect(h.arrive(c, n, "070"), CallSession.Done.class);
    Map<String, Offer> offers = new ConcurrentHashMap<>();
    for (String a : agents) offers.put(a, h.awaitOffer(a));
    assertThat(offers.values()).allMatch(o -> o.contact().callId().value().equals(c));
    h.awaitCall(c, v -> v.ringing().size() == 3);
    List<CompletableFuture<Agent.Reply>> accepts = new ArrayList<>();
    for (String a : agents) accepts.add(CompletableFuture.supplyAsync(() -> h.accept(a, offers.get(a).offerId())));
    List<Agent.Reply> replies = accepts.stream().map(CompletableFuture::join).toList();
    assertThat(replies.stream().filter(r -> r instanceof Agent.Done)).hasSize(1);
    assertThat(replies.stream().filter(r -> r instanceof Agent.Refused refused
        && refused.refusal().code() == Refusal.Code.GONE)).hasSize(2);
    CallView talking = h.awaitCall(c, v -> v.phase() == CallPhase.TALKING);
    for (String a : agents) {
      AgentStatus expected = a.equals(talking.agent().value()) ? AgentStatus.BUSY : AgentStatus.READY;
      h.awaitAgent(a, v -> v.status() == expected);
    }
  }

  @Test
  void theCallerHangingUpDuringTheOfferWithdrawsItAndALateAcceptIsRefused() {
    String q = id("q"), a = id("agent"), n = number(), c = id("call");
    h.queue(q, QueueConfig.named("Q"));
    h.numberPlan("ap", "acme", n, q);
    h.agent(a, "A", group(q, 1));
    h.login(a, true);
    expect(h.arrive(c, n, "070"), CallSession.Done.class);
    Offer offer = h.awaitOffer(a);
    CallView abandoned = expect(h.hangup(c), CallSession.Done.class).view();
    assertThat(abandoned.outcome()).isEqualTo(CallOutcome.ABANDONED);
    h.awaitAgent(a, v -> v.status() == AgentStatus.READY);
    Refusal late = expect(h.accept(a, offer.offerId()), Agent.Refused.class).refusal();
    assertThat(late.code()).isEqualTo(Refusal.Code.GONE);
    assertThat(h.queueView(q).waitingCount()).isZero();
  }

  @Test
  void acceptRacingTheCallersHangupEndsConsistently() {
    String q = id("q"), n = number();
    h.queue(q, QueueConfig.named("Q"));
    h.numberPlan("ap", "acme", n, q);
    for (int i = 0; i < 8; i++) {
      String a = id("agent"), c = id("call");
      h.agent(a, "A", group(q, 1));
      h.login(a, true);
      expect(h.arrive(c, n, "070"), CallSession.Done.class);
      Offer offer = h.awaitOffer(a);
      var accept = CompletableFuture.supplyAsync(() -> h.accept(a, offer.offerId()));
      var hangup = CompletableFuture.supplyAsync(() -> h.hangup(c));
      Agent.Reply acceptReply = accept.join();
      hangup.join();
      CallView call = h.awaitCall(c, v -> v.phase() == CallPhase.FINISHED || v.phase() == CallPhase.WRAP_UP);
      if (acceptReply instanceof Agent.Done) {
        // The agent got it first: the caller's hangup ended a conversation.
        assertThat(call.agent().value()).isEqualTo(a);
        h.awaitAgent(a, v -> v.status() == AgentStatus.READY || v.status() == AgentStatus.WRAP_UP);
      } else {
        assertThat(call.outcome()).isEqualTo(CallOutcome.ABANDONED);
        h.awaitAgent(a, v -> v.status() == AgentStatus.READY);
      }
      h.agentDo(a, r -> new Agent.Pause("login-" + a, "done", r));
    }
  }

  @Test
  void anOfferTimeoutRacingAnAcceptNeverSplitsTheCall() {
    String q = id("q"), n = number();
    h.queue(q, QueueConfig.named("Q").withOfferTimeout(Duration.ofMillis(300), true));
    h.numberPlan("ap", "acme", n, q);
    int accepted = 0, missed = 0;
    for (int i = 0; i < 10; i++) {
      String a = id("agent"), c = id("call");
      h.agent(a, "A", group(q, 1));
      h.login(a, true);
      expect(h.arrive(c, n, "070"), CallSession.Done.class);
      Offer offer = h.awaitOffer(a);
      // Accepts from well before to well after the 300 ms deadline, so both outcomes happen.
      long ringingFor = java.time.Duration.between(offer.offeredAt(), java.time.Instant.now()).toMillis();
      sleep(Math.max(0, 100 + i * 60 - ringingFor));
      Agent.Reply reply = h.accept(a, offer.offerId());
      if (reply instanceof Agent.Done done) {
        accepted++;
        assertThat(done.view().status()).isEqualTo(AgentStatus.BUSY);
        assertThat(h.awaitCall(c, v -> v.phase() == CallPhase.TALKING).agent().value()).isEqualTo(a);
        h.endCall(a);
      } else {
        missed++;
        assertThat(((Agent.Refused) reply).refusal().code()).isEqualTo(Refusal.Code.GONE);
        AgentView paused = h.awaitAgent(a, v -> v.status() == AgentStatus.PAUSED);
        assertThat(paused.pauseReason()).isEqualTo("missed offer");
        CallView call = h.call(c);
        assertThat(call.phase()).isIn(CallPhase.QUEUED, CallPhase.OFFERED);
        assertThat(call.agent()).isNull();
        h.hangup(c);
      }
      h.awaitCall(c, v -> v.phase() == CallPhase.FINISHED);
    }
    assertThat(accepted).as("accepts before the deadline").isPositive();
    assertThat(missed).as("accepts after the deadline").isPositive();
  }

  @Test
  void aMissedOfferGoesToTheNextAgentAndPausesTheOneWhoMissedIt() {
    String q = id("q"), n = number(), a = id("slow"), b = id("fast"), c = id("call");
    h.queue(q, QueueConfig.named("Q").withOfferTimeout(Duration.ofMillis(400), true));
    h.numberPlan("ap", "acme", n, q);
    h.agent(a, "Slow", group(q, 1));
    h.login(a, true);
    sleep(20);
    h.agent(b, "Fast", group(q, 1));
    h.login(b, true);
    expect(h.arrive(c, n, "070"), CallSession.Done.class);
    Offer first = h.awaitOffer(a);
    Offer second = h.awaitOffer(b);
    assertThat(second.contact().callId()).isEqualTo(first.contact().callId());
    assertThat(h.agentView(a).pauseReason()).isEqualTo("missed offer");
    expect(h.accept(b, second.offerId()), Agent.Done.class);
  }

  @Test
  void afterTheMaxWaitACallOverflowsToAnotherQueueAndIsAnsweredThere() {
    String first = id("first"), second = id("second"), n = number(), a = id("agent"), c = id("call");
    h.queue(second, QueueConfig.named("Second"));
    h.queue(first, QueueConfig.named("First").withMaxWait(Duration.ofMillis(500), new OverflowTarget.ToQueue(
        new io.switchboard.core.queue.QueueId(second))));
    h.numberPlan("ap", "acme", n, first);
    h.agent(a, "A", group(second, 1));
    h.login(a, true);
    CallView arrived = expect(h.arrive(c, n, "070"), CallSession.Done.class).view();
    Offer offer = h.awaitOffer(a);
    assertThat(offer.contact().queueId().value()).isEqualTo(second);
    assertThat(offer.contact().virtualStartAt()).isAfterOrEqualTo(arrived.arrivedAt());
    assertThat(offer.contact().enqueuedAt()).isAfter(offer.contact().virtualStartAt());
    // The first queue drops the contact once the session has written the move.
    h.await(() -> h.queueView(first).waitingCount(), count -> count == 0, "queue " + first + " to drop the call");
    expect(h.accept(a, offer.offerId()), Agent.Done.class);
  }

  @Test
  void aCallRingingUnansweredAtTheMaxWaitOverflowsAndItsRingIsWithdrawn() {
    String first = id("first"), second = id("second"), n = number(), a = id("slow"), b = id("other"), c = id("call");
    h.queue(second, QueueConfig.named("Second"));
    h.queue(first, QueueConfig.named("First").withOfferTimeout(Duration.ofSeconds(30), false)
        .withMaxWait(Duration.ofMillis(300), new OverflowTarget.ToQueue(new io.switchboard.core.queue.QueueId(second))));
    h.numberPlan("ap", "acme", n, first);
    h.agent(a, "A", group(first, 1));
    h.login(a, true);
    h.agent(b, "B", group(second, 1));
    h.login(b, true);
    expect(h.arrive(c, n, "070"), CallSession.Done.class);
    Offer ringing = h.awaitOffer(a);
    assertThat(ringing.contact().queueId().value()).isEqualTo(first);
    Offer there = h.awaitOffer(b);
    assertThat(there.contact().queueId().value()).isEqualTo(second);
    h.awaitAgent(a, v -> v.status() == AgentStatus.READY);
    expect(h.accept(b, there.offerId()), Agent.Done.class);
  }

  @Test
  void aClosedQueueHandlesTheCallWithItsNightMessage() {
    String q = id("q"), n = number(), cal = id("never");
    h.calendar(cal, CalendarDefinition.standard("Never", ZoneId.of("Europe/Stockholm"), new WeeklyHours(Map.of())));
    h.queue(q, QueueConfig.named("Q").withCalendar(new io.switchboard.core.calendar.CalendarId(cal),
        new ClosedAction.NightMessage("we-are-closed")));
    h.numberPlan("ap", "acme", n, q);
    CallView v = expect(h.arrive(id("call"), n, "070"), CallSession.Done.class).view();
    assertThat(v.outcome()).isEqualTo(CallOutcome.CLOSED);
    assertThat(v.prompt()).isEqualTo("we-are-closed");
    assertThat(h.queueView(q).waitingCount()).isZero();
  }

  @Test
  void anOpenCalendarLetsTheCallIn() {
    String q = id("q"), n = number(), cal = id("always");
    h.calendar(cal, new CalendarDefinition("Always", ZoneId.of("Europe/Stockholm"), WeeklyHours.always(), false, false,
        List.of()));
    h.queue(q, QueueConfig.named("Q").withCalendar(new io.switchboard.core.calendar.CalendarId(cal),
        new ClosedAction.NightMessage("closed")));
    h.numberPlan("ap", "acme", n, q);
    String c = id("call");
    expect(h.arrive(c, n, "070"), CallSession.Done.class);
    h.awaitCall(c, v -> v.phase() == CallPhase.QUEUED);
  }

  @Test
  void aJournalFailureWhileAnsweringIsRecoveredAndTheAgentCanAcceptAgain() {
    String q = id("q"), a = id("agent"), n = number(), c = id("call");
    h.queue(q, QueueConfig.named("Q").withOfferTimeout(Duration.ofSeconds(30), true));
    h.numberPlan("ap", "acme", n, q);
    h.agent(a, "A", group(q, 1));
    h.login(a, true);
    expect(h.arrive(c, n, "070"), CallSession.Done.class);
    Offer offer = h.awaitOffer(a);
    h.awaitCall(c, v -> v.phase() == CallPhase.OFFERED);
    // The call session crashes persisting the answer: it restarts from its journal.
    journal.failNextPersisted("CallSession|" + c, new RuntimeException("disk on fire"));
    Agent.Reply first = h.accept(a, offer.offerId());
    assertThat(first).isInstanceOf(Agent.Refused.class);
    assertThat(h.awaitCall(c, v -> v.phase() == CallPhase.OFFERED).agent()).isNull();
    assertThat(h.agentView(a).status()).isEqualTo(AgentStatus.RESERVED);
    expect(h.accept(a, offer.offerId()), Agent.Done.class);
    assertThat(h.awaitCall(c, v -> v.phase() == CallPhase.TALKING).agent().value()).isEqualTo(a);
  }

  @Test
  void anAgentThatCrashesAfterTheCallGrantedItsAnswerStillGetsTheCall() {
    String q = id("q"), a = id("agent"), n = number(), c = id("call");
    h.queue(q, QueueConfig.named("Q").withOfferTimeout(Duration.ofSeconds(30), true));
    h.numberPlan("ap", "acme", n, q);
    h.agent(a, "A", group(q, 1));
    h.login(a, true);
    expect(h.arrive(c, n, "070"), CallSession.Done.class);
    Offer offer = h.awaitOffer(a);
    journal.failNextPersisted("Agent|" + a, new RuntimeException("disk on fire"));
    // The agent crashes before it can answer this accept, so nobody waits for the reply.
    h.engine.refs().agent(new AgentId(a)).tell(new Agent.AcceptOffer("login-" + a, offer.offerId(),
        h.kit.createTestProbe(Agent.Reply.class).ref()));
    // The call session granted it; the agent restarts, asks the call, and is on it.
    assertThat(h.awaitCall(c, v -> v.phase() == CallPhase.TALKING).agent().value()).isEqualTo(a);
    h.awaitAgent(a, v -> v.status() == AgentStatus.BUSY);
  }

  @Test
  void higherPriorityNumbersAreServedFirst() {
    String q = id("q"), normal = number(), vip = number(), a = id("agent");
    h.queue(q, QueueConfig.named("Q"));
    h.numberPlan("ap", "acme", normal, q, 0);
    h.numberPlan("ap", "vipco", vip, q, 5);
    h.agent(a, "A", group(q, 1));
    h.login(a, false);
    String c1 = id("normal"), c2 = id("vip");
    expect(h.arrive(c1, normal, "070"), CallSession.Done.class);
    expect(h.arrive(c2, vip, "070"), CallSession.Done.class);
    h.awaitCall(c2, v -> v.phase() == CallPhase.QUEUED);
    h.ready(a);
    assertThat(h.awaitOffer(a).contact().callId().value()).isEqualTo(c2);
  }

  @Test
  void aSecondLoginReplacesTheFirstAndTheFirstCanNoLongerSteer() {
    String q = id("q"), a = id("agent");
    h.queue(q, QueueConfig.named("Q"));
    h.agent(a, "A", group(q, 1));
    h.agentDo(a, r -> new Agent.Login("desk", List.of(), true, r));
    AgentView replaced = h.agentDo(a, r -> new Agent.Login("phone", List.of(), true, r));
    assertThat(replaced.loginId()).isEqualTo("phone");
    Agent.Refused old = expect(h.agentAsk(a, r -> new Agent.Pause("desk", "coffee", r)), Agent.Refused.class);
    assertThat(old.refusal().message()).contains("replaced");
    assertThat(h.agentView(a).status()).isEqualTo(AgentStatus.READY);
    assertThat(h.queueView(q).members()).extracting(m -> m.agentId()).containsExactly(new AgentId(a));
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
