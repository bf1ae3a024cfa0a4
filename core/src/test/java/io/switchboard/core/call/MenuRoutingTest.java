package io.switchboard.core.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.Refusal;
import io.switchboard.core.calendar.CalendarDefinition;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.calendar.WeeklyHours;
import io.switchboard.core.queue.ClosedAction;
import io.switchboard.core.queue.Menu;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.testkit.EngineHarness;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IVR menus of control queues (ACD-10): a call to a queue with a menu is not written until the
 * caller has chosen; the key routes it, and is recorded with the routing.
 */
class MenuRoutingTest {

  static EngineHarness h;
  static PersistenceTestKit journal;
  static final AtomicInteger seq = new AtomicInteger();

  @BeforeAll
  static void start() {
    h = EngineHarness.start("menu", EngineHarness.inMemoryConfig());
    journal = PersistenceTestKit.create(h.kit.system());
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** A control queue "reception-N" whose menu sends 1 to sales-N and 2 to support-N; its number. */
  static String reception(int n, QueueConfig support) {
    h.queue("sales-" + n, QueueConfig.named("Sales"));
    h.queue("support-" + n, support);
    h.queue("reception-" + n, QueueConfig.named("Reception").withMenu(new Menu("menu-example",
        Map.of("1", new QueueId("sales-" + n), "2", new QueueId("support-" + n)), null, null)));
    String number = "0870" + n;
    h.numberPlan("ap-menu", "co-menu", number, "reception-" + n);
    return number;
  }

  static CallSession.Reply arrive(String callId, String number, String key) {
    return h.ask(h.engine.refs().call(new CallId(callId)), r -> new CallSession.Arrive(number, "4670111", key, r));
  }

  @Test
  void aCallToAMenuIsNotWrittenUntilTheCallerChose() {
    int n = seq.incrementAndGet();
    String number = reception(n, QueueConfig.named("Support"));
    CallSession.Reply reply = arrive("menu-call-" + n, number, null);
    CallSession.MenuRequired menu = EngineHarness.expect(reply, CallSession.MenuRequired.class);
    assertThat(menu.queue()).hasToString("reception-" + n);
    assertThat(menu.menu().prompt()).isEqualTo("menu-example");
    assertThat(menu.menu().timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(journal.persistedInStorage("CallSession|menu-call-" + n)).isEmpty();
    assertThat(h.ask(h.engine.refs().call(new CallId("menu-call-" + n)), CallSession.GetState::new))
        .isInstanceOf(CallSession.Refused.class);
  }

  @Test
  void theKeyRoutesToItsQueueAndIsRecorded() {
    int n = seq.incrementAndGet();
    String number = reception(n, QueueConfig.named("Support"));
    CallView view = EngineHarness.expect(arrive("menu-two-" + n, number, "2"), CallSession.Done.class).view();
    assertThat(view.queue()).hasToString("support-" + n);
    assertThat(view.phase()).isEqualTo(CallPhase.QUEUED);
    List<Object> events = journal.persistedInStorage("CallSession|menu-two-" + n);
    assertThat(events).filteredOn(e -> e instanceof CallSession.CallRouted).singleElement()
        .satisfies(e -> {
          CallSession.CallRouted routed = (CallSession.CallRouted) e;
          assertThat(routed.menuChoice()).isEqualTo("2");
          assertThat(routed.queue()).hasToString("support-" + n);
        });
    assertThat(h.queueView("support-" + n).waitingCount()).isEqualTo(1);
    assertThat(h.queueView("reception-" + n).waitingCount()).isZero();
  }

  @Test
  void noKeyOrAnUnlistedKeyKeepsTheCallInTheControlQueue() {
    int n = seq.incrementAndGet();
    String number = reception(n, QueueConfig.named("Support"));
    CallView none = EngineHarness.expect(arrive("menu-none-" + n, number, ""), CallSession.Done.class).view();
    CallView nine = EngineHarness.expect(arrive("menu-nine-" + n, number, "9"), CallSession.Done.class).view();
    assertThat(none.queue()).hasToString("reception-" + n);
    assertThat(nine.queue()).hasToString("reception-" + n);
    assertThat(h.queueView("reception-" + n).waitingCount()).isEqualTo(2);
  }

  @Test
  void theChosenQueuesOwnCalendarDecides() {
    int n = seq.incrementAndGet();
    h.calendar("never-" + n, CalendarDefinition.standard("Never", ZoneId.of("Europe/Stockholm"),
        new WeeklyHours(Map.of())));
    String number = reception(n, QueueConfig.named("Support")
        .withCalendar(new CalendarId("never-" + n), new ClosedAction.NightMessage("closed")));
    CallView view = EngineHarness.expect(arrive("menu-closed-" + n, number, "2"), CallSession.Done.class).view();
    assertThat(view.phase()).isEqualTo(CallPhase.FINISHED);
    assertThat(view.outcome()).isEqualTo(CallOutcome.CLOSED);
    assertThat(view.queue()).hasToString("support-" + n);
  }

  @Test
  void aKeyThatIsNoKeyIsRefusedNamingTheField() {
    int n = seq.incrementAndGet();
    String number = reception(n, QueueConfig.named("Support"));
    CallSession.Refused refused = EngineHarness.expect(arrive("menu-bad-" + n, number, "12"), CallSession.Refused.class);
    assertThat(refused.refusal().code()).isEqualTo(Refusal.Code.INVALID);
    assertThat(refused.refusal().field()).isEqualTo("menuChoice");
  }

  @Test
  void aMenuIsCheckedWhenItIsMade() {
    assertThatThrownBy(() -> new Menu(" ", Map.of("1", new QueueId("q")), null, null)).hasMessageContaining("prompt");
    assertThatThrownBy(() -> new Menu("p", Map.of(), null, null)).hasMessageContaining("choices");
    assertThatThrownBy(() -> new Menu("p", Map.of("11", new QueueId("q")), null, null)).hasMessageContaining("11");
    assertThatThrownBy(() -> new Menu("p", Map.of("1", new QueueId("q")), Duration.ofMillis(10), null))
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> new Menu("p", Map.of("1", new QueueId("q")), null, 9)).hasMessageContaining("attempts");
    Menu m = new Menu("p", Map.of("#", new QueueId("q")), null, null);
    assertThat(m.target("#")).contains(new QueueId("q"));
    assertThat(m.target("1")).isEmpty();
    assertThat(m.target(null)).isEmpty();
  }
}
