package io.switchboard.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.Refusal;
import io.switchboard.core.testkit.EngineHarness;
import io.switchboard.core.testkit.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on the in-memory journal, with a hand-moved clock and a recording delivery.
 * Ticks are sent by the test (the timer's interval is far beyond a test's length); a restart is
 * a stop and a new start on the same persistence id.
 */
class ReportSchedulerTest {
  static final ActorTestKit kit = ActorTestKit.create("report-scheduler", EngineHarness.inMemoryConfig());
  static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
  static final Duration DELAY = Duration.ofMinutes(10);
  static final Duration TICK = Duration.ofHours(1);
  static final Duration WAIT = Duration.ofSeconds(5);

  /** Monday 23 November 2026, 10:00 in Stockholm. Day 2026-11-23 ends at 23:00Z and is due at 23:10Z. */
  final TestClock clock = new TestClock(Instant.parse("2026-11-23T09:00:00Z"));
  final RecordingDelivery delivery = new RecordingDelivery();
  final String instance = "test-" + UUID.randomUUID();
  final TestProbe<ReportScheduler.Reply> probe = kit.createTestProbe(ReportScheduler.Reply.class);

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  /** Answers deliveries as told: sent, failed (surely not sent) or never (a hang or a crash mid-send). */
  static final class RecordingDelivery implements ReportDelivery {
    enum Mode { SEND, FAIL, HANG }

    volatile Mode mode = Mode.SEND;
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final List<CompletableFuture<Void>> hanging = Collections.synchronizedList(new ArrayList<>());

    @Override
    public CompletionStage<Void> deliver(ReportSubscription s, ReportPeriod p) {
      calls.add(s.id() + " " + p.label());
      return switch (mode) {
        case SEND -> CompletableFuture.completedFuture(null);
        case FAIL -> CompletableFuture.failedFuture(new IOException("550 smtp says no"));
        case HANG -> {
          CompletableFuture<Void> f = new CompletableFuture<>();
          hanging.add(f);
          yield f;
        }
      };
    }

    List<String> calls() {
      return List.copyOf(calls);
    }
  }

  ActorRef<ReportScheduler.Command> start() {
    return kit.spawn(ReportScheduler.create(instance, clock, STOCKHOLM, DELAY, TICK, delivery));
  }

  ActorRef<ReportScheduler.Command> restart(ActorRef<ReportScheduler.Command> scheduler) {
    kit.stop(scheduler, WAIT);
    return start();
  }

  static ReportSubscription daily(String id, String owner) {
    return new ReportSubscription(id, owner, ReportKind.QUEUE_SUMMARY, ReportSchedule.DAILY, Map.of("queue", "sales"),
        List.of(owner + "@example.com"), null);
  }

  ReportScheduler.Reply subscribe(ActorRef<ReportScheduler.Command> s, ReportSubscription sub) {
    s.tell(new ReportScheduler.Subscribe(sub, probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  ReportScheduler.Reply unsubscribe(ActorRef<ReportScheduler.Command> s, String id, String by, boolean admin) {
    s.tell(new ReportScheduler.Unsubscribe(id, by, admin, probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  /** The listing, read after everything sent before it was handled. */
  List<ReportScheduler.SubscriptionView> list(ActorRef<ReportScheduler.Command> s) {
    s.tell(new ReportScheduler.ListSubscriptions(probe.ref()));
    return ((ReportScheduler.Listed) probe.receiveMessage(WAIT)).subscriptions();
  }

  ReportScheduler.SubscriptionView view(ActorRef<ReportScheduler.Command> s, String id) {
    return list(s).stream().filter(v -> v.subscription().id().equals(id)).findFirst().orElse(null);
  }

  /** Sends a tick and waits until it (and the claims it wrote) were handled. */
  void tick(ActorRef<ReportScheduler.Command> s) {
    s.tell(new ReportScheduler.Tick());
    list(s);
  }

  void eventually(Runnable check) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) throw e;
        try {
          Thread.sleep(20);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  static String label(ReportPeriod p) {
    return p == null ? null : p.label();
  }

  static List<String> labels(List<ReportPeriod> ps) {
    return ps.stream().map(ReportPeriod::label).toList();
  }

  // ---------------------------------------------------------------- tests

  @Test
  void sendsOnceWhenDueAndNeverAgainForThatPeriodEvenAfterARestart() {
    var s = start();
    var accepted = (ReportScheduler.Accepted) subscribe(s, daily("rs-1", "sara"));
    assertThat(accepted.subscription().subscription().createdAt()).isEqualTo(clock.instant());
    assertThat(label(accepted.subscription().next())).isEqualTo("2026-11-23");
    assertThat(accepted.subscription().nextDueAt()).isEqualTo(Instant.parse("2026-11-23T23:10:00Z"));

    tick(s);
    clock.set(Instant.parse("2026-11-23T23:09:59Z"));
    tick(s);
    assertThat(delivery.calls()).isEmpty();

    clock.set(Instant.parse("2026-11-23T23:10:00Z"));
    tick(s);
    eventually(() -> assertThat(label(view(s, "rs-1").lastDelivered())).isEqualTo("2026-11-23"));
    assertThat(view(s, "rs-1").lastDeliveredAt()).isEqualTo(Instant.parse("2026-11-23T23:10:00Z"));
    tick(s);
    clock.advance(Duration.ofHours(3));
    tick(s);
    assertThat(delivery.calls()).containsExactly("rs-1 2026-11-23");

    var again = restart(s);
    tick(again);
    var v = view(again, "rs-1");
    assertThat(delivery.calls()).containsExactly("rs-1 2026-11-23");
    assertThat(label(v.lastDelivered())).isEqualTo("2026-11-23");
    assertThat(label(v.next())).isEqualTo("2026-11-24");
    assertThat(v.uncertain()).isEmpty();

    clock.set(Instant.parse("2026-11-24T23:10:00Z"));
    tick(again);
    eventually(() -> assertThat(label(view(again, "rs-1").lastDelivered())).isEqualTo("2026-11-24"));
    assertThat(delivery.calls()).containsExactly("rs-1 2026-11-23", "rs-1 2026-11-24");
  }

  @Test
  void aPeriodClaimedButNotConfirmedBeforeARestartIsUncertainAndNotResent() {
    var s = start();
    subscribe(s, daily("rs-1", "sara"));
    delivery.mode = RecordingDelivery.Mode.HANG;
    clock.set(Instant.parse("2026-11-23T23:10:00Z"));
    tick(s);
    assertThat(delivery.calls()).containsExactly("rs-1 2026-11-23");
    assertThat(label(view(s, "rs-1").sending())).isEqualTo("2026-11-23");
    assertThat(view(s, "rs-1").next()).isNull();

    // The node dies with the mail maybe on its way: the claim is in the journal, the answer is not.
    var again = restart(s);
    tick(again);
    var v = view(again, "rs-1");
    assertThat(v.sending()).isNull();
    assertThat(labels(v.uncertain())).containsExactly("2026-11-23");
    assertThat(label(v.next())).isEqualTo("2026-11-24");
    assertThat(delivery.calls()).containsExactly("rs-1 2026-11-23");

    delivery.mode = RecordingDelivery.Mode.SEND;
    clock.set(Instant.parse("2026-11-24T23:10:00Z"));
    tick(again);
    eventually(() -> assertThat(label(view(again, "rs-1").lastDelivered())).isEqualTo("2026-11-24"));
    assertThat(delivery.calls()).containsExactly("rs-1 2026-11-23", "rs-1 2026-11-24");
    assertThat(labels(view(again, "rs-1").uncertain())).containsExactly("2026-11-23");

    // Still uncertain after another restart, and still not resent.
    var third = restart(again);
    tick(third);
    assertThat(labels(view(third, "rs-1").uncertain())).containsExactly("2026-11-23");
    assertThat(delivery.calls()).hasSize(2);
  }

  @Test
  void aDeliveryThatNeverAnswersIsGivenUpAsUncertainAndALateSuccessStillCounts() {
    var s = start();
    subscribe(s, daily("rs-1", "sara"));
    delivery.mode = RecordingDelivery.Mode.HANG;
    clock.set(Instant.parse("2026-11-23T23:10:00Z"));
    tick(s);
    clock.advance(ReportScheduler.DELIVERY_TIMEOUT);
    tick(s);
    var v = view(s, "rs-1");
    assertThat(v.sending()).isNull();
    assertThat(labels(v.uncertain())).containsExactly("2026-11-23");
    assertThat(delivery.calls()).hasSize(1);

    // The mail server answers after all: the period is confirmed, not uncertain.
    delivery.hanging.get(0).complete(null);
    eventually(() -> assertThat(label(view(s, "rs-1").lastDelivered())).isEqualTo("2026-11-23"));
    assertThat(view(s, "rs-1").uncertain()).isEmpty();
    assertThat(delivery.calls()).hasSize(1);
  }

  @Test
  void aFailedDeliveryIsRetriedOnALaterTick() {
    var s = start();
    subscribe(s, daily("rs-1", "sara"));
    delivery.mode = RecordingDelivery.Mode.FAIL;
    clock.set(Instant.parse("2026-11-23T23:10:00Z"));
    tick(s);
    eventually(() -> assertThat(view(s, "rs-1").failures()).isEqualTo(1));
    var failed = view(s, "rs-1");
    assertThat(failed.lastError()).contains("550 smtp says no");
    assertThat(label(failed.next())).isEqualTo("2026-11-23");
    assertThat(failed.nextDueAt()).isEqualTo(Instant.parse("2026-11-23T23:10:00Z").plus(TICK));
    // Not hammered within the same tick interval.
    tick(s);
    assertThat(delivery.calls()).containsExactly("rs-1 2026-11-23");

    delivery.mode = RecordingDelivery.Mode.SEND;
    clock.advance(TICK);
    tick(s);
    eventually(() -> assertThat(label(view(s, "rs-1").lastDelivered())).isEqualTo("2026-11-23"));
    assertThat(delivery.calls()).containsExactly("rs-1 2026-11-23", "rs-1 2026-11-23");
    assertThat(view(s, "rs-1").failures()).isZero();

    // A failure is journalled: after a restart the period is retried, not lost and not uncertain.
    subscribe(s, daily("rs-2", "olle"));
    delivery.mode = RecordingDelivery.Mode.FAIL;
    clock.set(Instant.parse("2026-11-24T23:10:00Z"));
    tick(s);
    eventually(() -> assertThat(view(s, "rs-2").failures()).isEqualTo(1));
    var again = restart(s);
    delivery.mode = RecordingDelivery.Mode.SEND;
    clock.advance(TICK);
    tick(again);
    eventually(() -> assertThat(label(view(again, "rs-2").lastDelivered())).isEqualTo("2026-11-24"));
    assertThat(view(again, "rs-2").uncertain()).isEmpty();
  }

  @Test
  void unsubscribingStopsSendingAndOnlyTheOwnerOrAnAdminMayDoIt() {
    var s = start();
    subscribe(s, daily("rs-1", "sara"));
    subscribe(s, daily("rs-2", "olle"));
    var refused = (ReportScheduler.Refused) unsubscribe(s, "rs-1", "olle", false);
    assertThat(refused.refusal().code()).isEqualTo(Refusal.Code.NOT_FOUND);
    assertThat(unsubscribe(s, "rs-1", "sara", false)).isEqualTo(new ReportScheduler.Removed("rs-1"));
    assertThat(((ReportScheduler.Refused) unsubscribe(s, "rs-1", "sara", false)).refusal().code())
        .isEqualTo(Refusal.Code.NOT_FOUND);

    clock.set(Instant.parse("2026-11-23T23:10:00Z"));
    tick(s);
    eventually(() -> assertThat(label(view(s, "rs-2").lastDelivered())).isEqualTo("2026-11-23"));
    assertThat(delivery.calls()).containsExactly("rs-2 2026-11-23");

    assertThat(unsubscribe(s, "rs-2", "admin", true)).isEqualTo(new ReportScheduler.Removed("rs-2"));
    var again = restart(s);
    assertThat(list(again)).isEmpty();
    clock.set(Instant.parse("2026-11-25T23:10:00Z"));
    tick(again);
    assertThat(delivery.calls()).containsExactly("rs-2 2026-11-23");
  }

  @Test
  void aNewSubscriptionStartsWithItsOwnPeriodAndMissedPeriodsGoOutOneByOne() {
    // Created just after midnight: yesterday is complete but older than the subscription.
    clock.set(Instant.parse("2026-11-23T23:05:00Z"));
    var s = start();
    var accepted = (ReportScheduler.Accepted) subscribe(s, daily("rs-1", "sara"));
    assertThat(label(accepted.subscription().next())).isEqualTo("2026-11-24");
    var monthly = new ReportSubscription("rs-m", "sara", ReportKind.BILLING, ReportSchedule.MONTHLY,
        Map.of("answeringPoint", "north"), List.of("billing@example.com"), null);
    var m = (ReportScheduler.Accepted) subscribe(s, monthly);
    assertThat(label(m.subscription().next())).isEqualTo("2026-11");
    assertThat(m.subscription().nextDueAt()).isEqualTo(Instant.parse("2026-11-30T23:10:00Z"));
    clock.set(Instant.parse("2026-11-23T23:30:00Z"));
    tick(s);
    assertThat(delivery.calls()).isEmpty();

    // Three days without a scheduler: each missed day is sent, in order, each once.
    clock.set(Instant.parse("2026-11-27T08:00:00Z"));
    tick(s);
    eventually(() -> assertThat(label(view(s, "rs-1").lastDelivered())).isEqualTo("2026-11-26"));
    tick(s);
    assertThat(delivery.calls()).containsExactly("rs-1 2026-11-24", "rs-1 2026-11-25", "rs-1 2026-11-26");
  }

  @Test
  void onlyOnePeriodPerSubscriptionAndAFewDeliveriesOverallAreInFlight() {
    clock.set(Instant.parse("2026-11-20T09:00:00Z"));
    var s = start();
    for (int i = 1; i <= 6; i++) subscribe(s, daily("rs-" + i, "sara"));
    delivery.mode = RecordingDelivery.Mode.HANG;
    // Several periods of each are due.
    clock.set(Instant.parse("2026-11-23T23:10:00Z"));
    tick(s);
    tick(s);
    assertThat(delivery.calls()).hasSize(ReportScheduler.MAX_IN_FLIGHT);
    assertThat(delivery.calls()).allMatch(c -> c.endsWith("2026-11-20"));

    delivery.mode = RecordingDelivery.Mode.SEND;
    delivery.hanging.get(0).complete(null);
    // The freed slot goes to a subscription that was waiting, and its backlog follows.
    eventually(() -> assertThat(list(s).stream().filter(v -> "2026-11-23".equals(label(v.lastDelivered())))).hasSize(3));
    assertThat(delivery.calls().stream().filter(c -> c.endsWith("2026-11-20"))).hasSize(6);
  }

  @Test
  void badAndDuplicateSubscriptionsAreRefusedNamingTheField() {
    var s = start();
    subscribe(s, daily("rs-1", "sara"));
    var dup = (ReportScheduler.Refused) subscribe(s, daily("rs-1", "olle"));
    assertThat(dup.refusal().code()).isEqualTo(Refusal.Code.CONFLICT);
    var bad = (ReportScheduler.Refused) subscribe(s, new ReportSubscription("rs-2", "sara", ReportKind.BILLING,
        ReportSchedule.WEEKLY, Map.of("queue", "sales"), List.of("sara@example.com"), null));
    assertThat(bad.refusal().code()).isEqualTo(Refusal.Code.INVALID);
    assertThat(bad.refusal().field()).isEqualTo("parameters.queue");
    // A caller cannot back-date a subscription to get old periods.
    var backdated = (ReportScheduler.Accepted) subscribe(s, daily("rs-3", "sara").withCreatedAt(Instant.parse("2020-01-01T00:00:00Z")));
    assertThat(backdated.subscription().subscription().createdAt()).isEqualTo(clock.instant());
    assertThat(list(s)).extracting(v -> v.subscription().id()).containsExactly("rs-1", "rs-3");
  }

  @Test
  void initRunsItAsAClusterSingletonReachedThroughItsProxy() {
    ActorTestKit node = ActorTestKit.create("report-singleton", EngineHarness.inMemoryConfig());
    try {
      var cluster = org.apache.pekko.cluster.typed.Cluster.get(node.system());
      cluster.manager().tell(org.apache.pekko.cluster.typed.Join.create(cluster.selfMember().address()));
      var proxy = ReportScheduler.init(node.system(), clock, STOCKHOLM, DELAY, TICK, delivery);
      TestProbe<ReportScheduler.Reply> replies = node.createTestProbe(ReportScheduler.Reply.class);
      proxy.tell(new ReportScheduler.Subscribe(daily("rs-1", "sara"), replies.ref()));
      // The proxy buffers until the singleton runs on the oldest member.
      replies.expectMessageClass(ReportScheduler.Accepted.class, Duration.ofSeconds(20));
      clock.set(Instant.parse("2026-11-23T23:10:00Z"));
      proxy.tell(new ReportScheduler.Tick());
      replies.awaitAssert(WAIT, () -> {
        proxy.tell(new ReportScheduler.ListSubscriptions(replies.ref()));
        var v = ((ReportScheduler.Listed) replies.receiveMessage()).subscriptions().get(0);
        assertThat(label(v.lastDelivered())).isEqualTo("2026-11-23");
        return null;
      });
      assertThat(delivery.calls()).containsExactly("rs-1 2026-11-23");
    } finally {
      node.shutdownTestKit();
    }
  }

  @Test
  void snapshotsAndEventsRoundTripThroughCbor() {
    var ser = new org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit(kit.system());
    ReportSubscription sub = daily("rs-1", "sara").withCreatedAt(clock.instant());
    ReportPeriod p = ReportSchedule.DAILY.containing(clock.instant(), STOCKHOLM);
    var entry = new ReportScheduler.Entry(sub, p, p, clock.instant(), ReportSchedule.DAILY.after(p, STOCKHOLM),
        clock.instant(), List.of(ReportSchedule.DAILY.before(p, STOCKHOLM)), p, 2, "550 no", clock.instant());
    var state = new ReportScheduler.State(Map.of("rs-1", entry));
    assertThat(ser.verifySerialization(state, true)).isEqualTo(state);
    assertThat(ser.verifySerialization(new ReportScheduler.DeliveryFailed("rs-1", p, "550 no", clock.instant()), true))
        .isNotNull();
  }
}
