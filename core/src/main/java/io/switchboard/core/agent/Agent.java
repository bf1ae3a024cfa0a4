package io.switchboard.core.agent;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.Refusal;
import io.switchboard.core.agent.AgentContact.Phase;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.call.EndedBy;
import io.switchboard.core.call.TransferTarget;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.EngineSettings;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.routing.Channel;
import io.switchboard.core.routing.ContactSummary;
import io.switchboard.core.routing.Offer;
import io.switchboard.core.routing.OfferId;
import io.switchboard.core.routing.OfferOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
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
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * An agent: the one place that decides what the agent is doing. It may be free in several
 * queues; every queue may offer it a contact, and the agent takes one and turns the others down,
 * so no agent ever holds two voice contacts. When it becomes free it asks all its queues at once
 * and, for a short window, collects their offers to take the most senior contact across them.
 *
 * <p>Persisted: config, login, presence (ready / paused with reason), and each contact's phase
 * (reserved, busy, wrap-up) with its deadline. Soft (rebuilt after a restart by resync): which
 * offers are being collected and an accept in flight.
 */
public final class Agent
    extends EventSourcedBehaviorWithEnforcedReplies<Agent.Command, Agent.Event, Agent.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Agent");

  static final String MISSED_OFFER = "missed offer";
  public static final String AFTER_LOGIN = "after login";
  public static final String NO_CONNECTION = "no-connection";

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable {}

  /** Commands a person (or the API on their behalf) gives; {@code loginId} proves the session. */
  public sealed interface UserCommand extends Command {
    ActorRef<Reply> replyTo();
  }

  public record Configure(AgentConfig config, ActorRef<Reply> replyTo) implements UserCommand {}

  /**
   * Log in to some of the configured answer groups (empty: all). A login with a new {@code
   * loginId} replaces an older one and keeps the agent's state; the same login twice is refused.
   */
  public record Login(String loginId, List<QueueId> groups, boolean ready, ActorRef<Reply> replyTo)
      implements UserCommand {}

  public record Logout(String loginId, ActorRef<Reply> replyTo) implements UserCommand {}

  public record SetReady(String loginId, ActorRef<Reply> replyTo) implements UserCommand {}

  public record Pause(String loginId, String reason, ActorRef<Reply> replyTo) implements UserCommand {}

  public record AcceptOffer(String loginId, OfferId offerId, ActorRef<Reply> replyTo)
      implements UserCommand {}

  public record DeclineOffer(String loginId, OfferId offerId, ActorRef<Reply> replyTo)
      implements UserCommand {}

  /** The agent hangs up; {@code callId} may be null for "my current call". */
  public record EndCall(String loginId, CallId callId, ActorRef<Reply> replyTo) implements UserCommand {}

  /**
   * Sends the call the agent talks on (or {@code callId}) on, blind (ANS-4): the call's session
   * agrees first, then the agent's talk ends as if it hung up (wrap-up starts).
   */
  public record Transfer(String loginId, CallId callId, TransferTarget target, ActorRef<Reply> replyTo)
      implements UserCommand {}

  /**
   * Announce transfer (ANS-4): consults {@code number} on the call the agent talks on (or {@code
   * callId}) before connecting the caller there; the caller is held meanwhile. The call's
   * session decides; the agent stays busy on the call.
   */
  public record Consult(String loginId, CallId callId, String number, ActorRef<Reply> replyTo)
      implements UserCommand {}

  /** During a consultation: talk to the other party (the contact or the caller). */
  public record Toggle(String loginId, CallId callId, ActorRef<Reply> replyTo) implements UserCommand {}

  /**
   * Connects the caller with the consulted contact and leaves: the talk ends as a transfer
   * (wrap-up starts), once the call agreed.
   */
  public record CompleteConsult(String loginId, CallId callId, ActorRef<Reply> replyTo) implements UserCommand {}

  /** Ends the consultation (drops the contact) and is back with the caller. */
  public record CancelConsult(String loginId, CallId callId, ActorRef<Reply> replyTo) implements UserCommand {}

  public record EndWrapUp(String loginId, ActorRef<Reply> replyTo) implements UserCommand {}

  public record GetState(ActorRef<Reply> replyTo) implements UserCommand {}

  /** From a queue: a contact for this agent. */
  public record OfferContact(Offer offer) implements Command {}

  /** From a queue: nothing for you now (the answer to an availability announcement). */
  public record NoOfferNow(QueueId queue, long epoch) implements Command {}

  /** From a queue that restarted and lost who is free. */
  public record ReportAvailability(QueueId queue) implements Command {}

  /** From the call session: the offer is gone (answered by another, abandoned, moved). */
  public record OfferWithdrawn(OfferId offerId, CallId callId, String reason) implements Command {}

  /** From the call session: the caller hung up during the conversation. */
  public record CallerHungUp(CallId callId, Instant at) implements Command {}

  /** From the call session, answering {@link CallSession.CheckOffer}. */
  public record OfferStatus(OfferId offerId, CallId callId, CallSession.OfferState state)
      implements Command {}

  /** From the call session, answering {@link CallSession.CheckCall}. */
  public record CallStatus(CallId callId, CallSession.TalkState state, Instant endedAt)
      implements Command {}

  /** From the call session: it has written the call's completion this agent reported. */
  public record CompletionConfirmed(CallId callId) implements Command {}

  /**
   * A desktop socket of login {@code loginId} is open (sent every heartbeat) or closed. Once a
   * login has reported a socket, the agent is not left available after its last one is gone.
   */
  public record Presence(String loginId, String connectionId, boolean open) implements Command {}

  private record AnswerResult(
      OfferId offerId, CallSession.AnswerReply reply, Throwable failure, ActorRef<Reply> replyTo)
      implements Command {}

  private record OfferTimeout(OfferId offerId) implements Command {}

  private record WrapUpTimeout(CallId callId) implements Command {}

  private record CollectDone(long epoch) implements Command {}

  /** While an accept's outcome is unknown (its reply was lost), ask the call session again. */
  private record RecheckAccept(OfferId offerId) implements Command {}

  /** Report completions the call sessions have not confirmed yet. */
  private record ResendCompletions() implements Command {}

  private record CheckPresence() implements Command {}

  // ---------------------------------------------------------------- replies

  public sealed interface Reply extends CborSerializable {}

  public record Done(AgentView view) implements Reply {}

  public record Refused(Refusal refusal) implements Reply {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable {
    Instant at();
  }

  public record Configured(AgentConfig config, Instant at) implements Event {}

  public record LoggedIn(
      String loginId, List<AnswerGroup> groups, boolean ready, String replacedLoginId, Instant at)
      implements Event {}

  public record LoggedOut(String loginId, String reason, Instant at) implements Event {}

  public record Readied(Instant at) implements Event {}

  public record Paused(String reason, Instant at) implements Event {}

  public record OfferReserved(Offer offer, Instant at, Instant deadline) implements Event {}

  public record OfferReleased(OfferId offerId, CallId callId, OfferOutcome outcome, Instant at)
      implements Event {}

  public record Connected(OfferId offerId, CallId callId, Instant at) implements Event {}

  public record TalkEnded(CallId callId, EndedBy by, Instant at, Instant wrapUpDeadline)
      implements Event {}

  public record WrapUpEnded(CallId callId, Instant at) implements Event {}

  /** The login has a desktop socket: from now on, being without one pauses or logs it out. */
  public record Attended(String loginId, Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  public sealed interface State extends CborSerializable {}

  /** No config yet: the agent does not exist. */
  public record Unconfigured() implements State {}

  public record LoggedOutState(AgentConfig config, DailyCount today, Instant since, Completion lastCompletion)
      implements State {}

  /** Completions kept in the state to be reported again after a restart: the last and those before it. */
  static final int COMPLETIONS_KEPT = 16;

  /**
   * The agent's last finished call, with the ones before it ({@code before}, newest first; in all
   * at most {@link #COMPLETIONS_KEPT}): every one is reported again to its session after a
   * restart. Which of them the sessions confirmed is known only in memory, and a completion that
   * is lost leaves its call talking for good (the session keeps no timer); the chaos test found
   * one: a call's node was killed, the agent finished more calls, then the agent itself restarted
   * and reported only its last. Reporting a confirmed one again is harmless: the session
   * confirms again. {@code before} is null in states written before it existed.
   */
  public record Completion(CallId callId, Instant at, List<Completion> before) implements CborSerializable {
    public Completion(CallId callId, Instant at) {
      this(callId, at, List.of());
    }

    /** This one and those before it, newest first. */
    List<Completion> all() {
      List<Completion> all = new ArrayList<>();
      all.add(this);
      if (before != null) all.addAll(before);
      return all;
    }

    /** {@code call} finished after this one: the new last, the oldest dropped beyond the bound. */
    Completion then(CallId call, Instant when) {
      List<Completion> earlier = new ArrayList<>();
      for (Completion c : all()) {
        if (earlier.size() == COMPLETIONS_KEPT - 1) break;
        earlier.add(new Completion(c.callId(), c.at()));
      }
      return new Completion(call, when, List.copyOf(earlier));
    }
  }

  public record LoggedInState(
      AgentConfig config,
      DailyCount today,
      String loginId,
      List<AnswerGroup> groups,
      boolean ready,
      String pauseReason,
      Instant presenceSince,
      List<AgentContact> contacts,
      Instant availableSince,
      Instant lastContactEndedAt,
      Completion lastCompletion,
      boolean attended)
      implements State {

    boolean free(Channel channel) {
      return ready && contacts.stream().filter(c -> channelOf(c) == channel).count() < config.capacity(channel);
    }

    Optional<AgentContact> contact(OfferId offerId) {
      return contacts.stream().filter(c -> c.offer().offerId().equals(offerId)).findFirst();
    }

    Optional<AgentContact> contact(CallId callId) {
      return contacts.stream().filter(c -> c.offer().contact().callId().equals(callId)).findFirst();
    }

    Optional<AgentContact> inPhase(Phase phase) {
      return contacts.stream().filter(c -> c.phase() == phase).findFirst();
    }

    Optional<AnswerGroup> group(QueueId queue) {
      return groups.stream().filter(g -> g.queue().equals(queue)).findFirst();
    }

    LoggedInState withContacts(UnaryOperator<List<AgentContact>> change) {
      return new LoggedInState(config, today, loginId, groups, ready, pauseReason, presenceSince,
          List.copyOf(change.apply(new ArrayList<>(contacts))), availableSince, lastContactEndedAt, lastCompletion, attended);
    }

    LoggedInState withConfig(AgentConfig newConfig, List<AnswerGroup> newGroups) {
      return new LoggedInState(newConfig, today, loginId, newGroups, ready, pauseReason, presenceSince, contacts,
          availableSince, lastContactEndedAt, lastCompletion, attended);
    }

    LoggedInState withLogin(String newLoginId, List<AnswerGroup> newGroups) {
      // A new login is attended once one of its sockets reports in.
      return new LoggedInState(config, today, newLoginId, newGroups, ready, pauseReason, presenceSince, contacts,
          availableSince, lastContactEndedAt, lastCompletion, false);
    }

    LoggedInState withPresence(boolean isReady, String reason, Instant since) {
      return new LoggedInState(config, today, loginId, groups, isReady, reason, since, contacts, availableSince,
          lastContactEndedAt, lastCompletion, attended);
    }

    LoggedInState withAvailableSince(Instant since) {
      return new LoggedInState(config, today, loginId, groups, ready, pauseReason, presenceSince, contacts, since,
          lastContactEndedAt, lastCompletion, attended);
    }

    LoggedInState withContactEnded(DailyCount count, Instant at) {
      return new LoggedInState(config, count, loginId, groups, ready, pauseReason, presenceSince, contacts,
          availableSince, at, lastCompletion, attended);
    }

    LoggedInState withCompletion(Completion completion) {
      return new LoggedInState(config, today, loginId, groups, ready, pauseReason, presenceSince, contacts,
          availableSince, lastContactEndedAt, completion, attended);
    }

    LoggedInState withAttended() {
      return new LoggedInState(config, today, loginId, groups, ready, pauseReason, presenceSince, contacts,
          availableSince, lastContactEndedAt, lastCompletion, true);
    }
  }

  /** Contacts completed on one local day: "handled today" and the fewest-contacts strategy. */
  public record DailyCount(LocalDate day, int handled) implements CborSerializable {
    int on(LocalDate date) {
      return date.equals(day) ? handled : 0;
    }
  }

  private static Channel channelOf(AgentContact c) {
    return c.offer().contact().channel();
  }

  // ---------------------------------------------------------------- wiring

  public static void init(ActorSystem<?> system, EngineContext ctx) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, ec -> create(new AgentId(ec.getEntityId()), ctx))
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  public static Behavior<Command> create(AgentId id, EngineContext ctx) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> new Agent(id, ctx, context, timers)));
  }

  private final AgentId id;
  private final EngineContext ctx;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;

  /** Availability announcements are numbered so late answers to an old one are recognised. */
  private long epoch;
  /** Offers gathered in the window after an announcement, or null outside a window. */
  private Collecting collecting;
  /**
   * The offer whose accept waits for the call session's word, or null. It stays set when the
   * reply was lost, until the session says what became of the offer: meanwhile the agent neither
   * times the offer out nor lets it be withdrawn, since only the session knows whether it answered.
   */
  private OfferId accepting;
  /** Hang-ups that came while their call was being connected, applied once it is. */
  private final java.util.Map<CallId, Instant> hungUpEarly = new java.util.HashMap<>();
  /** Completions reported to call sessions and not yet confirmed, re-sent until they are. */
  private final java.util.Map<CallId, Instant> unconfirmed = new java.util.HashMap<>();

  /** Desktop sockets of the current login, by connection id, with when each last reported. */
  private final java.util.Map<String, Instant> sockets = new java.util.HashMap<>();
  /** Since when the attended login has had no socket, or null while it has one. */
  private Instant absentSince;

  private record Collecting(long epoch, Set<QueueId> awaiting, List<Offer> offers) {}

  private Agent(AgentId id, EngineContext ctx, ActorContext<Command> context, TimerScheduler<Command> timers) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), id.value()),
        EngineSettings.RESTART_ON_JOURNAL_FAILURE);
    this.id = id;
    this.ctx = ctx;
    this.context = context;
    this.timers = timers;
    // Numbered from the clock so a restarted agent's announcements still count up.
    this.epoch = ctx.now().toEpochMilli();
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
    return Set.of(ctx.settings().tag("agent", id.value()));
  }

  // ---------------------------------------------------------------- command handlers

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
    b.forStateType(Unconfigured.class)
        .onCommand(Configure.class, this::onConfigure)
        .onCommand(UserCommand.class, (s, c) -> refuse(c.replyTo(), Refusal.notFound("unknown agent " + id)))
        .onCommand(OfferContact.class, (s, c) -> notAvailable(c.offer(), true))
        .onAnyCommand(c -> Effect().noReply());
    b.forStateType(LoggedOutState.class)
        .onCommand(Configure.class, this::onConfigure)
        .onCommand(Login.class, this::onLogin)
        .onCommand(GetState.class, (s, c) -> Effect().reply(c.replyTo(), new Done(view(s))))
        .onCommand(UserCommand.class, (s, c) -> refuse(c.replyTo(), Refusal.conflict("agent " + id + " is not logged in")))
        .onCommand(OfferContact.class, (s, c) -> notAvailable(c.offer(), true))
        .onCommand(ReportAvailability.class, (s, c) -> {
          ctx.refs().queue(c.queue()).tell(new Queue.MemberLogout(id));
          return Effect().noReply();
        })
        .onCommand(CompletionConfirmed.class, (s, c) -> {
          unconfirmed.remove(c.callId());
          return Effect().noReply();
        })
        .onCommand(ResendCompletions.class, (s, c) -> {
          resendCompletions();
          return Effect().noReply();
        })
        .onAnyCommand(c -> Effect().noReply());
    b.forStateType(LoggedInState.class)
        .onCommand(Configure.class, this::onConfigure)
        .onCommand(Login.class, this::onLogin)
        .onCommand(GetState.class, (s, c) -> Effect().reply(c.replyTo(), new Done(view(s))))
        .onCommand(Logout.class, (s, c) -> checked(s, c, () -> onLogout(s, c)))
        .onCommand(SetReady.class, (s, c) -> checked(s, c, () -> onSetReady(s, c)))
        .onCommand(Pause.class, (s, c) -> checked(s, c, () -> onPause(s, c)))
        .onCommand(AcceptOffer.class, (s, c) -> checked(s, c, () -> onAccept(s, c)))
        .onCommand(DeclineOffer.class, (s, c) -> checked(s, c, () -> onDecline(s, c)))
        .onCommand(EndCall.class, (s, c) -> checked(s, c, () -> onEndCall(s, c)))
        .onCommand(Transfer.class, (s, c) -> checked(s, c, () -> onTransfer(s, c)))
        .onCommand(TransferAnswered.class, this::onTransferAnswered)
        .onCommand(Consult.class, (s, c) -> checked(s, c, () ->
            consultStep(s, c.callId(), c.replyTo(), false, r -> new CallSession.Consult(id, c.number(), r))))
        .onCommand(Toggle.class, (s, c) -> checked(s, c, () ->
            consultStep(s, c.callId(), c.replyTo(), false, r -> new CallSession.Toggle(id, r))))
        .onCommand(CompleteConsult.class, (s, c) -> checked(s, c, () ->
            consultStep(s, c.callId(), c.replyTo(), true, r -> new CallSession.CompleteConsult(id, r))))
        .onCommand(CancelConsult.class, (s, c) -> checked(s, c, () ->
            consultStep(s, c.callId(), c.replyTo(), false, r -> new CallSession.CancelConsult(id, r))))
        .onCommand(ConsultAnswered.class, this::onConsultAnswered)
        .onCommand(EndWrapUp.class, (s, c) -> checked(s, c, () -> onEndWrapUp(s, c)))
        .onCommand(OfferContact.class, this::onOffer)
        .onCommand(NoOfferNow.class, this::onNoOfferNow)
        .onCommand(CollectDone.class, this::onCollectDone)
        .onCommand(ReportAvailability.class, this::onReportAvailability)
        .onCommand(AnswerResult.class, this::onAnswerResult)
        .onCommand(OfferTimeout.class, this::onOfferTimeout)
        .onCommand(OfferWithdrawn.class, this::onOfferWithdrawn)
        .onCommand(OfferStatus.class, this::onOfferStatus)
        .onCommand(CallerHungUp.class, this::onCallerHungUp)
        .onCommand(CallStatus.class, this::onCallStatus)
        .onCommand(WrapUpTimeout.class, this::onWrapUpTimeout)
        .onCommand(Presence.class, this::onPresence)
        .onCommand(CheckPresence.class, this::onCheckPresence)
        .onCommand(RecheckAccept.class, (s, c) -> {
          if (c.offerId().equals(accepting)) s.contact(c.offerId()).ifPresent(o -> checkOffer(o.offer()));
          return Effect().noReply();
        });
    b.forAnyState()
        .onCommand(CompletionConfirmed.class, c -> {
          unconfirmed.remove(c.callId());
          return Effect().noReply();
        })
        .onCommand(ResendCompletions.class, c -> {
          resendCompletions();
          return Effect().noReply();
        })
        .onAnyCommand(c -> Effect().noReply());
    return b.build();
  }

  private record TransferAnswered(CallId callId, CallSession.Reply reply, Throwable failure, ActorRef<Reply> replyTo)
      implements Command {}

  /** The call's answer to a consultation step; {@code completes}: the step was the completion. */
  private record ConsultAnswered(CallId callId, boolean completes, CallSession.Reply reply, Throwable failure,
      ActorRef<Reply> replyTo) implements Command {}

  private interface Handler {
    ReplyEffect<Event, State> run();
  }

  /** Commands of a replaced login must not steer the agent. */
  private ReplyEffect<Event, State> checked(LoggedInState s, UserCommand c, Handler handler) {
    String loginId = loginIdOf(c);
    if (loginId == null || loginId.isBlank())
      return refuse(c.replyTo(), Refusal.invalid("loginId", "loginId is required"));
    if (!loginId.equals(s.loginId()))
      return refuse(c.replyTo(), Refusal.conflict(
          "login " + loginId + " of agent " + id + " was replaced by a newer login"));
    return handler.run();
  }

  private static String loginIdOf(UserCommand c) {
    if (c instanceof Logout x) return x.loginId();
    if (c instanceof SetReady x) return x.loginId();
    if (c instanceof Pause x) return x.loginId();
    if (c instanceof AcceptOffer x) return x.loginId();
    if (c instanceof DeclineOffer x) return x.loginId();
    if (c instanceof EndCall x) return x.loginId();
    if (c instanceof Transfer x) return x.loginId();
    if (c instanceof Consult x) return x.loginId();
    if (c instanceof Toggle x) return x.loginId();
    if (c instanceof CompleteConsult x) return x.loginId();
    if (c instanceof CancelConsult x) return x.loginId();
    if (c instanceof EndWrapUp x) return x.loginId();
    return null;
  }

  private ReplyEffect<Event, State> onConfigure(State s, Configure c) {
    if (c.config() == null) return refuse(c.replyTo(), Refusal.invalid("config", "config is required"));
    Instant now = ctx.now();
    return Effect().persist(new Configured(c.config(), now))
        .thenRun((State after) -> {
          if (s instanceof LoggedInState before && after instanceof LoggedInState in)
            syncMembership(before.groups(), in.groups());
          changed(s, after, "configured");
        })
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  private ReplyEffect<Event, State> onLogin(State s, Login c) {
    AgentConfig config = configOf(s);
    if (c.loginId() == null || c.loginId().isBlank())
      return refuse(c.replyTo(), Refusal.invalid("loginId", "loginId is required"));
    List<AnswerGroup> groups = new ArrayList<>();
    if (c.groups() == null || c.groups().isEmpty()) {
      groups.addAll(config.answerGroups());
    } else {
      for (QueueId q : new java.util.LinkedHashSet<>(c.groups())) {
        Optional<AnswerGroup> g = config.group(q);
        if (g.isEmpty())
          return refuse(c.replyTo(), Refusal.invalid("groups", "agent " + id + " has no answer group for queue " + q));
        groups.add(g.get());
      }
    }
    if (groups.isEmpty())
      return refuse(c.replyTo(), Refusal.conflict("agent " + id + " has no answer groups to log in to"));
    String replaced = null;
    List<AnswerGroup> before = List.of();
    if (s instanceof LoggedInState in) {
      if (in.loginId().equals(c.loginId()))
        return refuse(c.replyTo(), Refusal.conflict("agent " + id + " is already logged in with login " + c.loginId()));
      replaced = in.loginId();
      before = in.groups();
    }
    List<AnswerGroup> previous = before;
    String cause = replaced == null ? "logged-in" : "login-replaced";
    return Effect().persist(new LoggedIn(c.loginId(), List.copyOf(groups), c.ready(), replaced, ctx.now()))
        .thenRun((State after) -> {
          syncMembership(previous, ((LoggedInState) after).groups());
          changed(s, after, cause);
        })
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  private ReplyEffect<Event, State> onPresence(LoggedInState s, Presence p) {
    // Sockets of a replaced login do not count: nobody there works for the current one.
    if (p.loginId() == null || !p.loginId().equals(s.loginId()) || p.connectionId() == null)
      return Effect().noReply();
    Instant now = ctx.now();
    if (p.open()) {
      sockets.put(p.connectionId(), now);
      absentSince = null;
    } else if (sockets.remove(p.connectionId()) != null && sockets.isEmpty()) {
      absentSince = now;
    }
    if (!timers.isTimerActive(CheckPresence.class))
      timers.startTimerWithFixedDelay(CheckPresence.class, new CheckPresence(), ctx.settings().presenceCheckInterval());
    if (s.attended()) return Effect().noReply();
    return Effect().persist(new Attended(s.loginId(), now)).thenNoReply();
  }

  private ReplyEffect<Event, State> onCheckPresence(LoggedInState s, CheckPresence c) {
    if (!s.attended()) {
      timers.cancel(CheckPresence.class);
      return Effect().noReply();
    }
    Instant now = ctx.now();
    // A socket whose node died says nothing more: it is gone after three silent heartbeats.
    Instant stale = now.minus(ctx.settings().heartbeatInterval().multipliedBy(3));
    sockets.values().removeIf(seen -> seen.isBefore(stale));
    if (!sockets.isEmpty()) {
      absentSince = null;
      return Effect().noReply();
    }
    if (absentSince == null) absentSince = now;
    if (Duration.between(absentSince, now).compareTo(ctx.settings().absenceGrace()) < 0) return Effect().noReply();
    // On a call or accepting one: act once it is over.
    if (accepting != null || s.contacts().stream().anyMatch(x -> x.phase() != Phase.RESERVED))
      return Effect().noReply();
    List<Event> events = new ArrayList<>();
    List<AgentContact> ringing = s.contacts();
    for (AgentContact r : ringing) events.add(released(r, OfferOutcome.DECLINED, now));
    String cause;
    if (ctx.settings().absenceLogsOut()) {
      events.add(new LoggedOut(s.loginId(), NO_CONNECTION, now));
      cause = "absent-logged-out";
      timers.cancel(CheckPresence.class);
    } else if (s.ready() || !NO_CONNECTION.equals(s.pauseReason()) || !ringing.isEmpty()) {
      events.add(new Paused(NO_CONNECTION, now));
      cause = "absent-paused";
    } else {
      return Effect().noReply();
    }
    return Effect().persist(events)
        .thenRun((State after) -> {
          ringing.forEach(r -> tellReleased(r, OfferOutcome.DECLINED, now));
          if (after instanceof LoggedOutState) syncMembership(s.groups(), List.of());
          changed(s, after, cause);
        })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onLogout(LoggedInState s, Logout c) {
    if (accepting != null)
      return refuse(c.replyTo(), Refusal.conflict("an accept is in progress; log out after it"));
    Optional<AgentContact> active = s.contacts().stream().filter(x -> x.phase() != Phase.RESERVED).findFirst();
    if (active.isPresent())
      return refuse(c.replyTo(), Refusal.conflict("agent " + id + " is " + status(s).name().toLowerCase()
          + " on call " + active.get().offer().contact().callId() + "; end the call and wrap-up first"));
    Instant now = ctx.now();
    List<Event> events = new ArrayList<>();
    List<AgentContact> ringing = s.contacts();
    for (AgentContact r : ringing) events.add(released(r, OfferOutcome.DECLINED, now));
    events.add(new LoggedOut(s.loginId(), "logout", now));
    return Effect().persist(events)
        .thenRun((State after) -> {
          ringing.forEach(r -> tellReleased(r, OfferOutcome.DECLINED, now));
          syncMembership(s.groups(), List.of());
          changed(s, after, "logged-out");
        })
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  private ReplyEffect<Event, State> onSetReady(LoggedInState s, SetReady c) {
    Instant now = ctx.now();
    List<Event> events = new ArrayList<>();
    Optional<AgentContact> wrap = s.inPhase(Phase.WRAP_UP);
    wrap.ifPresent(w -> events.add(new WrapUpEnded(w.offer().contact().callId(), now)));
    if (!s.ready()) events.add(new Readied(now));
    if (events.isEmpty()) return Effect().reply(c.replyTo(), new Done(view(s)));
    return Effect().persist(events)
        .thenRun((State after) -> {
          wrap.ifPresent(w -> tellWrapUpFinished(w, now));
          changed(s, after, "ready");
        })
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  private ReplyEffect<Event, State> onPause(LoggedInState s, Pause c) {
    if (c.reason() == null || c.reason().isBlank() || c.reason().length() > 64)
      return refuse(c.replyTo(), Refusal.invalid("reason", "a pause needs a reason of 1-64 characters"));
    if (!s.ready() && c.reason().equals(s.pauseReason())) return Effect().reply(c.replyTo(), new Done(view(s)));
    if (accepting != null)
      return refuse(c.replyTo(), Refusal.conflict("an accept is in progress; pause after it"));
    Instant now = ctx.now();
    List<Event> events = new ArrayList<>();
    Optional<AgentContact> ringing = s.inPhase(Phase.RESERVED);
    // Pausing while an offer rings turns it down.
    ringing.ifPresent(r -> events.add(released(r, OfferOutcome.DECLINED, now)));
    events.add(new Paused(c.reason(), now));
    return Effect().persist(events)
        .thenRun((State after) -> {
          ringing.ifPresent(r -> tellReleased(r, OfferOutcome.DECLINED, now));
          changed(s, after, "paused");
        })
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  private ReplyEffect<Event, State> onAccept(LoggedInState s, AcceptOffer c) {
    Optional<AgentContact> offered = s.contact(c.offerId()).filter(x -> x.phase() == Phase.RESERVED);
    if (offered.isEmpty())
      return refuse(c.replyTo(), Refusal.gone("offer " + c.offerId() + " is not (or no longer) offered to agent " + id));
    if (accepting != null)
      return refuse(c.replyTo(), Refusal.conflict("offer " + accepting + " is already being accepted"));
    accepting = c.offerId();
    CallId call = offered.get().offer().contact().callId();
    context.ask(
        CallSession.AnswerReply.class,
        ctx.refs().call(call),
        ctx.settings().askTimeout(),
        replyTo -> new CallSession.Answer(c.offerId(), id, replyTo),
        (reply, failure) -> new AnswerResult(c.offerId(), reply, failure, c.replyTo()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onAnswerResult(LoggedInState s, AnswerResult r) {
    Optional<AgentContact> offered = s.contact(r.offerId()).filter(x -> x.phase() == Phase.RESERVED);
    if (r.failure() != null) {
      // The call session may have granted it and the answer got lost: ask it what happened,
      // again every retry interval, and decide nothing about the offer meanwhile.
      if (offered.isEmpty()) {
        if (r.offerId().equals(accepting)) accepting = null;
      } else {
        checkOffer(offered.get().offer());
        timers.startTimerWithFixedDelay(RecheckAccept.class, new RecheckAccept(r.offerId()), ctx.settings().retryInterval());
      }
      return refuse(r.replyTo(), Refusal.unavailable("could not reach call "
          + offered.map(o -> o.offer().contact().callId().value()).orElse("?")
          + " in time; the accept is being confirmed and its outcome will show"));
    }
    if (r.offerId().equals(accepting)) accepting = null;
    if (offered.isEmpty()) {
      // Granted but no longer ringing here: end the call rather than leave a caller with nobody.
      if (r.reply() instanceof CallSession.AnswerGranted granted) reportCompletion(granted.callId(), ctx.now());
      return refuse(r.replyTo(), Refusal.gone("offer " + r.offerId() + " is no longer offered to agent " + id));
    }
    AgentContact contact = offered.get();
    Instant now = ctx.now();
    if (r.reply() instanceof CallSession.AnswerGranted) {
      CallId call = contact.offer().contact().callId();
      return Effect().persist(new Connected(r.offerId(), call, now))
          .thenRun((State after) -> {
            changed(s, after, "connected");
            connectedTo(call);
          })
          .thenReply(r.replyTo(), after -> new Done(view(after)));
    }
    String why = r.reply() instanceof CallSession.AnswerRefused refused ? refused.reason() : "refused";
    return Effect().persist(released(contact, OfferOutcome.WITHDRAWN, now))
        .thenRun((State after) -> {
          ctx.refs().queue(contact.offer().contact().queueId())
              .tell(new Queue.OfferEnded(r.offerId(), contact.offer().contact().callId(), id, OfferOutcome.WITHDRAWN));
          changed(s, after, "offer-withdrawn");
        })
        .thenReply(r.replyTo(), after -> new Refused(Refusal.gone("offer " + r.offerId() + " was withdrawn: " + why)));
  }

  private ReplyEffect<Event, State> onDecline(LoggedInState s, DeclineOffer c) {
    Optional<AgentContact> offered = s.contact(c.offerId()).filter(x -> x.phase() == Phase.RESERVED);
    if (offered.isEmpty())
      return refuse(c.replyTo(), Refusal.gone("offer " + c.offerId() + " is not (or no longer) offered to agent " + id));
    if (c.offerId().equals(accepting))
      return refuse(c.replyTo(), Refusal.conflict("offer " + c.offerId() + " is being accepted"));
    Instant now = ctx.now();
    AgentContact r = offered.get();
    return Effect().persist(released(r, OfferOutcome.DECLINED, now))
        .thenRun((State after) -> {
          tellReleased(r, OfferOutcome.DECLINED, now);
          changed(s, after, "offer-declined");
        })
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  private ReplyEffect<Event, State> onEndCall(LoggedInState s, EndCall c) {
    Optional<AgentContact> busy = s.contacts().stream()
        .filter(x -> x.phase() == Phase.BUSY)
        .filter(x -> c.callId() == null || x.offer().contact().callId().equals(c.callId()))
        .findFirst();
    if (busy.isEmpty())
      return refuse(c.replyTo(), Refusal.conflict(c.callId() == null
          ? "agent " + id + " is not on a call"
          : "agent " + id + " is not on call " + c.callId()));
    return endTalk(s, busy.get(), EndedBy.AGENT, ctx.now(), c.replyTo());
  }

  private ReplyEffect<Event, State> onTransfer(LoggedInState s, Transfer c) {
    if (c.target() == null) return refuse(c.replyTo(), Refusal.invalid("target", "target is required"));
    Optional<AgentContact> busy = s.contacts().stream()
        .filter(x -> x.phase() == Phase.BUSY)
        .filter(x -> c.callId() == null || x.offer().contact().callId().equals(c.callId()))
        .findFirst();
    if (busy.isEmpty())
      return refuse(c.replyTo(), Refusal.conflict("agent " + id + " is not on a call to transfer"));
    CallId call = busy.get().offer().contact().callId();
    context.ask(CallSession.Reply.class, ctx.refs().call(call), ctx.settings().askTimeout(),
        replyTo -> new CallSession.Transfer(id, c.target(), replyTo),
        (reply, failure) -> new TransferAnswered(call, reply, failure, c.replyTo()));
    return Effect().noReply();
  }

  /** The call agreed: the talk ends here; refused, the agent stays on the call. */
  private ReplyEffect<Event, State> onTransferAnswered(LoggedInState s, TransferAnswered m) {
    if (m.reply() instanceof CallSession.Refused r) return refuse(m.replyTo(), r.refusal());
    if (!(m.reply() instanceof CallSession.Done))
      return refuse(m.replyTo(), Refusal.unavailable("call " + m.callId() + " did not answer in time; the transfer may "
          + "still happen, look at the call"));
    Optional<AgentContact> busy = s.contact(m.callId()).filter(x -> x.phase() == Phase.BUSY);
    if (busy.isEmpty()) return Effect().reply(m.replyTo(), new Done(view(s)));
    return endTalk(s, busy.get(), EndedBy.TRANSFER, ctx.now(), m.replyTo());
  }

  /**
   * A step of an announce transfer (ANS-4), asked of the call the agent is busy on: the call
   * decides and answers; the completion ends the agent's talk as a transfer does.
   */
  private ReplyEffect<Event, State> consultStep(LoggedInState s, CallId callId, ActorRef<Reply> replyTo,
      boolean completes, java.util.function.Function<ActorRef<CallSession.Reply>, CallSession.Command> make) {
    Optional<AgentContact> busy = s.contacts().stream()
        .filter(x -> x.phase() == Phase.BUSY)
        .filter(x -> callId == null || x.offer().contact().callId().equals(callId))
        .findFirst();
    if (busy.isEmpty())
      return refuse(replyTo, Refusal.conflict(callId == null
          ? "agent " + id + " is not on a call to consult on"
          : "agent " + id + " is not on call " + callId));
    CallId call = busy.get().offer().contact().callId();
    context.ask(CallSession.Reply.class, ctx.refs().call(call), ctx.settings().askTimeout(), make::apply,
        (reply, failure) -> new ConsultAnswered(call, completes, reply, failure, replyTo));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onConsultAnswered(LoggedInState s, ConsultAnswered m) {
    if (m.reply() instanceof CallSession.Refused r) return refuse(m.replyTo(), r.refusal());
    if (!(m.reply() instanceof CallSession.Done))
      return refuse(m.replyTo(), Refusal.unavailable("call " + m.callId() + " did not answer in time; the step may "
          + "still happen, look at the call"));
    Optional<AgentContact> busy = s.contact(m.callId()).filter(x -> x.phase() == Phase.BUSY);
    if (!m.completes() || busy.isEmpty()) return Effect().reply(m.replyTo(), new Done(view(s)));
    return endTalk(s, busy.get(), EndedBy.TRANSFER, ctx.now(), m.replyTo());
  }

  private ReplyEffect<Event, State> onCallerHungUp(LoggedInState s, CallerHungUp c) {
    Optional<AgentContact> contact = s.contact(c.callId());
    // The session granted the answer and then the caller left, before this agent wrote that it
    // is connected: keep the hang-up for the moment it is.
    if (contact.isPresent() && contact.get().phase() == Phase.RESERVED) hungUpEarly.put(c.callId(), c.at());
    if (contact.isEmpty() || contact.get().phase() != Phase.BUSY) return Effect().noReply();
    return endTalk(s, contact.get(), EndedBy.CALLER, c.at(), null);
  }

  /** Applies a hang-up that came while the call was being connected. */
  private void connectedTo(CallId call) {
    Instant at = hungUpEarly.remove(call);
    if (at != null) context.getSelf().tell(new CallerHungUp(call, at));
  }

  private ReplyEffect<Event, State> endTalk(
      LoggedInState s, AgentContact busy, EndedBy by, Instant at, ActorRef<Reply> replyTo) {
    CallId call = busy.offer().contact().callId();
    Instant deadline = busy.offer().wrapUp().deadlineFrom(at);
    List<Event> events = new ArrayList<>();
    events.add(new TalkEnded(call, by, at, deadline));
    boolean noWrapUp = deadline != null && !deadline.isAfter(at);
    if (noWrapUp) events.add(new WrapUpEnded(call, at));
    var effect = Effect().persist(events)
        .thenRun((State after) -> {
          // Without wrap-up, "finished" alone tells the call both facts: one write there, not two.
          if (noWrapUp) tellWrapUpFinished(busy, at);
          else {
            if (by == EndedBy.AGENT) ctx.refs().call(call).tell(new CallSession.TalkEnded(id, at));
            if (deadline != null) timers.startSingleTimer(new WrapUpTimeout(call), untilNow(deadline));
          }
          changed(s, after, switch (by) {
            case AGENT -> "call-ended";
            case CALLER -> "caller-hung-up";
            case TRANSFER -> "call-transferred";
          });
        });
    return replyTo == null ? effect.thenNoReply() : effect.thenReply(replyTo, after -> new Done(view(after)));
  }

  private ReplyEffect<Event, State> onEndWrapUp(LoggedInState s, EndWrapUp c) {
    Optional<AgentContact> wrap = s.inPhase(Phase.WRAP_UP);
    if (wrap.isEmpty()) return refuse(c.replyTo(), Refusal.conflict("agent " + id + " is not in wrap-up"));
    return endWrapUp(s, wrap.get(), c.replyTo());
  }

  private ReplyEffect<Event, State> onWrapUpTimeout(LoggedInState s, WrapUpTimeout t) {
    Optional<AgentContact> wrap = s.contact(t.callId()).filter(x -> x.phase() == Phase.WRAP_UP);
    return wrap.isEmpty() ? Effect().noReply() : endWrapUp(s, wrap.get(), null);
  }

  private ReplyEffect<Event, State> endWrapUp(LoggedInState s, AgentContact wrap, ActorRef<Reply> replyTo) {
    Instant now = ctx.now();
    var effect = Effect().persist(new WrapUpEnded(wrap.offer().contact().callId(), now))
        .thenRun((State after) -> {
          tellWrapUpFinished(wrap, now);
          changed(s, after, "wrap-up-ended");
        });
    return replyTo == null ? effect.thenNoReply() : effect.thenReply(replyTo, after -> new Done(view(after)));
  }

  // ------------------------------------------------ offers and availability

  private ReplyEffect<Event, State> onOffer(LoggedInState s, OfferContact c) {
    Offer offer = c.offer();
    Channel channel = offer.contact().channel();
    // Made for an earlier announcement: the queue dropped it when the newer one came.
    if (offer.availabilityEpoch() < epoch && s.free(channel)) return notAvailable(offer, false);
    if (s.group(offer.contact().queueId()).isEmpty()) return notAvailable(offer, true);
    if (!s.free(channel)) return notAvailable(offer, false);
    if (collecting != null) {
      collecting.offers().add(offer);
      collecting.awaiting().remove(offer.contact().queueId());
      return collecting.awaiting().isEmpty() ? decide(s) : Effect().noReply();
    }
    return reserve(s, offer);
  }

  private ReplyEffect<Event, State> onNoOfferNow(LoggedInState s, NoOfferNow c) {
    if (collecting == null || collecting.epoch() != c.epoch()) return Effect().noReply();
    collecting.awaiting().remove(c.queue());
    return collecting.awaiting().isEmpty() ? decide(s) : Effect().noReply();
  }

  private ReplyEffect<Event, State> onCollectDone(LoggedInState s, CollectDone c) {
    if (collecting == null || collecting.epoch() != c.epoch()) return Effect().noReply();
    return decide(s);
  }

  /** End of a collection window: take the most senior contact offered, turn the rest down. */
  private ReplyEffect<Event, State> decide(LoggedInState s) {
    List<Offer> offers = collecting.offers();
    collecting = null;
    timers.cancel(CollectDone.class);
    if (offers.isEmpty()) return Effect().noReply();
    offers.sort(Comparator.comparing(Offer::contact, ContactSummary.SENIORITY));
    for (Offer other : offers.subList(1, offers.size())) tellQueue(other, OfferOutcome.TOOK_OTHER);
    Offer best = offers.get(0);
    if (!s.free(best.contact().channel())) return notAvailable(best, false);
    return reserve(s, best);
  }

  private ReplyEffect<Event, State> reserve(LoggedInState s, Offer offer) {
    Instant now = ctx.now();
    Instant deadline = now.plus(offer.timeout());
    return Effect().persist(new OfferReserved(offer, now, deadline))
        .thenRun((State after) -> {
          ctx.refs().call(offer.contact().callId())
              .tell(new CallSession.Ringing(offer, id, now));
          timers.startSingleTimer(offer.offerId(), new OfferTimeout(offer.offerId()), untilNow(deadline));
          changed(s, after, "offer");
        })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> notAvailable(Offer offer, boolean notMember) {
    tellQueue(offer, OfferOutcome.NOT_AVAILABLE);
    if (notMember) ctx.refs().queue(offer.contact().queueId()).tell(new Queue.MemberLogout(id));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onReportAvailability(LoggedInState s, ReportAvailability c) {
    Optional<AnswerGroup> g = s.group(c.queue());
    var queue = ctx.refs().queue(c.queue());
    if (g.isEmpty()) {
      queue.tell(new Queue.MemberLogout(id));
    } else {
      queue.tell(new Queue.MemberLogin(id, g.get().level()));
      if (s.free(Channel.VOICE)) queue.tell(availability(s, g.get(), epoch));
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onOfferTimeout(LoggedInState s, OfferTimeout t) {
    Optional<AgentContact> ringing = s.contact(t.offerId()).filter(x -> x.phase() == Phase.RESERVED);
    // While an accept waits for the call session, the call session's answer decides.
    if (ringing.isEmpty() || t.offerId().equals(accepting)) return Effect().noReply();
    AgentContact r = ringing.get();
    Instant now = ctx.now();
    List<Event> events = new ArrayList<>();
    events.add(released(r, OfferOutcome.TIMED_OUT, now));
    if (r.offer().pauseOnMiss()) events.add(new Paused(MISSED_OFFER, now));
    return Effect().persist(events)
        .thenRun((State after) -> {
          tellReleased(r, OfferOutcome.TIMED_OUT, now);
          changed(s, after, "offer-missed");
        })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onOfferWithdrawn(LoggedInState s, OfferWithdrawn w) {
    if (collecting != null) collecting.offers().removeIf(o -> o.offerId().equals(w.offerId()));
    Optional<AgentContact> ringing = s.contact(w.offerId()).filter(x -> x.phase() == Phase.RESERVED);
    if (ringing.isEmpty() || w.offerId().equals(accepting)) return Effect().noReply();
    AgentContact r = ringing.get();
    return Effect().persist(released(r, OfferOutcome.WITHDRAWN, ctx.now()))
        .thenRun((State after) -> {
          tellQueue(r.offer(), OfferOutcome.WITHDRAWN);
          changed(s, after, "offer-withdrawn");
        })
        .thenNoReply();
  }

  /** The call session's word on an offer: after a restart, or after an accept whose reply was lost. */
  private ReplyEffect<Event, State> onOfferStatus(LoggedInState s, OfferStatus st) {
    if (st.offerId().equals(accepting)) {
      accepting = null;
      timers.cancel(RecheckAccept.class);
    }
    Optional<AgentContact> ringing = s.contact(st.offerId()).filter(x -> x.phase() == Phase.RESERVED);
    if (ringing.isEmpty()) {
      // The session gave this agent a call it no longer holds: end that call for the caller.
      boolean onIt = s.contact(st.callId()).isPresent();
      if (st.state() == CallSession.OfferState.ANSWERED_BY_YOU && !onIt) reportCompletion(st.callId(), ctx.now());
      return Effect().noReply();
    }
    AgentContact contact = ringing.get();
    return switch (st.state()) {
      case RINGING -> {
        // Still ringing: its timeout runs again (at once when its deadline has passed).
        timers.startSingleTimer(st.offerId(), new OfferTimeout(st.offerId()), untilNow(contact.deadline()));
        yield Effect().noReply();
      }
      case ANSWERED_BY_YOU -> Effect().persist(new Connected(st.offerId(), st.callId(), ctx.now()))
          .thenRun((State after) -> {
            timers.cancel(st.offerId());
            // The call may have ended while this was unknown: ask, and follow it to wrap-up.
            ctx.refs().call(st.callId()).tell(new CallSession.CheckCall(id));
            changed(s, after, "connected");
          })
          .thenNoReply();
      case WITHDRAWN -> onOfferWithdrawn(s, new OfferWithdrawn(st.offerId(), st.callId(), "withdrawn"));
    };
  }

  private ReplyEffect<Event, State> onCallStatus(LoggedInState s, CallStatus st) {
    Optional<AgentContact> mine = s.contact(st.callId()).filter(x -> x.phase() != Phase.RESERVED);
    if (mine.isEmpty()) return Effect().noReply();
    AgentContact contact = mine.get();
    switch (st.state()) {
      case TALKING:
        // The call session missed our hang-up; tell it again.
        if (contact.phase() == Phase.WRAP_UP)
          ctx.refs().call(st.callId()).tell(new CallSession.TalkEnded(id, contact.since()));
        return Effect().noReply();
      case ENDED:
        if (contact.phase() == Phase.BUSY) return endTalk(s, contact, EndedBy.CALLER, st.endedAt(), null);
        return Effect().noReply();
      case NOT_YOURS:
      default:
        // The call does not know us as its agent: free the slot rather than stay stuck on it.
        Instant now = ctx.now();
        List<Event> events = new ArrayList<>();
        if (contact.phase() == Phase.BUSY) events.add(new TalkEnded(st.callId(), EndedBy.CALLER, now, now));
        events.add(new WrapUpEnded(st.callId(), now));
        return Effect().persist(events).thenRun((State after) -> changed(s, after, "call-lost")).thenNoReply();
    }
  }

  // ---------------------------------------------------------------- side effects

  /** After every change: tell queues about availability, and observers about the agent. */
  private void changed(State before, State after, String cause) {
    if (!(after instanceof LoggedInState a) || !(before instanceof LoggedInState b) || !a.loginId().equals(b.loginId())) {
      sockets.clear();
      absentSince = null;
    }
    boolean wasFree = before instanceof LoggedInState b && b.free(Channel.VOICE);
    boolean isFree = after instanceof LoggedInState a && a.free(Channel.VOICE);
    if (isFree && (!wasFree || cause.equals("logged-in") || cause.equals("login-replaced"))) {
      announceAvailable((LoggedInState) after);
    } else if (wasFree && !isFree) {
      announceUnavailable((LoggedInState) before);
    }
    if (after instanceof LoggedInState a && (!(before instanceof LoggedInState b) || b.ready() != a.ready()))
      for (AnswerGroup g : a.groups()) ctx.refs().queue(g.queue()).tell(new Queue.MemberPaused(id, !a.ready()));
    ctx.notifier().publish(new Notification.AgentChanged(id, view(after), cause, ctx.now()));
  }

  private void announceAvailable(LoggedInState s) {
    epoch++;
    dropCollected();
    collecting = new Collecting(epoch, new HashSet<>(), new ArrayList<>());
    for (AnswerGroup g : s.groups()) {
      collecting.awaiting().add(g.queue());
      ctx.refs().queue(g.queue()).tell(availability(s, g, epoch));
    }
    timers.startSingleTimer(CollectDone.class, new CollectDone(epoch), ctx.settings().collectWindow());
  }

  private void announceUnavailable(LoggedInState s) {
    dropCollected();
    for (AnswerGroup g : s.groups()) ctx.refs().queue(g.queue()).tell(new Queue.AgentUnavailable(id));
  }

  private void dropCollected() {
    if (collecting == null) return;
    collecting.offers().forEach(o -> tellQueue(o, OfferOutcome.NOT_AVAILABLE));
    collecting = null;
    timers.cancel(CollectDone.class);
  }

  private Queue.AgentAvailable availability(LoggedInState s, AnswerGroup g, long e) {
    return new Queue.AgentAvailable(id, g.level(), s.availableSince(),
        s.today().on(LocalDate.ofInstant(ctx.now(), ctx.settings().timeZone())), e);
  }

  private void syncMembership(List<AnswerGroup> before, List<AnswerGroup> after) {
    for (AnswerGroup g : before)
      if (after.stream().noneMatch(a -> a.queue().equals(g.queue())))
        ctx.refs().queue(g.queue()).tell(new Queue.MemberLogout(id));
    for (AnswerGroup g : after)
      if (!before.contains(g)) ctx.refs().queue(g.queue()).tell(new Queue.MemberLogin(id, g.level()));
  }

  private OfferReleased released(AgentContact r, OfferOutcome outcome, Instant at) {
    hungUpEarly.remove(r.offer().contact().callId());
    return new OfferReleased(r.offer().offerId(), r.offer().contact().callId(), outcome, at);
  }

  private void tellReleased(AgentContact r, OfferOutcome outcome, Instant at) {
    timers.cancel(r.offer().offerId());
    tellQueue(r.offer(), outcome);
    ctx.refs().call(r.offer().contact().callId())
        .tell(new CallSession.OfferFailed(r.offer().offerId(), id, outcome, at));
  }

  private void tellQueue(Offer offer, OfferOutcome outcome) {
    ctx.refs().queue(offer.contact().queueId())
        .tell(new Queue.OfferEnded(offer.offerId(), offer.contact().callId(), id, outcome));
  }

  private void tellWrapUpFinished(AgentContact contact, Instant at) {
    timers.cancel(new WrapUpTimeout(contact.offer().contact().callId()));
    reportCompletion(contact.offer().contact().callId(), at);
  }

  /**
   * The one message that completes a call: re-sent every retry interval until its session
   * confirms it, since the session keeps no timer and would otherwise wait for it forever.
   */
  private void reportCompletion(CallId call, Instant at) {
    unconfirmed.put(call, at);
    ctx.refs().call(call).tell(new CallSession.WrapUpFinished(id, at));
    if (!timers.isTimerActive(ResendCompletions.class))
      timers.startTimerWithFixedDelay(ResendCompletions.class, new ResendCompletions(), ctx.settings().retryInterval());
  }

  private void resendCompletions() {
    unconfirmed.forEach((call, at) -> ctx.refs().call(call).tell(new CallSession.WrapUpFinished(id, at)));
    if (unconfirmed.isEmpty()) timers.cancel(ResendCompletions.class);
  }

  private void checkOffer(Offer offer) {
    ctx.refs().call(offer.contact().callId()).tell(new CallSession.CheckOffer(offer.offerId(), id));
  }

  private Duration untilNow(Instant deadline) {
    Duration d = Duration.between(ctx.now(), deadline);
    return d.isNegative() ? Duration.ZERO : d;
  }

  private ReplyEffect<Event, State> refuse(ActorRef<Reply> replyTo, Refusal refusal) {
    return Effect().reply(replyTo, new Refused(refusal));
  }

  // ---------------------------------------------------------------- recovery

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .build();
  }

  /** Re-runs whatever step was in flight when the agent stopped: timers, resyncs, availability. */
  private void onRecovered(State state) {
    Completion last = state instanceof LoggedInState in ? in.lastCompletion()
        : state instanceof LoggedOutState out ? out.lastCompletion() : null;
    if (last != null) for (Completion c : last.all()) reportCompletion(c.callId(), c.at());
    if (!(state instanceof LoggedInState s)) return;
    if (s.attended()) {
      // Its sockets, if any are left, report again within a heartbeat.
      absentSince = ctx.now();
      timers.startTimerWithFixedDelay(CheckPresence.class, new CheckPresence(), ctx.settings().presenceCheckInterval());
    }
    for (AnswerGroup g : s.groups()) ctx.refs().queue(g.queue()).tell(new Queue.MemberLogin(id, g.level()));
    for (AgentContact c : s.contacts()) {
      CallId call = c.offer().contact().callId();
      switch (c.phase()) {
        case RESERVED -> {
          timers.startSingleTimer(c.offer().offerId(), new OfferTimeout(c.offer().offerId()), untilNow(c.deadline()));
          checkOffer(c.offer());
        }
        case BUSY -> ctx.refs().call(call).tell(new CallSession.CheckCall(id));
        case WRAP_UP -> {
          if (c.deadline() != null) timers.startSingleTimer(new WrapUpTimeout(call), untilNow(c.deadline()));
          ctx.refs().call(call).tell(new CallSession.CheckCall(id));
        }
      }
    }
    if (s.free(Channel.VOICE)) announceAvailable(s);
  }

  // ---------------------------------------------------------------- events

  @Override
  public EventHandler<State, Event> eventHandler() {
    return this::apply;
  }

  private State apply(State state, Event event) {
    if (event instanceof Configured e) {
      if (state instanceof LoggedInState s) {
        // Groups no longer configured are left; levels follow the new config.
        List<AnswerGroup> groups = new ArrayList<>();
        for (AnswerGroup g : s.groups()) e.config().group(g.queue()).ifPresent(groups::add);
        return s.withConfig(e.config(), List.copyOf(groups));
      }
      if (state instanceof LoggedOutState s) return new LoggedOutState(e.config(), s.today(), s.since(), s.lastCompletion());
      return new LoggedOutState(e.config(), new DailyCount(localDay(e.at()), 0), e.at(), null);
    }
    if (event instanceof LoggedIn e) {
      if (state instanceof LoggedInState s) return s.withLogin(e.loginId(), e.groups());
      LoggedOutState s = (LoggedOutState) state;
      return new LoggedInState(s.config(), s.today(), e.loginId(), e.groups(), e.ready(),
          e.ready() ? null : AFTER_LOGIN, e.at(), List.of(), e.at(), null, s.lastCompletion(), false);
    }
    if (event instanceof LoggedOut e) {
      LoggedInState s = (LoggedInState) state;
      return new LoggedOutState(s.config(), s.today(), e.at(), s.lastCompletion());
    }
    LoggedInState s = (LoggedInState) state;
    LoggedInState next = applyLoggedIn(s, event);
    // Longest idle counts from the moment the agent last became free.
    if (!s.free(Channel.VOICE) && next.free(Channel.VOICE)) next = next.withAvailableSince(event.at());
    return next;
  }

  private LoggedInState applyLoggedIn(LoggedInState s, Event event) {
    if (event instanceof Attended) return s.withAttended();
    if (event instanceof Readied e) return s.withPresence(true, null, e.at());
    if (event instanceof Paused e) return s.withPresence(false, e.reason(), e.at());
    if (event instanceof OfferReserved e)
      return s.withContacts(l -> {
        l.add(new AgentContact(e.offer(), Phase.RESERVED, e.at(), e.deadline()));
        return l;
      });
    if (event instanceof OfferReleased e)
      return s.withContactEnded(s.today(), e.at()).withContacts(l -> {
        l.removeIf(c -> c.offer().offerId().equals(e.offerId()));
        return l;
      });
    if (event instanceof Connected e)
      return s.withContacts(l -> {
        l.replaceAll(c -> c.offer().offerId().equals(e.offerId()) ? c.to(Phase.BUSY, e.at(), null) : c);
        return l;
      });
    if (event instanceof TalkEnded e)
      return s.withContacts(l -> {
        l.replaceAll(c -> c.offer().contact().callId().equals(e.callId())
            ? c.to(Phase.WRAP_UP, e.at(), e.wrapUpDeadline()) : c);
        return l;
      });
    if (event instanceof WrapUpEnded e) {
      LocalDate day = localDay(e.at());
      return s.withContactEnded(new DailyCount(day, s.today().on(day) + 1), e.at())
          .withCompletion(s.lastCompletion() == null ? new Completion(e.callId(), e.at())
              : s.lastCompletion().then(e.callId(), e.at())).withContacts(l -> {
        l.removeIf(c -> c.offer().contact().callId().equals(e.callId()));
        return l;
      });
    }
    throw new IllegalStateException("unexpected event " + event + " in " + s);
  }

  private LocalDate localDay(Instant at) {
    return LocalDate.ofInstant(at, ctx.settings().timeZone());
  }

  // ---------------------------------------------------------------- views

  private static AgentConfig configOf(State s) {
    if (s instanceof LoggedInState x) return x.config();
    if (s instanceof LoggedOutState x) return x.config();
    throw new IllegalStateException("agent is not configured");
  }

  public static AgentStatus status(State state) {
    if (!(state instanceof LoggedInState s)) return AgentStatus.LOGGED_OUT;
    for (Phase p : List.of(Phase.BUSY, Phase.WRAP_UP, Phase.RESERVED))
      if (s.inPhase(p).isPresent())
        return switch (p) {
          case BUSY -> AgentStatus.BUSY;
          case WRAP_UP -> AgentStatus.WRAP_UP;
          case RESERVED -> AgentStatus.RESERVED;
        };
    return s.ready() ? AgentStatus.READY : AgentStatus.PAUSED;
  }

  private AgentView view(State state) {
    LocalDate today = localDay(ctx.now());
    if (state instanceof LoggedInState s) {
      AgentStatus status = status(s);
      Instant since = switch (status) {
        case READY -> s.availableSince();
        case PAUSED -> s.lastContactEndedAt() != null && s.lastContactEndedAt().isAfter(s.presenceSince())
            ? s.lastContactEndedAt() : s.presenceSince();
        default -> s.contacts().stream().map(AgentContact::since).max(Comparator.naturalOrder()).orElseThrow();
      };
      return new AgentView(id, s.config().name(), status, s.ready() ? null : s.pauseReason(), since,
          s.availableSince(), s.loginId(), s.groups(), s.contacts(), s.today().on(today), s.config(), version());
    }
    if (state instanceof LoggedOutState s)
      return new AgentView(id, s.config().name(), AgentStatus.LOGGED_OUT, null, s.since(), null, null, List.of(),
          List.of(), s.today().on(today), s.config(), version());
    return new AgentView(id, null, AgentStatus.LOGGED_OUT, null, null, null, null, List.of(), List.of(), 0, null, version());
  }

  private long version() {
    return lastSequenceNumber(context);
  }
}
