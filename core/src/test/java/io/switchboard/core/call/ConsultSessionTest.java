package io.switchboard.core.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.agent.AgentId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.numberplan.NumberPlanEntry;
import io.switchboard.core.queue.ClosedAction;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.queue.QueueTerms;
import io.switchboard.core.routing.Channel;
import io.switchboard.core.routing.ContactSummary;
import io.switchboard.core.routing.Offer;
import io.switchboard.core.routing.OfferId;
import io.switchboard.core.routing.WrapUpPolicy;
import io.switchboard.core.testkit.ProbeRefs;
import io.switchboard.core.testkit.TestClock;
import io.switchboard.core.testkit.TestSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A call session's consultation (ANS-4) across restarts: after every step the session is
 * recovered from its journal (as after a crash) and must stand exactly where it stood, and say
 * so again to those who follow its changes.
 */
class ConsultSessionTest {

  static final ActorTestKit kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config());

  static final CallId C = new CallId("call-k");
  static final QueueId SALES = new QueueId("sales");
  static final AgentId A1 = new AgentId("a1");
  static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
  static final NumberPlanEntry ENTRY =
      new NumberPlanEntry("0812345", new AnsweringPointId("ap"), new CompanyId("acme"), SALES, 0);

  TestClock clock;
  ProbeRefs refs;
  final List<Notification> published = new CopyOnWriteArrayList<>();
  EventSourcedBehaviorTestKit<CallSession.Command, CallSession.Event, CallSession.State> call;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    clock = new TestClock(T0);
    refs = new ProbeRefs(kit);
    call = EventSourcedBehaviorTestKit.create(kit.system(), CallSession.create(C,
        new EngineContext(refs, clock, TestSettings.defaults(), published::add), self -> self.tell(new CallSession.Stop())));
    call.clear();
    talking();
  }

  /** Queued in sales, rung at agent a1 and answered. */
  void talking() {
    var replies = kit.createTestProbe(CallSession.Reply.class);
    call.runCommand(new CallSession.Arrive("0812345", "0701234", replies.ref()));
    refs.numberPlanProbe().expectMessageClass(NumberPlan.Resolve.class).replyTo().tell(new NumberPlan.Resolved(ENTRY));
    refs.queueProbe(SALES).expectMessageClass(Queue.GetAdmission.class).replyTo()
        .tell(new Queue.Admission(SALES, null, new ClosedAction.NightMessage("closed")));
    QueueTerms terms = new QueueTerms(null, null, Duration.ofSeconds(20), Duration.ofSeconds(5));
    refs.queueProbe(SALES).expectMessageClass(Queue.Enqueue.class).replyTo()
        .tell(new Queue.Enqueued(SALES, T0, T0, 1, terms));
    replies.receiveMessage();
    OfferId offer = new OfferId("o1");
    ContactSummary contact = new ContactSummary(C, Channel.VOICE, SALES, "0812345", "0701234", ENTRY.answeringPoint(),
        ENTRY.company(), 0, T0, T0);
    call.runCommand(new CallSession.Ringing(new Offer(offer, contact, T0, Duration.ofSeconds(20), true,
        WrapUpPolicy.none(), terms, 1), A1, T0));
    assertThat(call.<CallSession.AnswerReply>runCommand(r -> new CallSession.Answer(offer, A1, r)).reply())
        .isEqualTo(new CallSession.AnswerGranted(C));
  }

  <R extends CallSession.Reply> R run(Class<R> type, java.util.function.Function<
      org.apache.pekko.actor.typed.ActorRef<CallSession.Reply>, CallSession.Command> command) {
    return type.cast(call.<CallSession.Reply>runCommand(command::apply).reply());
  }

  Consultation consultation() {
    return ((CallSession.Talking) call.getState()).consultation();
  }

  /** Recovers the session from its journal: it must be where it was, and say so again. */
  void crash() {
    CallSession.State before = call.getState();
    published.clear();
    assertThat(call.restart().state()).isEqualTo(before);
    if (before instanceof CallSession.Talking t && t.consultation() != null)
      assertThat(published).as("the consultation told again after recovery").singleElement()
          .satisfies(n -> assertThat(((Notification.CallChanged) n).view().consultation()).isEqualTo(t.consultation()));
  }

  @Test
  void everyStepOfAnAnnouncedTransferSurvivesARestart() {
    clock.advance(Duration.ofSeconds(30));
    CallView dialling = run(CallSession.Done.class, r -> new CallSession.Consult(A1, "0709876", r)).view();
    Consultation k = dialling.consultation();
    assertThat(k).isEqualTo(new Consultation(k.consultId(), "0709876", Consultation.State.DIALLING,
        Consultation.Party.CONTACT, null, T0.plusSeconds(30)));
    crash();
    run(CallSession.Done.class, r -> new CallSession.ConsultLegAnswered(k.consultId(), r));
    crash();
    assertThat(consultation().state()).isEqualTo(Consultation.State.CONNECTED);
    run(CallSession.Done.class, r -> new CallSession.Toggle(A1, r));
    crash();
    assertThat(consultation().talkingTo()).isEqualTo(Consultation.Party.CALLER);
    run(CallSession.Done.class, r -> new CallSession.CancelConsult(A1, r));
    crash();
    assertThat(consultation()).isNull();

    CallView again = run(CallSession.Done.class, r -> new CallSession.Consult(A1, "0709876", r)).view();
    String second = again.consultation().consultId();
    run(CallSession.Done.class, r -> new CallSession.ConsultLegFailed(second, "busy", r));
    crash();
    assertThat(consultation().state()).isEqualTo(Consultation.State.FAILED);
    assertThat(consultation().reason()).isEqualTo("busy");

    String third = run(CallSession.Done.class, r -> new CallSession.Consult(A1, "0709876", r)).view().consultation()
        .consultId();
    run(CallSession.Done.class, r -> new CallSession.ConsultLegAnswered(third, r));
    var done = call.<CallSession.Reply>runCommand(r -> new CallSession.CompleteConsult(A1, r));
    assertThat(done.events()).hasSize(3);
    crash();
    CallSession.WrappingUp w = (CallSession.WrappingUp) call.getState();
    assertThat(w.endedBy()).isEqualTo(EndedBy.TRANSFER);
    assertThat(w.facts().transferredTo()).isEqualTo(new TransferTarget.ToNumber("0709876"));
    // Wrapping up: nothing more to consult, and the edge's late news is refused.
    assertThat(call.<CallSession.Reply>runCommand(r -> new CallSession.Toggle(A1, r)).reply())
        .isInstanceOf(CallSession.Refused.class);
    assertThat(call.<CallSession.Reply>runCommand(r -> new CallSession.ConsultLegEnded(third, r)).reply())
        .isInstanceOf(CallSession.Refused.class);
  }

  @Test
  void aCallNotTalkingRefusesEveryConsultationStepAndATransfer() {
    call.runCommand(new CallSession.WrapUpFinished(A1, T0.plusSeconds(5)));
    assertThat(call.getState()).isInstanceOf(CallSession.Finished.class);
    for (var step : List.<java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<CallSession.Reply>,
        CallSession.Command>>of(r -> new CallSession.Consult(A1, "0709876", r), r -> new CallSession.Toggle(A1, r),
        r -> new CallSession.CompleteConsult(A1, r), r -> new CallSession.CancelConsult(A1, r),
        r -> new CallSession.ConsultLegAnswered("x", r),
        // A blind transfer too: refused, not left unanswered (the refusals come before the catch-all).
        r -> new CallSession.Transfer(A1, new TransferTarget.ToNumber("0709876"), r))) {
      var result = call.<CallSession.Reply>runCommand(step::apply);
      assertThat(result.reply()).isInstanceOf(CallSession.Refused.class);
      assertThat(result.events()).isEmpty();
    }
  }

  @Test
  void aTalkEndedWithoutWrapUpEndsItsConsultationFirst() {
    String id = run(CallSession.Done.class, r -> new CallSession.Consult(A1, "0709876", r)).view().consultation()
        .consultId();
    var r = call.runCommand(new CallSession.WrapUpFinished(A1, T0.plusSeconds(9)));
    assertThat(r.events()).containsExactly(
        new CallSession.ConsultEnded(id, Consultation.Ending.CALL_ENDED, T0.plusSeconds(9)),
        new CallSession.CallEnded(A1, EndedBy.AGENT, T0.plusSeconds(9)),
        new CallSession.CallCompleted(A1, T0.plusSeconds(9)));
  }
}
