package io.switchboard.core.report;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.Refusal;
import io.switchboard.core.engine.EngineSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Sends every report subscription once per period, from one place in the cluster (a singleton).
 *
 * <p>At most once per period: the claim of a period is journalled before the delivery starts, and
 * only a delivery that surely failed is tried again. A claim that is neither confirmed nor failed
 * when the scheduler restarts may have been mailed just before the crash, so it is never resent:
 * it is listed as uncertain and the subscription moves on to the next period. A subscription
 * starts with the period it was created in; earlier periods are never back-filled. Missed
 * periods after an outage are sent one after another. Nothing depends on a timer surviving a
 * restart: what is due follows from the journalled periods and the clock, and every tick looks.
 */
public final class ReportScheduler
    extends EventSourcedBehaviorWithEnforcedReplies<ReportScheduler.Command, ReportScheduler.Event, ReportScheduler.State> {

  public static final String TYPE = "ReportScheduler";
  public static final String CENTRE = "centre";
  public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofMinutes(1);
  /** A delivery silent this long is given up on: its period becomes uncertain, the next one may go. */
  public static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(15);
  /** Retries after failures wait tick interval × 2^(failures−1), at most this long. */
  public static final Duration MAX_RETRY_BACKOFF = Duration.ofHours(1);
  /** Deliveries running at once across all subscriptions: a burst at midnight must not flood the mail server. */
  public static final int MAX_IN_FLIGHT = 4;
  /** Uncertain periods kept per subscription for the listing (the oldest are dropped). */
  static final int MAX_UNCERTAIN_KEPT = 20;

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable {}

  public record Subscribe(ReportSubscription subscription, ActorRef<Reply> replyTo) implements Command {}

  /** {@code admin} lets {@code requestedBy} remove someone else's subscription. */
  public record Unsubscribe(String id, String requestedBy, boolean admin, ActorRef<Reply> replyTo) implements Command {}

  public record ListSubscriptions(ActorRef<Reply> replyTo) implements Command {}

  /** Looks for due periods; sent by the timer, after each delivery, and by tests. */
  public record Tick() implements Command {}

  /** Ends the singleton gracefully when it hands over to another node. */
  public record Stop() implements Command {}

  /** How one delivery ended: {@code failure} is null on success. */
  record DeliveryOutcome(String id, ReportPeriod period, String failure) implements Command {}

  // ---------------------------------------------------------------- replies

  public sealed interface Reply extends CborSerializable {}

  public record Accepted(SubscriptionView subscription) implements Reply {}

  public record Listed(List<SubscriptionView> subscriptions) implements Reply {}

  public record Removed(String id) implements Reply {}

  public record Refused(Refusal refusal) implements Reply {}

  /**
   * A subscription and where its deliveries stand. {@code next} is due at {@code nextDueAt}
   * (a retry's time after a failure); {@code sending} is on its way now; {@code uncertain}
   * periods were claimed before a restart and may or may not have been sent.
   */
  public record SubscriptionView(
      ReportSubscription subscription,
      ReportPeriod next,
      Instant nextDueAt,
      ReportPeriod sending,
      ReportPeriod lastDelivered,
      Instant lastDeliveredAt,
      List<ReportPeriod> uncertain,
      int failures,
      String lastError,
      Instant lastErrorAt)
      implements CborSerializable {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable {}

  /** {@code firstPeriod} is the period the subscription was created in: nothing before it is sent. */
  public record Subscribed(ReportSubscription subscription, ReportPeriod firstPeriod) implements Event {}

  public record Unsubscribed(String id, String by, Instant at) implements Event {}

  /** Written before the delivery starts: from here on the period is never claimed again unless it fails. */
  public record DeliveryClaimed(String id, ReportPeriod period, Instant at) implements Event {}

  public record Delivered(String id, ReportPeriod period, Instant at) implements Event {}

  public record DeliveryFailed(String id, ReportPeriod period, String reason, Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  /**
   * One subscription's progress. {@code claimed} is the period whose delivery was started and
   * not yet answered; {@code failed} is a period to try again.
   */
  public record Entry(
      ReportSubscription subscription,
      ReportPeriod firstPeriod,
      ReportPeriod lastDelivered,
      Instant lastDeliveredAt,
      ReportPeriod claimed,
      Instant claimedAt,
      List<ReportPeriod> uncertain,
      ReportPeriod failed,
      int failures,
      String lastError,
      Instant lastErrorAt)
      implements CborSerializable {

    public Entry {
      uncertain = uncertain == null ? List.of() : List.copyOf(uncertain);
    }

    static Entry fresh(ReportSubscription s, ReportPeriod first) {
      return new Entry(s, first, null, null, null, null, List.of(), null, 0, null, null);
    }

    Entry withClaim(ReportPeriod p, Instant at) {
      List<ReportPeriod> u = uncertain;
      ReportPeriod f = failed;
      int n = failures;
      // A new claim while an old one is open means the old one was abandoned (restart or timeout).
      if (claimed != null && !claimed.equals(p)) {
        u = new ArrayList<>(uncertain);
        u.add(claimed);
        if (u.size() > MAX_UNCERTAIN_KEPT) u = u.subList(u.size() - MAX_UNCERTAIN_KEPT, u.size());
      }
      if (f != null && !f.equals(p)) {
        f = null;
        n = 0;
      }
      return new Entry(subscription, firstPeriod, lastDelivered, lastDeliveredAt, p, at, u, f, n, lastError, lastErrorAt);
    }

    Entry withDelivery(ReportPeriod p, Instant at) {
      boolean later = lastDelivered == null || p.to().isAfter(lastDelivered.to());
      List<ReportPeriod> u = uncertain.contains(p) ? uncertain.stream().filter(x -> !x.equals(p)).toList() : uncertain;
      return new Entry(subscription, firstPeriod, later ? p : lastDelivered, later ? at : lastDeliveredAt,
          p.equals(claimed) ? null : claimed, p.equals(claimed) ? null : claimedAt, u,
          p.equals(failed) ? null : failed, p.equals(failed) ? 0 : failures, lastError, lastErrorAt);
    }

    Entry withFailure(ReportPeriod p, String reason, Instant at) {
      return new Entry(subscription, firstPeriod, lastDelivered, lastDeliveredAt,
          p.equals(claimed) ? null : claimed, p.equals(claimed) ? null : claimedAt, uncertain, p, failures + 1, reason, at);
    }
  }

  public record State(Map<String, Entry> subscriptions) implements CborSerializable {
    public State {
      subscriptions = subscriptions == null ? Map.of() : subscriptions;
    }

    State with(String id, Entry e) {
      Map<String, Entry> copy = new TreeMap<>(subscriptions);
      if (e == null) copy.remove(id);
      else copy.put(id, e);
      return new State(Collections.unmodifiableMap(copy));
    }
  }

  // ---------------------------------------------------------------- wiring

  /** Starts the cluster-wide scheduler (a singleton on the oldest node) and returns its proxy. */
  public static ActorRef<Command> init(ActorSystem<?> system, Clock clock, ZoneId zone, Duration sendDelay,
      Duration tickInterval, ReportDelivery delivery) {
    Behavior<Command> supervised = Behaviors.supervise(create(CENTRE, clock, zone, sendDelay, tickInterval, delivery))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2));
    return ClusterSingleton.get(system).init(SingletonActor.of(supervised, "report-scheduler").withStopMessage(new Stop()));
  }

  /** The scheduler journalled under {@code instance}; tests use their own instance per case. */
  public static Behavior<Command> create(String instance, Clock clock, ZoneId zone, Duration sendDelay,
      Duration tickInterval, ReportDelivery delivery) {
    // A fresh object per start, so what was in flight in an earlier life is not taken for in flight now.
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ReportScheduler(instance, clock, zone, sendDelay, tickInterval, delivery, ctx, timers)));
  }

  private record InFlight(ReportPeriod period, Instant since) {}

  private final Clock clock;
  private final ZoneId zone;
  private final Duration sendDelay;
  private final Duration tickInterval;
  private final ReportDelivery delivery;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  /** Deliveries started by this life of the scheduler and not answered yet, by subscription id. */
  private final Map<String, InFlight> inFlight = new HashMap<>();

  private ReportScheduler(String instance, Clock clock, ZoneId zone, Duration sendDelay, Duration tickInterval,
      ReportDelivery delivery, ActorContext<Command> context, TimerScheduler<Command> timers) {
    super(PersistenceId.of(TYPE, instance), EngineSettings.RESTART_ON_JOURNAL_FAILURE);
    if (sendDelay.isNegative()) throw new IllegalArgumentException("sendDelay must not be negative");
    if (tickInterval.isZero() || tickInterval.isNegative()) throw new IllegalArgumentException("tickInterval must be positive");
    this.clock = clock;
    this.zone = zone;
    this.sendDelay = sendDelay;
    this.tickInterval = tickInterval;
    this.delivery = delivery;
    this.context = context;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Events are never deleted (TOOLING.md): snapshots only.
    return RetentionCriteria.snapshotEvery(200, 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          timers.startTimerWithFixedDelay(Tick.class, new Tick(), tickInterval);
          // Periods that fell due while no scheduler ran go out now, not a tick later.
          context.getSelf().tell(new Tick());
        })
        .build();
  }

  // ---------------------------------------------------------------- commands

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Subscribe.class, this::onSubscribe)
        .onCommand(Unsubscribe.class, this::onUnsubscribe)
        .onCommand(ListSubscriptions.class, (s, c) -> Effect().reply(c.replyTo(), new Listed(
            s.subscriptions().values().stream().map(e -> view(e, clock.instant())).toList())))
        .onCommand(Tick.class, this::onTick)
        .onCommand(DeliveryOutcome.class, this::onOutcome)
        .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply())
        .build();
  }

  private ReplyEffect<Event, State> onSubscribe(State s, Subscribe c) {
    if (c.subscription() == null) return refuse(c.replyTo(), Refusal.invalid("subscription", "subscription is required"));
    // The scheduler's clock decides where a subscription starts, so no caller can back-fill.
    Instant now = clock.instant();
    ReportSubscription sub = c.subscription().withCreatedAt(now);
    Refusal problem = sub.problem();
    if (problem != null) return refuse(c.replyTo(), problem);
    if (s.subscriptions().containsKey(sub.id()))
      return refuse(c.replyTo(), Refusal.conflict("report subscription " + sub.id() + " already exists"));
    ReportPeriod first = sub.schedule().containing(now, zone);
    return Effect().persist(new Subscribed(sub, first))
        .thenReply(c.replyTo(), after -> new Accepted(view(after.subscriptions().get(sub.id()), now)));
  }

  private ReplyEffect<Event, State> onUnsubscribe(State s, Unsubscribe c) {
    Entry e = c.id() == null ? null : s.subscriptions().get(c.id());
    // Someone else's subscription is as invisible as a missing one.
    if (e == null || !(c.admin() || e.subscription().owner().equals(c.requestedBy())))
      return refuse(c.replyTo(), Refusal.notFound("unknown report subscription " + c.id()));
    return Effect().persist(new Unsubscribed(c.id(), c.requestedBy(), clock.instant()))
        .thenReply(c.replyTo(), after -> new Removed(c.id()));
  }

  private ReplyEffect<Event, State> onTick(State s, Tick c) {
    Instant now = clock.instant();
    inFlight.entrySet().removeIf(f -> {
      boolean gone = !s.subscriptions().containsKey(f.getKey());
      boolean silent = !f.getValue().since().plus(DELIVERY_TIMEOUT).isAfter(now);
      if (silent && !gone)
        context.getLog().warn("report {} for {}: no answer from the delivery within {}; it is now uncertain and not resent",
            f.getKey(), f.getValue().period().label(), DELIVERY_TIMEOUT);
      return gone || silent;
    });
    record Due(Entry entry, ReportPeriod period, Instant dueAt) {}
    List<Due> due = new ArrayList<>();
    for (Entry e : s.subscriptions().values()) {
      Next n = next(e);
      if (n != null && !n.dueAt().isAfter(now)) due.add(new Due(e, n.period(), n.dueAt()));
    }
    int free = MAX_IN_FLIGHT - inFlight.size();
    if (due.isEmpty() || free <= 0) return Effect().none().thenNoReply();
    List<Due> chosen = due.stream().sorted(Comparator.comparing(Due::dueAt)).limit(free).toList();
    List<Event> claims = chosen.stream()
        .map(d -> (Event) new DeliveryClaimed(d.entry().subscription().id(), d.period(), now)).toList();
    return Effect().persist(claims)
        .thenRun(after -> chosen.forEach(d -> start(d.entry().subscription(), d.period(), now)))
        .thenNoReply();
  }

  /** Runs after the claim is in the journal. */
  private void start(ReportSubscription sub, ReportPeriod period, Instant now) {
    inFlight.put(sub.id(), new InFlight(period, now));
    CompletionStage<Void> sent;
    try {
      sent = delivery.deliver(sub, period);
      if (sent == null) sent = CompletableFuture.failedFuture(new IllegalStateException("the delivery returned nothing"));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    context.pipeToSelf(sent, (ok, err) -> new DeliveryOutcome(sub.id(), period, err == null ? null : reason(err)));
  }

  private ReplyEffect<Event, State> onOutcome(State s, DeliveryOutcome c) {
    InFlight f = inFlight.get(c.id());
    if (f != null && f.period().equals(c.period())) inFlight.remove(c.id());
    Entry e = s.subscriptions().get(c.id());
    // Only the open claim is settled: a late answer for a period already given up and passed is ignored.
    if (e == null || !c.period().equals(e.claimed())) {
      if (e != null)
        context.getLog().info("report {} for {}: late {} ignored", c.id(), c.period().label(),
            c.failure() == null ? "success" : "failure (" + c.failure() + ")");
      return Effect().none().thenNoReply();
    }
    Instant now = clock.instant();
    Event event;
    if (c.failure() == null) {
      event = new Delivered(c.id(), c.period(), now);
    } else {
      context.getLog().warn("report {} for {} failed (attempt {}): {}", c.id(), c.period().label(), e.failures() + 1,
          c.failure());
      event = new DeliveryFailed(c.id(), c.period(), c.failure(), now);
    }
    // Look again at once: a delivery slot is free for whatever else is due.
    return Effect().persist(event).thenRun(after -> context.getSelf().tell(new Tick())).thenNoReply();
  }

  // ---------------------------------------------------------------- policy

  private record Next(ReportPeriod period, Instant dueAt) {}

  /** The period the subscription sends next and when, or null while one is on its way. */
  private Next next(Entry e) {
    ReportSchedule schedule = e.subscription().schedule();
    if (e.claimed() != null) {
      if (inFlight.containsKey(e.subscription().id())) return null;
      // Claimed in an earlier life and never answered: it may have been sent, so it is passed over.
      ReportPeriod p = schedule.after(e.claimed(), zone);
      return new Next(p, ReportSchedule.dueAt(p, sendDelay));
    }
    if (e.failed() != null) return new Next(e.failed(), retryAt(e));
    ReportPeriod p = e.lastDelivered() == null ? e.firstPeriod() : schedule.after(e.lastDelivered(), zone);
    return new Next(p, ReportSchedule.dueAt(p, sendDelay));
  }

  private Instant retryAt(Entry e) {
    Instant due = ReportSchedule.dueAt(e.failed(), sendDelay);
    Duration backoff = tickInterval.multipliedBy(1L << Math.min(Math.max(e.failures() - 1, 0), 20));
    if (backoff.compareTo(MAX_RETRY_BACKOFF) > 0) backoff = MAX_RETRY_BACKOFF;
    Instant retry = e.lastErrorAt() == null ? due : e.lastErrorAt().plus(backoff);
    return retry.isAfter(due) ? retry : due;
  }

  private SubscriptionView view(Entry e, Instant now) {
    Next n = next(e);
    boolean sending = e.claimed() != null && inFlight.containsKey(e.subscription().id());
    List<ReportPeriod> uncertain = e.uncertain();
    if (e.claimed() != null && !sending) {
      uncertain = new ArrayList<>(uncertain);
      uncertain.add(e.claimed());
    }
    return new SubscriptionView(e.subscription(), n == null ? null : n.period(), n == null ? null : n.dueAt(),
        sending ? e.claimed() : null, e.lastDelivered(), e.lastDeliveredAt(), List.copyOf(uncertain), e.failures(),
        e.lastError(), e.lastErrorAt());
  }

  private static String reason(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) c = c.getCause();
    String m = c.getMessage();
    String why = m == null || m.isBlank() ? c.getClass().getSimpleName() : c.getClass().getSimpleName() + ": " + m.strip();
    // Kept short: it goes into the journal and the listing.
    return why.length() > 500 ? why.substring(0, 500) + "…" : why;
  }

  private ReplyEffect<Event, State> refuse(ActorRef<Reply> replyTo, Refusal refusal) {
    return Effect().reply(replyTo, new Refused(refusal));
  }

  // ---------------------------------------------------------------- events

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (s, event) -> {
      if (event instanceof Subscribed e) return s.with(e.subscription().id(), Entry.fresh(e.subscription(), e.firstPeriod()));
      if (event instanceof Unsubscribed e) return s.with(e.id(), null);
      if (event instanceof DeliveryClaimed e) return update(s, e.id(), x -> x.withClaim(e.period(), e.at()));
      if (event instanceof Delivered e) return update(s, e.id(), x -> x.withDelivery(e.period(), e.at()));
      if (event instanceof DeliveryFailed e) return update(s, e.id(), x -> x.withFailure(e.period(), e.reason(), e.at()));
      throw new IllegalStateException("unexpected event " + event);
    };
  }

  private static State update(State s, String id, java.util.function.UnaryOperator<Entry> change) {
    Entry e = s.subscriptions().get(id);
    return e == null ? s : s.with(id, change.apply(e));
  }
}
