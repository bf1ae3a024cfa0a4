package io.switchboard.core.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.Refusal;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.calendar.Calendar;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.calendar.Deviation;
import io.switchboard.core.calendar.OpeningStatus;
import io.switchboard.core.calendar.TimeRange;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.Notifier;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.numberplan.NumberPlanEntry;
import io.switchboard.core.queue.ClosedAction;
import io.switchboard.core.queue.LeaveReason;
import io.switchboard.core.queue.OverflowTarget;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.queue.QueueTerms;
import io.switchboard.core.routing.Channel;
import io.switchboard.core.routing.ContactSummary;
import io.switchboard.core.routing.Offer;
import io.switchboard.core.routing.OfferId;
import io.switchboard.core.routing.WrapUpPolicy;
import io.switchboard.core.routing.OfferOutcome;
import io.switchboard.core.testkit.ProbeRefs;
import io.switchboard.core.testkit.TestClock;
import io.switchboard.core.testkit.TestSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallSessionTest {

  static final ActorTestKit kit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ManualTime.config()));
  static final ManualTime manualTime = ManualTime.get(kit.system());

  static final CallId C = new CallId("call-1");
  static final QueueId SALES = new QueueId("sales");
  static final QueueId OVERFLOW = new QueueId("overflow");
  static final AgentId A1 = new AgentId("a1");
  static final AgentId A2 = new AgentId("a2");
  static final AnsweringPointId AP = new AnsweringPointId("ap");
  static final CompanyId ACME = new CompanyId("acme");
  static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
  static final NumberPlanEntry ENTRY = new NumberPlanEntry("0812345", AP, ACME, SALES, 2);

  TestClock clock;
  ProbeRefs refs;
  EventSourcedBehaviorTestKit<CallSession.Command, CallSession.Event, CallSession.State> call;
  TestProbe<CallSession.Reply> replies;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    clock = new TestClock(T0);
    refs = new ProbeRefs(kit);
    call = EventSourcedBehaviorTestKit.create(kit.system(), CallSession.create(C,
        new EngineContext(refs, clock, TestSettings.defaults(), Notifier.NONE), self -> self.tell(new CallSession.Stop())));
    replies = kit.createTestProbe(CallSession.Reply.class);
  }

  void advance(Duration d) {
    clock.advance(d);
    manualTime.timePasses(d);
  }

  TestProbe<Queue.Command> queue(QueueId q) {
    return refs.queueProbe(q);
  }

  TestProbe<Agent.Command> agent(AgentId a) {
    return refs.agentProbe(a);
  }

  <T> T next(TestProbe<? super T> probe, Class<T> type) {
    return type.cast(probe.expectMessageClass(type));
  }

  /** Arrival through number plan and admission, answered by the given queue reply. */
  void arrive(Queue.Reply admission) {
    call.runCommand(new CallSession.Arrive("0812345", "0701234", replies.ref()));
    next(refs.numberPlanProbe(), NumberPlan.Resolve.class).replyTo().tell(new NumberPlan.Resolved(ENTRY));
    next(queue(SALES), Queue.GetAdmission.class).replyTo().tell(admission);
  }

  QueueTerms terms(Duration maxWait, OverflowTarget overflow) {
    return new QueueTerms(maxWait, overflow, Duration.ofSeconds(20), Duration.ofSeconds(5));
  }

  /** Arrived, routed and queued in sales with these terms: written once the queue took it. */
  void queued(QueueTerms terms) {
    arrive(new Queue.Admission(SALES, null, new ClosedAction.NightMessage("closed")));
    Queue.Enqueue enqueue = next(queue(SALES), Queue.Enqueue.class);
    assertThat(enqueue.contact().callId()).isEqualTo(C);
    assertThat(enqueue.contact().priority()).isEqualTo(2);
    assertThat(journal()).as("nothing written before the queue takes the call").isEmpty();
    enqueue.replyTo().tell(new Queue.Enqueued(SALES, T0, T0, 1, terms));
    assertThat(((CallSession.Done) replies.receiveMessage()).view().phase()).isEqualTo(CallPhase.QUEUED);
  }

  void awaitPhase(CallPhase phase) {
    kit.createTestProbe().awaitAssert(() -> {
      assertThat(view().phase()).isEqualTo(phase);
      return null;
    });
  }

  /** An agent's ring of an offer from {@code queue}, as the queue would have made it. */
  CallSession.Ringing ring(OfferId offer, AgentId agent, QueueId queue, Instant at) {
    ContactSummary contact = new ContactSummary(C, Channel.VOICE, queue, "0812345", "0701234", AP, ACME, 2, T0, T0);
    return new CallSession.Ringing(new Offer(offer, contact, at, Duration.ofSeconds(20), true, WrapUpPolicy.none(),
        terms(null, null), 1), agent, at);
  }

  CallView view() {
    return ((CallSession.Done) call.<CallSession.Reply>runCommand(CallSession.GetState::new).reply()).view();
  }

  List<CallSession.Event> journal() {
    return call.persistenceTestKit().persistedInStorage("CallSession|call-1").stream()
        .map(CallSession.Event.class::cast).toList();
  }

  @Test
  void aRetriedArrivalGetsTheCallAndADifferentOneIsAConflict() {
    queued(terms(null, null));
    var retry = call.<CallSession.Reply>runCommand(rt -> new CallSession.Arrive("0812345", "0701234", rt));
    assertThat(((CallSession.Done) retry.reply()).view().phase()).isEqualTo(CallPhase.QUEUED);
    assertThat(retry.events()).isEmpty();
    var other = call.<CallSession.Reply>runCommand(rt -> new CallSession.Arrive("0812345", "0709999", rt));
    assertThat(((CallSession.Refused) other.reply()).refusal().code()).isEqualTo(Refusal.Code.CONFLICT);
  }

  @Test
  void anUnknownDialledNumberIsRefusedAndNothingIsStored() {
    call.runCommand(new CallSession.Arrive("0899999", "0701234", replies.ref()));
    NumberPlan.Resolve resolve = next(refs.numberPlanProbe(), NumberPlan.Resolve.class);
    assertThat(resolve.dialledNumber()).isEqualTo("0899999");
    resolve.replyTo().tell(new NumberPlan.Refused(Refusal.notFound("unknown dialled number 0899999")));
    CallSession.Refused refused = (CallSession.Refused) replies.receiveMessage();
    assertThat(refused.refusal().code()).isEqualTo(Refusal.Code.NOT_FOUND);
    assertThat(refused.refusal().message()).contains("0899999");
    assertThat(journal()).isEmpty();
  }

  @Test
  void malformedNumbersAreRefusedNamingTheField() {
    var r = call.<CallSession.Reply>runCommand(rt -> new CallSession.Arrive("08-12", "070", rt));
    assertThat(((CallSession.Refused) r.reply()).refusal().field()).isEqualTo("dialledNumber");
    var r2 = call.<CallSession.Reply>runCommand(rt -> new CallSession.Arrive("0812345", "abc", rt));
    assertThat(((CallSession.Refused) r2.reply()).refusal().field()).isEqualTo("callerNumber");
    assertThat(journal()).isEmpty();
  }

  @Test
  void aNumberRoutedToAnUnconfiguredQueueIsRefusedAndNothingIsStored() {
    arrive(new Queue.Refused(Refusal.notFound("queue sales is not configured")));
    CallSession.Refused refused = (CallSession.Refused) replies.receiveMessage();
    assertThat(refused.refusal().message()).contains("routes to queue sales, which is not configured");
    assertThat(journal()).isEmpty();
  }

  @Test
  void aCallIsStoredOnceRoutedThenQueued() {
    queued(terms(null, null));
    assertThat(journal()).containsExactly(
        new CallSession.CallArrived(C, "0812345", "0701234", T0),
        new CallSession.CallRouted(AP, ACME, SALES, 2, T0),
        new CallSession.CallQueued(SALES, T0, terms(null, null), T0));
    CallView v = view();
    assertThat(v.company()).isEqualTo(ACME);
    assertThat(v.answeringPoint()).isEqualTo(AP);
    assertThat(v.enqueuedAt()).isEqualTo(T0);
  }

  @Test
  void aClosedQueuePlaysTheClosingDeviationsPromptAndEndsTheCall() {
    CalendarId cal = new CalendarId("office");
    arrive(new Queue.Admission(SALES, cal, new ClosedAction.NightMessage("night-sales")));
    Calendar.Evaluate ask = next(refs.calendarProbe(cal), Calendar.Evaluate.class);
    assertThat(ask.at()).isEqualTo(T0);
    Deviation lunch = Deviation.closed("lunch", null, null, null,
        new TimeRange(LocalTime.of(12, 0), LocalTime.of(13, 0)), "lunch-prompt");
    ask.replyTo().tell(new Calendar.Status(OpeningStatus.deviation(lunch)));
    CallView v = ((CallSession.Done) replies.receiveMessage()).view();
    assertThat(v.outcome()).isEqualTo(CallOutcome.CLOSED);
    assertThat(v.prompt()).isEqualTo("lunch-prompt");
    assertThat(v.closedAction()).isEqualTo(new ClosedAction.NightMessage("night-sales"));
    assertThat(journal()).hasSize(3).last().isInstanceOf(CallSession.CallClosedHandled.class);
    queue(SALES).expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aCalendarThatDoesNotAnswerDoesNotTurnCallersAway() {
    CalendarId cal = new CalendarId("missing");
    arrive(new Queue.Admission(SALES, cal, new ClosedAction.NightMessage("night")));
    next(refs.calendarProbe(cal), Calendar.Evaluate.class);
    advance(TestSettings.defaults().askTimeout());
    next(queue(SALES), Queue.Enqueue.class).replyTo().tell(new Queue.Enqueued(SALES, T0, T0, 1, terms(null, null)));
    assertThat(((CallSession.Done) replies.receiveMessage()).view().phase()).isEqualTo(CallPhase.QUEUED);
  }

  @Test
  void theFirstValidAnswerWinsAndEveryOtherOfferIsWithdrawn() {
    queued(terms(null, null));
    OfferId o1 = new OfferId("o1");
    OfferId o2 = new OfferId("o2");
    call.runCommand(ring(o1, A1, SALES, T0.plusSeconds(1)));
    call.runCommand(ring(o2, A2, SALES, T0.plusSeconds(1)));
    assertThat(view().phase()).isEqualTo(CallPhase.OFFERED);
    advance(Duration.ofSeconds(4));
    var r = call.<CallSession.AnswerReply>runCommand(rt -> new CallSession.Answer(o2, A2, rt));
    assertThat(r.reply()).isEqualTo(new CallSession.AnswerGranted(C));
    assertThat(r.events()).containsExactly(
        new CallSession.CallOfferEnded(o1, A1, OfferOutcome.WITHDRAWN, T0.plusSeconds(4)),
        new CallSession.CallAnswered(o2, A2, SALES, T0.plusSeconds(1), T0.plusSeconds(4)));
    assertThat(next(queue(SALES), Queue.Dequeue.class)).isEqualTo(new Queue.Dequeue(C, LeaveReason.ANSWERED));
    assertThat(next(agent(A1), Agent.OfferWithdrawn.class).offerId()).isEqualTo(o1);
    var late = call.<CallSession.AnswerReply>runCommand(rt -> new CallSession.Answer(o1, A1, rt));
    assertThat(late.reply()).isEqualTo(new CallSession.AnswerRefused("answered by another agent"));
    assertThat(late.events()).isEmpty();
    // The winner asking again (a lost reply) is told it has the call.
    var again = call.<CallSession.AnswerReply>runCommand(rt -> new CallSession.Answer(o2, A2, rt));
    assertThat(again.reply()).isEqualTo(new CallSession.AnswerGranted(C));
  }

  @Test
  void aRingThatOvertakesTheQueuesReplyConfirmsTheCallIsQueued() {
    arrive(new Queue.Admission(SALES, null, null));
    Queue.Enqueue enqueue = next(queue(SALES), Queue.Enqueue.class);
    OfferId o1 = new OfferId("o1");
    call.runCommand(ring(o1, A1, SALES, T0.plusMillis(5)));
    assertThat(journal()).containsExactly(
        new CallSession.CallArrived(C, "0812345", "0701234", T0),
        new CallSession.CallRouted(AP, ACME, SALES, 2, T0),
        new CallSession.CallQueued(SALES, T0, terms(null, null), T0),
        new CallSession.CallOffered(o1, A1, SALES, T0.plusMillis(5)));
    assertThat(((CallSession.Done) replies.receiveMessage()).view().phase()).isEqualTo(CallPhase.OFFERED);
    agent(A1).expectNoMessage(Duration.ofMillis(50));
    // The queue's own reply arrives late and changes nothing.
    enqueue.replyTo().tell(new Queue.Enqueued(SALES, T0, T0, 1, terms(null, null)));
    var answer = call.<CallSession.AnswerReply>runCommand(rt -> new CallSession.Answer(o1, A1, rt));
    assertThat(answer.reply()).isEqualTo(new CallSession.AnswerGranted(C));
    assertThat(journal().stream().filter(e -> e instanceof CallSession.CallQueued)).hasSize(1);
  }

  @Test
  void aRingFromAnotherQueueWhileRoutingIsWithdrawn() {
    arrive(new Queue.Admission(SALES, null, null));
    next(queue(SALES), Queue.Enqueue.class);
    call.runCommand(ring(new OfferId("o9"), A2, OVERFLOW, T0));
    assertThat(next(agent(A2), Agent.OfferWithdrawn.class).offerId()).isEqualTo(new OfferId("o9"));
    assertThat(journal()).isEmpty();
  }

  @Test
  void anAnswerForAnOfferThatNeverRangIsRefused() {
    queued(terms(null, null));
    var r = call.<CallSession.AnswerReply>runCommand(rt -> new CallSession.Answer(new OfferId("ghost"), A1, rt));
    assertThat(r.reply()).isInstanceOf(CallSession.AnswerRefused.class);
    assertThat(r.events()).isEmpty();
  }

  @Test
  void hangingUpWhileQueuedIsAnAbandon() {
    queued(terms(null, null));
    advance(Duration.ofSeconds(12));
    var r = call.<CallSession.Reply>runCommand(CallSession.Hangup::new);
    assertThat(r.events()).containsExactly(new CallSession.CallAbandoned(SALES, CallPhase.QUEUED, T0.plusSeconds(12)));
    assertThat(((CallSession.Done) r.reply()).view().outcome()).isEqualTo(CallOutcome.ABANDONED);
    assertThat(next(queue(SALES), Queue.Dequeue.class).reason()).isEqualTo(LeaveReason.ABANDONED);
    var answer = call.<CallSession.AnswerReply>runCommand(rt -> new CallSession.Answer(new OfferId("o1"), A1, rt));
    assertThat(answer.reply()).isEqualTo(new CallSession.AnswerRefused("the caller hung up"));
  }

  @Test
  void hangingUpWhileRingingWithdrawsTheOffer() {
    queued(terms(null, null));
    OfferId o1 = new OfferId("o1");
    call.runCommand(ring(o1, A1, SALES, T0));
    var r = call.<CallSession.Reply>runCommand(CallSession.Hangup::new);
    assertThat(r.events()).containsExactly(
        new CallSession.CallOfferEnded(o1, A1, OfferOutcome.WITHDRAWN, T0),
        new CallSession.CallAbandoned(SALES, CallPhase.OFFERED, T0));
    assertThat(next(agent(A1), Agent.OfferWithdrawn.class).offerId()).isEqualTo(o1);
  }

  @Test
  void hangingUpWhileTheCallIsStillBeingRoutedIsRecordedAsAnAbandonOnceQueued() {
    call.runCommand(new CallSession.Arrive("0812345", "0701234", replies.ref()));
    TestProbe<CallSession.Reply> hangup = kit.createTestProbe(CallSession.Reply.class);
    next(refs.numberPlanProbe(), NumberPlan.Resolve.class).replyTo().tell(new NumberPlan.Resolved(ENTRY));
    call.runCommand(new CallSession.Hangup(hangup.ref()));
    next(queue(SALES), Queue.GetAdmission.class).replyTo().tell(new Queue.Admission(SALES, null, null));
    next(queue(SALES), Queue.Enqueue.class).replyTo().tell(new Queue.Enqueued(SALES, T0, T0, 1, terms(null, null)));
    assertThat(((CallSession.Done) hangup.receiveMessage()).view().outcome()).isEqualTo(CallOutcome.ABANDONED);
    assertThat(((CallSession.Done) replies.receiveMessage()).view().outcome()).isEqualTo(CallOutcome.ABANDONED);
    assertThat(journal()).last().isEqualTo(new CallSession.CallAbandoned(SALES, CallPhase.QUEUED, T0));
    assertThat(next(queue(SALES), Queue.Dequeue.class).reason()).isEqualTo(LeaveReason.ABANDONED);
  }

  @Test
  void aQueueThatDoesNotTakeTheCallInTimeIsReportedAndARetryWorks() {
    arrive(new Queue.Admission(SALES, null, null));
    next(queue(SALES), Queue.Enqueue.class);
    advance(TestSettings.defaults().askTimeout());
    CallSession.Refused refused = (CallSession.Refused) replies.receiveMessage();
    assertThat(refused.refusal().message()).contains("did not take the call in time; try again");
    assertThat(refused.refusal().code()).isEqualTo(Refusal.Code.UNAVAILABLE);
    assertThat(journal()).isEmpty();
    // The queue may have taken it after all: it is told to drop it.
    assertThat(next(queue(SALES), Queue.Dequeue.class)).isEqualTo(new Queue.Dequeue(C, LeaveReason.ORPHANED));
    // The session stops; the caller's retry (same call id) routes again and the queue takes it.
    var retry = EventSourcedBehaviorTestKit.<CallSession.Command, CallSession.Event, CallSession.State>create(
        kit.system(), CallSession.create(C, new EngineContext(refs, clock, TestSettings.defaults(), Notifier.NONE),
            self -> self.tell(new CallSession.Stop())));
    retry.runCommand(new CallSession.Arrive("0812345", "0701234", replies.ref()));
    next(refs.numberPlanProbe(), NumberPlan.Resolve.class).replyTo().tell(new NumberPlan.Resolved(ENTRY));
    next(queue(SALES), Queue.GetAdmission.class).replyTo().tell(new Queue.Admission(SALES, null, null));
    next(queue(SALES), Queue.Enqueue.class).replyTo().tell(new Queue.Enqueued(SALES, T0, T0, 1, terms(null, null)));
    assertThat(((CallSession.Done) replies.receiveMessage()).view().phase()).isEqualTo(CallPhase.QUEUED);
  }

  @Test
  void aQueueHoldingACallWhoseSessionNeverWroteItDropsItOnItsFirstRing() {
    // The session gave up (or died) after the queue took the contact: nothing was written.
    call.runCommand(ring(new OfferId("o1"), A1, SALES, T0));
    assertThat(next(agent(A1), Agent.OfferWithdrawn.class).offerId()).isEqualTo(new OfferId("o1"));
    assertThat(next(queue(SALES), Queue.Dequeue.class)).isEqualTo(new Queue.Dequeue(C, LeaveReason.ORPHANED));
    assertThat(journal()).isEmpty();
  }

  @Test
  void aConversationEndsByTheCallerThenWrapUpCompletesTheCall() {
    queued(terms(null, null));
    OfferId o1 = new OfferId("o1");
    call.runCommand(ring(o1, A1, SALES, T0));
    call.<CallSession.AnswerReply>runCommand(rt -> new CallSession.Answer(o1, A1, rt));
    advance(Duration.ofSeconds(90));
    var hangup = call.<CallSession.Reply>runCommand(CallSession.Hangup::new);
    assertThat(hangup.events()).containsExactly(new CallSession.CallEnded(A1, EndedBy.CALLER, T0.plusSeconds(90)));
    assertThat(next(agent(A1), Agent.CallerHungUp.class)).isEqualTo(new Agent.CallerHungUp(C, T0.plusSeconds(90)));
    var done = call.runCommand(new CallSession.WrapUpFinished(A1, T0.plusSeconds(120)));
    assertThat(done.events()).containsExactly(new CallSession.CallCompleted(A1, T0.plusSeconds(120)));
    CallView v = view();
    assertThat(v.outcome()).isEqualTo(CallOutcome.COMPLETED);
    assertThat(v.answeredAt()).isEqualTo(T0);
    assertThat(v.endedAt()).isEqualTo(T0.plusSeconds(90));
    var again = call.<CallSession.Reply>runCommand(CallSession.Hangup::new);
    assertThat(((CallSession.Refused) again.reply()).refusal().message()).contains("has already ended");
  }

  @Test
  void anAgentHangingUpEndsTheConversation() {
    queued(terms(null, null));
    OfferId o1 = new OfferId("o1");
    call.runCommand(ring(o1, A1, SALES, T0));
    call.<CallSession.AnswerReply>runCommand(rt -> new CallSession.Answer(o1, A1, rt));
    assertThat(call.runCommand(new CallSession.TalkEnded(A2, T0)).events()).isEmpty();
    var ended = call.runCommand(new CallSession.TalkEnded(A1, T0.plusSeconds(30)));
    assertThat(ended.events()).containsExactly(new CallSession.CallEnded(A1, EndedBy.AGENT, T0.plusSeconds(30)));
    assertThat(view().phase()).isEqualTo(CallPhase.WRAP_UP);
  }

  @Test
  void afterTheMaxWaitTheCallOverflowsToAnotherQueueKeepingItsSeniority() {
    queued(terms(Duration.ofSeconds(60), new OverflowTarget.ToQueue(OVERFLOW)));
    OfferId o1 = new OfferId("o1");
    call.runCommand(ring(o1, A1, SALES, T0.plusSeconds(50)));
    advance(Duration.ofSeconds(60));
    call.runCommand(new CallSession.MaxWaitReached(SALES, null));
    next(queue(OVERFLOW), Queue.GetAdmission.class).replyTo().tell(new Queue.Admission(OVERFLOW, null, null));
    Queue.Enqueue enqueue = next(queue(OVERFLOW), Queue.Enqueue.class);
    assertThat(enqueue.contact().virtualStartAt()).isEqualTo(T0);
    // Until the target takes it the call stays where it is.
    assertThat(view().queue()).isEqualTo(SALES);
    enqueue.replyTo().tell(new Queue.Enqueued(OVERFLOW, T0.plusSeconds(60), T0, 3, terms(null, null)));
    assertThat(next(queue(SALES), Queue.Dequeue.class)).isEqualTo(new Queue.Dequeue(C, LeaveReason.OVERFLOWED));
    assertThat(next(agent(A1), Agent.OfferWithdrawn.class).offerId()).isEqualTo(o1);
    CallView v = view();
    assertThat(v.queue()).isEqualTo(OVERFLOW);
    assertThat(v.phase()).isEqualTo(CallPhase.QUEUED);
    assertThat(v.virtualStartAt()).isEqualTo(T0);
    assertThat(journal()).contains(
        new CallSession.CallOfferEnded(o1, A1, OfferOutcome.WITHDRAWN, T0.plusSeconds(60)),
        new CallSession.CallOverflowed(SALES, new OverflowTarget.ToQueue(OVERFLOW), T0.plusSeconds(60)));
    // A late ring from the old queue is withdrawn, and that queue told to drop the call.
    call.runCommand(ring(new OfferId("late"), A2, SALES, T0.plusSeconds(61)));
    assertThat(next(agent(A2), Agent.OfferWithdrawn.class).offerId()).isEqualTo(new OfferId("late"));
    assertThat(next(queue(SALES), Queue.Dequeue.class).reason()).isEqualTo(LeaveReason.ORPHANED);
    // Another max-wait notice from the old queue: that queue is told to drop the call.
    call.runCommand(new CallSession.MaxWaitReached(SALES, null));
    assertThat(next(queue(SALES), Queue.Dequeue.class)).isEqualTo(new Queue.Dequeue(C, LeaveReason.ORPHANED));
    assertThat(view().queue()).isEqualTo(OVERFLOW);
  }

  @Test
  void afterTheMaxWaitTheCallCanLeaveWithAClosedAction() {
    queued(terms(Duration.ofSeconds(120), new OverflowTarget.Close(new ClosedAction.Voicemail("sales-vm"))));
    call.runCommand(new CallSession.MaxWaitReached(SALES, null));
    CallView v = view();
    assertThat(v.outcome()).isEqualTo(CallOutcome.OVERFLOWED);
    assertThat(v.closedAction()).isEqualTo(new ClosedAction.Voicemail("sales-vm"));
    assertThat(next(queue(SALES), Queue.Dequeue.class).reason()).isEqualTo(LeaveReason.OVERFLOWED);
  }

  @Test
  void anOverflowIntoAClosedQueueEndsWithThatQueuesClosedAction() {
    CalendarId cal = new CalendarId("never");
    queued(terms(Duration.ofSeconds(60), new OverflowTarget.ToQueue(OVERFLOW)));
    call.runCommand(new CallSession.MaxWaitReached(SALES, null));
    next(queue(OVERFLOW), Queue.GetAdmission.class).replyTo()
        .tell(new Queue.Admission(OVERFLOW, cal, new ClosedAction.Forward("+46812345")));
    next(refs.calendarProbe(cal), Calendar.Evaluate.class).replyTo()
        .tell(new Calendar.Status(OpeningStatus.outsideBaseHours()));
    awaitPhase(CallPhase.FINISHED);
    CallView v = view();
    assertThat(v.outcome()).isEqualTo(CallOutcome.CLOSED);
    assertThat(v.closedAction()).isEqualTo(new ClosedAction.Forward("+46812345"));
    assertThat(next(queue(SALES), Queue.Dequeue.class).reason()).isEqualTo(LeaveReason.OVERFLOWED);
    queue(OVERFLOW).expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void anAnswerWhileTheOverflowIsBeingDecidedWinsAndTheOverflowIsDropped() {
    queued(terms(Duration.ofSeconds(60), new OverflowTarget.ToQueue(OVERFLOW)));
    OfferId o1 = new OfferId("o1");
    call.runCommand(ring(o1, A1, SALES, T0.plusSeconds(59)));
    call.runCommand(new CallSession.MaxWaitReached(SALES, null));
    Queue.GetAdmission admission = next(queue(OVERFLOW), Queue.GetAdmission.class);
    var answer = call.<CallSession.AnswerReply>runCommand(rt -> new CallSession.Answer(o1, A1, rt));
    assertThat(answer.reply()).isEqualTo(new CallSession.AnswerGranted(C));
    admission.replyTo().tell(new Queue.Admission(OVERFLOW, null, null));
    queue(OVERFLOW).expectNoMessage(Duration.ofMillis(100));
    assertThat(view().phase()).isEqualTo(CallPhase.TALKING);
  }

  @Test
  void aCallNeverOverflowsBackIntoAQueueItWasIn() {
    queued(terms(Duration.ofSeconds(30), new OverflowTarget.ToQueue(SALES)));
    call.runCommand(new CallSession.MaxWaitReached(SALES, null));
    queue(SALES).expectNoMessage(Duration.ofMillis(100));
    assertThat(view().phase()).isEqualTo(CallPhase.QUEUED);
  }

  @Test
  void agentsThatRestartedLearnWhatBecameOfTheirOfferAndCall() {
    queued(terms(null, null));
    OfferId o1 = new OfferId("o1");
    call.runCommand(ring(o1, A1, SALES, T0));
    call.runCommand(new CallSession.CheckOffer(o1, A1));
    assertThat(next(agent(A1), Agent.OfferStatus.class).state()).isEqualTo(CallSession.OfferState.RINGING);
    call.runCommand(new CallSession.CheckOffer(new OfferId("other"), A2));
    assertThat(next(agent(A2), Agent.OfferStatus.class).state()).isEqualTo(CallSession.OfferState.WITHDRAWN);
    call.<CallSession.AnswerReply>runCommand(rt -> new CallSession.Answer(o1, A1, rt));
    call.runCommand(new CallSession.CheckOffer(o1, A1));
    assertThat(next(agent(A1), Agent.OfferStatus.class).state()).isEqualTo(CallSession.OfferState.ANSWERED_BY_YOU);
    call.runCommand(new CallSession.CheckCall(A1));
    assertThat(next(agent(A1), Agent.CallStatus.class).state()).isEqualTo(CallSession.TalkState.TALKING);
    call.runCommand(new CallSession.CheckCall(A2));
    assertThat(next(agent(A2), Agent.CallStatus.class).state()).isEqualTo(CallSession.TalkState.NOT_YOURS);
  }

  @Test
  void theSessionConfirmsTheCompletionItWroteAndAnyRepeatOfIt() {
    queued(terms(null, null));
    OfferId o1 = new OfferId("o1");
    call.runCommand(ring(o1, A1, SALES, T0));
    call.<CallSession.AnswerReply>runCommand(rt -> new CallSession.Answer(o1, A1, rt));
    call.runCommand(new CallSession.WrapUpFinished(A1, T0.plusSeconds(30)));
    assertThat(next(agent(A1), Agent.CompletionConfirmed.class).callId()).isEqualTo(C);
    assertThat(view().outcome()).isEqualTo(CallOutcome.COMPLETED);
    // The confirmation was lost and the agent reports again: confirmed again, nothing written.
    int written = journal().size();
    call.runCommand(new CallSession.WrapUpFinished(A1, T0.plusSeconds(30)));
    assertThat(next(agent(A1), Agent.CompletionConfirmed.class).callId()).isEqualTo(C);
    assertThat(journal()).hasSize(written);
  }

  @Test
  void anAnswerWhileTheOverflowTargetIsTakingTheCallTellsTheTargetToDropIt() {
    queued(terms(Duration.ofSeconds(60), new OverflowTarget.ToQueue(OVERFLOW)));
    OfferId o1 = new OfferId("o1");
    call.runCommand(ring(o1, A1, SALES, T0.plusSeconds(59)));
    call.runCommand(new CallSession.MaxWaitReached(SALES, null));
    next(queue(OVERFLOW), Queue.GetAdmission.class).replyTo().tell(new Queue.Admission(OVERFLOW, null, null));
    Queue.Enqueue enqueue = next(queue(OVERFLOW), Queue.Enqueue.class);
    call.<CallSession.AnswerReply>runCommand(rt -> new CallSession.Answer(o1, A1, rt));
    assertThat(next(queue(OVERFLOW), Queue.Dequeue.class)).isEqualTo(new Queue.Dequeue(C, LeaveReason.ORPHANED));
    enqueue.replyTo().tell(new Queue.Enqueued(OVERFLOW, T0.plusSeconds(60), T0, 1, terms(null, null)));
    queue(OVERFLOW).expectNoMessage(Duration.ofMillis(50));
    assertThat(view().phase()).isEqualTo(CallPhase.TALKING);
    assertThat(view().queue()).isEqualTo(SALES);
  }

  @Test
  void aHangupWhileTheOverflowTargetIsTakingTheCallTellsTheTargetToDropItToo() {
    queued(terms(Duration.ofSeconds(60), new OverflowTarget.ToQueue(OVERFLOW)));
    call.runCommand(new CallSession.MaxWaitReached(SALES, null));
    next(queue(OVERFLOW), Queue.GetAdmission.class).replyTo().tell(new Queue.Admission(OVERFLOW, null, null));
    next(queue(OVERFLOW), Queue.Enqueue.class);
    call.<CallSession.Reply>runCommand(CallSession.Hangup::new);
    assertThat(next(queue(OVERFLOW), Queue.Dequeue.class).reason()).isEqualTo(LeaveReason.ORPHANED);
    assertThat(next(queue(SALES), Queue.Dequeue.class).reason()).isEqualTo(LeaveReason.ABANDONED);
  }

  @Test
  void theMaxWaitNoticeCarriesTheQueuesCurrentOverflow() {
    // Queued when the queue had no overflow; the queue was reconfigured since.
    queued(terms(null, null));
    call.runCommand(new CallSession.MaxWaitReached(SALES, new OverflowTarget.Close(new ClosedAction.Voicemail("vm"))));
    CallView v = view();
    assertThat(v.outcome()).isEqualTo(CallOutcome.OVERFLOWED);
    assertThat(v.closedAction()).isEqualTo(new ClosedAction.Voicemail("vm"));
  }

  @Test
  void anUnknownCallIsRefusedAndTheSessionStops() {
    var session = kit.spawn(CallSession.create(new CallId("nobody"),
        new EngineContext(refs, clock, TestSettings.defaults(), Notifier.NONE), self -> self.tell(new CallSession.Stop())));
    session.tell(new CallSession.GetState(replies.ref()));
    CallSession.Refused refused = (CallSession.Refused) replies.receiveMessage();
    assertThat(refused.refusal().code()).isEqualTo(Refusal.Code.NOT_FOUND);
    assertThat(refused.refusal().message()).isEqualTo("unknown call nobody");
    kit.createTestProbe().expectTerminated(session);
  }

  @Test
  void aStopThatOvertakesAnArrivalWaitsUntilTheCallerIsAnswered() {
    // Sharding passivated the session (after a menu, say) just as the caller's next arrival reached it.
    var session = kit.spawn(CallSession.create(new CallId("overtaken"),
        new EngineContext(refs, clock, TestSettings.defaults(), Notifier.NONE), self -> self.tell(new CallSession.Stop())));
    session.tell(new CallSession.Arrive("0812345", "0701234", replies.ref()));
    NumberPlan.Resolve resolve = next(refs.numberPlanProbe(), NumberPlan.Resolve.class);
    session.tell(new CallSession.Stop());
    resolve.replyTo().tell(new NumberPlan.Resolved(ENTRY));
    next(queue(SALES), Queue.GetAdmission.class).replyTo().tell(new Queue.Admission(SALES, null, null));
    next(queue(SALES), Queue.Enqueue.class).replyTo().tell(new Queue.Enqueued(SALES, T0, T0, 1, terms(null, null)));
    assertThat(((CallSession.Done) replies.receiveMessage()).view().phase()).isEqualTo(CallPhase.QUEUED);
    // Answered, it goes as it was asked to.
    advance(Duration.ofMillis(100));
    kit.createTestProbe().expectTerminated(session);
  }
}
