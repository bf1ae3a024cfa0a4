package io.switchboard.core.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.Refusal;
import io.switchboard.core.queue.CustomerNumberEntry;
import io.switchboard.core.queue.Menu;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.testkit.EngineHarness;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Customer-number entry (ACD-10): a call to a queue that asks for it is not written until the
 * caller keyed it in (or none); the number is recorded with the routing and reaches the agent.
 */
class CustomerNumberTest {

  static EngineHarness h;
  static PersistenceTestKit journal;
  static final AtomicInteger seq = new AtomicInteger();
  static final CustomerNumberEntry ENTRY = new CustomerNumberEntry("enter-customer-number", 4, 8, Duration.ofSeconds(3));

  @BeforeAll
  static void start() {
    h = EngineHarness.start("customer-number", EngineHarness.inMemoryConfig());
    journal = PersistenceTestKit.create(h.kit.system());
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** A queue "support-N" asking for customer numbers, and its number. */
  static String support(int n) {
    h.queue("support-" + n, QueueConfig.named("Support").withCustomerNumberEntry(ENTRY));
    String number = "0880" + n;
    h.numberPlan("ap-cn", "co-cn", number, "support-" + n);
    return number;
  }

  static CallSession.Reply arrive(String callId, String number, String key, String customerNumber) {
    return h.ask(h.engine.refs().call(new CallId(callId)),
        r -> new CallSession.Arrive(number, "4670111", key, customerNumber, r));
  }

  @Test
  void aCallIsNotWrittenUntilTheCallerKeyedInTheNumber() {
    int n = seq.incrementAndGet();
    String number = support(n);
    CallSession.CustomerNumberRequired required =
        EngineHarness.expect(arrive("cn-" + n, number, null, null), CallSession.CustomerNumberRequired.class);
    assertThat(required.queue()).hasToString("support-" + n);
    assertThat(required.entry()).isEqualTo(ENTRY);
    assertThat(journal.persistedInStorage("CallSession|cn-" + n)).isEmpty();
  }

  @Test
  void theNumberIsRecordedAndReachesTheAgentsOffer() {
    int n = seq.incrementAndGet();
    String number = support(n);
    String agent = "cn-agent-" + n;
    h.agent(agent, "Agent", EngineHarness.group("support-" + n, 1));
    h.login(agent, true);
    CallView view = EngineHarness.expect(arrive("cn-ok-" + n, number, null, "12345"), CallSession.Done.class).view();
    assertThat(view.customerNumber()).isEqualTo("12345");
    assertThat(h.awaitOffer(agent).contact().customerNumber()).isEqualTo("12345");
    assertThat(journal.persistedInStorage("CallSession|cn-ok-" + n).stream()
        .filter(e -> e instanceof CallSession.CallRouted).map(e -> ((CallSession.CallRouted) e).customerNumber()))
        .containsExactly("12345");
  }

  @Test
  void noNumberIsQueuedWithoutOneAndABadNumberIsRefusedNamingTheField() {
    int n = seq.incrementAndGet();
    String number = support(n);
    CallView none = EngineHarness.expect(arrive("cn-none-" + n, number, null, ""), CallSession.Done.class).view();
    assertThat(none.phase()).isEqualTo(CallPhase.QUEUED);
    assertThat(none.customerNumber()).isNull();
    CallSession.Refused shortOne = EngineHarness.expect(arrive("cn-short-" + n, number, null, "123"),
        CallSession.Refused.class);
    assertThat(shortOne.refusal().field()).isEqualTo("customerNumber");
    assertThat(shortOne.refusal().message()).contains("4-8 digits");
    CallSession.Refused letters = EngineHarness.expect(arrive("cn-letters-" + n, number, null, "12a4"),
        CallSession.Refused.class);
    assertThat(letters.refusal().code()).isEqualTo(Refusal.Code.INVALID);
    assertThat(journal.persistedInStorage("CallSession|cn-short-" + n)).isEmpty();
  }

  @Test
  void aMenuKeyLeadingToAQueueThatAsksForTheNumberAsksForItThen() {
    int n = seq.incrementAndGet();
    support(n);
    h.queue("reception-cn-" + n, QueueConfig.named("Reception").withMenu(new Menu("menu-example",
        Map.of("2", new QueueId("support-" + n)), null, null)));
    String number = "0881" + n;
    h.numberPlan("ap-cn", "co-cn", number, "reception-cn-" + n);
    EngineHarness.expect(arrive("cn-menu-" + n, number, null, null), CallSession.MenuRequired.class);
    CallSession.CustomerNumberRequired required =
        EngineHarness.expect(arrive("cn-menu-" + n, number, "2", null), CallSession.CustomerNumberRequired.class);
    assertThat(required.queue()).hasToString("support-" + n);
    CallView view = EngineHarness.expect(arrive("cn-menu-" + n, number, "2", "98765"), CallSession.Done.class).view();
    assertThat(view.queue()).hasToString("support-" + n);
    assertThat(view.customerNumber()).isEqualTo("98765");
  }

  @Test
  void entriesAreValidated() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CustomerNumberEntry(null, 5, 3, null))
        .hasMessageContaining("customerNumberEntry.maxDigits");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CustomerNumberEntry(null, null, null,
        Duration.ofMinutes(5))).hasMessageContaining("customerNumberEntry.timeout");
    assertThat(new CustomerNumberEntry(null, null, null, null).prompt()).isEqualTo("enter-customer-number");
  }
}
