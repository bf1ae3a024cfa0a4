package io.switchboard.core.user;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.Refusal;
import java.time.Clock;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;

/**
 * One signed-in session, keyed by a hash of its token (the token itself is never stored). It
 * survives node restarts and ends by logout or at its expiry.
 */
public final class LoginSession
    extends EventSourcedBehaviorWithEnforcedReplies<LoginSession.Command, LoginSession.Event, LoginSession.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "LoginSession");

  public sealed interface Command extends CborSerializable {}

  public record Start(String username, Instant expiresAt, ActorRef<Reply> replyTo) implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  public record End(String reason, ActorRef<Reply> replyTo) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record Active(String sessionId, String username, Instant startedAt, Instant expiresAt) implements Reply {}

  public record Refused(Refusal refusal) implements Reply {}

  public sealed interface Event extends CborSerializable {}

  public record Started(String username, Instant at, Instant expiresAt) implements Event {}

  public record Ended(String reason, Instant at) implements Event {}

  public sealed interface State extends CborSerializable {}

  public record NotStarted() implements State {}

  public record Open(String username, Instant startedAt, Instant expiresAt) implements State {}

  public record Closed(String username, String reason, Instant at) implements State {}

  public static void init(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ec -> create(ec.getEntityId(), clock)));
  }

  public static RecipientRef<Command> ref(ActorSystem<?> system, String sessionId) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, sessionId);
  }

  public static Behavior<Command> create(String sessionId, Clock clock) {
    return new LoginSession(sessionId, clock);
  }

  private final String sessionId;
  private final Clock clock;

  private LoginSession(String sessionId, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), sessionId));
    this.sessionId = sessionId;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new NotStarted();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
    b.forStateType(NotStarted.class)
        .onCommand(Start.class, (s, c) -> {
          if (c.username() == null || c.expiresAt() == null)
            return Effect().reply(c.replyTo(), new Refused(Refusal.invalid("username", "username and expiry are required")));
          return Effect().persist(new Started(c.username(), clock.instant(), c.expiresAt()))
              .thenReply(c.replyTo(), after -> active((Open) after));
        })
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), new Refused(Refusal.notFound("no such session"))))
        .onCommand(End.class, (s, c) -> Effect().reply(c.replyTo(), new Refused(Refusal.notFound("no such session"))));
    b.forStateType(Open.class)
        .onCommand(Start.class, (s, c) ->
            Effect().reply(c.replyTo(), new Refused(Refusal.conflict("session already started"))))
        .onCommand(Get.class, (s, c) -> {
          if (!clock.instant().isBefore(s.expiresAt()))
            return Effect().reply(c.replyTo(), new Refused(Refusal.gone("session expired")));
          return Effect().reply(c.replyTo(), active(s));
        })
        .onCommand(End.class, (s, c) -> Effect().persist(new Ended(c.reason() == null ? "logout" : c.reason(), clock.instant()))
            .thenReply(c.replyTo(), after -> new Refused(Refusal.gone("session ended"))));
    b.forStateType(Closed.class)
        .onCommand(Start.class, (s, c) ->
            Effect().reply(c.replyTo(), new Refused(Refusal.conflict("session already used"))))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), new Refused(Refusal.gone("session ended"))))
        .onCommand(End.class, (s, c) -> Effect().reply(c.replyTo(), new Refused(Refusal.gone("session ended"))));
    return b.build();
  }

  private Active active(Open s) {
    return new Active(sessionId, s.username(), s.startedAt(), s.expiresAt());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (s, event) -> {
      if (event instanceof Started e) return new Open(e.username(), e.at(), e.expiresAt());
      if (event instanceof Ended e && s instanceof Open o) return new Closed(o.username(), e.reason(), e.at());
      return s;
    };
  }
}
