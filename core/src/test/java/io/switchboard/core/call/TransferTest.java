package io.switchboard.core.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.agent.AgentStatus;
import io.switchboard.core.agent.AgentView;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.routing.WrapUpPolicy;
import io.switchboard.core.testkit.EngineHarness;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blind transfer (ANS-4): the talking agent sends the call to another queue (a new call there,
 * keeping the caller's seniority) or to a number; the agent's talk ends and wrap-up starts only
 * once the call agreed.
 */
class TransferTest {

  static EngineHarness h;
  static PersistenceTestKit journal;
  static final AtomicInteger seq = new AtomicInteger();

  @BeforeAll
  static void start() {
    h = EngineHarness.start("transfer", EngineHarness.inMemoryConfig());
    journal = PersistenceTestKit.create(h.kit.system());
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** A call to queue "first-N" answered by agent "a-N"; queue "second-N" with agent "b-N" ready. */
  static String talking(int n) {
    h.queue("first-" + n, QueueConfig.named("First").withWrapUp(WrapUpPolicy.fixed(Duration.ofSeconds(30))));
    h.queue("second-" + n, QueueConfig.named("Second"));
    h.numberPlan("ap-tr", "co-tr", "0890" + n, "first-" + n);
    h.agent("a-" + n, "A", EngineHarness.group("first-" + n, 1));
    h.login("a-" + n, true);
    String call = "tr-" + n;
    EngineHarness.expect(h.arrive(call, "0890" + n, "0701234"), CallSession.Done.class);
    EngineHarness.expect(h.accept("a-" + n, h.awaitOffer("a-" + n).offerId()), Agent.Done.class);
    h.awaitCall(call, v -> v.phase() == CallPhase.TALKING);
    return call;
  }

  static Agent.Reply transfer(String agent, TransferTarget target) {
    return h.agentAsk(agent, r -> new Agent.Transfer("login-" + agent, null, target, r));
  }

  @Test
  void toAnotherQueueTheCallerBecomesANewCallThereKeepingItsSeniority() {
    int n = seq.incrementAndGet();
    String call = talking(n);
    h.agent("b-" + n, "B", EngineHarness.group("second-" + n, 1));
    h.login("b-" + n, true);
    CallView before = h.call(call);
    AgentView a = EngineHarness.expect(transfer("a-" + n, new TransferTarget.ToQueue(new QueueId("second-" + n))),
        Agent.Done.class).view();
    assertThat(a.status()).isEqualTo(AgentStatus.WRAP_UP);
    CallView old = h.call(call);
    assertThat(old.phase()).isEqualTo(CallPhase.WRAP_UP);
    assertThat(old.endedBy()).isEqualTo(EndedBy.TRANSFER);
    assertThat(old.transferredTo()).isEqualTo(new TransferTarget.ToQueue(new QueueId("second-" + n)));
    CallId moved = old.transferCallId();
    assertThat(moved).isNotNull();
    // The new call rings agent b, with the caller's number and original seniority.
    var offer = h.awaitOffer("b-" + n);
    assertThat(offer.contact().callId()).isEqualTo(moved);
    assertThat(offer.contact().callerNumber()).isEqualTo("0701234");
    CallView again = h.call(moved.value());
    assertThat(again.queue()).hasToString("second-" + n);
    assertThat(again.virtualStartAt()).isEqualTo(before.virtualStartAt());
    assertThat(journal.persistedInStorage("CallSession|" + call).stream()
        .filter(e -> e instanceof CallSession.CallTransferred)).hasSize(1);
  }

  @Test
  void toANumberTheTalkEndsAndTheCallSaysWhere() {
    int n = seq.incrementAndGet();
    String call = talking(n);
    EngineHarness.expect(transfer("a-" + n, new TransferTarget.ToNumber("+46701112233")), Agent.Done.class);
    CallView v = h.call(call);
    assertThat(v.phase()).isEqualTo(CallPhase.WRAP_UP);
    assertThat(v.endedBy()).isEqualTo(EndedBy.TRANSFER);
    assertThat(v.transferredTo()).isEqualTo(new TransferTarget.ToNumber("+46701112233"));
    assertThat(v.transferCallId()).isNull();
    // Wrap-up done: the call is completed like any other.
    h.agentDo("a-" + n, r -> new Agent.EndWrapUp("login-a-" + n, r));
    assertThat(h.awaitCall(call, c -> c.phase() == CallPhase.FINISHED).outcome()).isEqualTo(CallOutcome.COMPLETED);
  }

  @Test
  void anUnknownQueueIsRefusedAndTheAgentStaysOnTheCall() {
    int n = seq.incrementAndGet();
    String call = talking(n);
    Agent.Refused refused = EngineHarness.expect(transfer("a-" + n,
        new TransferTarget.ToQueue(new QueueId("nowhere-" + n))), Agent.Refused.class);
    assertThat(refused.refusal().field()).isEqualTo("target.queue");
    assertThat(h.call(call).phase()).isEqualTo(CallPhase.TALKING);
    assertThat(h.agentView("a-" + n).status()).isEqualTo(AgentStatus.BUSY);
  }

  @Test
  void aCallTransferredAgainAndAgainKeepsAValidIdOfItsFirstCall() {
    CallId first = new CallId("c".repeat(64));
    CallId id = first;
    for (int i = 0; i < 10; i++) {
      CallId next = CallSession.transferIdOf(id);
      assertThat(next).isNotEqualTo(id);
      assertThat(next.value()).hasSizeLessThanOrEqualTo(64).startsWith("c".repeat(50)).matches(".*-t[0-9a-z]{1,6}");
      id = next;
    }
  }

  @Test
  void onlyATalkingAgentTransfers() {
    int n = seq.incrementAndGet();
    h.agent("idle-" + n, "Idle", EngineHarness.group("second-" + (n - 1), 1));
    h.login("idle-" + n, true);
    Agent.Refused refused = EngineHarness.expect(transfer("idle-" + n, new TransferTarget.ToNumber("0812345")),
        Agent.Refused.class);
    assertThat(refused.refusal().message()).contains("not on a call");
    // The call's own check: another agent cannot move a call it does not talk on.
    String call = talking(n);
    CallSession.Reply r = h.ask(h.engine.refs().call(new CallId(call)),
        x -> new CallSession.Transfer(new AgentId("idle-" + n), new TransferTarget.ToNumber("0812345"), x));
    assertThat(r).isInstanceOf(CallSession.Refused.class);
  }
}
