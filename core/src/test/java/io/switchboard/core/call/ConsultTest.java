package io.switchboard.core.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.Refusal;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.agent.AgentStatus;
import io.switchboard.core.agent.AgentView;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.routing.WrapUpPolicy;
import io.switchboard.core.testkit.EngineHarness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Announce transfer (ANS-4) through the whole engine: the talking agent consults a number (the
 * telephony edge's reports are sent by the test, as the SIP gateway would), toggles between the
 * contact and the caller, then completes (ended as a transfer to the number) or cancels (back
 * with the caller). Every refusal names what is wrong and writes nothing.
 */
class ConsultTest {

  static EngineHarness h;
  static PersistenceTestKit journal;
  static final AtomicInteger seq = new AtomicInteger();
  static final String NUMBER = "+46701112233";

  @BeforeAll
  static void start() {
    h = EngineHarness.start("consult", EngineHarness.inMemoryConfig());
    journal = PersistenceTestKit.create(h.kit.system());
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** A call to queue "cq-N" answered by agent "ca-N" (wrap-up 30 s). */
  static String talking(int n) {
    h.queue("cq-" + n, QueueConfig.named("Consult").withWrapUp(WrapUpPolicy.fixed(Duration.ofSeconds(30))));
    h.numberPlan("ap-cs", "co-cs", "0891" + n, "cq-" + n);
    h.agent("ca-" + n, "A", EngineHarness.group("cq-" + n, 1));
    h.login("ca-" + n, true);
    String call = "cs-" + n;
    EngineHarness.expect(h.arrive(call, "0891" + n, "0701234"), CallSession.Done.class);
    EngineHarness.expect(h.accept("ca-" + n, h.awaitOffer("ca-" + n).offerId()), Agent.Done.class);
    h.awaitCall(call, v -> v.phase() == CallPhase.TALKING);
    return call;
  }

  static Agent.Reply consult(int n, String number) {
    return h.agentAsk("ca-" + n, r -> new Agent.Consult("login-ca-" + n, null, number, r));
  }

  static Agent.Reply toggle(int n) {
    return h.agentAsk("ca-" + n, r -> new Agent.Toggle("login-ca-" + n, null, r));
  }

  static Agent.Reply complete(int n) {
    return h.agentAsk("ca-" + n, r -> new Agent.CompleteConsult("login-ca-" + n, null, r));
  }

  static Agent.Reply cancel(int n) {
    return h.agentAsk("ca-" + n, r -> new Agent.CancelConsult("login-ca-" + n, null, r));
  }

  /** What the telephony edge reports, answered by the call. */
  static CallSession.Reply report(String call, Function<ActorRef<CallSession.Reply>, CallSession.Command> report) {
    return h.ask(h.engine.refs().call(new CallId(call)), report::apply);
  }

  static Consultation consultation(String call) {
    return h.call(call).consultation();
  }

  static List<Object> events(String call) {
    return journal.persistedInStorage("CallSession|" + call);
  }

  static Refusal refused(Agent.Reply reply) {
    return EngineHarness.expect(reply, Agent.Refused.class).refusal();
  }

  @Test
  void consultedAnsweredToggledAndCompletedTheCallEndsAsATransferToTheNumber() {
    int n = seq.incrementAndGet();
    String call = talking(n);
    AgentView busy = EngineHarness.expect(consult(n, NUMBER), Agent.Done.class).view();
    assertThat(busy.status()).isEqualTo(AgentStatus.BUSY);
    Consultation k = consultation(call);
    assertThat(k.number()).isEqualTo(NUMBER);
    assertThat(k.state()).isEqualTo(Consultation.State.DIALLING);
    assertThat(k.talkingTo()).isEqualTo(Consultation.Party.CONTACT);
    assertThat(h.call(call).phase()).isEqualTo(CallPhase.TALKING);

    // Nothing to toggle to or connect while the number rings.
    assertThat(refused(toggle(n)).message()).contains("still dialling");
    assertThat(refused(complete(n)).message()).contains("has not answered yet");

    EngineHarness.expect(report(call, r -> new CallSession.ConsultLegAnswered(k.consultId(), r)), CallSession.Done.class);
    assertThat(consultation(call).state()).isEqualTo(Consultation.State.CONNECTED);
    // A report sent again (its answer was lost) changes nothing.
    EngineHarness.expect(report(call, r -> new CallSession.ConsultLegAnswered(k.consultId(), r)), CallSession.Done.class);

    EngineHarness.expect(toggle(n), Agent.Done.class);
    assertThat(consultation(call).talkingTo()).isEqualTo(Consultation.Party.CALLER);
    EngineHarness.expect(toggle(n), Agent.Done.class);
    assertThat(consultation(call).talkingTo()).isEqualTo(Consultation.Party.CONTACT);
    EngineHarness.expect(toggle(n), Agent.Done.class);

    AgentView after = EngineHarness.expect(complete(n), Agent.Done.class).view();
    assertThat(after.status()).isEqualTo(AgentStatus.WRAP_UP);
    CallView v = h.call(call);
    assertThat(v.phase()).isEqualTo(CallPhase.WRAP_UP);
    assertThat(v.endedBy()).isEqualTo(EndedBy.TRANSFER);
    assertThat(v.transferredTo()).isEqualTo(new TransferTarget.ToNumber(NUMBER));
    assertThat(v.consultation()).isNull();
    List<Object> written = events(call);
    assertThat(written.stream().filter(e -> e.getClass().getSimpleName().startsWith("Consult")).map(e -> e.getClass()
        .getSimpleName())).containsExactly("ConsultStarted", "ConsultAnswered", "ConsultToggled", "ConsultToggled",
        "ConsultToggled", "ConsultEnded");
    assertThat(written.subList(written.size() - 3, written.size())).satisfiesExactly(
        e -> assertThat(e).isEqualTo(new CallSession.ConsultEnded(k.consultId(), Consultation.Ending.COMPLETED,
            ((CallSession.ConsultEnded) e).at())),
        e -> assertThat(((CallSession.CallEnded) e).by()).isEqualTo(EndedBy.TRANSFER),
        e -> assertThat(((CallSession.CallTransferred) e).target()).isEqualTo(new TransferTarget.ToNumber(NUMBER)));

    // The edge's late news of that consultation is refused: it drops its leg.
    assertThat(report(call, r -> new CallSession.ConsultLegEnded(k.consultId(), r)))
        .isInstanceOf(CallSession.Refused.class);
    h.agentDo("ca-" + n, r -> new Agent.EndWrapUp("login-ca-" + n, r));
    assertThat(h.awaitCall(call, c -> c.phase() == CallPhase.FINISHED).outcome()).isEqualTo(CallOutcome.COMPLETED);
  }

  @Test
  void cancelledTheAgentIsBackWithTheCallerAndMayConsultAgain() {
    int n = seq.incrementAndGet();
    String call = talking(n);
    EngineHarness.expect(consult(n, NUMBER), Agent.Done.class);
    String first = consultation(call).consultId();
    report(call, r -> new CallSession.ConsultLegAnswered(first, r));
    EngineHarness.expect(toggle(n), Agent.Done.class);
    EngineHarness.expect(cancel(n), Agent.Done.class);
    CallView v = h.call(call);
    assertThat(v.phase()).isEqualTo(CallPhase.TALKING);
    assertThat(v.consultation()).isNull();
    assertThat(h.agentView("ca-" + n).status()).isEqualTo(AgentStatus.BUSY);
    assertThat(events(call)).last().isEqualTo(new CallSession.ConsultEnded(first, Consultation.Ending.CANCELLED,
        ((CallSession.Event) events(call).get(events(call).size() - 1)).at()));

    // Another consultation is a new one: news of the first one is refused.
    EngineHarness.expect(consult(n, "0812345"), Agent.Done.class);
    String second = consultation(call).consultId();
    assertThat(second).isNotEqualTo(first);
    assertThat(report(call, r -> new CallSession.ConsultLegAnswered(first, r))).isInstanceOf(CallSession.Refused.class);
    assertThat(consultation(call).state()).isEqualTo(Consultation.State.DIALLING);
    // The agent hanging up ends the consultation with the call.
    h.endCall("ca-" + n);
    h.awaitCall(call, c -> c.phase() == CallPhase.WRAP_UP);
    List<Object> written = events(call);
    assertThat(written.get(written.size() - 2)).isInstanceOf(CallSession.ConsultEnded.class)
        .extracting(e -> ((CallSession.ConsultEnded) e).ending()).isEqualTo(Consultation.Ending.CALL_ENDED);
    assertThat(((CallSession.CallEnded) written.get(written.size() - 1)).by()).isEqualTo(EndedBy.AGENT);
    assertThat(h.call(call).consultation()).isNull();
  }

  @Test
  void aNumberThatIsBusyFailsTheConsultationAndTheAgentIsBackWithTheCaller() {
    int n = seq.incrementAndGet();
    String call = talking(n);
    EngineHarness.expect(consult(n, NUMBER), Agent.Done.class);
    String id = consultation(call).consultId();
    EngineHarness.expect(report(call, r -> new CallSession.ConsultLegFailed(id, "busy", r)), CallSession.Done.class);
    Consultation k = consultation(call);
    assertThat(k.state()).isEqualTo(Consultation.State.FAILED);
    assertThat(k.reason()).isEqualTo("busy");
    assertThat(k.talkingTo()).isEqualTo(Consultation.Party.CALLER);
    assertThat(refused(toggle(n)).message()).contains("failed (busy)");
    assertThat(refused(complete(n)).message()).contains("failed (busy)");
    // The answer of a busy number coming late changes nothing.
    assertThat(report(call, r -> new CallSession.ConsultLegAnswered(id, r))).isInstanceOf(CallSession.Refused.class);
    // A failed consultation is shown, not running: the agent may consult again, or dismiss it.
    EngineHarness.expect(consult(n, "0812345"), Agent.Done.class);
    assertThat(consultation(call).state()).isEqualTo(Consultation.State.DIALLING);
    String again = consultation(call).consultId();
    EngineHarness.expect(report(call, r -> new CallSession.ConsultLegFailed(again, "no answer", r)),
        CallSession.Done.class);
    EngineHarness.expect(cancel(n), Agent.Done.class);
    assertThat(consultation(call)).isNull();
    assertThat(h.call(call).phase()).isEqualTo(CallPhase.TALKING);
  }

  @Test
  void refusalsNameWhatIsWrongAndWriteNothing() {
    int n = seq.incrementAndGet();
    String call = talking(n);
    h.agent("idle-c" + n, "Idle", EngineHarness.group("cq-" + n, 1));
    h.login("idle-c" + n, false);
    assertThat(refused(h.agentAsk("idle-c" + n, r -> new Agent.Consult("login-idle-c" + n, null, NUMBER, r)))
        .message()).contains("not on a call");
    int before = events(call).size();
    assertThat(refused(toggle(n)).message()).contains("no consultation");
    assertThat(refused(complete(n)).message()).contains("no consultation");
    assertThat(refused(cancel(n)).message()).contains("no consultation");
    Refusal bad = refused(consult(n, "12ab"));
    assertThat(bad.code()).isEqualTo(Refusal.Code.INVALID);
    assertThat(bad.field()).isEqualTo("number");
    assertThat(refused(consult(n, null)).field()).isEqualTo("number");
    // Another agent cannot consult on a call it does not talk on.
    assertThat(report(call, r -> new CallSession.Consult(new AgentId("idle-c" + n), NUMBER, r)))
        .isInstanceOf(CallSession.Refused.class);
    assertThat(events(call)).hasSize(before);

    EngineHarness.expect(consult(n, NUMBER), Agent.Done.class);
    before = events(call).size();
    assertThat(refused(consult(n, "0812345")).message()).contains("already consults " + NUMBER);
    assertThat(refused(h.agentAsk("ca-" + n, r -> new Agent.Transfer("login-ca-" + n, null,
        new TransferTarget.ToQueue(new QueueId("cq-" + n)), r))).message()).contains("complete or cancel");
    assertThat(refused(h.agentAsk("ca-" + n, r -> new Agent.Transfer("login-ca-" + n, null,
        new TransferTarget.ToNumber("0812345"), r))).message()).contains("complete or cancel");
    // A replaced login steers nothing.
    assertThat(refused(h.agentAsk("ca-" + n, r -> new Agent.Toggle("login-old", null, r))).message())
        .contains("replaced");
    assertThat(events(call)).hasSize(before);
    assertThat(h.agentView("ca-" + n).status()).isEqualTo(AgentStatus.BUSY);
  }

  @Test
  void theCallerHangingUpDuringAConsultationEndsTheTalkAndTheConsultation() {
    int n = seq.incrementAndGet();
    String call = talking(n);
    EngineHarness.expect(consult(n, NUMBER), Agent.Done.class);
    String id = consultation(call).consultId();
    report(call, r -> new CallSession.ConsultLegAnswered(id, r));
    CallView ended = EngineHarness.expect(h.hangup(call), CallSession.Done.class).view();
    // Answered, so not abandoned: the talk ended by the caller, wrap-up for the agent.
    assertThat(ended.phase()).isEqualTo(CallPhase.WRAP_UP);
    assertThat(ended.endedBy()).isEqualTo(EndedBy.CALLER);
    assertThat(ended.consultation()).isNull();
    List<Object> written = events(call);
    assertThat(((CallSession.ConsultEnded) written.get(written.size() - 2)).ending())
        .isEqualTo(Consultation.Ending.CALL_ENDED);
    h.awaitAgent("ca-" + n, a -> a.status() == AgentStatus.WRAP_UP);
    // The contact's leg is dropped: its news is refused; the agent has no call to complete.
    assertThat(report(call, r -> new CallSession.ConsultLegEnded(id, r))).isInstanceOf(CallSession.Refused.class);
    assertThat(refused(complete(n)).message()).contains("not on a call");
    h.agentDo("ca-" + n, r -> new Agent.EndWrapUp("login-ca-" + n, r));
    assertThat(h.awaitCall(call, c -> c.phase() == CallPhase.FINISHED).outcome()).isEqualTo(CallOutcome.COMPLETED);
  }

  @Test
  void completingAfterTheContactHungUpIsRefused() {
    int n = seq.incrementAndGet();
    String call = talking(n);
    EngineHarness.expect(consult(n, NUMBER), Agent.Done.class);
    String id = consultation(call).consultId();
    report(call, r -> new CallSession.ConsultLegAnswered(id, r));
    EngineHarness.expect(report(call, r -> new CallSession.ConsultLegEnded(id, r)), CallSession.Done.class);
    assertThat(consultation(call)).isNull();
    assertThat(((CallSession.ConsultEnded) events(call).get(events(call).size() - 1)).ending())
        .isEqualTo(Consultation.Ending.CONTACT_LEFT);
    int before = events(call).size();
    assertThat(refused(complete(n)).message()).contains("no consultation");
    assertThat(events(call)).hasSize(before);
    assertThat(h.call(call).phase()).isEqualTo(CallPhase.TALKING);
    assertThat(h.agentView("ca-" + n).status()).isEqualTo(AgentStatus.BUSY);
  }

  @Test
  void aSessionStoppedBetweenEveryStepGoesOnFromItsJournal() throws Exception {
    int n = seq.incrementAndGet();
    String call = talking(n);
    EngineHarness.expect(consult(n, NUMBER), Agent.Done.class);
    Consultation dialling = consultation(call);
    restart(call);
    assertThat(consultation(call)).isEqualTo(dialling);
    EngineHarness.expect(report(call, r -> new CallSession.ConsultLegAnswered(dialling.consultId(), r)),
        CallSession.Done.class);
    restart(call);
    assertThat(consultation(call).state()).isEqualTo(Consultation.State.CONNECTED);
    EngineHarness.expect(toggle(n), Agent.Done.class);
    restart(call);
    assertThat(consultation(call).talkingTo()).isEqualTo(Consultation.Party.CALLER);
    EngineHarness.expect(complete(n), Agent.Done.class);
    restart(call);
    CallView v = h.call(call);
    assertThat(v.phase()).isEqualTo(CallPhase.WRAP_UP);
    assertThat(v.transferredTo()).isEqualTo(new TransferTarget.ToNumber(NUMBER));
    assertThat(v.consultation()).isNull();
  }

  /** Stops the call's session (as a crash would); the next message starts it from its journal. */
  static void restart(String call) throws InterruptedException {
    h.engine.refs().call(new CallId(call)).tell(new CallSession.Stop());
    Thread.sleep(200);
  }
}
