package io.switchboard.core.calendar;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.Refusal;
import io.switchboard.core.engine.EngineContext;
import java.time.Instant;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * An opening-hours calendar (ACD-7) that queues refer to by id; the rules themselves are the
 * pure {@link CalendarDefinition}. Redefining it takes effect on the next call.
 */
public final class Calendar
    extends EventSourcedBehaviorWithEnforcedReplies<Calendar.Command, Calendar.Event, Calendar.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Calendar");

  public sealed interface Command extends CborSerializable {}

  public record Define(CalendarDefinition definition, ActorRef<Reply> replyTo) implements Command {}

  /** Open or closed at {@code at}, and why. */
  public record Evaluate(Instant at, ActorRef<Reply> replyTo) implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record Done(CalendarId id, CalendarDefinition definition) implements Reply {}

  public record Status(OpeningStatus status) implements Reply {}

  public record Refused(Refusal refusal) implements Reply {}

  public sealed interface Event extends CborSerializable {}

  public record Defined(CalendarDefinition definition, Instant at) implements Event {}

  public sealed interface State extends CborSerializable {}

  public record Undefined() implements State {}

  public record DefinedState(CalendarDefinition definition) implements State {}

  public static void init(ActorSystem<?> system, EngineContext ctx) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ec -> create(new CalendarId(ec.getEntityId()), ctx)));
  }

  public static Behavior<Command> create(CalendarId id, EngineContext ctx) {
    return new Calendar(id, ctx);
  }

  private final CalendarId id;
  private final EngineContext ctx;

  private Calendar(CalendarId id, EngineContext ctx) {
    super(PersistenceId.of(ENTITY_KEY.name(), id.value()));
    this.id = id;
    this.ctx = ctx;
  }

  @Override
  public State emptyState() {
    return new Undefined();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return ctx.settings().snapshots();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of("calendar");
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Define.class, (s, c) -> c.definition() == null
            ? Effect().reply(c.replyTo(), new Refused(Refusal.invalid("definition", "a calendar definition is required")))
            : Effect().persist(new Defined(c.definition(), ctx.now()))
                .thenReply(c.replyTo(), after -> new Done(id, c.definition())))
        .onCommand(Evaluate.class, (s, c) -> Effect().reply(c.replyTo(), s instanceof DefinedState d
            ? new Status(d.definition().evaluate(c.at() != null ? c.at() : ctx.now()))
            : new Refused(Refusal.notFound("calendar " + id + " is not defined"))))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s instanceof DefinedState d
            ? new Done(id, d.definition())
            : new Refused(Refusal.notFound("calendar " + id + " is not defined"))))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return (s, e) -> new DefinedState(((Defined) e).definition());
  }
}
