package io.switchboard.core.queue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.CborSerializable;
import io.switchboard.core.Refusal;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.estimatedwait.EstimatedWait;
import io.switchboard.core.estimatedwait.RecentHandleTimes;
import io.switchboard.core.engine.EngineSettings;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.routing.AgentPool;
import io.switchboard.core.routing.ContactSummary;
import io.switchboard.core.routing.Matcher;
import io.switchboard.core.routing.Offer;
import io.switchboard.core.routing.OfferId;
import io.switchboard.core.routing.OfferOutcome;
import io.switchboard.core.routing.Strategy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A queue: its waiting contacts in seniority order and the agents of its answer group. It
 * matches them by its strategy and offers contacts to agents; it never decides who gets a call
 * (the call session does) nor what an agent does (the agent does).
 *
 * <p>Persisted: config, the waiting contacts, the logged-in members. Soft, and rebuilt after a
 * restart by asking the members: which members are free, which offers are out.
 */
public final class Queue
    extends EventSourcedBehaviorWithEnforcedReplies<Queue.Command, Queue.Event, Queue.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Queue");

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable {}

  public record Configure(QueueConfig config, ActorRef<Reply> replyTo) implements Command {}

  public record GetState(ActorRef<Reply> replyTo) implements Command {}

  /** Where a waiting call stands (for announcing its place in the queue). */
  public record GetPosition(CallId callId, ActorRef<Reply> replyTo) implements Command {}

  /**
   * From a call session: a contact of this queue is done, after {@code handleTime} of talk, hold
   * and wrap-up. Feeds the estimated wait; not written (the session's events hold the facts).
   */
  public record ContactHandled(CallId callId, Duration handleTime) implements Command {}

  /** From a call session about to route a call here: the queue's calendar and closed action. */
  public record GetAdmission(ActorRef<Reply> replyTo) implements Command {}

  /** From a call session: queue this contact (idempotent per call). */
  public record Enqueue(ContactSummary contact, ActorRef<Reply> replyTo) implements Command {}

  /** From a call session: the contact left (answered, abandoned, overflowed). */
  public record Dequeue(CallId callId, LeaveReason reason) implements Command {}

  /** From an agent: it logged in to this queue's answer group at this level. */
  public record MemberLogin(AgentId agentId, int level) implements Command {}

  public record MemberLogout(AgentId agentId) implements Command {}

  /** From an agent: free now. Answered with an offer or {@link Agent.NoOfferNow}. */
  public record AgentAvailable(AgentId agentId, int level, Instant availableSince, int contactsToday, long epoch)
      implements Command {}

  public record AgentUnavailable(AgentId agentId) implements Command {}

  /** From an agent: it paused or became ready again, for the staffed count of the estimated wait. */
  public record MemberPaused(AgentId agentId, boolean paused) implements Command {}

  /** From an agent: an offer of ours ended without an answer. */
  public record OfferEnded(OfferId offerId, CallId callId, AgentId agentId, OfferOutcome outcome) implements Command {}

  private record Wake() implements Command {}

  /** Persists the arrivals and departures gathered since the last write, in one write. */
  private record Flush() implements Command {}

  // ---------------------------------------------------------------- replies

  public sealed interface Reply extends CborSerializable {}

  public record Done(QueueView view) implements Reply {}

  public record Refused(Refusal refusal) implements Reply {}

  /**
   * {@code menu}: the queue's IVR menu, when it is a control queue with one; {@code
   * customerNumberEntry}: when callers key in their customer number before they are queued.
   */
  public record Admission(QueueId queueId, CalendarId calendarId, ClosedAction closedAction, Menu menu,
      CustomerNumberEntry customerNumberEntry) implements Reply {
    public Admission(QueueId queueId, CalendarId calendarId, ClosedAction closedAction) {
      this(queueId, calendarId, closedAction, null, null);
    }
  }

  /**
   * {@code position}: 1 for the next to be offered; 0 when the call does not wait here. {@code
   * estimatedWait}: EWT (METRICS.md), null when it does not wait or no agent is staffed. {@code
   * hotPrompt}: the queue's temporary announcement now, for a caller to hear first (null: none).
   */
  public record Position(QueueId queueId, CallId callId, int position, int waitingCount, Duration estimatedWait,
      String hotPrompt) implements Reply {}

  public record Enqueued(QueueId queueId, Instant enqueuedAt, Instant virtualStartAt, int position, QueueTerms terms)
      implements Reply {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable {}

  public record Configured(QueueConfig config, Instant at) implements Event {}

  public record ContactQueued(ContactSummary contact) implements Event {}

  public record ContactLeft(CallId callId, LeaveReason reason, Instant at) implements Event {}

  public record MemberJoined(AgentId agentId, int level, Instant at) implements Event {}

  public record MemberLeft(AgentId agentId, Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  public sealed interface State extends CborSerializable {}

  public record Unconfigured() implements State {}

  /**
   * A configured queue. Mutable on purpose: a queue may hold 100,000 waiting contacts, and a
   * copy per event would make every arrival O(n). Only event handlers change it; snapshots and
   * serialization go through the immutable {@link Snapshot}.
   */
  public static final class Active implements State {
    private QueueConfig config;
    private final TreeSet<ContactSummary> waiting = new TreeSet<>(ContactSummary.SENIORITY);
    /** The same contacts by time in this queue, for the max wait. */
    private final TreeSet<ContactSummary> byArrival = new TreeSet<>(
        java.util.Comparator.comparing(ContactSummary::enqueuedAt).thenComparing(ContactSummary::callId));
    private final Map<CallId, ContactSummary> byCall = new HashMap<>();
    private final TreeMap<AgentId, Integer> members = new TreeMap<>();
    /** Today's counts; null until the first contact. */
    private TodayFigures today;

    Active(QueueConfig config) {
      this.config = config;
    }

    public QueueConfig config() {
      return config;
    }

    void add(ContactSummary c) {
      remove(c.callId()); // one entry per call in every index, whatever the journal holds
      waiting.add(c);
      byArrival.add(c);
      byCall.put(c.callId(), c);
    }

    void remove(CallId call) {
      ContactSummary c = byCall.remove(call);
      if (c != null) {
        waiting.remove(c);
        byArrival.remove(c);
      }
    }

    public Optional<ContactSummary> waiting(CallId callId) {
      return Optional.ofNullable(byCall.get(callId));
    }

    public int waitingCount() {
      return waiting.size();
    }

    /** Contacts ahead of this one, plus one. */
    int position(ContactSummary c) {
      return waiting.last().equals(c) ? waiting.size() : waiting.headSet(c).size() + 1;
    }

    @JsonValue
    Snapshot snapshot() {
      return new Snapshot(config, List.copyOf(waiting), Map.copyOf(members), today);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Active of(Snapshot s) {
      Active a = new Active(s.config());
      s.waiting().forEach(a::add);
      a.members.putAll(s.members());
      a.today = s.today();
      return a;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Active a && snapshot().equals(a.snapshot());
    }

    @Override
    public int hashCode() {
      return Objects.hash(config, waiting.size());
    }

    @Override
    public String toString() {
      return "Active[" + config.name() + ", waiting=" + waiting.size() + ", members=" + members + "]";
    }
  }

  /** The immutable form of {@link Active}, written as the snapshot. */
  public record Snapshot(
      QueueConfig config, List<ContactSummary> waiting, Map<AgentId, Integer> members, TodayFigures today)
      implements CborSerializable {}

  // ---------------------------------------------------------------- wiring

  public static void init(ActorSystem<?> system, EngineContext ctx) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, ec -> create(new QueueId(ec.getEntityId()), ctx))
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  public static Behavior<Command> create(QueueId id, EngineContext ctx) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new Queue(id, ctx, context, timers)));
  }

  private final QueueId id;
  private final EngineContext ctx;
  private final TimerScheduler<Command> timers;
  private final Dispatch dispatch = new Dispatch();
  private final RecentHandleTimes handleTimes = new RecentHandleTimes(INITIAL_HANDLE_TIME);
  /** Logged-in members that are paused (not staffed, METRICS.md); in memory, like the handle times. */
  private final Set<AgentId> paused = new HashSet<>();
  private final Writes writes = new Writes();
  private final ActorContext<Command> context;

  private Queue(QueueId id, EngineContext ctx, ActorContext<Command> context, TimerScheduler<Command> timers) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), id.value()),
        EngineSettings.RESTART_ON_JOURNAL_FAILURE);
    this.id = id;
    this.ctx = ctx;
    this.context = context;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return new Unconfigured();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return ctx.settings().snapshots();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    // Statistics come from call and agent events (they name the queue); untagged saves a row each.
    return Set.of();
  }

  /** Snapshots are serialized off the entity's thread: they get an immutable copy. */
  static final SnapshotAdapter<State> SNAPSHOTS = new SnapshotAdapter<>() {
    @Override
    public Object toJournal(State state) {
      return state instanceof Active a ? a.snapshot() : state;
    }

    @Override
    public State fromJournal(Object from) {
      return from instanceof Snapshot s ? Active.of(s) : (State) from;
    }
  };

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return SNAPSHOTS;
  }

  /** Assumed handle time until the queue has answered contacts of its own since it started. */
  static final Duration INITIAL_HANDLE_TIME = Duration.ofMinutes(3);

  private Position position(Active s, CallId callId) {
    int place = s.waiting(callId).map(s::position).orElse(0);
    paused.retainAll(s.members.keySet());
    int staffed = s.members.size() - paused.size();
    Duration ewt = place == 0 ? null
        : EstimatedWait.of(place, staffed, dispatch.pool.size(), handleTimes.mean()).orElse(null);
    return new Position(id, callId, place, s.waitingCount(), ewt, s.config().hotPrompt());
  }

  // ---------------------------------------------------------------- command handlers

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
    b.forAnyState().onCommand(Configure.class, this::onConfigure);
    b.forStateType(Unconfigured.class)
        .onCommand(GetState.class, c -> notConfigured(c.replyTo()))
        .onCommand(GetPosition.class, c -> notConfigured(c.replyTo()))
        .onCommand(GetAdmission.class, c -> notConfigured(c.replyTo()))
        .onCommand(Enqueue.class, c -> notConfigured(c.replyTo()))
        .onAnyCommand(c -> Effect().noReply());
    b.forStateType(Active.class)
        .onCommand(GetState.class, (s, c) -> Effect().reply(c.replyTo(), new Done(view(s))))
        .onCommand(GetPosition.class, (s, c) -> Effect().reply(c.replyTo(), position(s, c.callId())))
        .onCommand(ContactHandled.class, (s, c) -> {
          handleTimes.record(c.handleTime());
          return Effect().noReply();
        })
        .onCommand(MemberPaused.class, (s, c) -> {
          if (c.paused()) paused.add(c.agentId());
          else paused.remove(c.agentId());
          return Effect().noReply();
        })
        .onCommand(GetAdmission.class, (s, c) -> Effect().reply(c.replyTo(),
            new Admission(id, s.config().calendarId(), s.config().closedAction(), s.config().menu(),
                s.config().customerNumberEntry())))
        .onCommand(Enqueue.class, this::onEnqueue)
        .onCommand(Dequeue.class, this::onDequeue)
        .onCommand(MemberLogin.class, this::onMemberLogin)
        .onCommand(MemberLogout.class, this::onMemberLogout)
        .onCommand(AgentAvailable.class, this::onAgentAvailable)
        .onCommand(AgentUnavailable.class, (s, c) -> {
          dispatch.pool.remove(c.agentId());
          return Effect().noReply();
        })
        .onCommand(OfferEnded.class, this::onOfferEnded)
        .onCommand(Flush.class, this::onFlush)
        .onCommand(Wake.class, (s, c) -> {
          dispatch.expire(ctx.now());
          match(s);
          return Effect().noReply();
        });
    return b.build();
  }

  private ReplyEffect<Event, State> onConfigure(State s, Configure c) {
    if (c.config() == null) return Effect().reply(c.replyTo(), new Refused(Refusal.invalid("config", "config is required")));
    if (c.config().overflow() instanceof OverflowTarget.ToQueue to && to.queue().equals(id))
      return Effect().reply(c.replyTo(), new Refused(Refusal.invalid("overflow.queue",
          "queue " + id + " cannot overflow to itself")));
    return Effect().persist(new Configured(c.config(), ctx.now()))
        .thenRun((State after) -> {
          if (after instanceof Active a) {
            dispatch.restrategize(a.config().strategy());
            if (!(s instanceof Active)) askMembers(a);
            publishFigures(a);
            match(a);
          }
        })
        .thenReply(c.replyTo(), after -> new Done(view((Active) after)));
  }

  private ReplyEffect<Event, State> onEnqueue(Active s, Enqueue c) {
    CallId call = c.contact().callId();
    Optional<ContactSummary> already = s.waiting(call);
    Optional<PendingWrite> queued = writes.arrival(call);
    if (already.isPresent() && queued.isEmpty() && !writes.leaving(call))
      return Effect().reply(c.replyTo(), enqueued(s, already.get()));
    if (queued.isPresent()) {
      queued.get().replyTo().add(c.replyTo());
      return Effect().noReply();
    }
    Instant now = ctx.now();
    ContactSummary contact = c.contact().inQueue(id, now,
        c.contact().virtualStartAt() != null ? c.contact().virtualStartAt() : now);
    return write(call, new ContactQueued(contact), c.replyTo());
  }

  private Enqueued enqueued(Active s, ContactSummary c) {
    return new Enqueued(id, c.enqueuedAt(), c.virtualStartAt(), s.position(c), s.config().terms());
  }

  private ReplyEffect<Event, State> onDequeue(Active s, Dequeue c) {
    return willWait(s, c.callId()) ? write(c.callId(), new ContactLeft(c.callId(), c.reason(), ctx.now()), null)
        : Effect().noReply();
  }

  /** Whether the call waits here once the pending writes are written. */
  private boolean willWait(Active s, CallId call) {
    if (writes.arrival(call).isPresent()) return true;
    if (writes.leaving(call)) return false;
    return s.waiting(call).isPresent();
  }

  /**
   * Arrivals and departures wait for the next {@link Flush}: everything that comes in while a
   * write is in flight goes into one write, so a busy queue writes per batch, not per call.
   */
  private ReplyEffect<Event, State> write(CallId call, Event event, ActorRef<Reply> replyTo) {
    writes.add(call, event, replyTo);
    if (!writes.flushScheduled) {
      writes.flushScheduled = true;
      context.getSelf().tell(new Flush());
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onFlush(Active s, Flush f) {
    writes.flushScheduled = false;
    List<PendingWrite> batch = writes.takeAll();
    if (batch.isEmpty()) return Effect().noReply();
    return Effect().persist(batch.stream().map(PendingWrite::event).toList())
        .thenRun((State after) -> {
          Active a = (Active) after;
          for (PendingWrite w : batch) {
            if (w.event() instanceof ContactQueued q) {
              // A contact that left again in the same batch is not confirmed: it is not here.
              Reply reply = a.waiting(q.contact().callId())
                  .<Reply>map(c -> enqueued(a, c))
                  .orElse(new Refused(Refusal.conflict("call " + q.contact().callId()
                      + " left queue " + id + " while being queued; try again")));
              w.replyTo().forEach(r -> r.tell(reply));
            } else if (w.event() instanceof ContactLeft left) {
              dispatch.forget(left.callId());
            }
          }
          publishFigures(a);
          match(a);
        })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onMemberLogin(Active s, MemberLogin c) {
    dispatch.pool.get(c.agentId()).ifPresent(old ->
        dispatch.pool.put(new AgentPool.Candidate(c.agentId(), c.level(), old.availableSince(), old.contactsToday())));
    if (Objects.equals(s.members.get(c.agentId()), c.level())) return Effect().noReply();
    return Effect().persist(new MemberJoined(c.agentId(), c.level(), ctx.now())).thenNoReply();
  }

  private ReplyEffect<Event, State> onMemberLogout(Active s, MemberLogout c) {
    dispatch.pool.remove(c.agentId());
    if (!s.members.containsKey(c.agentId())) return Effect().noReply();
    return Effect().persist(new MemberLeft(c.agentId(), ctx.now())).thenNoReply();
  }

  private ReplyEffect<Event, State> onAgentAvailable(Active s, AgentAvailable c) {
    // An agent saying it is free holds no offer of ours, whatever we thought.
    dispatch.offerTo(c.agentId()).ifPresent(o -> dispatch.end(o.offerId()));
    dispatch.epochs.put(c.agentId(), c.epoch());
    dispatch.pool.put(new AgentPool.Candidate(c.agentId(), c.level(), c.availableSince(), c.contactsToday()));
    boolean member = Objects.equals(s.members.get(c.agentId()), c.level());
    if (member) {
      answerAvailability(s, c);
      return Effect().noReply();
    }
    // Members are persisted so a restarted queue knows whom to ask; learn one we missed.
    return Effect().persist(new MemberJoined(c.agentId(), c.level(), ctx.now()))
        .thenRun((State after) -> answerAvailability((Active) after, c))
        .thenNoReply();
  }

  private void answerAvailability(Active s, AgentAvailable c) {
    List<Matcher.Assignment> made = match(s);
    if (made.stream().noneMatch(a -> a.agentId().equals(c.agentId())))
      ctx.refs().agent(c.agentId()).tell(new Agent.NoOfferNow(id, c.epoch()));
  }

  private ReplyEffect<Event, State> onOfferEnded(Active s, OfferEnded c) {
    Optional<PendingOffer> pending = dispatch.end(c.offerId());
    if (pending.isPresent() && (c.outcome() == OfferOutcome.DECLINED || c.outcome() == OfferOutcome.TIMED_OUT))
      dispatch.cooloff(c.callId(), c.agentId(), ctx.now().plus(ctx.settings().declineCooloff()));
    // The agent is not put back: it announces itself again when it is free.
    dispatch.pool.remove(c.agentId());
    match(s);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> notConfigured(ActorRef<Reply> replyTo) {
    return Effect().reply(replyTo, new Refused(Refusal.notFound("queue " + id + " is not configured")));
  }

  // ---------------------------------------------------------------- matching

  /** Offers waiting contacts to free agents as the strategy says; returns the offers made. */
  private List<Matcher.Assignment> match(Active s) {
    Instant now = ctx.now();
    Instant maxWaitCheck = maxWaits(s, now);
    List<Matcher.Assignment> made = List.of();
    // Every waiting contact already ringing: only ring-all adds agents to a ringing contact.
    boolean anyToOffer = s.config().strategy() == Strategy.RING_ALL || dispatch.offeredByCall.size() < s.waiting.size();
    if (!dispatch.pool.isEmpty() && anyToOffer) {
      Matcher.Result result = Matcher.match(() -> waitingView(s), dispatch.pool, s.config().tierDelay(), now);
      made = result.assignments();
      for (Matcher.Assignment a : made) {
        ContactSummary contact = s.byCall.get(a.callId());
        Offer offer = new Offer(OfferId.random(), contact, now, s.config().offerTimeout(),
            s.config().pauseOnMissedOffer(), s.config().wrapUp(), s.config().terms(),
            dispatch.epochs.getOrDefault(a.agentId(), 0L));
        dispatch.add(new PendingOffer(offer.offerId(), a.callId(), a.agentId(),
            now.plus(s.config().offerTimeout()).plus(ctx.settings().offerGrace())));
        ctx.refs().agent(a.agentId()).tell(new Agent.OfferContact(offer));
      }
      dispatch.tierWake = result.wakeUpAt().orElse(null);
    } else {
      dispatch.tierWake = null;
    }
    Instant wake = dispatch.nextWake().orElse(null);
    if (maxWaitCheck != null && (wake == null || maxWaitCheck.isBefore(wake))) wake = maxWaitCheck;
    if (wake != null) timers.startSingleTimer(Wake.class, new Wake(), durationUntil(wake));
    else timers.cancel(Wake.class);
    return made;
  }

  /**
   * Tells the call sessions whose maximum wait has passed (again every retry interval while
   * they stay: the session decides, and a message can be lost with a node). Returns when to
   * look again.
   */
  private Instant maxWaits(Active s, Instant now) {
    Duration max = s.config().maxWait();
    if (max == null) return null;
    Duration again = ctx.settings().retryInterval();
    Instant next = null;
    for (ContactSummary c : s.byArrival) {
      Instant deadline = c.enqueuedAt().plus(max);
      if (deadline.isAfter(now)) {
        if (next == null || deadline.isBefore(next)) next = deadline;
        break;
      }
      Instant told = dispatch.maxWaitTold.get(c.callId());
      if (told == null || !told.plus(again).isAfter(now)) {
        ctx.refs().call(c.callId()).tell(new CallSession.MaxWaitReached(id, s.config().overflow()));
        dispatch.maxWaitTold.put(c.callId(), now);
        told = now;
      }
      Instant retell = told.plus(again);
      if (next == null || retell.isBefore(next)) next = retell;
    }
    return next;
  }

  /** The waiting contacts as the matcher sees them, leaving out those whose departure is pending. */
  private Iterator<Matcher.Waiting> waitingView(Active s) {
    Iterator<ContactSummary> it = s.waiting.iterator();
    return new Iterator<>() {
      private ContactSummary next = advance();

      private ContactSummary advance() {
        while (it.hasNext()) {
          ContactSummary c = it.next();
          if (!writes.leaving(c.callId())) return c;
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Matcher.Waiting next() {
        ContactSummary c = next;
        next = advance();
        return new Matcher.Waiting(c.callId(), c.priority(), c.virtualStartAt(), dispatch.isOffered(c.callId()),
            dispatch.excluded(c.callId()));
      }
    };
  }

  private Duration durationUntil(Instant at) {
    Duration d = Duration.between(ctx.now(), at);
    return d.isNegative() ? Duration.ZERO : d;
  }

  private void askMembers(Active s) {
    for (AgentId agent : s.members.keySet()) ctx.refs().agent(agent).tell(new Agent.ReportAvailability(id));
  }

  // ---------------------------------------------------------------- recovery

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
      if (state instanceof Active a) {
        dispatch.restrategize(a.config().strategy());
        askMembers(a);
        match(a);
      }
    }).build();
  }

  // ---------------------------------------------------------------- events

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (state, event) -> {
      if (event instanceof Configured e) {
        if (state instanceof Active a) {
          a.config = e.config();
          return a;
        }
        return new Active(e.config());
      }
      Active a = (Active) state;
      if (event instanceof ContactQueued e) {
        a.today = figuresOn(a, e.contact().enqueuedAt()).withQueued();
        a.add(e.contact());
      } else if (event instanceof ContactLeft e) {
        a.waiting(e.callId()).ifPresent(c -> a.today = count(a, c, e));
        a.remove(e.callId());
      } else if (event instanceof MemberJoined e) {
        a.members.put(e.agentId(), e.level());
      } else if (event instanceof MemberLeft e) {
        a.members.remove(e.agentId());
      }
      return a;
    };
  }

  private TodayFigures figuresOn(Active a, Instant at) {
    LocalDate day = LocalDate.ofInstant(at, ctx.settings().timeZone());
    return a.today == null ? TodayFigures.empty(day) : a.today.on(day);
  }

  private TodayFigures count(Active a, ContactSummary c, ContactLeft e) {
    TodayFigures f = figuresOn(a, e.at());
    Duration wait = Duration.between(c.enqueuedAt(), e.at());
    if (wait.isNegative()) wait = Duration.ZERO;
    return switch (e.reason()) {
      case ANSWERED -> f.withAnswered(wait, a.config.serviceLevelThreshold());
      case ABANDONED -> f.withAbandoned(wait, a.config.shortAbandonThreshold());
      case OVERFLOWED -> f.withOverflowed();
      case ORPHANED -> f;
    };
  }

  /** Today's figures as of now (zero on a day without contacts yet). */
  private TodayFigures today(Active s) {
    return figuresOn(s, ctx.now());
  }

  private void publishFigures(Active s) {
    ctx.notifier().publish(new Notification.QueueChanged(figures(s), ctx.now()));
  }

  private QueueFigures figures(Active s) {
    Instant oldest = s.byArrival.isEmpty() ? null : s.byArrival.first().enqueuedAt();
    return new QueueFigures(id, s.config.name(), s.waiting.size(), oldest, today(s),
        s.config.serviceLevelThreshold().toSeconds(), s.config.serviceLevelTargetPercent());
  }

  // ---------------------------------------------------------------- views

  private QueueView view(Active s) {
    List<QueueView.WaitingContact> waiting = new ArrayList<>();
    int position = 0;
    for (ContactSummary c : s.waiting) {
      waiting.add(new QueueView.WaitingContact(c.callId(), ++position, c.priority(), c.virtualStartAt(),
          c.enqueuedAt(), dispatch.offeredTo(c.callId())));
      if (position >= QueueView.MAX_LISTED) break;
    }
    List<QueueView.Member> members = new ArrayList<>();
    s.members.forEach((agent, level) -> members.add(new QueueView.Member(agent, level, dispatch.pool.contains(agent))));
    Instant oldest = s.byArrival.isEmpty() ? null : s.byArrival.first().enqueuedAt();
    return new QueueView(id, s.config(), s.waiting.size(), oldest, waiting, members, dispatch.pool.size(),
        dispatch.offers.size(), today(s));
  }

  // ---------------------------------------------------------------- soft state

  /** An arrival or departure waiting for the next write, with whom to tell once it is written. */
  private record PendingWrite(Event event, List<ActorRef<Reply>> replyTo) {}

  private static final class Writes {
    private List<PendingWrite> pending = new ArrayList<>();
    /** Per call, its latest pending write: what the call will be once the batch is written. */
    private final Map<CallId, PendingWrite> latest = new HashMap<>();
    boolean flushScheduled;

    void add(CallId call, Event event, ActorRef<Reply> replyTo) {
      List<ActorRef<Reply>> replies = new ArrayList<>();
      if (replyTo != null) replies.add(replyTo);
      PendingWrite w = new PendingWrite(event, replies);
      pending.add(w);
      latest.put(call, w);
    }

    /** Its pending arrival, when that is the latest pending write of the call. */
    Optional<PendingWrite> arrival(CallId call) {
      PendingWrite w = latest.get(call);
      return w != null && w.event() instanceof ContactQueued ? Optional.of(w) : Optional.empty();
    }

    /** Whether the call's latest pending write is its departure. */
    boolean leaving(CallId call) {
      PendingWrite w = latest.get(call);
      return w != null && w.event() instanceof ContactLeft;
    }

    List<PendingWrite> takeAll() {
      List<PendingWrite> batch = pending;
      pending = new ArrayList<>();
      latest.clear();
      return batch;
    }
  }

  private record PendingOffer(OfferId offerId, CallId callId, AgentId agentId, Instant expiresAt) {}

  /** Who is free and which offers are out: rebuilt from the agents after a restart. */
  private static final class Dispatch {
    AgentPool pool = new AgentPool(Strategy.LONGEST_IDLE);
    final Map<AgentId, Long> epochs = new HashMap<>();
    final Map<OfferId, PendingOffer> offers = new HashMap<>();
    final Map<CallId, Set<AgentId>> offeredByCall = new HashMap<>();
    final Map<AgentId, OfferId> offerByAgent = new HashMap<>();
    final Map<CallId, Map<AgentId, Instant>> cooloffs = new HashMap<>();
    final Map<CallId, Instant> maxWaitTold = new HashMap<>();
    Instant tierWake;

    void restrategize(Strategy strategy) {
      if (pool.strategy() == strategy) return;
      AgentPool next = new AgentPool(strategy);
      pool.inOrder().forEach(next::put);
      pool = next;
    }

    void add(PendingOffer o) {
      offers.put(o.offerId(), o);
      offeredByCall.computeIfAbsent(o.callId(), k -> new HashSet<>()).add(o.agentId());
      offerByAgent.put(o.agentId(), o.offerId());
    }

    Optional<PendingOffer> end(OfferId offerId) {
      PendingOffer o = offers.remove(offerId);
      if (o == null) return Optional.empty();
      Set<AgentId> agents = offeredByCall.get(o.callId());
      if (agents != null && agents.remove(o.agentId()) && agents.isEmpty()) offeredByCall.remove(o.callId());
      offerByAgent.remove(o.agentId(), o.offerId());
      return Optional.of(o);
    }

    Optional<PendingOffer> offerTo(AgentId agent) {
      return Optional.ofNullable(offerByAgent.get(agent)).map(offers::get);
    }

    boolean isOffered(CallId call) {
      return offeredByCall.containsKey(call);
    }

    List<AgentId> offeredTo(CallId call) {
      return List.copyOf(offeredByCall.getOrDefault(call, Set.of()));
    }

    Set<AgentId> excluded(CallId call) {
      Set<AgentId> ringing = offeredByCall.get(call);
      Map<AgentId, Instant> cool = cooloffs.get(call);
      if (cool == null) return ringing == null ? Set.of() : ringing;
      Set<AgentId> all = new HashSet<>(cool.keySet());
      if (ringing != null) all.addAll(ringing);
      return all;
    }

    void cooloff(CallId call, AgentId agent, Instant until) {
      cooloffs.computeIfAbsent(call, k -> new HashMap<>()).put(agent, until);
    }

    /** The contact left: its offers are withdrawn by the call session, its agents will announce. */
    void forget(CallId call) {
      for (AgentId agent : offeredByCall.getOrDefault(call, Set.of()).toArray(AgentId[]::new)) {
        OfferId o = offerByAgent.get(agent);
        if (o != null) end(o);
      }
      cooloffs.remove(call);
      maxWaitTold.remove(call);
    }

    void expire(Instant now) {
      offers.values().stream().filter(o -> !o.expiresAt().isAfter(now)).map(PendingOffer::offerId).toList()
          .forEach(this::end);
      cooloffs.values().forEach(m -> m.values().removeIf(until -> !until.isAfter(now)));
      cooloffs.values().removeIf(Map::isEmpty);
    }

    Optional<Instant> nextWake() {
      Instant next = tierWake;
      for (PendingOffer o : offers.values()) if (next == null || o.expiresAt().isBefore(next)) next = o.expiresAt();
      for (Map<AgentId, Instant> m : cooloffs.values())
        for (Instant until : m.values()) if (next == null || until.isBefore(next)) next = until;
      return Optional.ofNullable(next);
    }
  }
}
