package io.switchboard.http.wallboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentContact;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.agent.AgentStatus;
import io.switchboard.core.agent.AgentView;
import io.switchboard.core.agent.AnswerGroup;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueFigures;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.queue.TodayFigures;
import io.switchboard.core.statistics.IntervalCounts;
import io.switchboard.core.statistics.Metrics;
import io.switchboard.http.auth.Principal;
import io.switchboard.http.directory.DirectoryCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * This node's wallboard state (docs/wallboard-protocol.md): queue figures and agents as the
 * engine publishes them, pushed to every wallboard socket here in its viewer's scope, conflated
 * to one frame per queue and agent every {@link #PUSH_EVERY}. It starts from the entities'
 * persisted state, so "today" survives a restart.
 */
public final class WallboardHub {

  public static final int PROTOCOL = 1;
  static final Duration PUSH_EVERY = Duration.ofMillis(250);
  /** Changes made through other nodes show within this. */
  private static final Duration REREAD_DIRECTORY = Duration.ofSeconds(2);

  public sealed interface Command {}

  public record Subscribe(ActorRef<Out> socket, Principal viewer) implements Command {}

  public record Unsubscribe(ActorRef<Out> socket) implements Command {}

  public record Ping(ActorRef<Out> socket) implements Command {}

  /** The directory was changed through this node: read it now, not at the next period. */
  public record DirectoryChanged() implements Command {}

  /** A session signed out on this node: its wallboards close now. */
  public record SessionEnded(String sessionId) implements Command {}

  private record SessionChecked(ActorRef<Out> socket, boolean valid) implements Command {}

  private record Changed(Notification n) implements Command {}

  private record PlanRead(NumberPlan.Plan plan) implements Command {}

  private record QueueRead(QueueId id, QueueFigures figures) implements Command {}

  private record AgentRead(AgentId id, AgentView view) implements Command {}

  private record Push() implements Command {}

  private record Reread() implements Command {}

  private record ReadToday() implements Command {}

  private record TodayRead(Map<String, IntervalCounts> byQueue) implements Command {}

  /** Today's projected sums per queue id, read from the statistics read side. */
  public interface TodaySource {
    CompletionStage<Map<String, IntervalCounts>> todayByQueue(Instant now);
  }

  public sealed interface Out {}

  public record Frame(String json) implements Out {}

  public record Close() implements Out {}

  /**
   * @param today where "today" comes from: the statistics projections (so the board agrees with
   *     the reports and survives restarts), or null for the queues' own day counts.
   */
  public static Behavior<Command> create(Engine engine, DirectoryCache directory, ObjectMapper json, Clock clock,
      ZoneId zone, Duration askTimeout, Function<String, CompletionStage<Boolean>> sessionValid, TodaySource today) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      WallboardHub hub = new WallboardHub(engine, directory, json, clock, zone, askTimeout, sessionValid, ctx, today);
      if (today != null) timers.startTimerWithFixedDelay(new ReadToday(), READ_TODAY_EVERY);
      engine.notifications().tell(Topic.subscribe(ctx.messageAdapter(Notification.class, Changed::new)));
      timers.startTimerWithFixedDelay(new Push(), PUSH_EVERY);
      timers.startTimerWithFixedDelay(new Reread(), REREAD_DIRECTORY);
      ctx.getSelf().tell(new Reread());
      return hub.behavior();
    }));
  }

  private final Engine engine;
  private final DirectoryCache directory;
  private final ObjectMapper json;
  private final Clock clock;
  private final ZoneId zone;
  private final Duration askTimeout;
  private final Function<String, CompletionStage<Boolean>> sessionValid;
  private final ActorContext<Command> ctx;
  private int rereads;
  private NumberPlan.Plan plan;
  private final Map<QueueId, QueueFigures> queues = new HashMap<>();
  private final Map<QueueId, Instant> queueAt = new HashMap<>();
  private final Map<AgentId, AgentView> agents = new HashMap<>();
  private final Map<AgentId, Instant> agentAt = new HashMap<>();
  private final Set<QueueId> dirtyQueues = new HashSet<>();
  private final Set<AgentId> dirtyAgents = new HashSet<>();
  private final Map<ActorRef<Out>, Principal> viewers = new HashMap<>();
  /** Queue and agent ids whose first read is in flight. */
  private final Set<Object> reading = new HashSet<>();
  private final TodaySource todaySource;
  private Map<String, IntervalCounts> todayByQueue = Map.of();
  private boolean readingToday;
  private static final Duration READ_TODAY_EVERY = Duration.ofSeconds(1);
  private static final int MAX_READS = 500;

  private WallboardHub(Engine engine, DirectoryCache directory, ObjectMapper json, Clock clock, ZoneId zone,
      Duration askTimeout, Function<String, CompletionStage<Boolean>> sessionValid, ActorContext<Command> ctx,
      TodaySource todaySource) {
    this.todaySource = todaySource;
    this.sessionValid = sessionValid;
    this.engine = engine;
    this.directory = directory;
    this.json = json;
    this.clock = clock;
    this.zone = zone;
    this.askTimeout = askTimeout;
    this.ctx = ctx;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Subscribe.class, s -> {
          viewers.put(s.socket(), s.viewer());
          ctx.watchWith(s.socket(), new Unsubscribe(s.socket()));
          s.socket().tell(snapshot(s.viewer()));
          return Behaviors.same();
        })
        .onMessage(Unsubscribe.class, u -> {
          viewers.remove(u.socket());
          return Behaviors.same();
        })
        .onMessage(Ping.class, p -> {
          p.socket().tell(frame(json.createObjectNode().put("type", "pong").put("at", clock.instant().toString())));
          return Behaviors.same();
        })
        .onMessage(Changed.class, c -> onChanged(c.n()))
        .onMessage(Reread.class, r -> {
          ctx.pipeToSelf(directory.plan(), (p, t) -> new PlanRead(t == null ? p : null));
          // Every 30 s: has a viewer's session ended on another node?
          if (++rereads % 15 == 0)
            viewers.forEach((socket, who) -> ctx.pipeToSelf(sessionValid.apply(who.sessionId()),
                (ok, t) -> new SessionChecked(socket, t != null || ok)));
          return Behaviors.same();
        })
        .onMessage(DirectoryChanged.class, d -> {
          directory.invalidate();
          ctx.pipeToSelf(directory.plan(), (p, t) -> new PlanRead(t == null ? p : null));
          return Behaviors.same();
        })
        .onMessage(SessionEnded.class, e -> {
          viewers.forEach((socket, who) -> {
            if (who.sessionId().equals(e.sessionId())) socket.tell(new Close());
          });
          viewers.values().removeIf(who -> who.sessionId().equals(e.sessionId()));
          return Behaviors.same();
        })
        .onMessage(SessionChecked.class, c -> {
          if (!c.valid() && viewers.remove(c.socket()) != null) c.socket().tell(new Close());
          return Behaviors.same();
        })
        .onMessage(PlanRead.class, this::onPlan)
        .onMessage(QueueRead.class, q -> {
          reading.remove(q.id());
          if (q.figures() != null && !queues.containsKey(q.id())) {
            queues.put(q.id(), q.figures());
            queueAt.put(q.id(), clock.instant());
            dirtyQueues.add(q.id());
          }
          return Behaviors.same();
        })
        .onMessage(AgentRead.class, a -> {
          reading.remove(a.id());
          if (a.view() != null) accept(a.view(), clock.instant());
          return Behaviors.same();
        })
        .onMessage(Push.class, p -> push())
        .onMessage(ReadToday.class, r -> readToday())
        .onMessage(TodayRead.class, this::onToday)
        .build();
  }

  private Behavior<Command> readToday() {
    if (readingToday) return Behaviors.same();
    readingToday = true;
    ctx.pipeToSelf(todaySource.todayByQueue(clock.instant()), (m, t) -> new TodayRead(m));
    return Behaviors.same();
  }

  private Behavior<Command> onToday(TodayRead r) {
    readingToday = false;
    if (r.byQueue() == null) return Behaviors.same(); // the read side is unreachable: keep the last
    for (QueueId q : queues.keySet())
      if (!java.util.Objects.equals(r.byQueue().get(q.value()), todayByQueue.get(q.value()))) dirtyQueues.add(q);
    todayByQueue = r.byQueue();
    return Behaviors.same();
  }

  private Behavior<Command> onPlan(PlanRead r) {
    if (r.plan() == null) return Behaviors.same();
    NumberPlan.Plan before = plan;
    plan = r.plan();
    // A queue listed anew or moved shows up (or leaves) on the boards whose scope it concerns.
    for (var e : plan.queues().entrySet())
      if (before == null || !e.getValue().equals(before.queues().get(e.getKey()))) dirtyQueues.add(e.getKey());
    for (var e : plan.agents().entrySet())
      if (before == null || !e.getValue().equals(before.agents().get(e.getKey()))) dirtyAgents.add(e.getKey());
    if (before != null)
      for (QueueId q : before.queues().keySet())
        if (!plan.queues().containsKey(q) && queues.remove(q) != null)
          viewers.keySet().forEach(socket -> socket.tell(frame(json.createObjectNode().put("type", "queueRemoved")
              .put("queueId", q.value()))));
    // Anything listed that this hub has not seen yet is read from its entity once; reads are not
    // repeated while in flight, and at most MAX_READS run at once so a large centre (or a restart)
    // does not wake every agent in one go: the rest follow at the next re-read.
    for (QueueId q : plan.queues().keySet()) {
      if (queues.containsKey(q) || reading.size() >= MAX_READS || !reading.add(q)) continue;
      ctx.ask(Queue.Reply.class, engine.refs().queue(q), askTimeout, Queue.GetState::new, (reply, t) ->
          new QueueRead(q, reply instanceof Queue.Done d ? new QueueFigures(q, d.view().config().name(),
              d.view().waitingCount(), d.view().oldestEnqueuedAt(), d.view().today(),
              d.view().config().serviceLevelThreshold().toSeconds(), d.view().config().serviceLevelTargetPercent()) : null));
    }
    for (AgentId a : plan.agents().keySet()) {
      if (agents.containsKey(a) || reading.size() >= MAX_READS || !reading.add(a)) continue;
      ctx.ask(Agent.Reply.class, engine.refs().agent(a), askTimeout, Agent.GetState::new, (reply, t) ->
          new AgentRead(a, reply instanceof Agent.Done d ? d.view() : null));
    }
    agents.keySet().removeIf(a -> {
      boolean gone = !plan.agents().containsKey(a);
      if (gone) dirtyAgents.add(a);
      return gone;
    });
    return Behaviors.same();
  }

  private Behavior<Command> onChanged(Notification n) {
    if (n instanceof Notification.QueueChanged q) {
      queues.put(q.figures().queueId(), q.figures());
      queueAt.put(q.figures().queueId(), q.at());
      dirtyQueues.add(q.figures().queueId());
    } else if (n instanceof Notification.AgentChanged a) {
      accept(a.view(), a.at());
    }
    return Behaviors.same();
  }

  private void accept(AgentView v, Instant at) {
    AgentView old = agents.get(v.agentId());
    if (old != null && old.version() > v.version()) return;
    agents.put(v.agentId(), v);
    agentAt.put(v.agentId(), at);
    dirtyAgents.add(v.agentId());
    // Its queues' agent counts change with it.
    for (AnswerGroup g : groupsOf(v)) dirtyQueues.add(g.queue());
    if (old != null) for (AnswerGroup g : groupsOf(old)) dirtyQueues.add(g.queue());
  }

  private static List<AnswerGroup> groupsOf(AgentView v) {
    return v.config() == null ? v.groups() : v.config().answerGroups();
  }

  private Behavior<Command> push() {
    if (viewers.isEmpty() || (dirtyQueues.isEmpty() && dirtyAgents.isEmpty())) {
      if (viewers.isEmpty()) {
        dirtyQueues.clear();
        dirtyAgents.clear();
      }
      return Behaviors.same();
    }
    Map<QueueId, int[]> counts = dirtyQueues.isEmpty() ? Map.of() : agentCounts();
    for (Map.Entry<ActorRef<Out>, Principal> v : viewers.entrySet()) {
      Principal who = v.getValue();
      for (QueueId q : dirtyQueues) {
        if (!queues.containsKey(q) || !queueVisible(who, q)) continue;
        ObjectNode f = json.createObjectNode().put("type", "queue");
        f.set("queue", queueJson(q, counts.getOrDefault(q, new int[5])));
        v.getKey().tell(frame(f));
      }
      for (AgentId a : dirtyAgents) {
        AgentView view = agents.get(a);
        if (view == null) {
          if (plan == null || !plan.agents().containsKey(a))
            v.getKey().tell(frame(json.createObjectNode().put("type", "agentRemoved").put("agentId", a.value())));
        } else if (agentVisible(who, view)) {
          ObjectNode f = json.createObjectNode().put("type", "agent");
          f.set("agent", agentJson(view));
          v.getKey().tell(frame(f));
        }
      }
    }
    dirtyQueues.clear();
    dirtyAgents.clear();
    return Behaviors.same();
  }

  private Out snapshot(Principal who) {
    Map<QueueId, int[]> counts = agentCounts();
    ObjectNode f = json.createObjectNode().put("type", "snapshot").put("protocol", PROTOCOL)
        .put("at", clock.instant().toString());
    ArrayNode qs = f.putArray("queues");
    queues.keySet().stream().sorted().filter(q -> queueVisible(who, q))
        .forEach(q -> qs.add(queueJson(q, counts.getOrDefault(q, new int[5]))));
    ArrayNode as = f.putArray("agents");
    agents.values().stream().filter(a -> agentVisible(who, a))
        .sorted(java.util.Comparator.comparing(AgentView::agentId)).forEach(a -> as.add(agentJson(a)));
    return frame(f);
  }

  /** Per queue: logged in, available, on contact, wrap-up, paused. */
  private Map<QueueId, int[]> agentCounts() {
    Map<QueueId, int[]> counts = new HashMap<>();
    for (AgentView v : agents.values()) {
      if (v.status() == AgentStatus.LOGGED_OUT) continue;
      for (AnswerGroup g : v.groups()) {
        int[] c = counts.computeIfAbsent(g.queue(), k -> new int[5]);
        c[0]++;
        switch (v.status()) {
          case READY -> c[1]++;
          case RESERVED, BUSY -> c[2]++;
          case WRAP_UP -> c[3]++;
          case PAUSED -> c[4]++;
          default -> { }
        }
      }
    }
    return counts;
  }

  private boolean queueVisible(Principal who, QueueId q) {
    if (!who.scoped()) return true;
    NumberPlan.QueueListing l = plan == null ? null : plan.queues().get(q);
    return l != null && who.covers(l.answeringPoint());
  }

  private boolean agentVisible(Principal who, AgentView v) {
    if (!who.scoped()) return true;
    return groupsOf(v).stream().anyMatch(g -> queueVisible(who, g.queue()));
  }

  private ObjectNode queueJson(QueueId id, int[] c) {
    QueueFigures f = queues.get(id);
    NumberPlan.QueueListing l = plan == null ? null : plan.queues().get(id);
    TodayFigures t = f.today() == null ? TodayFigures.empty(LocalDate.now(clock.withZone(zone)))
        : f.today().on(LocalDate.now(clock.withZone(zone)));
    ObjectNode n = json.createObjectNode()
        .put("queueId", id.value())
        .put("name", l != null ? l.name() : f.name())
        .put("answeringPoint", l == null ? null : l.answeringPoint().value())
        .put("waiting", f.waiting())
        .put("oldestEnqueuedAt", f.oldestEnqueuedAt() == null ? null : f.oldestEnqueuedAt().toString())
        .put("at", queueAt.getOrDefault(id, clock.instant()).toString());
    n.putObject("agents").put("loggedIn", c[0]).put("available", c[1]).put("onContact", c[2])
        .put("wrapUp", c[3]).put("paused", c[4]);
    ObjectNode today = n.putObject("today")
        .put("date", t.date().toString())
        .put("offered", t.offered())
        .put("answered", t.answered())
        .put("abandoned", t.abandoned())
        .put("shortAbandoned", t.shortAbandoned())
        .put("answeredWithinThreshold", t.answeredWithinThreshold())
        .put("overflowed", t.overflowed())
        .put("serviceLevelThresholdSeconds", f.serviceLevelThresholdSeconds())
        .put("serviceLevelTargetPercent", f.serviceLevelTargetPercent());
    today.put("serviceLevelPercent", t.serviceLevelPercent());
    today.put("asaSeconds", t.asaSeconds());
    if (todaySource != null) {
      // The statistics projections' figures, by the formulas of METRICS.md.
      IntervalCounts day = todayByQueue.getOrDefault(id.value(), IntervalCounts.ZERO);
      Metrics m = Metrics.of(day);
      today.put("offered", day.offered())
          .put("answered", day.answered())
          .put("abandoned", day.abandoned())
          .put("shortAbandoned", day.shortAbandoned())
          .put("answeredWithinThreshold", day.answeredWithinThreshold())
          .put("overflowed", day.flowOuts())
          .put("source", "statistics");
      today.put("serviceLevelPercent", m.serviceLevel());
      today.put("asaSeconds", m.asaSeconds());
    }
    return n;
  }

  private ObjectNode agentJson(AgentView v) {
    ObjectNode n = json.createObjectNode()
        .put("agentId", v.agentId().value())
        .put("name", v.name())
        .put("status", v.status().name())
        .put("pauseReason", v.pauseReason())
        .put("statusSince", v.statusSince() == null ? null : v.statusSince().toString())
        .put("handledToday", v.handledToday())
        .put("at", agentAt.getOrDefault(v.agentId(), clock.instant()).toString());
    ArrayNode qs = n.putArray("queues");
    groupsOf(v).forEach(g -> qs.add(g.queue().value()));
    String current = v.contacts().stream().filter(c -> c.phase() != AgentContact.Phase.RESERVED).findFirst()
        .or(() -> v.contacts().stream().findFirst())
        .map(c -> c.offer().contact().queueId().value()).orElse(null);
    n.put("currentQueue", current);
    return n;
  }

  private Out frame(ObjectNode f) {
    try {
      return new Frame(json.writeValueAsString(f));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
