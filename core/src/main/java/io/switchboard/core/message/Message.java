package io.switchboard.core.message;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.Refusal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One message taken for a client (ANS-6), from the moment the agent sends it until every channel
 * it goes by has taken it or been given up. Nothing is lost: the note is written before anything
 * is sent; a channel that fails is tried again after each of {@code retryDelays}; sharding
 * remembers the entity, so after a crash or a restart it wakes up on some node and goes on.
 * Once settled it stops, and sharding forgets it.
 *
 * <p>A send that happened just before a crash, with its event not yet written, is sent again:
 * delivery is at least once, which for a note beats never.
 */
public final class Message
    extends EventSourcedBehaviorWithEnforcedReplies<Message.Command, Message.Event, Message.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Message");

  /** How long to wait before each next attempt of a failed channel; after the last, it is given up. */
  public record Settings(List<Duration> retryDelays) {
    public Settings {
      retryDelays = List.copyOf(retryDelays);
    }

    /** Attempts over about a day: a mail server down for the night still gets the note. */
    public static Settings standard() {
      return new Settings(List.of(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(2),
          Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2),
          Duration.ofHours(4), Duration.ofHours(8), Duration.ofHours(8)));
    }
  }

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable {}

  public record Take(TakenMessage message, ActorRef<Reply> replyTo) implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /** Sharding's stop message. */
  public record Stop() implements Command {}

  private record Attempt(Channel channel) implements Command {}

  private record Attempted(Channel channel, int attempt, String providerId, String error) implements Command {}

  // ---------------------------------------------------------------- replies

  public sealed interface Reply extends CborSerializable {}

  public record Done(MessageView view) implements Reply {}

  public record Refused(Refusal refusal) implements Reply {}

  public enum Status { PENDING, SENT, FAILED }

  public record ChannelStatus(Status status, int attempts, String providerId, String lastError, Instant at)
      implements CborSerializable {}

  public record MessageView(TakenMessage message, Map<Channel, ChannelStatus> channels, boolean settled)
      implements CborSerializable {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable {}

  public record MessageTaken(TakenMessage message) implements Event {}

  public record ChannelSent(Channel channel, int attempt, String providerId, Instant at) implements Event {}

  public record AttemptFailed(Channel channel, int attempt, String error, Instant at) implements Event {}

  public record ChannelGivenUp(Channel channel, int attempt, String error, Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  public sealed interface State extends CborSerializable {}

  public record Blank() implements State {}

  /** Taken; some channel still to send. */
  public record Delivering(TakenMessage message, Map<Channel, ChannelStatus> channels) implements State {}

  /** Every channel sent or given up. */
  public record Settled(TakenMessage message, Map<Channel, ChannelStatus> channels) implements State {}

  // ---------------------------------------------------------------- wiring

  public static void init(ActorSystem<?> system, Clock clock, MessageDelivery delivery, Settings settings) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ec -> create(new MessageId(ec.getEntityId()), clock,
            delivery, settings, self -> ec.getShard().tell(new ClusterSharding.Passivate<>(self))))
        .withStopMessage(new Stop())
        .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  public static EntityRef<Command> ref(ActorSystem<?> system, MessageId id) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, id.value());
  }

  /** @param passivate stops this entity once it is settled; outside sharding {@code self -> self.tell(new Stop())} */
  public static Behavior<Command> create(MessageId id, Clock clock, MessageDelivery delivery, Settings settings,
      Consumer<ActorRef<Command>> passivate) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Message(id, clock, delivery, settings, passivate, ctx, timers)));
  }

  private final MessageId id;
  private final Clock clock;
  private final MessageDelivery delivery;
  private final Settings settings;
  private final Consumer<ActorRef<Command>> passivate;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  /** Channels with a send under way, so a timer and a recovery never send twice at once. */
  private final Set<Channel> inFlight = new HashSet<>();

  private Message(MessageId id, Clock clock, MessageDelivery delivery, Settings settings,
      Consumer<ActorRef<Command>> passivate, ActorContext<Command> ctx, TimerScheduler<Command> timers) {
    super(PersistenceId.of(ENTITY_KEY.name(), id.value()));
    this.id = id;
    this.clock = clock;
    this.delivery = delivery;
    this.settings = settings;
    this.passivate = passivate;
    this.ctx = ctx;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return new Blank();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of("message");
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          if (state instanceof Delivering d) pending(d).forEach(this::attemptNow);
          else if (state instanceof Settled) passivate.accept(ctx.getSelf());
        })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
    b.forStateType(Blank.class)
        .onCommand(Take.class, (s, c) -> {
          if (c.message() == null || !id.equals(c.message().id()))
            return Effect().reply(c.replyTo(), new Refused(Refusal.invalid("messageId", "the message's id must be " + id)));
          return Effect().persist(new MessageTaken(c.message()))
              .thenRun(after -> c.message().channels().forEach(this::attemptNow))
              .thenReply(c.replyTo(), after -> new Done(view(after)));
        })
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(),
            new Refused(Refusal.notFound("unknown message " + id))))
        .onCommand(Attempt.class, (s, c) -> Effect().noReply())
        .onCommand(Attempted.class, (s, c) -> Effect().noReply())
        .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply());
    b.forStateType(Delivering.class)
        .onCommand(Take.class, (s, c) -> again(s, s.message(), c))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), new Done(view(s))))
        .onCommand(Attempt.class, this::onAttempt)
        .onCommand(Attempted.class, this::onAttempted)
        .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply());
    b.forStateType(Settled.class)
        .onCommand(Take.class, (s, c) -> again(s, s.message(), c))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), new Done(view(s))))
        .onCommand(Attempt.class, (s, c) -> Effect().noReply())
        .onCommand(Attempted.class, (s, c) -> Effect().noReply())
        .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply());
    return b.build();
  }

  /** The same message again (a retried request) is answered; another under the same id is refused. */
  private ReplyEffect<Event, State> again(State s, TakenMessage existing, Take c) {
    if (c.message() != null && sameContent(existing, c.message()))
      return Effect().reply(c.replyTo(), new Done(view(s)));
    return Effect().reply(c.replyTo(), new Refused(Refusal.conflict("message " + id + " was already taken, with other content")));
  }

  private static boolean sameContent(TakenMessage a, TakenMessage b) {
    return a.note().equals(b.note()) && a.company().equals(b.company()) && java.util.Objects.equals(a.contact(), b.contact())
        && a.channels().equals(b.channels());
  }

  private ReplyEffect<Event, State> onAttempt(Delivering s, Attempt c) {
    ChannelStatus st = s.channels().get(c.channel());
    if (st == null || st.status() != Status.PENDING || !inFlight.add(c.channel())) return Effect().noReply();
    int attempt = st.attempts() + 1;
    TakenMessage m = s.message();
    java.util.concurrent.CompletionStage<String> sent;
    try {
      sent = delivery.send(c.channel(), m);
    } catch (RuntimeException e) {
      sent = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    ctx.pipeToSelf(sent, (providerId, failure) -> new Attempted(c.channel(), attempt,
        failure == null ? (providerId == null ? "" : providerId) : null, failure == null ? null : reason(failure)));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onAttempted(Delivering s, Attempted c) {
    inFlight.remove(c.channel());
    Instant now = clock.instant();
    if (c.error() == null)
      return Effect().persist(new ChannelSent(c.channel(), c.attempt(), c.providerId(), now))
          .thenRun(this::passivateIfSettled).thenNoReply();
    if (c.attempt() > settings.retryDelays().size()) {
      ctx.getLog().warn("message {}: {} given up after {} attempts: {}", id, c.channel().json(), c.attempt(), c.error());
      return Effect().persist(new ChannelGivenUp(c.channel(), c.attempt(), c.error(), now))
          .thenRun(this::passivateIfSettled).thenNoReply();
    }
    Duration wait = settings.retryDelays().get(c.attempt() - 1);
    ctx.getLog().info("message {}: {} attempt {} failed ({}); next in {}", id, c.channel().json(), c.attempt(),
        c.error(), wait);
    return Effect().persist(new AttemptFailed(c.channel(), c.attempt(), c.error(), now))
        .thenRun(after -> timers.startSingleTimer(c.channel(), new Attempt(c.channel()), wait))
        .thenNoReply();
  }

  private void passivateIfSettled(State s) {
    if (s instanceof Settled) passivate.accept(ctx.getSelf());
  }

  private void attemptNow(Channel channel) {
    ctx.getSelf().tell(new Attempt(channel));
  }

  private static List<Channel> pending(Delivering d) {
    return d.channels().entrySet().stream().filter(e -> e.getValue().status() == Status.PENDING)
        .map(Map.Entry::getKey).toList();
  }

  private static String reason(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) c = c.getCause();
    String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    return m.length() > 300 ? m.substring(0, 300) : m;
  }

  private static MessageView view(State s) {
    if (s instanceof Delivering d) return new MessageView(d.message(), d.channels(), false);
    if (s instanceof Settled d) return new MessageView(d.message(), d.channels(), true);
    throw new IllegalStateException("no message yet");
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(Message::apply);
  }

  static State apply(State state, Event event) {
    if (event instanceof MessageTaken e) {
      Map<Channel, ChannelStatus> channels = new EnumMap<>(Channel.class);
      for (Channel c : e.message().channels()) channels.put(c, new ChannelStatus(Status.PENDING, 0, null, null, null));
      return new Delivering(e.message(), Map.copyOf(channels));
    }
    TakenMessage m;
    Map<Channel, ChannelStatus> channels;
    if (state instanceof Delivering d) {
      m = d.message();
      channels = new EnumMap<>(d.channels());
    } else if (state instanceof Settled d) {
      m = d.message();
      channels = new EnumMap<>(d.channels());
    } else {
      throw new IllegalStateException("event " + event.getClass().getSimpleName() + " before the message was taken");
    }
    if (event instanceof ChannelSent e)
      channels.put(e.channel(), new ChannelStatus(Status.SENT, e.attempt(), e.providerId(), null, e.at()));
    else if (event instanceof AttemptFailed e)
      channels.put(e.channel(), new ChannelStatus(Status.PENDING, e.attempt(), null, e.error(), e.at()));
    else if (event instanceof ChannelGivenUp e)
      channels.put(e.channel(), new ChannelStatus(Status.FAILED, e.attempt(), null, e.error(), e.at()));
    boolean done = channels.values().stream().noneMatch(c -> c.status() == Status.PENDING);
    return done ? new Settled(m, Map.copyOf(channels)) : new Delivering(m, Map.copyOf(channels));
  }
}
