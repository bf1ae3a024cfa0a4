package io.switchboard.core.numberplan;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.Refusal;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.EngineContext;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The centre's number plan (ACD-1, ANS-1, ANS-10): its answering points, their companies, and
 * which dialled number goes to which control queue for which company. One aggregate for the
 * centre, so a number and the company it names are always changed consistently; changes take
 * effect on the next call.
 */
public final class NumberPlan
    extends EventSourcedBehaviorWithEnforcedReplies<NumberPlan.Command, NumberPlan.Event, NumberPlan.Plan> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "NumberPlan");

  /** The plan's entity id: one plan per centre. */
  public static final String CENTRE = "centre";

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable {}

  public record PutAnsweringPoint(AnsweringPointId id, String name, ActorRef<Reply> replyTo) implements Command {}

  public record PutCompany(CompanyId id, String name, AnsweringPointId answeringPoint, ActorRef<Reply> replyTo)
      implements Command {}

  public record PutEntry(NumberPlanEntry entry, ActorRef<Reply> replyTo) implements Command {}

  public record RemoveEntry(String dialledNumber, ActorRef<Reply> replyTo) implements Command {}

  public record Resolve(String dialledNumber, ActorRef<Reply> replyTo) implements Command {}

  public record GetPlan(ActorRef<Reply> replyTo) implements Command {}

  // ---------------------------------------------------------------- replies

  public sealed interface Reply extends CborSerializable {}

  public record Done(Plan plan) implements Reply {}

  public record Resolved(NumberPlanEntry entry) implements Reply {}

  public record Refused(Refusal refusal) implements Reply {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable {}

  public record AnsweringPointPut(AnsweringPointId id, String name, Instant at) implements Event {}

  public record CompanyPut(CompanyId id, String name, AnsweringPointId answeringPoint, Instant at) implements Event {}

  public record EntryPut(NumberPlanEntry entry, Instant at) implements Event {}

  public record EntryRemoved(String dialledNumber, Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  public record AnsweringPoint(AnsweringPointId id, String name) implements CborSerializable {}

  public record Company(CompanyId id, String name, AnsweringPointId answeringPoint) implements CborSerializable {}

  /** The whole plan; small and rarely changed, so immutable copies per change are fine. */
  public record Plan(
      Map<AnsweringPointId, AnsweringPoint> answeringPoints,
      Map<CompanyId, Company> companies,
      Map<String, NumberPlanEntry> entries)
      implements CborSerializable {

    static Plan empty() {
      return new Plan(Map.of(), Map.of(), Map.of());
    }

    <K extends Comparable<K>, V> Map<K, V> with(Map<K, V> map, K key, V value) {
      Map<K, V> copy = new TreeMap<>(map);
      if (value == null) copy.remove(key);
      else copy.put(key, value);
      return java.util.Collections.unmodifiableMap(copy);
    }
  }

  // ---------------------------------------------------------------- wiring

  public static void init(ActorSystem<?> system, EngineContext ctx) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ec -> create(ctx)));
  }

  public static Behavior<Command> create(EngineContext ctx) {
    return new NumberPlan(ctx);
  }

  private final EngineContext ctx;

  private NumberPlan(EngineContext ctx) {
    super(PersistenceId.of(ENTITY_KEY.name(), CENTRE));
    this.ctx = ctx;
  }

  @Override
  public Plan emptyState() {
    return Plan.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return ctx.settings().snapshots();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of("numberplan");
  }

  @Override
  public CommandHandlerWithReply<Command, Event, Plan> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(PutAnsweringPoint.class, this::onPutAnsweringPoint)
        .onCommand(PutCompany.class, this::onPutCompany)
        .onCommand(PutEntry.class, this::onPutEntry)
        .onCommand(RemoveEntry.class, this::onRemoveEntry)
        .onCommand(Resolve.class, (plan, c) -> {
          NumberPlanEntry entry = c.dialledNumber() == null ? null : plan.entries().get(c.dialledNumber());
          return Effect().reply(c.replyTo(), entry == null
              ? new Refused(Refusal.notFound("unknown dialled number " + c.dialledNumber()))
              : new Resolved(entry));
        })
        .onCommand(GetPlan.class, (plan, c) -> Effect().reply(c.replyTo(), new Done(plan)))
        .build();
  }

  private ReplyEffect<Event, Plan> onPutAnsweringPoint(Plan plan, PutAnsweringPoint c) {
    if (c.id() == null) return refuse(c.replyTo(), Refusal.invalid("id", "answering point id is required"));
    if (blank(c.name())) return refuse(c.replyTo(), Refusal.invalid("name", "answering point name is required"));
    return persist(new AnsweringPointPut(c.id(), c.name().strip(), ctx.now()), c.replyTo());
  }

  private ReplyEffect<Event, Plan> onPutCompany(Plan plan, PutCompany c) {
    if (c.id() == null) return refuse(c.replyTo(), Refusal.invalid("id", "company id is required"));
    if (blank(c.name())) return refuse(c.replyTo(), Refusal.invalid("name", "company name is required"));
    if (c.answeringPoint() == null || !plan.answeringPoints().containsKey(c.answeringPoint()))
      return refuse(c.replyTo(), Refusal.invalid("answeringPoint", "unknown answering point " + c.answeringPoint()));
    Company existing = plan.companies().get(c.id());
    if (existing != null && !existing.answeringPoint().equals(c.answeringPoint())
        && plan.entries().values().stream().anyMatch(e -> e.company().equals(c.id())))
      return refuse(c.replyTo(), Refusal.conflict("company " + c.id() + " has dialled numbers under answering point "
          + existing.answeringPoint() + "; move or remove them first"));
    return persist(new CompanyPut(c.id(), c.name().strip(), c.answeringPoint(), ctx.now()), c.replyTo());
  }

  private ReplyEffect<Event, Plan> onPutEntry(Plan plan, PutEntry c) {
    NumberPlanEntry e = c.entry();
    if (e == null) return refuse(c.replyTo(), Refusal.invalid("entry", "entry is required"));
    Company company = plan.companies().get(e.company());
    if (company == null) return refuse(c.replyTo(), Refusal.invalid("company", "unknown company " + e.company()));
    if (!company.answeringPoint().equals(e.answeringPoint()))
      return refuse(c.replyTo(), Refusal.invalid("answeringPoint", "company " + e.company()
          + " belongs to answering point " + company.answeringPoint() + ", not " + e.answeringPoint()));
    return persist(new EntryPut(e, ctx.now()), c.replyTo());
  }

  private ReplyEffect<Event, Plan> onRemoveEntry(Plan plan, RemoveEntry c) {
    if (c.dialledNumber() == null || !plan.entries().containsKey(c.dialledNumber()))
      return refuse(c.replyTo(), Refusal.notFound("unknown dialled number " + c.dialledNumber()));
    return persist(new EntryRemoved(c.dialledNumber(), ctx.now()), c.replyTo());
  }

  private ReplyEffect<Event, Plan> persist(Event event, ActorRef<Reply> replyTo) {
    return Effect().persist(event).thenReply(replyTo, Done::new);
  }

  private ReplyEffect<Event, Plan> refuse(ActorRef<Reply> replyTo, Refusal refusal) {
    return Effect().reply(replyTo, new Refused(refusal));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  @Override
  public EventHandler<Plan, Event> eventHandler() {
    return (plan, event) -> {
      if (event instanceof AnsweringPointPut e)
        return new Plan(plan.with(plan.answeringPoints(), e.id(), new AnsweringPoint(e.id(), e.name())),
            plan.companies(), plan.entries());
      if (event instanceof CompanyPut e)
        return new Plan(plan.answeringPoints(),
            plan.with(plan.companies(), e.id(), new Company(e.id(), e.name(), e.answeringPoint())), plan.entries());
      if (event instanceof EntryPut e)
        return new Plan(plan.answeringPoints(), plan.companies(),
            plan.with(plan.entries(), e.entry().dialledNumber(), e.entry()));
      if (event instanceof EntryRemoved e)
        return new Plan(plan.answeringPoints(), plan.companies(), plan.with(plan.entries(), e.dialledNumber(), null));
      throw new IllegalStateException("unexpected event " + event);
    };
  }
}
