package io.switchboard.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.Refusal;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.call.EndedBy;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.queue.QueueTerms;
import io.switchboard.core.routing.Channel;
import io.switchboard.core.routing.ContactSummary;
import io.switchboard.core.routing.Offer;
import io.switchboard.core.routing.OfferId;
import io.switchboard.core.routing.OfferOutcome;
import io.switchboard.core.routing.WrapUpPolicy;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentTest {

  static final ActorTestKit kit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ManualTime.config()));
  static final ManualTime manualTime = ManualTime.get(kit.system());

  static final AgentId A = new AgentId("anna");
  static final QueueId SALES = new QueueId("sales");
  static final QueueId SUPPORT = new QueueId("support");
  static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

  TestClock clock;
  ProbeRefs refs;
  List<Notification> published;
  EventSourcedBehaviorTestKit<Agent.Command, Agent.Event, Agent.State> agent;
  TestProbe<Agent.Reply> replies;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    clock = new TestClock(T0);
    refs = new ProbeRefs(kit);
    published = new CopyOnWriteArrayList<>();
    agent = EventSourcedBehaviorTestKit.create(kit.system(),
        Agent.create(A, new EngineContext(refs, clock, TestSettings.defaults(), published::add)));
    replies = kit.createTestProbe(Agent.Reply.class);
  }

  void advance(Duration d) {
    clock.advance(d);
    manualTime.timePasses(d);
  }

  AgentView configure() {
    var r = agent.<Agent.Reply>runCommand(rt -> new Agent.Configure(
        AgentConfig.of("Anna", new AnswerGroup(SALES, 1), new AnswerGroup(SUPPORT, 2)), rt));
    return ((Agent.Done) r.reply()).view();
  }

  /** Configured, logged in ready with login L1; both queues have said they have nothing. */
  void loggedInAndIdle() {
    configure();
    agent.<Agent.Reply>runCommand(rt -> new Agent.Login("L1", List.of(), true, rt));
    long epoch = availability(SALES).epoch();
    assertThat(availability(SUPPORT).epoch()).isEqualTo(epoch);
    agent.runCommand(new Agent.NoOfferNow(SALES, epoch));
    agent.runCommand(new Agent.NoOfferNow(SUPPORT, epoch));
  }

  Queue.AgentAvailable availability(QueueId q) {
    TestProbe<Queue.Command> p = refs.queueProbe(q);
    while (true) {
      Queue.Command m = p.receiveMessage();
      if (m instanceof Queue.AgentAvailable a) return a;
    }
  }

  <T extends Queue.Command> T fromAgentTo(QueueId q, Class<T> type) {
    TestProbe<Queue.Command> p = refs.queueProbe(q);
    while (true) {
      Queue.Command m = p.receiveMessage();
      if (type.isInstance(m)) return type.cast(m);
    }
  }

  static Offer offer(String offerId, String call, QueueId queue, int priority, Instant virtualStart) {
    return offer(offerId, call, queue, priority, virtualStart, WrapUpPolicy.none(), true);
  }

  static Offer offer(String offerId, String call, QueueId queue, int priority, Instant virtualStart,
      WrapUpPolicy wrapUp, boolean pauseOnMiss) {
    ContactSummary c = new ContactSummary(new CallId(call), Channel.VOICE, queue, "0812345", "0701234",
        new AnsweringPointId("ap"), new CompanyId("acme"), priority, virtualStart, virtualStart);
    return new Offer(new OfferId(offerId), c, T0, Duration.ofSeconds(20), pauseOnMiss, wrapUp,
        new QueueTerms(null, null, Duration.ofSeconds(20), Duration.ofSeconds(5)), Long.MAX_VALUE);
  }

  AgentView state() {
    return ((Agent.Done) agent.<Agent.Reply>runCommand(Agent.GetState::new).reply()).view();
  }

  /** Rings an offer at the idle agent and answers the call session's ask with {@code answer}. */
  AgentView ringAndAccept(Offer o, CallSession.AnswerReply answer) {
    agent.runCommand(new Agent.OfferContact(o));
    refs.callProbe(o.contact().callId()).expectMessageClass(CallSession.Ringing.class);
    agent.runCommand(new Agent.AcceptOffer("L1", o.offerId(), replies.ref()));
    CallSession.Answer ask = refs.callProbe(o.contact().callId()).expectMessageClass(CallSession.Answer.class);
    assertThat(ask.offerId()).isEqualTo(o.offerId());
    ask.replyTo().tell(answer);
    Agent.Reply reply = replies.receiveMessage();
    return reply instanceof Agent.Done d ? d.view() : null;
  }

  @Test
  void anUnknownAgentRefusesAndChangesNothing() {
    var r = agent.<Agent.Reply>runCommand(rt -> new Agent.Login("L1", List.of(), true, rt));
    assertThat(((Agent.Refused) r.reply()).refusal().code()).isEqualTo(Refusal.Code.NOT_FOUND);
    assertThat(r.events()).isEmpty();
  }

  @Test
  void loginJoinsTheQueuesAndAnnouncesAvailability() {
    configure();
    var r = agent.<Agent.Reply>runCommand(rt -> new Agent.Login("L1", List.of(), true, rt));
    assertThat(((Agent.Done) r.reply()).view().status()).isEqualTo(AgentStatus.READY);
    assertThat(fromAgentTo(SALES, Queue.MemberLogin.class)).isEqualTo(new Queue.MemberLogin(A, 1));
    assertThat(fromAgentTo(SUPPORT, Queue.MemberLogin.class)).isEqualTo(new Queue.MemberLogin(A, 2));
    Queue.AgentAvailable a = availability(SUPPORT);
    assertThat(a.level()).isEqualTo(2);
    assertThat(a.availableSince()).isEqualTo(T0);
    assertThat(published).anyMatch(n -> n instanceof Notification.AgentChanged c && c.cause().equals("logged-in"));
  }

  @Test
  void loginNotReadyStartsPaused() {
    configure();
    var r = agent.<Agent.Reply>runCommand(rt -> new Agent.Login("L1", List.of(SALES), false, rt));
    AgentView v = ((Agent.Done) r.reply()).view();
    assertThat(v.status()).isEqualTo(AgentStatus.PAUSED);
    assertThat(v.pauseReason()).isEqualTo(Agent.AFTER_LOGIN);
    assertThat(v.groups()).containsExactly(new AnswerGroup(SALES, 1));
    refs.queueProbe(SUPPORT).expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void loginToAQueueOutsideTheAnswerGroupsIsRefusedNamingTheField() {
    configure();
    var r = agent.<Agent.Reply>runCommand(rt -> new Agent.Login("L1", List.of(new QueueId("billing")), true, rt));
    Refusal refusal = ((Agent.Refused) r.reply()).refusal();
    assertThat(refusal.field()).isEqualTo("groups");
    assertThat(refusal.message()).contains("billing");
    assertThat(r.events()).isEmpty();
  }

  @Test
  void theSameLoginTwiceIsRefusedAndANewerLoginReplacesTheOlderKeepingTheState() {
    loggedInAndIdle();
    agent.<Agent.Reply>runCommand(rt -> new Agent.Pause("L1", "lunch", rt));
    var again = agent.<Agent.Reply>runCommand(rt -> new Agent.Login("L1", List.of(), true, rt));
    assertThat(((Agent.Refused) again.reply()).refusal().code()).isEqualTo(Refusal.Code.CONFLICT);
    assertThat(again.events()).isEmpty();

    var newer = agent.<Agent.Reply>runCommand(rt -> new Agent.Login("L2", List.of(), true, rt));
    AgentView v = ((Agent.Done) newer.reply()).view();
    assertThat(v.loginId()).isEqualTo("L2");
    assertThat(v.status()).isEqualTo(AgentStatus.PAUSED);
    assertThat(v.pauseReason()).isEqualTo("lunch");
    assertThat(published).anyMatch(n -> n instanceof Notification.AgentChanged c && c.cause().equals("login-replaced"));

    var old = agent.<Agent.Reply>runCommand(rt -> new Agent.SetReady("L1", rt));
    assertThat(((Agent.Refused) old.reply()).refusal().message()).contains("replaced by a newer login");
    assertThat(old.events()).isEmpty();
  }

  @Test
  void anOfferToAnIdleAgentRingsAndTheOtherQueuesAreToldItIsTaken() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0);
    var r = agent.runCommand(new Agent.OfferContact(o));
    assertThat(r.events()).containsExactly(new Agent.OfferReserved(o, T0, T0.plusSeconds(20)));
    CallSession.Ringing ringing = refs.callProbe(new CallId("c1")).expectMessageClass(CallSession.Ringing.class);
    assertThat(ringing).isEqualTo(new CallSession.Ringing(o, A, T0));
    fromAgentTo(SUPPORT, Queue.AgentUnavailable.class);
    assertThat(state().status()).isEqualTo(AgentStatus.RESERVED);
  }

  @Test
  void whenFreeItTakesTheMostSeniorContactOfferedAcrossItsQueues() {
    configure();
    agent.<Agent.Reply>runCommand(rt -> new Agent.Login("L1", List.of(), true, rt));
    long epoch = availability(SALES).epoch();
    // Sales answers first with a newer contact; support has waited longer.
    Offer newer = offer("o-sales", "c-sales", SALES, 0, T0.minusSeconds(10));
    Offer older = offer("o-support", "c-support", SUPPORT, 0, T0.minusSeconds(90));
    assertThat(agent.runCommand(new Agent.OfferContact(newer)).events()).isEmpty();
    var r = agent.runCommand(new Agent.OfferContact(older));
    assertThat(r.events()).hasSize(1);
    assertThat(((Agent.OfferReserved) r.events().get(0)).offer()).isEqualTo(older);
    Queue.OfferEnded turnedDown = fromAgentTo(SALES, Queue.OfferEnded.class);
    assertThat(turnedDown.outcome()).isEqualTo(OfferOutcome.TOOK_OTHER);
    assertThat(turnedDown.offerId()).isEqualTo(newer.offerId());
    assertThat(epoch).isPositive();
  }

  @Test
  void priorityBeatsWaitingTimeAcrossQueues() {
    configure();
    agent.<Agent.Reply>runCommand(rt -> new Agent.Login("L1", List.of(), true, rt));
    Offer vip = offer("o-vip", "c-vip", SALES, 5, T0.minusSeconds(1));
    Offer old = offer("o-old", "c-old", SUPPORT, 0, T0.minusSeconds(600));
    agent.runCommand(new Agent.OfferContact(old));
    var r = agent.runCommand(new Agent.OfferContact(vip));
    assertThat(((Agent.OfferReserved) r.events().get(0)).offer()).isEqualTo(vip);
  }

  @Test
  void aSilentQueueDoesNotHoldTheAgentLongerThanTheCollectWindow() {
    configure();
    agent.<Agent.Reply>runCommand(rt -> new Agent.Login("L1", List.of(), true, rt));
    Offer o = offer("o1", "c1", SALES, 0, T0);
    assertThat(agent.runCommand(new Agent.OfferContact(o)).events()).isEmpty();
    advance(TestSettings.defaults().collectWindow());
    refs.callProbe(new CallId("c1")).expectMessageClass(CallSession.Ringing.class);
    assertThat(state().status()).isEqualTo(AgentStatus.RESERVED);
  }

  @Test
  void acceptingAsksTheCallAndBecomesBusyOnlyWhenGranted() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0);
    AgentView v = ringAndAccept(o, new CallSession.AnswerGranted(new CallId("c1")));
    assertThat(v.status()).isEqualTo(AgentStatus.BUSY);
    assertThat(v.contacts().get(0).phase()).isEqualTo(AgentContact.Phase.BUSY);
  }

  @Test
  void acceptingAnOfferTheCallWithdrewIsRefusedAndFreesTheAgent() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0);
    agent.runCommand(new Agent.OfferContact(o));
    agent.runCommand(new Agent.AcceptOffer("L1", o.offerId(), replies.ref()));
    refs.callProbe(new CallId("c1")).expectMessageClass(CallSession.Ringing.class);
    refs.callProbe(new CallId("c1")).expectMessageClass(CallSession.Answer.class).replyTo()
        .tell(new CallSession.AnswerRefused("answered by another agent"));
    Agent.Refused refused = (Agent.Refused) replies.receiveMessage();
    assertThat(refused.refusal().code()).isEqualTo(Refusal.Code.GONE);
    assertThat(refused.refusal().message()).contains("answered by another agent");
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
    assertThat(fromAgentTo(SALES, Queue.OfferEnded.class).outcome()).isEqualTo(OfferOutcome.WITHDRAWN);
    availability(SALES);
  }

  @Test
  void acceptingAnUnknownOfferIsRefusedAndChangesNothing() {
    loggedInAndIdle();
    var r = agent.<Agent.Reply>runCommand(rt -> new Agent.AcceptOffer("L1", new OfferId("nope"), rt));
    assertThat(((Agent.Refused) r.reply()).refusal().code()).isEqualTo(Refusal.Code.GONE);
    assertThat(r.events()).isEmpty();
  }

  @Test
  void declineTellsQueueAndCallAndTheAgentIsFreeAgain() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0);
    agent.runCommand(new Agent.OfferContact(o));
    advance(Duration.ofSeconds(3));
    var r = agent.<Agent.Reply>runCommand(rt -> new Agent.DeclineOffer("L1", o.offerId(), rt));
    assertThat(r.events()).containsExactly(
        new Agent.OfferReleased(o.offerId(), new CallId("c1"), OfferOutcome.DECLINED, T0.plusSeconds(3)));
    assertThat(fromAgentTo(SALES, Queue.OfferEnded.class).outcome()).isEqualTo(OfferOutcome.DECLINED);
    TestProbe<CallSession.Command> call = refs.callProbe(new CallId("c1"));
    call.expectMessageClass(CallSession.Ringing.class);
    assertThat(call.expectMessageClass(CallSession.OfferFailed.class).outcome()).isEqualTo(OfferOutcome.DECLINED);
    assertThat(availability(SALES).availableSince()).isEqualTo(T0.plusSeconds(3));
  }

  @Test
  void aMissedOfferPausesTheAgentWithReason() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0);
    agent.runCommand(new Agent.OfferContact(o));
    advance(Duration.ofSeconds(20));
    AgentView v = state();
    assertThat(v.status()).isEqualTo(AgentStatus.PAUSED);
    assertThat(v.pauseReason()).isEqualTo("missed offer");
    assertThat(v.statusSince()).isEqualTo(T0.plusSeconds(20));
    assertThat(fromAgentTo(SALES, Queue.OfferEnded.class).outcome()).isEqualTo(OfferOutcome.TIMED_OUT);
  }

  @Test
  void aMissedOfferWithoutPauseLeavesTheAgentReady() {
    loggedInAndIdle();
    agent.runCommand(new Agent.OfferContact(offer("o1", "c1", SALES, 0, T0, WrapUpPolicy.none(), false)));
    advance(Duration.ofSeconds(20));
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
  }

  @Test
  void fixedWrapUpEndsByItselfAndCountsTheContact() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0, WrapUpPolicy.fixed(Duration.ofSeconds(30)), true);
    ringAndAccept(o, new CallSession.AnswerGranted(new CallId("c1")));
    advance(Duration.ofSeconds(60));
    var end = agent.<Agent.Reply>runCommand(rt -> new Agent.EndCall("L1", null, rt));
    AgentView v = ((Agent.Done) end.reply()).view();
    assertThat(v.status()).isEqualTo(AgentStatus.WRAP_UP);
    assertThat(v.contacts().get(0).deadline()).isEqualTo(T0.plusSeconds(90));
    TestProbe<CallSession.Command> call = refs.callProbe(new CallId("c1"));
    assertThat(call.expectMessageClass(CallSession.TalkEnded.class)).isEqualTo(new CallSession.TalkEnded(A, T0.plusSeconds(60)));
    advance(Duration.ofSeconds(30));
    assertThat(call.expectMessageClass(CallSession.WrapUpFinished.class).at()).isEqualTo(T0.plusSeconds(90));
    AgentView after = state();
    assertThat(after.status()).isEqualTo(AgentStatus.READY);
    assertThat(after.statusSince()).as("ready since the wrap-up ended").isEqualTo(T0.plusSeconds(90));
    assertThat(after.handledToday()).isEqualTo(1);
    assertThat(availability(SALES).contactsToday()).isEqualTo(1);
  }

  @Test
  void agentEndedWrapUpWaitsForTheAgent() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0, WrapUpPolicy.agentEnded(), true);
    ringAndAccept(o, new CallSession.AnswerGranted(new CallId("c1")));
    agent.<Agent.Reply>runCommand(rt -> new Agent.EndCall("L1", new CallId("c1"), rt));
    advance(Duration.ofMinutes(30));
    assertThat(state().status()).isEqualTo(AgentStatus.WRAP_UP);
    var done = agent.<Agent.Reply>runCommand(rt -> new Agent.EndWrapUp("L1", rt));
    assertThat(((Agent.Done) done.reply()).view().status()).isEqualTo(AgentStatus.READY);
  }

  @Test
  void theCallerHangingUpStartsWrapUp() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0, WrapUpPolicy.agentEnded(), true);
    ringAndAccept(o, new CallSession.AnswerGranted(new CallId("c1")));
    var r = agent.runCommand(new Agent.CallerHungUp(new CallId("c1"), T0.plusSeconds(40)));
    assertThat(r.events()).containsExactly(new Agent.TalkEnded(new CallId("c1"), EndedBy.CALLER, T0.plusSeconds(40), null));
    assertThat(state().status()).isEqualTo(AgentStatus.WRAP_UP);
  }

  @Test
  void endingACallOneIsNotOnIsRefusedAndChangesNothing() {
    loggedInAndIdle();
    var r = agent.<Agent.Reply>runCommand(rt -> new Agent.EndCall("L1", null, rt));
    assertThat(((Agent.Refused) r.reply()).refusal().message()).contains("not on a call");
    ringAndAccept(offer("o1", "c1", SALES, 0, T0), new CallSession.AnswerGranted(new CallId("c1")));
    var other = agent.<Agent.Reply>runCommand(rt -> new Agent.EndCall("L1", new CallId("c2"), rt));
    assertThat(((Agent.Refused) other.reply()).refusal().message()).contains("not on call c2");
    assertThat(other.events()).isEmpty();
  }

  @Test
  void logoutIsRefusedDuringACallAndDeclinesARingingOffer() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0);
    agent.runCommand(new Agent.OfferContact(o));
    var out = agent.<Agent.Reply>runCommand(rt -> new Agent.Logout("L1", rt));
    assertThat(((Agent.Done) out.reply()).view().status()).isEqualTo(AgentStatus.LOGGED_OUT);
    assertThat(fromAgentTo(SALES, Queue.OfferEnded.class).outcome()).isEqualTo(OfferOutcome.DECLINED);
    fromAgentTo(SALES, Queue.MemberLogout.class);

    agent.<Agent.Reply>runCommand(rt -> new Agent.Login("L2", List.of(), true, rt));
    Offer o2 = offer("o2", "c2", SALES, 0, T0);
    agent.runCommand(new Agent.OfferContact(o2));
    advance(TestSettings.defaults().collectWindow());
    agent.runCommand(new Agent.AcceptOffer("L2", o2.offerId(), replies.ref()));
    TestProbe<CallSession.Command> call = refs.callProbe(new CallId("c2"));
    call.expectMessageClass(CallSession.Ringing.class);
    call.expectMessageClass(CallSession.Answer.class).replyTo().tell(new CallSession.AnswerGranted(new CallId("c2")));
    replies.expectMessageClass(Agent.Done.class);
    var refused = agent.<Agent.Reply>runCommand(rt -> new Agent.Logout("L2", rt));
    assertThat(((Agent.Refused) refused.reply()).refusal().message()).contains("end the call and wrap-up first");
    assertThat(refused.events()).isEmpty();
  }

  @Test
  void pausingDuringACallTakesEffectWhenTheCallIsDone() {
    loggedInAndIdle();
    ringAndAccept(offer("o1", "c1", SALES, 0, T0), new CallSession.AnswerGranted(new CallId("c1")));
    agent.<Agent.Reply>runCommand(rt -> new Agent.Pause("L1", "meeting", rt));
    assertThat(state().status()).isEqualTo(AgentStatus.BUSY);
    advance(Duration.ofSeconds(45));
    agent.<Agent.Reply>runCommand(rt -> new Agent.EndCall("L1", null, rt));
    AgentView v = state();
    assertThat(v.status()).isEqualTo(AgentStatus.PAUSED);
    assertThat(v.pauseReason()).isEqualTo("meeting");
    assertThat(v.statusSince()).as("paused since the call ended").isEqualTo(T0.plusSeconds(45));
  }

  @Test
  void aPauseNeedsAReason() {
    loggedInAndIdle();
    var r = agent.<Agent.Reply>runCommand(rt -> new Agent.Pause("L1", " ", rt));
    assertThat(((Agent.Refused) r.reply()).refusal().field()).isEqualTo("reason");
  }

  @Test
  void anOfferWhileBusyIsTurnedDownWithoutRinging() {
    loggedInAndIdle();
    ringAndAccept(offer("o1", "c1", SALES, 0, T0), new CallSession.AnswerGranted(new CallId("c1")));
    var r = agent.runCommand(new Agent.OfferContact(offer("o2", "c2", SUPPORT, 0, T0)));
    assertThat(r.events()).isEmpty();
    Queue.OfferEnded ended = fromAgentTo(SUPPORT, Queue.OfferEnded.class);
    assertThat(ended.outcome()).isEqualTo(OfferOutcome.NOT_AVAILABLE);
    refs.callProbe(new CallId("c2")).expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aWithdrawnOfferFreesTheAgent() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0);
    agent.runCommand(new Agent.OfferContact(o));
    var r = agent.runCommand(new Agent.OfferWithdrawn(o.offerId(), new CallId("c1"), "the caller hung up"));
    assertThat(r.events()).containsExactly(
        new Agent.OfferReleased(o.offerId(), new CallId("c1"), OfferOutcome.WITHDRAWN, T0));
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
  }

  @Test
  void afterARestartWhileRingingTheOfferIsCheckedAndItsTimeoutRearmed() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0);
    agent.runCommand(new Agent.OfferContact(o));
    TestProbe<CallSession.Command> call = refs.callProbe(new CallId("c1"));
    call.expectMessageClass(CallSession.Ringing.class);
    advance(Duration.ofSeconds(5));
    var restarted = agent.restart();
    assertThat(Agent.status(restarted.state())).isEqualTo(AgentStatus.RESERVED);
    assertThat(call.expectMessageClass(CallSession.CheckOffer.class)).isEqualTo(new CallSession.CheckOffer(o.offerId(), A));
    assertThat(fromAgentTo(SALES, Queue.MemberLogin.class).level()).isEqualTo(1);
    // The call says this agent did answer before the restart.
    agent.runCommand(new Agent.OfferStatus(o.offerId(), new CallId("c1"), CallSession.OfferState.ANSWERED_BY_YOU));
    assertThat(state().status()).isEqualTo(AgentStatus.BUSY);
    advance(Duration.ofSeconds(30));
    assertThat(state().status()).isEqualTo(AgentStatus.BUSY);
  }

  @Test
  void afterARestartARingingOfferStillTimesOutAtItsOriginalDeadline() {
    loggedInAndIdle();
    agent.runCommand(new Agent.OfferContact(offer("o1", "c1", SALES, 0, T0)));
    advance(Duration.ofSeconds(15));
    agent.restart();
    advance(Duration.ofSeconds(4));
    assertThat(state().status()).isEqualTo(AgentStatus.RESERVED);
    advance(Duration.ofSeconds(1));
    assertThat(state().status()).isEqualTo(AgentStatus.PAUSED);
  }

  @Test
  void afterARestartOnACallThatEndedMeanwhileTheAgentGoesToWrapUp() {
    loggedInAndIdle();
    ringAndAccept(offer("o1", "c1", SALES, 0, T0, WrapUpPolicy.fixed(Duration.ofSeconds(10)), true),
        new CallSession.AnswerGranted(new CallId("c1")));
    agent.restart();
    TestProbe<CallSession.Command> call = refs.callProbe(new CallId("c1"));
    assertThat(call.expectMessageClass(CallSession.CheckCall.class).agent()).isEqualTo(A);
    agent.runCommand(new Agent.CallStatus(new CallId("c1"), CallSession.TalkState.ENDED, T0.plusSeconds(2)));
    assertThat(state().status()).isEqualTo(AgentStatus.WRAP_UP);
  }

  @Test
  void aQueueThatRestartedLearnsTheAgentIsFree() {
    loggedInAndIdle();
    agent.runCommand(new Agent.ReportAvailability(SALES));
    assertThat(fromAgentTo(SALES, Queue.MemberLogin.class)).isEqualTo(new Queue.MemberLogin(A, 1));
    assertThat(availability(SALES).agentId()).isEqualTo(A);
    agent.runCommand(new Agent.ReportAvailability(new QueueId("billing")));
    assertThat(fromAgentTo(new QueueId("billing"), Queue.MemberLogout.class).agentId()).isEqualTo(A);
  }

  @Test
  void anAcceptWhoseReplyWasLostWaitsForTheCallsWordPastTheRingDeadline() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0);
    agent.runCommand(new Agent.OfferContact(o));
    TestProbe<CallSession.Command> call = refs.callProbe(new CallId("c1"));
    call.expectMessageClass(CallSession.Ringing.class);
    advance(Duration.ofSeconds(15));
    agent.runCommand(new Agent.AcceptOffer("L1", o.offerId(), replies.ref()));
    call.expectMessageClass(CallSession.Answer.class); // granted, but the reply is lost
    advance(TestSettings.defaults().askTimeout());
    Refusal lost = ((Agent.Refused) replies.receiveMessage()).refusal();
    assertThat(lost.message()).contains("being confirmed");
    assertThat(lost.code()).as("the accept may still take effect").isEqualTo(Refusal.Code.UNAVAILABLE);
    assertThat(call.expectMessageClass(CallSession.CheckOffer.class).offerId()).isEqualTo(o.offerId());
    // The ring deadline passes while the outcome is unknown: the agent does not time it out.
    advance(Duration.ofSeconds(5));
    assertThat(state().status()).isEqualTo(AgentStatus.RESERVED);
    call.expectMessageClass(CallSession.CheckOffer.class); // asked again
    agent.runCommand(new Agent.OfferStatus(o.offerId(), new CallId("c1"), CallSession.OfferState.ANSWERED_BY_YOU));
    assertThat(state().status()).isEqualTo(AgentStatus.BUSY);
    // And it checks the call, which may have ended meanwhile.
    while (!(call.receiveMessage() instanceof CallSession.CheckCall)) { }
  }

  @Test
  void anOfferStillRingingAfterALostAcceptReplyTimesOutAtItsDeadline() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0);
    agent.runCommand(new Agent.OfferContact(o));
    advance(Duration.ofSeconds(19));
    agent.runCommand(new Agent.AcceptOffer("L1", o.offerId(), replies.ref()));
    advance(TestSettings.defaults().askTimeout());
    replies.receiveMessage();
    assertThat(state().status()).isEqualTo(AgentStatus.RESERVED);
    agent.runCommand(new Agent.OfferStatus(o.offerId(), new CallId("c1"), CallSession.OfferState.RINGING));
    assertThat(state().status()).isEqualTo(AgentStatus.PAUSED);
    assertThat(state().pauseReason()).isEqualTo("missed offer");
  }

  @Test
  void aRestartedAgentThatLearnsItWasGrantedACallTheCallerLeftGoesToWrapUp() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0, WrapUpPolicy.agentEnded(), true);
    agent.runCommand(new Agent.OfferContact(o));
    agent.restart();
    agent.runCommand(new Agent.OfferStatus(o.offerId(), new CallId("c1"), CallSession.OfferState.ANSWERED_BY_YOU));
    agent.runCommand(new Agent.CallStatus(new CallId("c1"), CallSession.TalkState.ENDED, T0.plusSeconds(3)));
    assertThat(state().status()).isEqualTo(AgentStatus.WRAP_UP);
  }

  @Test
  void aCallGrantedForAnOfferTheAgentNoLongerHoldsIsEnded() {
    loggedInAndIdle();
    agent.runCommand(new Agent.OfferStatus(new OfferId("gone"), new CallId("c9"), CallSession.OfferState.ANSWERED_BY_YOU));
    assertThat(refs.callProbe(new CallId("c9")).expectMessageClass(CallSession.WrapUpFinished.class).agent()).isEqualTo(A);
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
  }

  @Test
  void aCompletionIsReportedAgainUntilConfirmedAndAfterARestart() {
    loggedInAndIdle();
    ringAndAccept(offer("o1", "c1", SALES, 0, T0), new CallSession.AnswerGranted(new CallId("c1")));
    agent.<Agent.Reply>runCommand(rt -> new Agent.EndCall("L1", null, rt));
    TestProbe<CallSession.Command> call = refs.callProbe(new CallId("c1"));
    assertThat(call.expectMessageClass(CallSession.WrapUpFinished.class).agent()).isEqualTo(A);
    advance(TestSettings.defaults().retryInterval());
    call.expectMessageClass(CallSession.WrapUpFinished.class);
    agent.runCommand(new Agent.CompletionConfirmed(new CallId("c1")));
    advance(TestSettings.defaults().retryInterval().multipliedBy(3));
    call.expectNoMessage(Duration.ofMillis(50));
    // After a restart the last completion is reported once more (its confirmation may be lost).
    agent.restart();
    assertThat(call.expectMessageClass(CallSession.WrapUpFinished.class).agent()).isEqualTo(A);
  }

  /**
   * The chaos test's lost call: c1's session was down when the agent finished it, the agent
   * finished c2 (confirmed), then the agent restarted. c1 must be reported again, not only the
   * last completion, or c1 stays talking for good.
   */
  @Test
  void aRestartReportsAgainEveryRecentCompletionNotOnlyTheLast() {
    loggedInAndIdle();
    ringAndAccept(offer("o1", "c1", SALES, 0, T0), new CallSession.AnswerGranted(new CallId("c1")));
    agent.<Agent.Reply>runCommand(rt -> new Agent.EndCall("L1", null, rt));
    TestProbe<CallSession.Command> c1 = refs.callProbe(new CallId("c1"));
    c1.expectMessageClass(CallSession.WrapUpFinished.class); // never confirmed: its node is down
    agent.runCommand(new Agent.NoOfferNow(SALES, availability(SALES).epoch()));
    agent.runCommand(new Agent.NoOfferNow(SUPPORT, availability(SUPPORT).epoch()));
    ringAndAccept(offer("o2", "c2", SALES, 0, T0), new CallSession.AnswerGranted(new CallId("c2")));
    agent.<Agent.Reply>runCommand(rt -> new Agent.EndCall("L1", null, rt));
    TestProbe<CallSession.Command> c2 = refs.callProbe(new CallId("c2"));
    c2.expectMessageClass(CallSession.WrapUpFinished.class);
    agent.runCommand(new Agent.CompletionConfirmed(new CallId("c2")));

    agent.restart();
    assertThat(c1.expectMessageClass(CallSession.WrapUpFinished.class).agent()).isEqualTo(A);
    assertThat(c2.expectMessageClass(CallSession.WrapUpFinished.class).agent()).isEqualTo(A);
  }

  @Test
  void theCompletionsKeptAreBounded() {
    Agent.Completion c = new Agent.Completion(new CallId("c0"), T0);
    for (int i = 1; i <= 40; i++) c = c.then(new CallId("c" + i), T0.plusSeconds(i));
    assertThat(c.all()).hasSize(Agent.COMPLETIONS_KEPT);
    assertThat(c.all().get(0).callId()).isEqualTo(new CallId("c40"));
    assertThat(c.all().get(Agent.COMPLETIONS_KEPT - 1).callId()).isEqualTo(new CallId("c" + (41 - Agent.COMPLETIONS_KEPT)));
    // a state written before 'before' existed
    assertThat(new Agent.Completion(new CallId("old"), T0, null).all()).hasSize(1);
  }

  @Test
  void anOfferMadeForAnEarlierAnnouncementIsTurnedDown() {
    loggedInAndIdle();
    Offer stale = new Offer(new OfferId("old"), offer("x", "c1", SALES, 0, T0).contact(), T0, Duration.ofSeconds(20),
        true, WrapUpPolicy.none(), offer("x", "c1", SALES, 0, T0).terms(), 1);
    assertThat(agent.runCommand(new Agent.OfferContact(stale)).events()).isEmpty();
    assertThat(fromAgentTo(SALES, Queue.OfferEnded.class).outcome()).isEqualTo(OfferOutcome.NOT_AVAILABLE);
    assertThat(state().status()).isEqualTo(AgentStatus.READY);
  }

  @Test
  void aCallerWhoHangsUpWhileTheAgentIsBeingConnectedEndsTheCall() {
    loggedInAndIdle();
    Offer o = offer("o1", "c1", SALES, 0, T0);
    agent.runCommand(new Agent.OfferContact(o));
    TestProbe<CallSession.Command> call = refs.callProbe(new CallId("c1"));
    call.expectMessageClass(CallSession.Ringing.class);
    agent.runCommand(new Agent.AcceptOffer("L1", o.offerId(), replies.ref()));
    CallSession.Answer ask = call.expectMessageClass(CallSession.Answer.class);
    // The session grants, the caller hangs up, and that news overtakes the grant.
    agent.runCommand(new Agent.CallerHungUp(new CallId("c1"), T0.plusSeconds(1)));
    ask.replyTo().tell(new CallSession.AnswerGranted(new CallId("c1")));
    replies.expectMessageClass(Agent.Done.class);
    kit.createTestProbe().awaitAssert(() -> {
      assertThat(state().status()).isEqualTo(AgentStatus.READY);
      return null;
    });
    assertThat(call.expectMessageClass(CallSession.WrapUpFinished.class).at()).isEqualTo(T0.plusSeconds(1));
  }
}
