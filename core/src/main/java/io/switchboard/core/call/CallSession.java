package io.switchboard.core.call;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.Refusal;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.calendar.Calendar;
import io.switchboard.core.calendar.OpeningStatus;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.EngineSettings;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.numberplan.NumberPlanEntry;
import io.switchboard.core.queue.ClosedAction;
import io.switchboard.core.queue.CustomerNumberEntry;
import io.switchboard.core.queue.LeaveReason;
import io.switchboard.core.queue.Menu;
import io.switchboard.core.queue.OverflowTarget;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.queue.QueueTerms;
import io.switchboard.core.routing.Channel;
import io.switchboard.core.routing.ContactSummary;
import io.switchboard.core.routing.Offer;
import io.switchboard.core.routing.OfferId;
import io.switchboard.core.routing.OfferOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One call's life, and the single judge of its outcome: who answered it, whether the caller
 * abandoned, whether it overflowed. Queues propose agents; agents ask this session to answer; the
 * first valid answer wins and every other offer is withdrawn, so no call is ever given to two
 * agents. Every step is an event carrying the facts METRICS.md needs.
 *
 * <p>A call is written once its queue has taken it: routing asks the number plan, the queue
 * (admission) and the calendar, then the queue enqueues the contact, and only then does the
 * session write arrival, routing and queueing in one event batch. So an unknown number or queue
 * changes nothing, and the session needs no timer of its own while queued: the queue (a
 * remembered entity) holds the contact, offers it, and tells the session when the maximum wait
 * is reached. A talking call is driven by its agent. Sessions are therefore not remembered.
 */
public final class CallSession
    extends EventSourcedBehaviorWithEnforcedReplies<CallSession.Command, CallSession.Event, CallSession.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "CallSession");

  private static final Pattern DIALLED = Pattern.compile("\\+?[0-9]{2,20}");
  private static final Pattern CALLER = Pattern.compile("\\+?[0-9]{1,20}|anonymous");

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable {}

  /**
   * A call arrives for a dialled number (from the SIP gateway, or the engine API). {@code
   * menuChoice}: the key the caller pressed in its control queue's IVR menu, "" for none (no key
   * in time); null when the caller has not heard the menu yet: a queue with a menu then answers
   * {@link MenuRequired} and writes nothing. {@code customerNumber} likewise for a queue with
   * customer-number entry: the digits keyed in, "" for none, null when not asked yet ({@link
   * CustomerNumberRequired}).
   */
  public record Arrive(String dialledNumber, String callerNumber, String menuChoice, String customerNumber,
      ActorRef<Reply> replyTo) implements Command {
    public Arrive(String dialledNumber, String callerNumber, ActorRef<Reply> replyTo) {
      this(dialledNumber, callerNumber, null, null, replyTo);
    }

    public Arrive(String dialledNumber, String callerNumber, String menuChoice, ActorRef<Reply> replyTo) {
      this(dialledNumber, callerNumber, menuChoice, null, replyTo);
    }
  }

  /** The caller hung up. */
  public record Hangup(ActorRef<Reply> replyTo) implements Command {}

  public record GetState(ActorRef<Reply> replyTo) implements Command {}

  /** From an agent: its offer of this call rings now. */
  public record Ringing(Offer offer, AgentId agent, Instant at) implements Command {
    OfferId offerId() {
      return offer.offerId();
    }

    QueueId queue() {
      return offer.contact().queueId();
    }
  }

  /** From an agent: it accepted the offer; the answer decides whether it got the call. */
  public record Answer(OfferId offerId, AgentId agent, ActorRef<AnswerReply> replyTo) implements Command {}

  /** From an agent: its offer ended without an answer (declined, missed, withdrawn). */
  public record OfferFailed(OfferId offerId, AgentId agent, OfferOutcome outcome, Instant at) implements Command {}

  /** From the answering agent: it hung up. */
  public record TalkEnded(AgentId agent, Instant at) implements Command {}

  /** From the answering agent: wrap-up is done (or there is none: the conversation ended too). */
  public record WrapUpFinished(AgentId agent, Instant at) implements Command {}

  /** From an agent that restarted while its offer rang: is it still valid? */
  public record CheckOffer(OfferId offerId, AgentId agent) implements Command {}

  /** From an agent that restarted while on (or wrapping up) this call: is it still on? */
  public record CheckCall(AgentId agent) implements Command {}

  /**
   * From the queue holding the call: it has waited the queue's maximum wait. {@code overflow}:
   * where the queue sends it now (its current config, not the terms the call arrived under).
   */
  public record MaxWaitReached(QueueId queue, OverflowTarget overflow) implements Command {}

  /** From the talking agent: send the call on (blind transfer, ANS-4); answered {@link Done} or refused. */
  public record Transfer(AgentId agent, TransferTarget target, ActorRef<Reply> replyTo) implements Command {}

  /** What the consulting agent asks of its call (ANS-4). */
  public sealed interface ConsultCommand extends Command {
    AgentId agent();

    ActorRef<Reply> replyTo();
  }

  /** What the telephony edge reports on a consultation's leg to the number. */
  public sealed interface ConsultReport extends Command {
    String consultId();

    ActorRef<Reply> replyTo();
  }

  /**
   * From the talking agent: consult {@code number} before connecting the caller there (announce
   * transfer, ANS-4). The caller is held; the telephony edge dials the number and reports with
   * {@link ConsultLegAnswered} or {@link ConsultLegFailed}. Answered {@link Done} or refused.
   */
  public record Consult(AgentId agent, String number, ActorRef<Reply> replyTo) implements ConsultCommand {}

  /** From the consulting agent: talk to the other party (the contact or the caller); the other one is held. */
  public record Toggle(AgentId agent, ActorRef<Reply> replyTo) implements ConsultCommand {}

  /**
   * From the consulting agent: connect the caller with the contact, who answered, and leave: the
   * call ends as transferred to the number (wrap-up follows for the agent).
   */
  public record CompleteConsult(AgentId agent, ActorRef<Reply> replyTo) implements ConsultCommand {}

  /**
   * From the consulting agent: drop the contact's leg and be back with the caller (also
   * dismisses a failed consultation).
   */
  public record CancelConsult(AgentId agent, ActorRef<Reply> replyTo) implements ConsultCommand {}

  /**
   * From the telephony edge (the SIP gateway): the number of consultation {@code consultId}
   * answered. Refused when that consultation is no longer dialling (cancelled, the call ended):
   * the edge then hangs up the contact.
   */
  public record ConsultLegAnswered(String consultId, ActorRef<Reply> replyTo) implements ConsultReport {}

  /** From the telephony edge: the number did not answer ({@code reason}: busy, no answer, ...). */
  public record ConsultLegFailed(String consultId, String reason, ActorRef<Reply> replyTo) implements ConsultReport {}

  /** From the telephony edge: the contact of consultation {@code consultId} hung up. */
  public record ConsultLegEnded(String consultId, ActorRef<Reply> replyTo) implements ConsultReport {}

  /**
   * A call an agent transferred to {@code queue}: a new call, arrived with the facts of {@code
   * origin} (its caller, company and seniority), queued without number plan or menu.
   */
  public record ArriveByTransfer(CallFacts origin, QueueId queue, ActorRef<Reply> replyTo) implements Command {}

  /** Sent by sharding to passivate the session. */
  public record Stop() implements Command {}

  private static final java.time.Duration STOP_RETRY = java.time.Duration.ofMillis(50);

  private record NumberResolved(NumberPlan.Reply reply, Throwable failure) implements Command {}

  private record AdmissionResolved(Routing routing, Queue.Reply reply, Throwable failure) implements Command {}

  private record CalendarResolved(Routing routing, Calendar.Reply reply, Throwable failure) implements Command {}

  private record EnqueueResolved(Routing routing, Queue.Reply reply, Throwable failure) implements Command {}

  private record PassivateNow() implements Command {}

  private record TransferChecked(Transfer request, Queue.Reply reply, Throwable failure) implements Command {}

  private record TransferArrived(CallId newCall, QueueId queue, Reply reply, Throwable failure) implements Command {}

  // ---------------------------------------------------------------- replies

  public sealed interface Reply extends CborSerializable {}

  public record Done(CallView view) implements Reply {}

  public record Refused(Refusal refusal) implements Reply {}

  /** The routed control queue has an IVR menu: play it and arrive again with the key pressed. */
  public record MenuRequired(QueueId queue, Menu menu) implements Reply {}

  /**
   * The routed queue asks callers for their customer number: collect it and arrive again with it
   * (and the same menu key).
   */
  public record CustomerNumberRequired(QueueId queue, CustomerNumberEntry entry) implements Reply {}

  /**
   * The dialled number rings a person's SIP account, not a queue (ACD-1): the SIP gateway
   * carries the call itself. Nothing is written; the session is not a queued call.
   */
  public record ToSipAccount(NumberPlanEntry entry) implements Reply {}

  public sealed interface AnswerReply extends CborSerializable {}

  public record AnswerGranted(CallId callId) implements AnswerReply {}

  public record AnswerRefused(String reason) implements AnswerReply {}

  public enum OfferState {
    RINGING,
    ANSWERED_BY_YOU,
    WITHDRAWN
  }

  public enum TalkState {
    TALKING,
    ENDED,
    NOT_YOURS
  }

  // ---------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable {
    Instant at();
  }

  public record CallArrived(CallId callId, String dialledNumber, String callerNumber, Instant at) implements Event {}

  /**
   * {@code menuChoice}: the IVR key that chose {@code queue} ("" none, null no menu); {@code
   * customerNumber}: what the caller keyed in ("" none, null not asked).
   */
  public record CallRouted(AnsweringPointId answeringPoint, CompanyId company, QueueId queue, int priority,
      String menuChoice, Instant at, String customerNumber) implements Event {
    public CallRouted(AnsweringPointId answeringPoint, CompanyId company, QueueId queue, int priority, Instant at) {
      this(answeringPoint, company, queue, priority, null, at, null);
    }

    public CallRouted(AnsweringPointId answeringPoint, CompanyId company, QueueId queue, int priority,
        String menuChoice, Instant at) {
      this(answeringPoint, company, queue, priority, menuChoice, at, null);
    }
  }

  /** In the queue: {@code at} is when it entered this queue. */
  public record CallQueued(QueueId queue, Instant virtualStartAt, QueueTerms terms, Instant at) implements Event {}

  public record CallOffered(OfferId offerId, AgentId agent, QueueId queue, Instant at) implements Event {}

  public record CallOfferEnded(OfferId offerId, AgentId agent, OfferOutcome outcome, Instant at) implements Event {}

  public record CallAnswered(OfferId offerId, AgentId agent, QueueId queue, Instant offeredAt, Instant at)
      implements Event {}

  public record CallAbandoned(QueueId queue, CallPhase phase, Instant at) implements Event {}

  public record CallOverflowed(QueueId fromQueue, OverflowTarget target, Instant at) implements Event {}

  /** The call was handled by a closed action: {@code cause} says why. */
  public record CallClosedHandled(
      QueueId queue, ClosedCause cause, ClosedAction action, String detail, String prompt, Instant at)
      implements Event {}

  public record CallEnded(AgentId agent, EndedBy by, Instant at) implements Event {}

  /** Its agent sent it on ({@link EndedBy#TRANSFER}); {@code newCall}: what it became in a queue. */
  public record CallTransferred(AgentId agent, TransferTarget target, CallId newCall, Instant at) implements Event {}

  public record CallCompleted(AgentId agent, Instant at) implements Event {}

  /** The talking agent consults {@code number} (announce transfer, ANS-4); the caller is held. */
  public record ConsultStarted(AgentId agent, String consultId, String number, Instant at) implements Event {}

  /** The consulted number answered: the agent talks to the contact. */
  public record ConsultAnswered(String consultId, Instant at) implements Event {}

  /** The consulted number did not answer: the agent is back with the caller. */
  public record ConsultFailed(String consultId, String reason, Instant at) implements Event {}

  /** The agent now talks to {@code talkingTo}; the other party is held. */
  public record ConsultToggled(String consultId, Consultation.Party talkingTo, Instant at) implements Event {}

  /**
   * The consultation is over. {@link Consultation.Ending#COMPLETED} is followed, in the same
   * write, by {@link CallEnded} ({@link EndedBy#TRANSFER}) and {@link CallTransferred} to the
   * number; {@link Consultation.Ending#CALL_ENDED} by the {@link CallEnded} that ended it.
   */
  public record ConsultEnded(String consultId, Consultation.Ending ending, Instant at) implements Event {}

  public enum ClosedCause {
    /** The queue's calendar said closed. */
    CALENDAR,
    /** The contact waited the maximum wait. */
    MAX_WAIT,
    /** The company blocks the caller (ANS-15). */
    BLOCKED
  }

  // ---------------------------------------------------------------- state

  public sealed interface State extends CborSerializable {}

  public record NoCall() implements State {}

  /**
   * Routed to a queue but not yet in it. Only ever between the events of one write (an arrival
   * or an overflow is written together with its queueing or its closed handling).
   */
  public record Routed(CallFacts facts, QueueId queue) implements State {}

  public record Queued(
      CallFacts facts, QueueId queue, QueueTerms terms, Instant enqueuedAt, List<OfferRecord> offers)
      implements State {

    Optional<OfferRecord> offer(OfferId id) {
      return offers.stream().filter(o -> o.offerId().equals(id)).findFirst();
    }
  }

  /** {@code consultation}: the announced transfer the agent is making (ANS-4), or null. */
  public record Talking(CallFacts facts, QueueId queue, Instant enqueuedAt, AgentId agent, OfferId offerId,
      Instant answeredAt, Consultation consultation) implements State {

    public Talking(CallFacts facts, QueueId queue, Instant enqueuedAt, AgentId agent, OfferId offerId,
        Instant answeredAt) {
      this(facts, queue, enqueuedAt, agent, offerId, answeredAt, null);
    }

    Talking with(Consultation c) {
      return new Talking(facts, queue, enqueuedAt, agent, offerId, answeredAt, c);
    }

    /** A consultation dialling or connected (not a failed one, which is only shown). */
    boolean consulting() {
      return consultation != null && consultation.running();
    }
  }

  public record WrappingUp(CallFacts facts, QueueId queue, Instant enqueuedAt, AgentId agent, OfferId offerId,
      Instant answeredAt, Instant endedAt, EndedBy endedBy) implements State {}

  public record Finished(CallFacts facts, QueueId queue, CallOutcome outcome, Instant at, AgentId agent,
      OfferId offerId, Instant answeredAt, Instant endedAt, EndedBy endedBy, ClosedAction closedAction,
      String prompt) implements State {}

  // ---------------------------------------------------------------- wiring

  public static void init(ActorSystem<?> system, EngineContext ctx) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, ec -> create(new CallId(ec.getEntityId()), ctx,
                    self -> ec.getShard().tell(new ClusterSharding.Passivate<>(self))))
                .withStopMessage(new Stop()));
  }

  /**
   * @param passivate asks the owner to stop this session (sharding's passivation); outside
   *     sharding pass {@code self -> self.tell(new Stop())}.
   */
  public static Behavior<Command> create(CallId id, EngineContext ctx, Consumer<ActorRef<Command>> passivate) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> new CallSession(id, ctx, context, timers, passivate)));
  }

  private final CallId id;
  private final EngineContext ctx;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Consumer<ActorRef<Command>> passivate;

  /** A routing decision in progress (asks not yet answered), or null. */
  private Routing routing;

  /**
   * Where routing stands: a new arrival (nothing written yet) or an overflow out of {@code
   * overflowFrom}. {@code admission} is set once the queue answered admission; {@code enqueueing}
   * once the session asked the queue to take the contact.
   */
  private record Routing(
      String dialledNumber, String callerNumber, Instant arrivedAt, ActorRef<Reply> replyTo,
      NumberPlanEntry entry, QueueId queue, Queue.Admission admission, QueueId overflowFrom, boolean enqueueing,
      List<ActorRef<Reply>> hangups, String menuChoice, boolean menuDone, String customerNumber, CallFacts origin) {

    Routing with(NumberPlanEntry e) {
      return new Routing(dialledNumber, callerNumber, arrivedAt, replyTo, e, e.queue(), admission, overflowFrom,
          enqueueing, hangups, menuChoice, menuDone, customerNumber, origin);
    }

    Routing with(Queue.Admission a) {
      return new Routing(dialledNumber, callerNumber, arrivedAt, replyTo, entry, queue, a, overflowFrom, enqueueing,
          hangups, menuChoice, menuDone, customerNumber, origin);
    }

    Routing askingQueue() {
      return new Routing(dialledNumber, callerNumber, arrivedAt, replyTo, entry, queue, admission, overflowFrom, true,
          hangups, menuChoice, menuDone, customerNumber, origin);
    }

    /** The menu was applied: routing goes on to {@code target} (or stays, when it is this queue). */
    Routing chose(QueueId target) {
      return new Routing(dialledNumber, callerNumber, arrivedAt, replyTo, entry, target, null, overflowFrom, enqueueing,
          hangups, menuChoice, true, customerNumber, origin);
    }

    boolean arrival() {
      return overflowFrom == null;
    }
  }

  private CallSession(CallId id, EngineContext ctx, ActorContext<Command> context, TimerScheduler<Command> timers,
      Consumer<ActorRef<Command>> passivate) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), id.value()),
        EngineSettings.RESTART_ON_JOURNAL_FAILURE);
    this.id = id;
    this.ctx = ctx;
    this.context = context;
    this.timers = timers;
    this.passivate = passivate;
  }

  @Override
  public State emptyState() {
    return new NoCall();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(ctx.settings().tag("call", id.value()));
  }

  @Override
  public Recovery recovery() {
    // A call session never snapshots: skip the snapshot store read that every new call would pay.
    return Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
  }

  // ---------------------------------------------------------------- command handlers

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
    b.forAnyState()
        .onCommand(Stop.class, c -> {
          // A stop (passivation) that overtook an arrival being routed waits for it to be answered:
          // stopping now would leave its caller without a reply. Sharding holds new messages meanwhile.
          if (routing == null) return Effect().stop().thenNoReply();
          timers.startSingleTimer(Stop.class, new Stop(), STOP_RETRY);
          return Effect().noReply();
        })
        .onCommand(PassivateNow.class, (s, c) -> {
          // Only a session with nothing left to do may go.
          if (routing == null && (s instanceof NoCall || s instanceof Finished)) passivate.accept(context.getSelf());
          return Effect().noReply();
        })
        .onCommand(AdmissionResolved.class, this::onAdmission)
        .onCommand(CalendarResolved.class, this::onCalendar)
        .onCommand(EnqueueResolved.class, this::onEnqueued);
    b.forStateType(NoCall.class)
        .onCommand(Arrive.class, this::onArrive)
        .onCommand(NumberResolved.class, this::onNumberResolved)
        .onCommand(Hangup.class, (s, c) -> {
          if (routing == null) return unknownCall(c.replyTo());
          routing.hangups().add(c.replyTo());
          return Effect().noReply();
        })
        .onCommand(GetState.class, (s, c) -> unknownCall(c.replyTo()))
        .onCommand(Answer.class, (s, c) -> Effect().reply(c.replyTo(), new AnswerRefused("unknown call " + id)))
        .onCommand(Ringing.class, this::onRingBeforeWritten)
        .onCommand(MaxWaitReached.class, (s, c) -> routing == null ? orphan(c.queue()) : Effect().noReply())
        .onCommand(CheckOffer.class, (s, c) -> offerStatus(c.agent(), c.offerId(), OfferState.WITHDRAWN))
        .onCommand(CheckCall.class, (s, c) -> callStatus(c.agent(), TalkState.NOT_YOURS, null))
        .onCommand(ArriveByTransfer.class, this::onArriveByTransfer)
        .onCommand(Transfer.class, (s, c) -> notTalking(c))
        .onCommand(TransferChecked.class, (s, c) -> notTalking(c.request()))
        .onCommand(TransferArrived.class, (s, c) -> transferArrived(c))
        .onCommand(ConsultCommand.class, (s, c) -> notConsulting(c))
        .onCommand(ConsultReport.class, (s, c) -> consultOver(c))
        .onAnyCommand(c -> Effect().noReply());
    b.forStateType(Queued.class)
        .onCommand(Ringing.class, this::onRinging)
        .onCommand(Answer.class, this::onAnswer)
        .onCommand(OfferFailed.class, this::onOfferFailed)
        .onCommand(Hangup.class, (s, c) -> abandon(s.queue(),
            s.offers().isEmpty() ? CallPhase.QUEUED : CallPhase.OFFERED, s.offers(), c.replyTo()))
        .onCommand(MaxWaitReached.class, this::onMaxWait)
        .onCommand(CheckOffer.class, (s, c) -> offerStatus(c.agent(), c.offerId(),
            s.offer(c.offerId()).filter(o -> o.agent().equals(c.agent())).isPresent()
                ? OfferState.RINGING : OfferState.WITHDRAWN));
    b.forStateType(Talking.class)
        .onCommand(Answer.class, (s, c) -> Effect().reply(c.replyTo(),
            s.offerId().equals(c.offerId()) && s.agent().equals(c.agent())
                ? new AnswerGranted(id) : new AnswerRefused("answered by another agent")))
        .onCommand(Hangup.class, (s, c) -> Effect().persist(ending(s, new CallEnded(s.agent(), EndedBy.CALLER, ctx.now())))
            .thenRun((State after) -> {
              ctx.refs().agent(s.agent()).tell(new Agent.CallerHungUp(id, ((WrappingUp) after).endedAt()));
              changed(after);
            })
            .thenReply(c.replyTo(), after -> new Done(view(after))))
        .onCommand(TalkEnded.class, (s, c) -> !s.agent().equals(c.agent()) ? Effect().noReply()
            : Effect().persist(ending(s, new CallEnded(s.agent(), EndedBy.AGENT, c.at())))
                .thenRun(this::changed).thenNoReply())
        .onCommand(Transfer.class, this::onTransfer)
        .onCommand(TransferChecked.class, this::onTransferChecked)
        .onCommand(Consult.class, this::onConsult)
        .onCommand(Toggle.class, this::onToggle)
        .onCommand(CompleteConsult.class, this::onCompleteConsult)
        .onCommand(CancelConsult.class, this::onCancelConsult)
        .onCommand(ConsultLegAnswered.class, this::onConsultLegAnswered)
        .onCommand(ConsultLegFailed.class, this::onConsultLegFailed)
        .onCommand(ConsultLegEnded.class, this::onConsultLegEnded)
        .onCommand(WrapUpFinished.class, (s, c) -> !s.agent().equals(c.agent()) ? Effect().noReply()
            : Effect().persist(ending(s, new CallEnded(s.agent(), EndedBy.AGENT, c.at()), new CallCompleted(s.agent(), c.at())))
                .thenRun(after -> completed(after, c.agent())).thenNoReply())
        .onCommand(CheckOffer.class, (s, c) -> offerStatus(c.agent(), c.offerId(),
            s.offerId().equals(c.offerId()) ? OfferState.ANSWERED_BY_YOU : OfferState.WITHDRAWN))
        .onCommand(CheckCall.class, (s, c) -> callStatus(c.agent(),
            s.agent().equals(c.agent()) ? TalkState.TALKING : TalkState.NOT_YOURS, null));
    b.forStateType(WrappingUp.class)
        .onCommand(Answer.class, (s, c) -> Effect().reply(c.replyTo(), new AnswerRefused("the call has ended")))
        .onCommand(WrapUpFinished.class, (s, c) -> !s.agent().equals(c.agent()) ? Effect().noReply()
            : Effect().persist(new CallCompleted(s.agent(), c.at())).thenRun(after -> completed(after, c.agent()))
                .thenNoReply())
        .onCommand(CheckOffer.class, (s, c) -> offerStatus(c.agent(), c.offerId(),
            s.offerId().equals(c.offerId()) ? OfferState.ANSWERED_BY_YOU : OfferState.WITHDRAWN))
        .onCommand(CheckCall.class, (s, c) -> callStatus(c.agent(),
            s.agent().equals(c.agent()) ? TalkState.ENDED : TalkState.NOT_YOURS, s.endedAt()));
    b.forStateType(Finished.class)
        .onCommand(WrapUpFinished.class, (s, c) -> {
          // Reported again (the confirmation got lost): confirm again; an agent that never had the
          // call is told too, so it stops reporting.
          ctx.refs().agent(c.agent()).tell(new Agent.CompletionConfirmed(id));
          return Effect().noReply();
        })
        .onCommand(Answer.class, (s, c) -> Effect().reply(c.replyTo(), new AnswerRefused(
            s.outcome() == CallOutcome.ABANDONED ? "the caller hung up" : "the call has ended")))
        .onCommand(CheckOffer.class, (s, c) -> offerStatus(c.agent(), c.offerId(),
            c.offerId().equals(s.offerId()) ? OfferState.ANSWERED_BY_YOU : OfferState.WITHDRAWN))
        .onCommand(CheckCall.class, (s, c) -> callStatus(c.agent(),
            c.agent().equals(s.agent()) ? TalkState.ENDED : TalkState.NOT_YOURS, s.endedAt()));
    // Before the catch-all below: a builder's onAnyCommand ends the search for every state.
    b.forAnyState()
        .onCommand(Transfer.class, (s, c) -> notTalking(c))
        .onCommand(TransferChecked.class, (s, c) -> notTalking(c.request()))
        .onCommand(TransferArrived.class, (s, c) -> transferArrived(c))
        .onCommand(ConsultCommand.class, (s, c) -> notConsulting(c))
        .onCommand(ConsultReport.class, (s, c) -> consultOver(c))
        .onCommand(ArriveByTransfer.class, (s, c) -> Effect().reply(c.replyTo(),
            new Refused(Refusal.conflict("call " + id + " exists already"))));
    b.forAnyState()
        .onCommand(Arrive.class, (s, c) -> {
          // A retried arrival (the first reply was lost) gets the call; a different one is a conflict.
          CallFacts f = factsOf(s);
          boolean retry = f.dialledNumber().equals(c.dialledNumber()) && f.callerNumber().equals(c.callerNumber());
          return Effect().reply(c.replyTo(), retry ? new Done(view(s))
              : new Refused(Refusal.conflict("call " + id + " already exists with other numbers")));
        })
        .onCommand(Hangup.class, (s, c) -> Effect().reply(c.replyTo(),
            new Refused(Refusal.conflict("call " + id + " has already ended"))))
        .onCommand(GetState.class, (s, c) -> Effect().reply(c.replyTo(), new Done(view(s))))
        .onCommand(Answer.class, c -> Effect().reply(c.replyTo(), new AnswerRefused("the call is not waiting")))
        .onCommand(Ringing.class, c -> notWaitingThere(c, "the call is no longer waiting"))
        .onCommand(MaxWaitReached.class, c -> orphan(c.queue()))
        .onCommand(WrapUpFinished.class, c -> {
          ctx.refs().agent(c.agent()).tell(new Agent.CompletionConfirmed(id));
          return Effect().noReply();
        })
        .onCommand(CheckOffer.class, c -> offerStatus(c.agent(), c.offerId(), OfferState.WITHDRAWN))
        .onCommand(CheckCall.class, c -> callStatus(c.agent(), TalkState.NOT_YOURS, null))
        .onAnyCommand(c -> Effect().noReply());
    return b.build();
  }

  // ------------------------------------------------ transfer (ANS-4)

  private ReplyEffect<Event, State> notTalking(Transfer c) {
    return Effect().reply(c.replyTo(), new Refused(Refusal.conflict("call " + id + " is not talking to agent "
        + c.agent() + " now; only a talking call can be transferred")));
  }

  private ReplyEffect<Event, State> onTransfer(Talking s, Transfer c) {
    if (!s.agent().equals(c.agent())) return notTalking(c);
    if (s.consulting())
      return Effect().reply(c.replyTo(), new Refused(Refusal.conflict("call " + id + " consults "
          + s.consultation().number() + "; complete or cancel the consultation before a transfer")));
    if (c.target() instanceof TransferTarget.ToQueue q) {
      // The queue must exist before the agent lets go of the caller.
      context.ask(Queue.Reply.class, ctx.refs().queue(q.queue()), ctx.settings().askTimeout(), Queue.GetAdmission::new,
          (reply, failure) -> new TransferChecked(c, reply, failure));
      return Effect().noReply();
    }
    return transferred(s, c, null);
  }

  private ReplyEffect<Event, State> onTransferChecked(Talking s, TransferChecked m) {
    Transfer c = m.request();
    if (!s.agent().equals(c.agent())) return notTalking(c);
    if (s.consulting())
      return Effect().reply(c.replyTo(), new Refused(Refusal.conflict("call " + id + " consults "
          + s.consultation().number() + "; complete or cancel the consultation before a transfer")));
    QueueId queue = ((TransferTarget.ToQueue) c.target()).queue();
    if (!(m.reply() instanceof Queue.Admission))
      return Effect().reply(c.replyTo(), new Refused(m.failure() != null
          ? Refusal.unavailable("queue " + queue + " did not answer in time; try again")
          : Refusal.invalid("target.queue", "unknown queue " + queue)));
    return transferred(s, c, transferIdOf(id));
  }

  /**
   * The id of the call a transfer to a queue makes: the first call's id and a fresh suffix (a
   * call transferred again keeps its first id's root), within the 64 characters of an id.
   */
  static CallId transferIdOf(CallId call) {
    String root = call.value().replaceFirst("-t[0-9a-z]{1,6}$", "");
    String suffix = "-t" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    return new CallId(root.substring(0, Math.min(root.length(), 64 - suffix.length())) + suffix);
  }

  /** The talk ends here (the agent goes to wrap-up); a queue gets the caller as a new call. */
  private ReplyEffect<Event, State> transferred(Talking s, Transfer c, CallId newCall) {
    Instant now = ctx.now();
    return Effect().persist(List.of(new CallEnded(s.agent(), EndedBy.TRANSFER, now),
            new CallTransferred(s.agent(), c.target(), newCall, now)))
        .thenRun((State after) -> {
          if (c.target() instanceof TransferTarget.ToQueue q) {
            CallFacts facts = ((WrappingUp) after).facts();
            context.ask(Reply.class, ctx.refs().call(newCall), ctx.settings().askTimeout(),
                replyTo -> new ArriveByTransfer(facts, q.queue(), replyTo),
                (reply, failure) -> new TransferArrived(newCall, q.queue(), reply, failure));
          }
          changed(after);
        })
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  /** The call the transfer made: only a failure is news (logged: the caller may be stranded). */
  private ReplyEffect<Event, State> transferArrived(TransferArrived m) {
    if (m.failure() != null || m.reply() instanceof Refused)
      context.getLog().error("call {} transferred to queue {} as {} was not taken there: {}", id, m.queue(),
          m.newCall(), m.failure() != null ? m.failure().toString() : ((Refused) m.reply()).refusal().message());
    return Effect().noReply();
  }

  // ------------------------------------------------ announce transfer (ANS-4)

  private ReplyEffect<Event, State> notConsulting(ConsultCommand c) {
    return Effect().reply(c.replyTo(), new Refused(Refusal.conflict("call " + id + " is not talking to agent "
        + c.agent() + " now; only the agent on a talking call can consult")));
  }

  /** A report on a consultation this call no longer has: the edge drops its leg to the number. */
  private ReplyEffect<Event, State> consultOver(ConsultReport c) {
    return Effect().reply(c.replyTo(), new Refused(Refusal.gone("consultation " + c.consultId() + " of call " + id
        + " is over")));
  }

  /** The events that end a talk, after the end of the consultation it may have running. */
  private static List<Event> ending(Talking s, Event... events) {
    List<Event> all = new ArrayList<>();
    if (s.consultation() != null && s.consulting())
      all.add(new ConsultEnded(s.consultation().consultId(), Consultation.Ending.CALL_ENDED, events[0].at()));
    all.addAll(List.of(events));
    return all;
  }

  private ReplyEffect<Event, State> refuse(ActorRef<Reply> replyTo, Refusal refusal) {
    return Effect().reply(replyTo, new Refused(refusal));
  }

  private ReplyEffect<Event, State> onConsult(Talking s, Consult c) {
    if (!s.agent().equals(c.agent())) return notConsulting(c);
    if (c.number() == null || !DIALLED.matcher(c.number()).matches())
      return refuse(c.replyTo(), Refusal.invalid("number",
          "number must be 2-20 digits, optionally starting with +, got " + c.number()));
    if (s.consulting())
      return refuse(c.replyTo(), Refusal.conflict("call " + id + " already consults " + s.consultation().number()
          + "; complete or cancel that consultation first"));
    String consultId = java.util.UUID.randomUUID().toString();
    return Effect().persist(new ConsultStarted(c.agent(), consultId, c.number(), ctx.now()))
        .thenRun(this::changed)
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  /** The agent's consultation, or a refusal naming what is missing. */
  private Refusal noConsultation(Talking s, ConsultCommand c) {
    if (!s.agent().equals(c.agent()))
      return Refusal.conflict("call " + id + " is not talking to agent " + c.agent() + " now");
    if (s.consultation() == null) return Refusal.conflict("call " + id + " has no consultation; consult a number first");
    return null;
  }

  private ReplyEffect<Event, State> onToggle(Talking s, Toggle c) {
    Refusal missing = noConsultation(s, c);
    if (missing != null) return refuse(c.replyTo(), missing);
    Consultation k = s.consultation();
    if (k.state() != Consultation.State.CONNECTED)
      return refuse(c.replyTo(), Refusal.conflict(k.state() == Consultation.State.DIALLING
          ? "the consultation of " + k.number() + " is still dialling; toggle once the contact answered"
          : "the consultation of " + k.number() + " failed (" + k.reason() + "); the agent talks to the caller"));
    Consultation.Party other = k.talkingTo() == Consultation.Party.CALLER
        ? Consultation.Party.CONTACT : Consultation.Party.CALLER;
    return Effect().persist(new ConsultToggled(k.consultId(), other, ctx.now()))
        .thenRun(this::changed)
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  /** Caller and contact connected, the agent leaves: ended as a transfer to the number. */
  private ReplyEffect<Event, State> onCompleteConsult(Talking s, CompleteConsult c) {
    Refusal missing = noConsultation(s, c);
    if (missing != null) return refuse(c.replyTo(), missing);
    Consultation k = s.consultation();
    if (k.state() != Consultation.State.CONNECTED)
      return refuse(c.replyTo(), Refusal.conflict(k.state() == Consultation.State.DIALLING
          ? "the contact at " + k.number() + " has not answered yet; wait, or cancel the consultation"
          : "the consultation of " + k.number() + " failed (" + k.reason() + "); nobody to connect the caller to"));
    Instant now = ctx.now();
    return Effect().persist(List.of(new ConsultEnded(k.consultId(), Consultation.Ending.COMPLETED, now),
            new CallEnded(s.agent(), EndedBy.TRANSFER, now),
            new CallTransferred(s.agent(), new TransferTarget.ToNumber(k.number()), null, now)))
        .thenRun(this::changed)
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  private ReplyEffect<Event, State> onCancelConsult(Talking s, CancelConsult c) {
    Refusal missing = noConsultation(s, c);
    if (missing != null) return refuse(c.replyTo(), missing);
    return Effect().persist(new ConsultEnded(s.consultation().consultId(), Consultation.Ending.CANCELLED, ctx.now()))
        .thenRun(this::changed)
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  /** The consultation {@code consultId} names, if it is this call's current one. */
  private static Optional<Consultation> current(Talking s, String consultId) {
    return Optional.ofNullable(s.consultation()).filter(k -> k.consultId().equals(consultId));
  }

  private ReplyEffect<Event, State> onConsultLegAnswered(Talking s, ConsultLegAnswered c) {
    Optional<Consultation> k = current(s, c.consultId());
    if (k.isEmpty() || k.get().state() == Consultation.State.FAILED) return consultOver(c);
    if (k.get().state() == Consultation.State.CONNECTED) return Effect().reply(c.replyTo(), new Done(view(s)));
    return Effect().persist(new ConsultAnswered(c.consultId(), ctx.now()))
        .thenRun(this::changed)
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  private ReplyEffect<Event, State> onConsultLegFailed(Talking s, ConsultLegFailed c) {
    Optional<Consultation> k = current(s, c.consultId());
    if (k.isEmpty()) return consultOver(c);
    if (k.get().state() == Consultation.State.FAILED) return Effect().reply(c.replyTo(), new Done(view(s)));
    // Answered and then failed (its media was unusable): reported as ended, the agent is back.
    if (k.get().state() == Consultation.State.CONNECTED) return contactLeft(s, k.get(), c.replyTo());
    String reason = c.reason() == null || c.reason().isBlank() ? "no answer"
        : c.reason().length() > 80 ? c.reason().substring(0, 80) : c.reason();
    return Effect().persist(new ConsultFailed(c.consultId(), reason, ctx.now()))
        .thenRun(this::changed)
        .thenReply(c.replyTo(), after -> new Done(view(after)));
  }

  private ReplyEffect<Event, State> onConsultLegEnded(Talking s, ConsultLegEnded c) {
    Optional<Consultation> k = current(s, c.consultId());
    if (k.isEmpty()) return consultOver(c);
    if (k.get().state() == Consultation.State.FAILED) return Effect().reply(c.replyTo(), new Done(view(s)));
    if (k.get().state() == Consultation.State.DIALLING)
      return Effect().persist(new ConsultFailed(c.consultId(), "no answer", ctx.now()))
          .thenRun(this::changed)
          .thenReply(c.replyTo(), after -> new Done(view(after)));
    return contactLeft(s, k.get(), c.replyTo());
  }

  private ReplyEffect<Event, State> contactLeft(Talking s, Consultation k, ActorRef<Reply> replyTo) {
    return Effect().persist(new ConsultEnded(k.consultId(), Consultation.Ending.CONTACT_LEFT, ctx.now()))
        .thenRun(this::changed)
        .thenReply(replyTo, after -> new Done(view(after)));
  }

  private ReplyEffect<Event, State> onArriveByTransfer(NoCall s, ArriveByTransfer c) {
    if (routing != null)
      return Effect().reply(c.replyTo(), new Refused(Refusal.conflict("call " + id + " is already arriving")));
    CallFacts o = c.origin();
    NumberPlanEntry entry = new NumberPlanEntry(o.dialledNumber(), o.answeringPoint(), o.company(), c.queue(),
        o.priority());
    routing = new Routing(o.dialledNumber(), o.callerNumber(), ctx.now(), c.replyTo(), entry, c.queue(), null, null,
        false, new ArrayList<>(), null, true, o.customerNumber() == null ? "" : o.customerNumber(), o);
    askAdmission(routing);
    return Effect().noReply();
  }

  // ------------------------------------------------ arrival and admission

  private ReplyEffect<Event, State> onArrive(NoCall s, Arrive c) {
    if (routing != null)
      return Effect().reply(c.replyTo(), new Refused(Refusal.conflict("call " + id + " is already arriving")));
    if (c.dialledNumber() == null || !DIALLED.matcher(c.dialledNumber()).matches())
      return Effect().reply(c.replyTo(), new Refused(Refusal.invalid("dialledNumber",
          "dialledNumber must be 2-20 digits, optionally starting with +, got " + c.dialledNumber())));
    if (c.callerNumber() == null || !CALLER.matcher(c.callerNumber()).matches())
      return Effect().reply(c.replyTo(), new Refused(Refusal.invalid("callerNumber",
          "callerNumber must be 1-20 digits, optionally starting with +, or 'anonymous', got " + c.callerNumber())));
    if (c.menuChoice() != null && !c.menuChoice().isEmpty() && !c.menuChoice().matches("[0-9*#]"))
      return Effect().reply(c.replyTo(), new Refused(Refusal.invalid("menuChoice",
          "menuChoice must be one key 0-9, * or #, or empty for none, got " + c.menuChoice())));
    if (c.customerNumber() != null && !c.customerNumber().matches("[0-9]{0,20}"))
      return Effect().reply(c.replyTo(), new Refused(Refusal.invalid("customerNumber",
          "customerNumber must be up to 20 digits, or empty for none, got " + c.customerNumber())));
    routing = new Routing(c.dialledNumber(), c.callerNumber(), ctx.now(), c.replyTo(), null, null, null, null, false,
        new ArrayList<>(), c.menuChoice(), false, c.customerNumber(), null);
    context.ask(NumberPlan.Reply.class, ctx.refs().numberPlan(), ctx.settings().askTimeout(),
        replyTo -> new NumberPlan.Resolve(c.dialledNumber(), c.callerNumber(), replyTo), NumberResolved::new);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onNumberResolved(NoCall s, NumberResolved r) {
    if (routing == null) return Effect().noReply();
    if (r.reply() instanceof NumberPlan.Resolved resolved && resolved.entry().toAccount()) {
      Routing handedOver = routing;
      dropRouting();
      ToSipAccount answer = new ToSipAccount(resolved.entry());
      handedOver.hangups().forEach(h -> h.tell(answer));
      passivate.accept(context.getSelf());
      return Effect().reply(handedOver.replyTo(), answer);
    }
    if (r.reply() instanceof NumberPlan.Resolved resolved) {
      routing = routing.with(resolved.entry());
      if (resolved.blocked() != null) return blocked(s, resolved.blocked());
      askAdmission(routing);
      return Effect().noReply();
    }
    Refusal refusal = r.failure() != null
        ? Refusal.unavailable("the number plan did not answer in time; try again")
        : r.reply() instanceof NumberPlan.Refused refused ? refused.refusal()
        : Refusal.notFound("unknown dialled number " + routing.dialledNumber());
    return giveUp(refusal);
  }

  /** A caller the company blocks: written as arrived and handled by the block's action, never queued. */
  private ReplyEffect<Event, State> blocked(NoCall s, ClosedAction action) {
    Routing r = routing;
    routing = null;
    List<Event> events = new ArrayList<>(leadingEvents(s, r, r.arrivedAt()));
    events.add(new CallClosedHandled(r.queue(), ClosedCause.BLOCKED, action, "blocked caller", promptOf(action),
        r.arrivedAt()));
    return written(s, r, events);
  }

  private void askAdmission(Routing r) {
    context.ask(Queue.Reply.class, ctx.refs().queue(r.queue()), ctx.settings().askTimeout(),
        Queue.GetAdmission::new, (reply, failure) -> new AdmissionResolved(r, reply, failure));
  }

  private ReplyEffect<Event, State> onAdmission(State s, AdmissionResolved r) {
    if (r.routing() != routing) return Effect().noReply();
    if (r.reply() instanceof Queue.Admission admission) {
      routing = routing.with(admission);
      if (admission.calendarId() == null) return decide(s, OpeningStatus.baseHours());
      Routing asked = routing;
      context.ask(Calendar.Reply.class, ctx.refs().calendar(admission.calendarId()), ctx.settings().askTimeout(),
          replyTo -> new Calendar.Evaluate(asked.arrival() ? asked.arrivedAt() : ctx.now(), replyTo),
          (reply, failure) -> new CalendarResolved(asked, reply, failure));
      return Effect().noReply();
    }
    if (!routing.arrival()) return stayAfterFailedOverflow(r.failure(), r.reply());
    Refusal refusal = r.failure() != null
        ? Refusal.unavailable("queue " + routing.queue() + " did not answer in time; try again")
        : Refusal.notFound("dialled number " + routing.dialledNumber() + " routes to queue " + routing.queue()
            + ", which is not configured");
    return giveUp(refusal);
  }

  private ReplyEffect<Event, State> onCalendar(State s, CalendarResolved r) {
    if (r.routing() != routing) return Effect().noReply();
    if (r.reply() instanceof Calendar.Status status) return decide(s, status.status());
    // A missing or silent calendar must not turn callers away: treat the queue as open.
    context.getLog().warn("calendar {} of queue {} gave no verdict ({}); treating the queue as open",
        routing.admission().calendarId(), routing.queue(),
        r.failure() != null ? r.failure().getMessage() : r.reply());
    return decide(s, OpeningStatus.baseHours());
  }

  /** Admission is decided: a closed queue is written now; an open one is asked to take the contact. */
  private ReplyEffect<Event, State> decide(State s, OpeningStatus opening) {
    Routing r = routing;
    if (opening.open() && r.arrival() && !r.menuDone() && r.admission().menu() != null) {
      Menu menu = r.admission().menu();
      if (r.menuChoice() == null) {
        // Nothing is written: the caller hears the menu and arrives again with a key.
        routing = null;
        r.hangups().forEach(h -> h.tell(new Refused(Refusal.notFound("call " + id + " was not written"))));
        passivate.accept(context.getSelf());
        return Effect().reply(r.replyTo(), new MenuRequired(r.queue(), menu));
      }
      QueueId target = menu.target(r.menuChoice()).orElse(r.queue());
      routing = r.chose(target);
      if (!target.equals(r.queue())) {
        askAdmission(routing);
        return Effect().noReply();
      }
      routing = routing.with(r.admission());
      r = routing;
    }
    CustomerNumberEntry entry = r.admission().customerNumberEntry();
    if (opening.open() && r.arrival() && r.origin() == null && entry != null && (r.customerNumber() == null
        || !entry.accepts(r.customerNumber()))) {
      // Nothing is written: the caller keys in the number and arrives again with it.
      routing = null;
      r.hangups().forEach(h -> h.tell(new Refused(Refusal.notFound("call " + id + " was not written"))));
      passivate.accept(context.getSelf());
      if (r.customerNumber() != null)
        return Effect().reply(r.replyTo(), new Refused(Refusal.invalid("customerNumber", "queue " + r.queue()
            + " takes customer numbers of " + entry.minDigits() + "-" + entry.maxDigits() + " digits, got "
            + r.customerNumber())));
      return Effect().reply(r.replyTo(), new CustomerNumberRequired(r.queue(), entry));
    }
    if (opening.open()) {
      routing = r.askingQueue();
      Routing asked = routing;
      ContactSummary contact = r.arrival()
          ? new ContactSummary(id, Channel.VOICE, r.queue(), r.dialledNumber(), r.callerNumber(),
              r.entry().answeringPoint(), r.entry().company(), r.entry().priority(),
              r.origin() != null ? r.origin().virtualStartAt() : null, null, emptyToNull(r.customerNumber()))
          : contactOf(((Queued) s).facts(), r.queue());
      context.ask(Queue.Reply.class, ctx.refs().queue(r.queue()), ctx.settings().askTimeout(),
          replyTo -> new Queue.Enqueue(contact, replyTo), (reply, failure) -> new EnqueueResolved(asked, reply, failure));
      return Effect().noReply();
    }
    routing = null;
    Instant now = ctx.now();
    List<Event> events = new ArrayList<>(leadingEvents(s, r, now));
    String prompt = opening.prompt() != null ? opening.prompt() : promptOf(r.admission().closedAction());
    events.add(new CallClosedHandled(r.queue(), ClosedCause.CALENDAR, r.admission().closedAction(),
        opening.detail(), prompt, r.arrival() ? r.arrivedAt() : now));
    return written(s, r, events);
  }

  /** The queue answered the request to take the contact. */
  private ReplyEffect<Event, State> onEnqueued(State s, EnqueueResolved r) {
    if (r.routing() != routing) return Effect().noReply();
    if (r.reply() instanceof Queue.Enqueued q) return queued(s, q.virtualStartAt(), q.terms(), q.enqueuedAt(), null);
    if (!routing.arrival()) return stayAfterFailedOverflow(r.failure(), r.reply());
    Refusal refusal = r.failure() != null
        ? Refusal.unavailable("queue " + routing.queue() + " did not take the call in time; try again")
        : ((Queue.Refused) r.reply()).refusal();
    return giveUp(refusal);
  }

  /**
   * The contact is in the routed queue: write the arrival (or overflow) with its queueing, and
   * with the first ring when that ring overtook the queue's reply.
   */
  private ReplyEffect<Event, State> queued(State s, Instant virtualStart, QueueTerms terms, Instant enqueuedAt,
      Ringing ring) {
    Routing r = routing;
    routing = null;
    Instant now = ctx.now();
    List<Event> events = new ArrayList<>(leadingEvents(s, r, now));
    events.add(new CallQueued(r.queue(), virtualStart, terms, enqueuedAt));
    if (ring != null) events.add(new CallOffered(ring.offerId(), ring.agent(), r.queue(), ring.at()));
    List<OfferRecord> ringing = ring == null ? List.of() : List.of(new OfferRecord(ring.offerId(), ring.agent(), ring.at()));
    if (!r.hangups().isEmpty()) {
      ringing.forEach(o -> events.add(new CallOfferEnded(o.offerId(), o.agent(), OfferOutcome.WITHDRAWN, now)));
      events.add(new CallAbandoned(r.queue(), ring == null ? CallPhase.QUEUED : CallPhase.OFFERED, now));
    }
    return written(s, r, events, ringing);
  }

  /** What an arrival or an overflow writes before its queueing or closed handling. */
  private List<Event> leadingEvents(State s, Routing r, Instant now) {
    List<Event> events = new ArrayList<>();
    if (r.arrival()) {
      events.add(new CallArrived(id, r.dialledNumber(), r.callerNumber(), r.arrivedAt()));
      events.add(new CallRouted(r.entry().answeringPoint(), r.entry().company(), r.queue(), r.entry().priority(),
          r.menuChoice(), r.arrivedAt(), r.customerNumber()));
    } else {
      ((Queued) s).offers().forEach(o -> events.add(new CallOfferEnded(o.offerId(), o.agent(), OfferOutcome.WITHDRAWN, now)));
      events.add(new CallOverflowed(r.overflowFrom(), new OverflowTarget.ToQueue(r.queue()), now));
    }
    return events;
  }

  private ReplyEffect<Event, State> written(State s, Routing r, List<Event> events) {
    return written(s, r, events, List.of());
  }

  /** Persists a routing outcome; {@code abandonedRings}: rings of the routed queue the caller left. */
  private ReplyEffect<Event, State> written(State s, Routing r, List<Event> events, List<OfferRecord> abandonedRings) {
    List<OfferRecord> leftBehind = s instanceof Queued q ? q.offers() : List.of();
    var effect = Effect().persist(events).thenRun((State after) -> {
      if (!r.arrival()) leaveQueue(r.overflowFrom(), LeaveReason.OVERFLOWED, leftBehind, "moved to queue " + r.queue());
      if (after instanceof Finished f && f.outcome() == CallOutcome.ABANDONED)
        leaveQueue(r.queue(), LeaveReason.ABANDONED, abandonedRings, "the caller hung up");
      if (after instanceof Finished) finished(after);
      else changed(after);
      for (ActorRef<Reply> h : r.hangups()) h.tell(new Done(view(after)));
    });
    return r.arrival() ? effect.thenReply(r.replyTo(), after -> new Done(view(after))) : effect.thenNoReply();
  }

  private ReplyEffect<Event, State> giveUp(Refusal refusal) {
    Routing r = routing;
    dropRouting();
    r.hangups().forEach(h -> h.tell(new Refused(refusal)));
    passivate.accept(context.getSelf());
    return Effect().reply(r.replyTo(), new Refused(refusal));
  }

  private ReplyEffect<Event, State> stayAfterFailedOverflow(Throwable failure, Object reply) {
    // The target is not there or silent: the call stays where it is rather than be lost; its
    // queue tells it again later.
    context.getLog().warn("call {} cannot overflow to queue {} ({}); it stays in its queue", id, routing.queue(),
        failure != null ? failure.getMessage() : reply);
    dropRouting();
    return Effect().noReply();
  }

  /**
   * Abandons the routing in progress. A queue already asked to take the contact may have done
   * so: it is told to drop it (after the enqueue, so in that order).
   */
  private void dropRouting() {
    if (routing != null && routing.enqueueing())
      ctx.refs().queue(routing.queue()).tell(new Queue.Dequeue(id, LeaveReason.ORPHANED));
    routing = null;
  }

  private ContactSummary contactOf(CallFacts f, QueueId queue) {
    return new ContactSummary(id, Channel.VOICE, queue, f.dialledNumber(), f.callerNumber(), f.answeringPoint(),
        f.company(), f.priority(), f.virtualStartAt(), null, f.customerNumber());
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  // ------------------------------------------------ offers and answers

  /**
   * A ring for a call with nothing written: either the ring overtook the queue's reply (the
   * queue took the contact; write it now), or the session never wrote the contact the queue
   * holds (it gave up, or crashed first): the queue drops it.
   */
  private ReplyEffect<Event, State> onRingBeforeWritten(NoCall s, Ringing c) {
    if (routing != null && routing.enqueueing() && c.queue().equals(routing.queue())) {
      ContactSummary contact = c.offer().contact();
      return queued(s, contact.virtualStartAt(), c.offer().terms(), contact.enqueuedAt(), c);
    }
    withdraw(c.agent(), c.offerId(), "unknown call");
    return routing == null ? orphan(c.queue()) : Effect().noReply();
  }

  /** A queue holds this call although it does not wait there (any more): it drops it. */
  private ReplyEffect<Event, State> orphan(QueueId queue) {
    context.getLog().info("queue {} holds call {} that does not wait there; it drops it", queue, id);
    ctx.refs().queue(queue).tell(new Queue.Dequeue(id, LeaveReason.ORPHANED));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> notWaitingThere(Ringing c, String why) {
    withdraw(c.agent(), c.offerId(), why);
    return orphan(c.queue());
  }

  private ReplyEffect<Event, State> onRinging(Queued s, Ringing c) {
    if (routing != null && routing.enqueueing() && c.queue().equals(routing.queue())) {
      // The overflow's target took the contact and already rings it.
      ContactSummary contact = c.offer().contact();
      return queued(s, contact.virtualStartAt(), c.offer().terms(), contact.enqueuedAt(), c);
    }
    if (!c.queue().equals(s.queue())) return notWaitingThere(c, "the call moved to queue " + s.queue());
    if (s.offer(c.offerId()).isPresent()) return Effect().noReply();
    return Effect().persist(new CallOffered(c.offerId(), c.agent(), c.queue(), c.at()))
        .thenRun(this::changed)
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onAnswer(Queued s, Answer c) {
    Optional<OfferRecord> offer = s.offer(c.offerId()).filter(o -> o.agent().equals(c.agent()));
    if (offer.isEmpty()) return Effect().reply(c.replyTo(), new AnswerRefused("the offer was withdrawn"));
    dropRouting(); // an answer ends any overflow being decided
    Instant now = ctx.now();
    List<OfferRecord> others = s.offers().stream().filter(o -> !o.offerId().equals(c.offerId())).toList();
    List<Event> events = new ArrayList<>();
    others.forEach(o -> events.add(new CallOfferEnded(o.offerId(), o.agent(), OfferOutcome.WITHDRAWN, now)));
    events.add(new CallAnswered(c.offerId(), c.agent(), s.queue(), offer.get().offeredAt(), now));
    return Effect().persist(events)
        .thenRun((State after) -> {
          leaveQueue(s.queue(), LeaveReason.ANSWERED, others, "answered by another agent");
          changed(after);
        })
        .thenReply(c.replyTo(), after -> new AnswerGranted(id));
  }

  private ReplyEffect<Event, State> onOfferFailed(Queued s, OfferFailed c) {
    if (s.offer(c.offerId()).isEmpty() || !c.outcome().presented()) return Effect().noReply();
    return Effect().persist(new CallOfferEnded(c.offerId(), c.agent(), c.outcome(), c.at()))
        .thenRun(this::changed)
        .thenNoReply();
  }

  private ReplyEffect<Event, State> abandon(QueueId queue, CallPhase phase, List<OfferRecord> offers,
      ActorRef<Reply> replyTo) {
    dropRouting(); // a hang-up ends any overflow being decided
    Instant now = ctx.now();
    List<Event> events = new ArrayList<>();
    offers.forEach(o -> events.add(new CallOfferEnded(o.offerId(), o.agent(), OfferOutcome.WITHDRAWN, now)));
    events.add(new CallAbandoned(queue, phase, now));
    return Effect().persist(events)
        .thenRun((State after) -> {
          leaveQueue(queue, LeaveReason.ABANDONED, offers, "the caller hung up");
          finished(after);
        })
        .thenReply(replyTo, after -> new Done(view(after)));
  }

  // ------------------------------------------------ overflow

  private ReplyEffect<Event, State> onMaxWait(Queued s, MaxWaitReached c) {
    if (!c.queue().equals(s.queue()))
      return routing != null && c.queue().equals(routing.queue()) ? Effect().noReply() : orphan(c.queue());
    OverflowTarget overflow = c.overflow() != null ? c.overflow() : s.terms().overflow();
    if (routing != null || overflow == null) return Effect().noReply();
    Instant now = ctx.now();
    if (overflow instanceof OverflowTarget.Close close) {
      List<Event> events = new ArrayList<>();
      s.offers().forEach(o -> events.add(new CallOfferEnded(o.offerId(), o.agent(), OfferOutcome.WITHDRAWN, now)));
      events.add(new CallOverflowed(s.queue(), close, now));
      events.add(new CallClosedHandled(s.queue(), ClosedCause.MAX_WAIT, close.action(), null,
          promptOf(close.action()), now));
      return Effect().persist(events)
          .thenRun((State after) -> {
            leaveQueue(s.queue(), LeaveReason.OVERFLOWED, s.offers(), "the call overflowed");
            finished(after);
          })
          .thenNoReply();
    }
    QueueId target = ((OverflowTarget.ToQueue) overflow).queue();
    if (s.facts().visited().contains(target)) {
      context.getLog().warn("call {} would overflow from {} back to queue {} it was in before; it stays",
          id, s.queue(), target);
      return Effect().noReply();
    }
    routing = new Routing(s.facts().dialledNumber(), s.facts().callerNumber(), s.facts().arrivedAt(), null, null,
        target, null, s.queue(), false, new ArrayList<>(), null, true, s.facts().customerNumber(), null);
    askAdmission(routing);
    return Effect().noReply();
  }

  // ------------------------------------------------ side effects

  /** The call left {@code queue}: tell it, and withdraw the offers still ringing. */
  private void leaveQueue(QueueId queue, LeaveReason reason, List<OfferRecord> offers, String why) {
    ctx.refs().queue(queue).tell(new Queue.Dequeue(id, reason));
    for (OfferRecord o : offers) ctx.refs().agent(o.agent()).tell(new Agent.OfferWithdrawn(o.offerId(), id, why));
  }

  private ReplyEffect<Event, State> withdraw(AgentId agent, OfferId offerId, String why) {
    ctx.refs().agent(agent).tell(new Agent.OfferWithdrawn(offerId, id, why));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> offerStatus(AgentId agent, OfferId offerId, OfferState state) {
    ctx.refs().agent(agent).tell(new Agent.OfferStatus(offerId, id, state));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> callStatus(AgentId agent, TalkState state, Instant endedAt) {
    ctx.refs().agent(agent).tell(new Agent.CallStatus(id, state, endedAt));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> unknownCall(ActorRef<Reply> replyTo) {
    // Not while a call is being routed here: its routing lives only in this incarnation.
    if (routing == null) passivate.accept(context.getSelf());
    return Effect().reply(replyTo, new Refused(Refusal.notFound("unknown call " + id)));
  }

  private void completed(State after, AgentId agent) {
    ctx.refs().agent(agent).tell(new Agent.CompletionConfirmed(id));
    if (after instanceof Finished f && f.queue() != null && f.answeredAt() != null)
      ctx.refs().queue(f.queue()).tell(new Queue.ContactHandled(id, Duration.between(f.answeredAt(), f.at())));
    finished(after);
  }

  private void finished(State after) {
    changed(after);
    timers.startSingleTimer(PassivateNow.class, new PassivateNow(), ctx.settings().finishedLinger());
  }

  private void changed(State after) {
    ctx.notifier().publish(new Notification.CallChanged(id, view(after), ctx.now()));
  }

  private static String promptOf(ClosedAction action) {
    return action instanceof ClosedAction.NightMessage m ? m.prompt() : null;
  }

  // ---------------------------------------------------------------- recovery

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::onRecovered).build();
  }

  /** Re-sends what the session last told others, in case it was lost with a node. */
  private void onRecovered(State state) {
    if (state instanceof Talking t) {
      ctx.refs().queue(t.queue()).tell(new Queue.Dequeue(id, LeaveReason.ANSWERED));
      // A consultation's last change may have been lost with a node: the edge and the agent's
      // desktop follow it from the call's changes, so tell it again (they take it idempotently).
      if (t.consultation() != null) changed(t);
    }
    else if (state instanceof WrappingUp w && w.endedBy() == EndedBy.CALLER)
      ctx.refs().agent(w.agent()).tell(new Agent.CallerHungUp(id, w.endedAt()));
    else if (state instanceof Finished || state instanceof NoCall)
      timers.startSingleTimer(PassivateNow.class, new PassivateNow(), ctx.settings().finishedLinger());
  }

  // ---------------------------------------------------------------- events

  @Override
  public EventHandler<State, Event> eventHandler() {
    return CallSession::apply;
  }

  static State apply(State state, Event event) {
    if (event instanceof CallArrived e)
      return new Routed(new CallFacts(e.callId(), e.dialledNumber(), e.callerNumber(), e.at(), null, null, 0, null,
          List.of()), null);
    if (event instanceof CallRouted e) {
      CallFacts f = ((Routed) state).facts();
      return new Routed(new CallFacts(f.callId(), f.dialledNumber(), f.callerNumber(), f.arrivedAt(),
          e.answeringPoint(), e.company(), e.priority(), f.virtualStartAt(), f.visited(),
          emptyToNull(e.customerNumber())), e.queue());
    }
    if (event instanceof CallQueued e) {
      Routed r = (Routed) state;
      return new Queued(r.facts().queuedIn(e.queue(), e.virtualStartAt()), e.queue(), e.terms(), e.at(), List.of());
    }
    if (event instanceof CallOffered e) {
      Queued q = (Queued) state;
      List<OfferRecord> offers = new ArrayList<>(q.offers());
      offers.add(new OfferRecord(e.offerId(), e.agent(), e.at()));
      return new Queued(q.facts(), q.queue(), q.terms(), q.enqueuedAt(), List.copyOf(offers));
    }
    if (event instanceof CallOfferEnded e) {
      Queued q = (Queued) state;
      return new Queued(q.facts(), q.queue(), q.terms(), q.enqueuedAt(),
          q.offers().stream().filter(o -> !o.offerId().equals(e.offerId())).toList());
    }
    if (event instanceof CallAnswered e) {
      Queued q = (Queued) state;
      return new Talking(q.facts(), q.queue(), q.enqueuedAt(), e.agent(), e.offerId(), e.at());
    }
    if (event instanceof ConsultStarted e)
      return ((Talking) state).with(new Consultation(e.consultId(), e.number(), Consultation.State.DIALLING,
          Consultation.Party.CONTACT, null, e.at()));
    if (event instanceof ConsultAnswered e) {
      Talking t = (Talking) state;
      return t.with(t.consultation().answered());
    }
    if (event instanceof ConsultFailed e) {
      Talking t = (Talking) state;
      return t.with(t.consultation().failed(e.reason()));
    }
    if (event instanceof ConsultToggled e) {
      Talking t = (Talking) state;
      return t.with(t.consultation().talkingTo(e.talkingTo()));
    }
    if (event instanceof ConsultEnded e) return ((Talking) state).with(null);
    if (event instanceof CallEnded e) {
      Talking t = (Talking) state;
      return new WrappingUp(t.facts(), t.queue(), t.enqueuedAt(), t.agent(), t.offerId(), t.answeredAt(), e.at(),
          e.by());
    }
    if (event instanceof CallTransferred e) {
      WrappingUp w = (WrappingUp) state;
      return new WrappingUp(w.facts().transferred(e.target(), e.newCall()), w.queue(), w.enqueuedAt(), w.agent(),
          w.offerId(), w.answeredAt(), w.endedAt(), w.endedBy());
    }
    if (event instanceof CallCompleted e) {
      WrappingUp w = (WrappingUp) state;
      return new Finished(w.facts(), w.queue(), CallOutcome.COMPLETED, e.at(), w.agent(), w.offerId(),
          w.answeredAt(), w.endedAt(), w.endedBy(), null, null);
    }
    if (event instanceof CallAbandoned e)
      return new Finished(factsOf(state), e.queue(), CallOutcome.ABANDONED, e.at(), null, null, null, null, null,
          null, null);
    if (event instanceof CallOverflowed e) {
      if (e.target() instanceof OverflowTarget.ToQueue to) return new Routed(factsOf(state), to.queue());
      return state;
    }
    if (event instanceof CallClosedHandled e)
      return new Finished(factsOf(state), e.queue(),
          switch (e.cause()) {
            case CALENDAR -> CallOutcome.CLOSED;
            case MAX_WAIT -> CallOutcome.OVERFLOWED;
            case BLOCKED -> CallOutcome.BLOCKED;
          }, e.at(), null, null, null,
          null, null, e.action(), e.prompt());
    throw new IllegalStateException("unexpected event " + event + " in " + state);
  }

  private static CallFacts factsOf(State s) {
    if (s instanceof Routed x) return x.facts();
    if (s instanceof Queued x) return x.facts();
    if (s instanceof Talking x) return x.facts();
    if (s instanceof WrappingUp x) return x.facts();
    if (s instanceof Finished x) return x.facts();
    throw new IllegalStateException("no call yet");
  }

  // ---------------------------------------------------------------- views

  CallView view(State s) {
    if (s instanceof NoCall) return null;
    CallFacts f = factsOf(s);
    if (s instanceof Routed r)
      return view(f, CallPhase.ROUTING, r.queue(), null, List.of(), null, null, null, null, null, null, null, null);
    if (s instanceof Queued q)
      return view(f, q.offers().isEmpty() ? CallPhase.QUEUED : CallPhase.OFFERED, q.queue(), q.enqueuedAt(),
          q.offers(), null, null, null, null, null, null, null, null);
    if (s instanceof Talking t)
      return view(f, CallPhase.TALKING, t.queue(), t.enqueuedAt(), List.of(), t.agent(), t.answeredAt(), null, null,
          null, null, null, t.consultation());
    if (s instanceof WrappingUp w)
      return view(f, CallPhase.WRAP_UP, w.queue(), w.enqueuedAt(), List.of(), w.agent(), w.answeredAt(), w.endedAt(),
          w.endedBy(), null, null, null, null);
    Finished x = (Finished) s;
    return view(f, CallPhase.FINISHED, x.queue(), null, List.of(), x.agent(), x.answeredAt(),
        x.endedAt() != null ? x.endedAt() : x.at(), x.endedBy(), x.outcome(), x.closedAction(), x.prompt(), null);
  }

  private CallView view(CallFacts f, CallPhase phase, QueueId queue, Instant enqueuedAt, List<OfferRecord> ringing,
      AgentId agent, Instant answeredAt, Instant endedAt, EndedBy endedBy, CallOutcome outcome,
      ClosedAction closedAction, String prompt, Consultation consultation) {
    return new CallView(id, phase, f.dialledNumber(), f.callerNumber(), f.answeringPoint(), f.company(), queue,
        f.priority(), f.arrivedAt(), enqueuedAt, f.virtualStartAt(), ringing, agent, answeredAt, endedAt, endedBy,
        outcome, closedAction, prompt, f.customerNumber(), f.transferredTo(), f.transferCallId(), consultation);
  }
}
