package io.switchboard.core.numberplan;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.Refusal;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.EngineContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  public record RemoveAnsweringPoint(AnsweringPointId id, ActorRef<Reply> replyTo) implements Command {}

  public record RemoveCompany(CompanyId id, ActorRef<Reply> replyTo) implements Command {}

  /** Lists a queue in the centre's directory, under its answering point. */
  public record PutQueue(QueueId id, String name, AnsweringPointId answeringPoint, ActorRef<Reply> replyTo)
      implements Command {}

  public record RemoveQueue(QueueId id, ActorRef<Reply> replyTo) implements Command {}

  /** Lists an agent with the queues of its answer groups (what scopes it to answering points). */
  public record PutAgent(AgentId id, String name, List<QueueId> queues, ActorRef<Reply> replyTo) implements Command {}

  public record RemoveAgent(AgentId id, ActorRef<Reply> replyTo) implements Command {}

  public record PutCalendar(CalendarId id, String name, ActorRef<Reply> replyTo) implements Command {}

  public record RemoveCalendar(CalendarId id, ActorRef<Reply> replyTo) implements Command {}

  /** Which company and queue a dialled number goes to, and whether its company blocks {@code callerNumber}. */
  public record Resolve(String dialledNumber, String callerNumber, ActorRef<Reply> replyTo) implements Command {
    public Resolve(String dialledNumber, ActorRef<Reply> replyTo) {
      this(dialledNumber, null, replyTo);
    }
  }

  /** The company's blocked callers (ANS-15); an empty list blocks no one. */
  public record PutBlockedCallers(CompanyId company, BlockedCallers blocked, ActorRef<Reply> replyTo)
      implements Command {}

  public record GetPlan(ActorRef<Reply> replyTo) implements Command {}

  // ---------------------------------------------------------------- replies

  public sealed interface Reply extends CborSerializable {}

  public record Done(Plan plan) implements Reply {}

  /** {@code blocked}: what to do instead, when the entry's company blocks the caller; else null. */
  public record Resolved(NumberPlanEntry entry, io.switchboard.core.queue.ClosedAction blocked) implements Reply {
    public Resolved(NumberPlanEntry entry) {
      this(entry, null);
    }
  }

  public record Refused(Refusal refusal) implements Reply {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable {}

  public record AnsweringPointPut(AnsweringPointId id, String name, Instant at) implements Event {}

  public record CompanyPut(CompanyId id, String name, AnsweringPointId answeringPoint, Instant at) implements Event {}

  public record EntryPut(NumberPlanEntry entry, Instant at) implements Event {}

  public record EntryRemoved(String dialledNumber, Instant at) implements Event {}

  public record AnsweringPointRemoved(AnsweringPointId id, Instant at) implements Event {}

  public record CompanyRemoved(CompanyId id, Instant at) implements Event {}

  public record BlockedCallersPut(CompanyId company, BlockedCallers blocked, Instant at) implements Event {}

  public record QueueListed(QueueId id, String name, AnsweringPointId answeringPoint, Instant at) implements Event {}

  public record QueueUnlisted(QueueId id, Instant at) implements Event {}

  public record AgentListed(AgentId id, String name, List<QueueId> queues, Instant at) implements Event {}

  public record AgentUnlisted(AgentId id, Instant at) implements Event {}

  public record CalendarListed(CalendarId id, String name, Instant at) implements Event {}

  public record CalendarUnlisted(CalendarId id, Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  public record AnsweringPoint(AnsweringPointId id, String name) implements CborSerializable {}

  /** {@code blocked}: callers the company does not take (null: none). */
  public record Company(CompanyId id, String name, AnsweringPointId answeringPoint, BlockedCallers blocked)
      implements CborSerializable {
    public Company(CompanyId id, String name, AnsweringPointId answeringPoint) {
      this(id, name, answeringPoint, null);
    }
  }

  /** A queue as the directory lists it: its configuration lives in the Queue entity. */
  public record QueueListing(QueueId id, String name, AnsweringPointId answeringPoint) implements CborSerializable {}

  public record AgentListing(AgentId id, String name, List<QueueId> queues) implements CborSerializable {
    public AgentListing {
      queues = queues == null ? List.of() : List.copyOf(queues);
    }
  }

  public record CalendarListing(CalendarId id, String name) implements CborSerializable {}

  /** The whole plan; small and rarely changed, so immutable copies per change are fine. */
  public record Plan(
      Map<AnsweringPointId, AnsweringPoint> answeringPoints,
      Map<CompanyId, Company> companies,
      Map<String, NumberPlanEntry> entries,
      Map<QueueId, QueueListing> queues,
      Map<AgentId, AgentListing> agents,
      Map<CalendarId, CalendarListing> calendars)
      implements CborSerializable {

    public Plan {
      // Snapshots written before the directory listed queues, agents and calendars have none.
      if (queues == null) queues = Map.of();
      if (agents == null) agents = Map.of();
      if (calendars == null) calendars = Map.of();
    }

    static Plan empty() {
      return new Plan(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    Plan withAnsweringPoints(Map<AnsweringPointId, AnsweringPoint> m) {
      return new Plan(m, companies, entries, queues, agents, calendars);
    }

    Plan withCompanies(Map<CompanyId, Company> m) {
      return new Plan(answeringPoints, m, entries, queues, agents, calendars);
    }

    Plan withEntries(Map<String, NumberPlanEntry> m) {
      return new Plan(answeringPoints, companies, m, queues, agents, calendars);
    }

    Plan withQueues(Map<QueueId, QueueListing> m) {
      return new Plan(answeringPoints, companies, entries, m, agents, calendars);
    }

    Plan withAgents(Map<AgentId, AgentListing> m) {
      return new Plan(answeringPoints, companies, entries, queues, m, calendars);
    }

    Plan withCalendars(Map<CalendarId, CalendarListing> m) {
      return new Plan(answeringPoints, companies, entries, queues, agents, m);
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
        .onCommand(RemoveAnsweringPoint.class, this::onRemoveAnsweringPoint)
        .onCommand(RemoveCompany.class, this::onRemoveCompany)
        .onCommand(PutQueue.class, this::onPutQueue)
        .onCommand(RemoveQueue.class, this::onRemoveQueue)
        .onCommand(PutAgent.class, (plan, c) -> {
          if (c.id() == null) return refuse(c.replyTo(), Refusal.invalid("id", "agent id is required"));
          if (blank(c.name())) return refuse(c.replyTo(), Refusal.invalid("name", "agent name is required"));
          return persist(new AgentListed(c.id(), c.name().strip(), c.queues(), ctx.now()), c.replyTo());
        })
        .onCommand(RemoveAgent.class, (plan, c) -> {
          if (c.id() == null || !plan.agents().containsKey(c.id()))
            return refuse(c.replyTo(), Refusal.notFound("unknown agent " + c.id()));
          return persist(new AgentUnlisted(c.id(), ctx.now()), c.replyTo());
        })
        .onCommand(PutCalendar.class, (plan, c) -> {
          if (c.id() == null) return refuse(c.replyTo(), Refusal.invalid("id", "calendar id is required"));
          if (blank(c.name())) return refuse(c.replyTo(), Refusal.invalid("name", "calendar name is required"));
          return persist(new CalendarListed(c.id(), c.name().strip(), ctx.now()), c.replyTo());
        })
        .onCommand(RemoveCalendar.class, (plan, c) -> {
          if (c.id() == null || !plan.calendars().containsKey(c.id()))
            return refuse(c.replyTo(), Refusal.notFound("unknown calendar " + c.id()));
          return persist(new CalendarUnlisted(c.id(), ctx.now()), c.replyTo());
        })
        .onCommand(Resolve.class, (plan, c) -> {
          NumberPlanEntry entry = c.dialledNumber() == null ? null : plan.entries().get(c.dialledNumber());
          if (entry == null)
            return Effect().reply(c.replyTo(), new Refused(Refusal.notFound("unknown dialled number " + c.dialledNumber())));
          Company company = plan.companies().get(entry.company());
          BlockedCallers blocked = company == null ? null : company.blocked();
          return Effect().reply(c.replyTo(), new Resolved(entry,
              blocked != null && blocked.blocks(c.callerNumber()) ? blocked.action() : null));
        })
        .onCommand(PutBlockedCallers.class, (plan, c) -> {
          if (c.company() == null || !plan.companies().containsKey(c.company()))
            return refuse(c.replyTo(), Refusal.notFound("unknown company " + c.company()));
          if (c.blocked() == null) return refuse(c.replyTo(), Refusal.invalid("blocked", "blocked callers are required"));
          return persist(new BlockedCallersPut(c.company(), c.blocked(), ctx.now()), c.replyTo());
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

  private ReplyEffect<Event, Plan> onRemoveAnsweringPoint(Plan plan, RemoveAnsweringPoint c) {
    if (c.id() == null || !plan.answeringPoints().containsKey(c.id()))
      return refuse(c.replyTo(), Refusal.notFound("unknown answering point " + c.id()));
    List<String> users = new ArrayList<>();
    plan.companies().values().stream().filter(x -> x.answeringPoint().equals(c.id()))
        .forEach(x -> users.add("company " + x.id()));
    plan.queues().values().stream().filter(x -> x.answeringPoint().equals(c.id()))
        .forEach(x -> users.add("queue " + x.id()));
    if (!users.isEmpty())
      return refuse(c.replyTo(), Refusal.conflict("answering point " + c.id() + " is still used by " + String.join(", ", users)));
    return persist(new AnsweringPointRemoved(c.id(), ctx.now()), c.replyTo());
  }

  private ReplyEffect<Event, Plan> onRemoveCompany(Plan plan, RemoveCompany c) {
    if (c.id() == null || !plan.companies().containsKey(c.id()))
      return refuse(c.replyTo(), Refusal.notFound("unknown company " + c.id()));
    List<String> numbers = plan.entries().values().stream().filter(e -> e.company().equals(c.id()))
        .map(NumberPlanEntry::dialledNumber).toList();
    if (!numbers.isEmpty())
      return refuse(c.replyTo(), Refusal.conflict("company " + c.id() + " still has dialled numbers " + numbers));
    return persist(new CompanyRemoved(c.id(), ctx.now()), c.replyTo());
  }

  private ReplyEffect<Event, Plan> onPutQueue(Plan plan, PutQueue c) {
    if (c.id() == null) return refuse(c.replyTo(), Refusal.invalid("id", "queue id is required"));
    if (blank(c.name())) return refuse(c.replyTo(), Refusal.invalid("name", "queue name is required"));
    if (c.answeringPoint() == null || !plan.answeringPoints().containsKey(c.answeringPoint()))
      return refuse(c.replyTo(), Refusal.invalid("answeringPoint", "unknown answering point " + c.answeringPoint()));
    return persist(new QueueListed(c.id(), c.name().strip(), c.answeringPoint(), ctx.now()), c.replyTo());
  }

  private ReplyEffect<Event, Plan> onRemoveQueue(Plan plan, RemoveQueue c) {
    if (c.id() == null || !plan.queues().containsKey(c.id()))
      return refuse(c.replyTo(), Refusal.notFound("unknown queue " + c.id()));
    List<String> numbers = plan.entries().values().stream().filter(e -> c.id().equals(e.queue()))
        .map(NumberPlanEntry::dialledNumber).toList();
    if (!numbers.isEmpty())
      return refuse(c.replyTo(), Refusal.conflict("queue " + c.id() + " still has dialled numbers " + numbers));
    return persist(new QueueUnlisted(c.id(), ctx.now()), c.replyTo());
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
        return plan.withAnsweringPoints(plan.with(plan.answeringPoints(), e.id(), new AnsweringPoint(e.id(), e.name())));
      if (event instanceof AnsweringPointRemoved e)
        return plan.withAnsweringPoints(plan.with(plan.answeringPoints(), e.id(), null));
      if (event instanceof CompanyPut e) {
        Company old = plan.companies().get(e.id());
        return plan.withCompanies(plan.with(plan.companies(), e.id(),
            new Company(e.id(), e.name(), e.answeringPoint(), old == null ? null : old.blocked())));
      }
      if (event instanceof BlockedCallersPut e) {
        Company old = plan.companies().get(e.company());
        return plan.withCompanies(plan.with(plan.companies(), e.company(), new Company(old.id(), old.name(),
            old.answeringPoint(), e.blocked().numbers().isEmpty() ? null : e.blocked())));
      }
      if (event instanceof CompanyRemoved e)
        return plan.withCompanies(plan.with(plan.companies(), e.id(), null));
      if (event instanceof EntryPut e)
        return plan.withEntries(plan.with(plan.entries(), e.entry().dialledNumber(), e.entry()));
      if (event instanceof EntryRemoved e)
        return plan.withEntries(plan.with(plan.entries(), e.dialledNumber(), null));
      if (event instanceof QueueListed e)
        return plan.withQueues(plan.with(plan.queues(), e.id(), new QueueListing(e.id(), e.name(), e.answeringPoint())));
      if (event instanceof QueueUnlisted e)
        return plan.withQueues(plan.with(plan.queues(), e.id(), null));
      if (event instanceof AgentListed e)
        return plan.withAgents(plan.with(plan.agents(), e.id(), new AgentListing(e.id(), e.name(), e.queues())));
      if (event instanceof AgentUnlisted e)
        return plan.withAgents(plan.with(plan.agents(), e.id(), null));
      if (event instanceof CalendarListed e)
        return plan.withCalendars(plan.with(plan.calendars(), e.id(), new CalendarListing(e.id(), e.name())));
      if (event instanceof CalendarUnlisted e)
        return plan.withCalendars(plan.with(plan.calendars(), e.id(), null));
      throw new IllegalStateException("unexpected event " + event);
    };
  }
}
