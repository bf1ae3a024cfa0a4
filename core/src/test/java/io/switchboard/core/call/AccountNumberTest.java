package io.switchboard.core.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.numberplan.SipAccountTarget;
import io.switchboard.core.testkit.EngineHarness;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dialled number that rings a person's SIP account (ACD-1): the session hands the call to the
 * SIP gateway with the row's terms and writes nothing, whoever asks and whenever the caller leaves.
 */
class AccountNumberTest {

  static EngineHarness h;
  static PersistenceTestKit journal;

  @BeforeAll
  static void start() {
    h = EngineHarness.start("account-number", EngineHarness.inMemoryConfig());
    journal = PersistenceTestKit.create(h.kit.system());
    h.numberPlan("ap-direct", "co-direct", "4610", new SipAccountTarget("alice", 15, "4670999", null));
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void aCallToAnAccountNumberIsHandedToTheGatewayAndNotWritten() {
    CallSession.Reply reply = h.ask(h.engine.refs().call(new CallId("direct-1")),
        r -> new CallSession.Arrive("4610", "4670111", r));
    CallSession.ToSipAccount to = EngineHarness.expect(reply, CallSession.ToSipAccount.class);
    assertThat(to.entry().account()).isEqualTo(new SipAccountTarget("alice", 15, "4670999", null));
    assertThat(journal.persistedInStorage("CallSession|direct-1")).isEmpty();
    assertThat(h.ask(h.engine.refs().call(new CallId("direct-1")), CallSession.GetState::new))
        .isInstanceOf(CallSession.Refused.class);
  }

  @Test
  void aCallerHangingUpWhileTheNumberIsResolvedLeavesNothingBehind() {
    var call = h.engine.refs().call(new CallId("direct-2"));
    var arrival = h.kit.<CallSession.Reply>createTestProbe();
    var hangup = h.kit.<CallSession.Reply>createTestProbe();
    call.tell(new CallSession.Arrive("4610", "4670111", arrival.getRef()));
    call.tell(new CallSession.Hangup(hangup.getRef()));
    arrival.expectMessageClass(CallSession.ToSipAccount.class);
    // The hang-up was taken while routing (answered like the arrival) or after it (an unknown call).
    CallSession.Reply h2 = hangup.receiveMessage();
    assertThat(h2).isInstanceOfAny(CallSession.ToSipAccount.class, CallSession.Refused.class);
    assertThat(journal.persistedInStorage("CallSession|direct-2")).isEmpty();
  }
}
