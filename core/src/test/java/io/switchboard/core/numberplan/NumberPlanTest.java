package io.switchboard.core.numberplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.Refusal;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.Notifier;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.testkit.ProbeRefs;
import io.switchboard.core.testkit.TestClock;
import io.switchboard.core.testkit.TestSettings;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NumberPlanTest {
  static final ActorTestKit kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config());
  static final AnsweringPointId AP = new AnsweringPointId("north");
  static final AnsweringPointId OTHER_AP = new AnsweringPointId("south");
  static final CompanyId ACME = new CompanyId("acme");
  static final QueueId SALES = new QueueId("sales");

  EventSourcedBehaviorTestKit<NumberPlan.Command, NumberPlan.Event, NumberPlan.Plan> plan;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    plan = EventSourcedBehaviorTestKit.create(kit.system(), NumberPlan.create(new EngineContext(new ProbeRefs(kit),
        new TestClock(Instant.parse("2026-11-23T08:00:00Z")), TestSettings.defaults(), Notifier.NONE)));
  }

  NumberPlan.Reply run(java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<NumberPlan.Reply>,
      NumberPlan.Command> command) {
    return plan.runCommand(command).reply();
  }

  void company() {
    assertThat(run(r -> new NumberPlan.PutAnsweringPoint(AP, "North shops", r))).isInstanceOf(NumberPlan.Done.class);
    assertThat(run(r -> new NumberPlan.PutCompany(ACME, "Acme AB", AP, r))).isInstanceOf(NumberPlan.Done.class);
  }

  @Test
  void aBlockedCallerResolvesWithTheCompanysBlockAction() {
    company();
    NumberPlanEntry entry = new NumberPlanEntry("+46812345", AP, ACME, SALES, 1);
    run(r -> new NumberPlan.PutEntry(entry, r));
    assertThat(run(r -> new NumberPlan.PutBlockedCallers(ACME,
        new BlockedCallers(java.util.List.of("070-111 22 33"), null), r))).isInstanceOf(NumberPlan.Done.class);
    assertThat(run(r -> new NumberPlan.Resolve("+46812345", "0701112233", r)))
        .isEqualTo(new NumberPlan.Resolved(entry, new io.switchboard.core.queue.ClosedAction.Reject()));
    assertThat(run(r -> new NumberPlan.Resolve("+46812345", "0709999999", r))).isEqualTo(new NumberPlan.Resolved(entry));
    assertThat(run(r -> new NumberPlan.Resolve("+46812345", "anonymous", r))).isEqualTo(new NumberPlan.Resolved(entry));
    // A rename keeps the block; an empty list lifts it.
    run(r -> new NumberPlan.PutCompany(ACME, "Acme Group", AP, r));
    assertThat(((NumberPlan.Resolved) run(r -> new NumberPlan.Resolve("+46812345", "0701112233", r))).blocked())
        .isNotNull();
    run(r -> new NumberPlan.PutBlockedCallers(ACME, new BlockedCallers(java.util.List.of(), null), r));
    assertThat(((NumberPlan.Resolved) run(r -> new NumberPlan.Resolve("+46812345", "0701112233", r))).blocked())
        .isNull();
    assertThat(((NumberPlan.Refused) run(r -> new NumberPlan.PutBlockedCallers(new CompanyId("nobody"),
        new BlockedCallers(null, null), r))).refusal().code()).isEqualTo(Refusal.Code.NOT_FOUND);
    assertThatThrownBy(() -> new BlockedCallers(java.util.List.of("07x"), null)).hasMessageStartingWith("numbers:");
  }

  @Test
  void resolvesADialledNumberToItsCompanyAndQueue() {
    company();
    NumberPlanEntry entry = new NumberPlanEntry("+46812345", AP, ACME, SALES, 1);
    assertThat(run(r -> new NumberPlan.PutEntry(entry, r))).isInstanceOf(NumberPlan.Done.class);
    assertThat(run(r -> new NumberPlan.Resolve("+46812345", r))).isEqualTo(new NumberPlan.Resolved(entry));
    NumberPlan.Refused unknown = (NumberPlan.Refused) run(r -> new NumberPlan.Resolve("0800", r));
    assertThat(unknown.refusal().code()).isEqualTo(Refusal.Code.NOT_FOUND);
  }

  @Test
  void entriesChangeAtRuntimeAndSurviveARestart() {
    company();
    run(r -> new NumberPlan.PutEntry(new NumberPlanEntry("0812", AP, ACME, SALES, 0), r));
    run(r -> new NumberPlan.PutEntry(new NumberPlanEntry("0812", AP, ACME, new QueueId("support"), 0), r));
    plan.restart();
    NumberPlan.Resolved resolved = (NumberPlan.Resolved) run(r -> new NumberPlan.Resolve("0812", r));
    assertThat(resolved.entry().queue()).isEqualTo(new QueueId("support"));
    assertThat(run(r -> new NumberPlan.RemoveEntry("0812", r))).isInstanceOf(NumberPlan.Done.class);
    assertThat(run(r -> new NumberPlan.Resolve("0812", r))).isInstanceOf(NumberPlan.Refused.class);
  }

  @Test
  void anEntryMustNameACompanyOfItsAnsweringPoint() {
    company();
    run(r -> new NumberPlan.PutAnsweringPoint(OTHER_AP, "South", r));
    var unknownCompany = plan.<NumberPlan.Reply>runCommand(r -> new NumberPlan.PutEntry(
        new NumberPlanEntry("0812", AP, new CompanyId("ghost"), SALES, 0), r));
    assertThat(((NumberPlan.Refused) unknownCompany.reply()).refusal().field()).isEqualTo("company");
    assertThat(unknownCompany.events()).isEmpty();
    var wrongPoint = plan.<NumberPlan.Reply>runCommand(r -> new NumberPlan.PutEntry(
        new NumberPlanEntry("0812", OTHER_AP, ACME, SALES, 0), r));
    assertThat(((NumberPlan.Refused) wrongPoint.reply()).refusal().message())
        .contains("belongs to answering point north");
    var companyWithoutPoint = plan.<NumberPlan.Reply>runCommand(r -> new NumberPlan.PutCompany(
        new CompanyId("x"), "X", new AnsweringPointId("nowhere"), r));
    assertThat(((NumberPlan.Refused) companyWithoutPoint.reply()).refusal().field()).isEqualTo("answeringPoint");
  }

  @Test
  void aNumberCanRingASipAccountAndBeTurnedBackIntoAQueueNumber() {
    company();
    SipAccountTarget alice = new SipAccountTarget("alice", 0, null, "alice@example.com");
    assertThat(alice.forwardAfterSeconds()).isEqualTo(SipAccountTarget.DEFAULT_FORWARD_AFTER_SECONDS);
    NumberPlanEntry direct = new NumberPlanEntry("4610", AP, ACME, null, 0, alice);
    assertThat(run(r -> new NumberPlan.PutEntry(direct, r))).isInstanceOf(NumberPlan.Done.class);
    plan.restart();
    NumberPlan.Resolved resolved = (NumberPlan.Resolved) run(r -> new NumberPlan.Resolve("4610", r));
    assertThat(resolved.entry().toAccount()).isTrue();
    assertThat(resolved.entry().account()).isEqualTo(alice);
    assertThat(resolved.entry().queue()).isNull();
    // A queue with no numbers of its own can go although a number rings an account.
    run(r -> new NumberPlan.PutQueue(SALES, "Sales", AP, r));
    assertThat(run(r -> new NumberPlan.RemoveQueue(SALES, r))).isInstanceOf(NumberPlan.Done.class);
    run(r -> new NumberPlan.PutEntry(new NumberPlanEntry("4610", AP, ACME, SALES, 0), r));
    assertThat(((NumberPlan.Resolved) run(r -> new NumberPlan.Resolve("4610", r))).entry().toAccount()).isFalse();
  }

  @Test
  void entriesWrittenBeforeAccountRowsStillReadAsQueueNumbers() throws Exception {
    var cbor = org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider.get(kit.system())
        .getOrCreate("jackson-cbor", java.util.Optional.empty());
    byte[] old = cbor.writeValueAsBytes(java.util.Map.of("dialledNumber", "0812", "answeringPoint", "north",
        "company", "acme", "queue", "sales", "priority", 2));
    assertThat(cbor.readValue(old, NumberPlanEntry.class)).isEqualTo(new NumberPlanEntry("0812", AP, ACME, SALES, 2));
  }

  @Test
  void malformedAccountRowsAreRejectedNamingTheField() {
    assertThatThrownBy(() -> new SipAccountTarget("al ice", 20, null, null)).hasMessageContaining("account.user");
    assertThatThrownBy(() -> new SipAccountTarget("alice", 301, null, null))
        .hasMessageContaining("account.forwardAfterSeconds");
    assertThatThrownBy(() -> new SipAccountTarget("alice", 20, "08-12", null)).hasMessageContaining("account.forwardTo");
    assertThatThrownBy(() -> new SipAccountTarget("alice", 20, "0812", "a@example.com"))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> new NumberPlanEntry("0812", AP, ACME, SALES, 0, new SipAccountTarget("alice", 20, null, null)))
        .hasMessageContaining("not both");
  }

  @Test
  void malformedEntriesAreRejectedNamingTheField() {
    assertThatThrownBy(() -> new NumberPlanEntry("08-123", AP, ACME, SALES, 0)).hasMessageContaining("dialledNumber");
    assertThatThrownBy(() -> new NumberPlanEntry("0812", AP, ACME, SALES, 12)).hasMessageContaining("priority");
    assertThatThrownBy(() -> new NumberPlanEntry("0812", AP, ACME, null, 0)).hasMessageContaining("queue");
  }

  @Test
  void theDirectoryListsQueuesAgentsAndCalendarsAndRefusesRemovalsStillInUse() {
    company();
    assertThat(run(r -> new NumberPlan.PutQueue(SALES, "Sales", AP, r))).isInstanceOf(NumberPlan.Done.class);
    NumberPlan.Refused badAp = (NumberPlan.Refused) run(r -> new NumberPlan.PutQueue(SALES, "Sales", OTHER_AP, r));
    assertThat(badAp.refusal().field()).isEqualTo("answeringPoint");
    var agent = new io.switchboard.core.agent.AgentId("anna");
    assertThat(run(r -> new NumberPlan.PutAgent(agent, "Anna", java.util.List.of(SALES), r))).isInstanceOf(NumberPlan.Done.class);
    var office = new io.switchboard.core.calendar.CalendarId("office");
    assertThat(run(r -> new NumberPlan.PutCalendar(office, "Office", r))).isInstanceOf(NumberPlan.Done.class);
    assertThat(run(r -> new NumberPlan.PutEntry(new NumberPlanEntry("+46812345", AP, ACME, SALES, 0), r)))
        .isInstanceOf(NumberPlan.Done.class);

    NumberPlan.Refused queueInUse = (NumberPlan.Refused) run(r -> new NumberPlan.RemoveQueue(SALES, r));
    assertThat(queueInUse.refusal().code()).isEqualTo(Refusal.Code.CONFLICT);
    assertThat(queueInUse.refusal().message()).contains("+46812345");
    NumberPlan.Refused companyInUse = (NumberPlan.Refused) run(r -> new NumberPlan.RemoveCompany(ACME, r));
    assertThat(companyInUse.refusal().message()).contains("+46812345");
    NumberPlan.Refused apInUse = (NumberPlan.Refused) run(r -> new NumberPlan.RemoveAnsweringPoint(AP, r));
    assertThat(apInUse.refusal().message()).contains("company acme").contains("queue sales");

    run(r -> new NumberPlan.RemoveEntry("+46812345", r));
    assertThat(run(r -> new NumberPlan.RemoveQueue(SALES, r))).isInstanceOf(NumberPlan.Done.class);
    assertThat(run(r -> new NumberPlan.RemoveCompany(ACME, r))).isInstanceOf(NumberPlan.Done.class);
    NumberPlan.Done done = (NumberPlan.Done) run(r -> new NumberPlan.RemoveAnsweringPoint(AP, r));
    assertThat(done.plan().answeringPoints()).isEmpty();
    assertThat(done.plan().agents().get(agent).queues()).containsExactly(SALES);
    assertThat(done.plan().calendars()).containsKey(office);

    var restarted = plan.restart();
    assertThat(restarted.state()).isEqualTo(done.plan());
  }
}
