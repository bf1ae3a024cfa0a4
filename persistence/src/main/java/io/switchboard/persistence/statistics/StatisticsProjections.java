package io.switchboard.persistence.statistics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.company.Company;
import io.switchboard.core.message.Message;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.ProjectionManagement;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The statistics read side: one projection per journal tag slice of call sessions and of
 * agents, run as sharded daemon processes so the slices spread over the cluster's nodes. Each
 * batch of events and its offset commit in one transaction (exactly once).
 */
public final class StatisticsProjections {
  public static final String CALLS = "statistics-calls";
  public static final String AGENTS = "statistics-agents";
  /** Messages taken (one slice: a centre takes far fewer messages than calls). */
  public static final String MESSAGES = "statistics-messages";
  /** Every company's contacts for search across companies (one slice: directory changes are few). */
  public static final String DIRECTORY = "directory-contacts";
  static final List<String> READ_TABLES = List.of("stat_call_log", "stat_call_offer", "stat_interval",
      "stat_pause_interval", "stat_agent_state", "stat_billing", "stat_message", "dir_contact");

  private final ActorSystem<?> system;
  private final ReadSide readSide;
  private final ZoneId zone;
  private final Clock clock;
  private final int slices;
  private final Timer lagTimer;
  private final Map<String, Long> lastLagMillis = new ConcurrentHashMap<>();
  private final JournalTags tags;
  /** How often a JDBC slice polls its tag (on Cassandra: the plugin's query.refresh-interval). */
  private static final Duration POLL = Duration.ofMillis(200);

  private StatisticsProjections(ActorSystem<?> system, ReadSide readSide, ZoneId zone, Clock clock, int slices,
      MeterRegistry registry) {
    this.system = system;
    this.readSide = readSide;
    this.zone = zone;
    this.clock = clock;
    this.slices = slices;
    this.tags = JournalTags.of(system, readSide, POLL);
    this.lagTimer = Timer.builder("switchboard.projection.lag")
        .description("from an event's write to its commit in the statistics read side")
        .publishPercentiles(0.5, 0.99)
        .distributionStatisticExpiry(Duration.ofMinutes(1))
        .register(registry);
  }

  /**
   * Starts the projections on this node (each slice runs on one node of the cluster), unless
   * {@code switchboard.statistics.projections} is off (a node that only reads, or a measurement
   * of the engine without them).
   */
  public static StatisticsProjections start(ActorSystem<?> system, ReadSide readSide, ZoneId zone, Clock clock,
      int slices, MeterRegistry registry) {
    StatisticsProjections p = new StatisticsProjections(system, readSide, zone, clock, slices, registry);
    p.rebuildGuard = ClusterSingleton.get(system).init(SingletonActor.of(p.rebuildGuardBehavior(), "statistics-rebuild"));
    if (system.settings().config().getBoolean("switchboard.statistics.projections")) {
      p.init(CALLS, "call", i -> p.callProjection(i));
      p.init(AGENTS, "agent", i -> p.agentProjection(i));
      ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, MESSAGES, 1,
          i -> ProjectionBehavior.create(p.messageProjection()), ShardedDaemonProcessSettings.create(system),
          Optional.of(ProjectionBehavior.stopMessage()));
      ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, DIRECTORY, 1,
          i -> ProjectionBehavior.create(p.directoryProjection()), ShardedDaemonProcessSettings.create(system),
          Optional.of(ProjectionBehavior.stopMessage()));
    }
    return p;
  }

  private void init(String name, String entityType, IntFunction<Projection<?>> projection) {
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, name, slices,
        i -> ProjectionBehavior.create(projection.apply(i)), ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  public List<ProjectionId> projectionIds() {
    List<ProjectionId> ids = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      ids.add(ProjectionId.of(CALLS, "call-" + i));
      ids.add(ProjectionId.of(AGENTS, "agent-" + i));
    }
    ids.add(ProjectionId.of(MESSAGES, "message"));
    ids.add(ProjectionId.of(DIRECTORY, "company"));
    return ids;
  }

  private Projection<EventEnvelope<CallSession.Event>> callProjection(int slice) {
    String tag = "call-" + slice;
    return JdbcProjection.groupedWithin(ProjectionId.of(CALLS, tag),
            tags.events(tag, CallSession.Event.class),
            readSide::session, () -> new Batches<CallSession.Event>(tag) {
              @Override
              void fold(Connection c, List<EventEnvelope<CallSession.Event>> envelopes) throws SQLException {
                Tally tally = new Tally();
                CallStatistics calls = new CallStatistics(zone, tally);
                calls.load(c, envelopes.stream().map(StatisticsProjections::entityId).distinct().toList());
                for (EventEnvelope<CallSession.Event> e : envelopes) calls.apply(entityId(e), e.event());
                calls.write(c);
                tally.write(c, tag);
              }
            }, system)
        .withGroup(500, Duration.ofMillis(100));
  }

  private Projection<EventEnvelope<Agent.Event>> agentProjection(int slice) {
    String tag = "agent-" + slice;
    return JdbcProjection.groupedWithin(ProjectionId.of(AGENTS, tag),
            tags.events(tag, Agent.Event.class),
            readSide::session, () -> new Batches<Agent.Event>(tag) {
              @Override
              void fold(Connection c, List<EventEnvelope<Agent.Event>> envelopes) throws SQLException {
                Tally tally = new Tally();
                AgentStatistics agents = new AgentStatistics(tally);
                agents.load(c, envelopes.stream().map(StatisticsProjections::entityId).distinct().toList());
                for (EventEnvelope<Agent.Event> e : envelopes) agents.apply(entityId(e), e.event());
                agents.write(c);
                tally.write(c, tag);
              }
            }, system)
        .withGroup(500, Duration.ofMillis(100));
  }

  private Projection<EventEnvelope<Message.Event>> messageProjection() {
    String tag = "message";
    return JdbcProjection.groupedWithin(ProjectionId.of(MESSAGES, tag),
            tags.events(tag, Message.Event.class),
            readSide::session, () -> new Batches<Message.Event>(tag) {
              @Override
              void fold(Connection c, List<EventEnvelope<Message.Event>> envelopes) throws SQLException {
                Tally tally = new Tally();
                MessageStatistics messages = new MessageStatistics(zone, tally);
                for (EventEnvelope<Message.Event> e : envelopes) messages.apply(c, entityId(e), e.event());
                tally.write(c, tag);
              }
            }, system)
        .withGroup(100, Duration.ofMillis(100));
  }

  private Projection<EventEnvelope<Company.Event>> directoryProjection() {
    String tag = "company";
    return JdbcProjection.groupedWithin(ProjectionId.of(DIRECTORY, tag),
            tags.events(tag, Company.Event.class),
            readSide::session, () -> new Batches<Company.Event>(tag) {
              @Override
              void fold(Connection c, List<EventEnvelope<Company.Event>> envelopes) throws SQLException {
                ContactDirectory directory = new ContactDirectory();
                for (EventEnvelope<Company.Event> e : envelopes) directory.apply(c, entityId(e), e.event());
              }
            }, system)
        .withGroup(20, Duration.ofMillis(100));
  }

  /** The projection a slice key belongs to. */
  static String nameOf(String key) {
    if (key.startsWith("call-")) return CALLS;
    if (key.startsWith("agent-")) return AGENTS;
    if (key.equals("message")) return MESSAGES;
    if (key.equals("company")) return DIRECTORY;
    throw new IllegalArgumentException("no projection has the slice " + key);
  }

  /** The entity id of a persistence id "Type|id". */
  static String entityId(EventEnvelope<?> e) {
    String pid = e.persistenceId();
    return pid.substring(pid.indexOf('|') + 1);
  }

  private abstract class Batches<E> extends JdbcHandler<List<EventEnvelope<E>>, ReadSideSession> {
    private final String key;

    Batches(String key) {
      this.key = key;
    }

    abstract void fold(Connection c, List<EventEnvelope<E>> envelopes) throws SQLException;

    @Override
    public void process(ReadSideSession session, List<EventEnvelope<E>> envelopes) throws Exception {
      session.withConnection(c -> {
        fold(c, envelopes);
        return null;
      });
      // Measured before the commit that follows; the commit itself is milliseconds.
      long lag = Math.max(0, clock.millis() - envelopes.get(envelopes.size() - 1).timestamp());
      lagTimer.record(lag, TimeUnit.MILLISECONDS);
      lastLagMillis.put(key, lag);
    }
  }

  /** The lag of the last batch of each projection slice, in milliseconds. */
  public Map<String, Long> lastLagMillis() {
    return Map.copyOf(lastLagMillis);
  }

  public Timer lagTimer() {
    return lagTimer;
  }

  /**
   * Drops the read side and replays it from the journal: every slice is paused, the tables and
   * offsets are emptied in one transaction, and the slices resume from the first event.
   */
  public CompletionStage<Done> rebuild() {
    // Completed by hand: the caller tells a running rebuild (409) by the exception's own class.
    CompletableFuture<Done> result = new CompletableFuture<>();
    AskPattern.<RebuildCommand, RebuildResult>ask(rebuildGuard, StartRebuild::new, REBUILD_TIMEOUT, system.scheduler())
        .whenComplete((r, failure) -> {
          if (failure != null) result.completeExceptionally(failure);
          else if (r.busy()) result.completeExceptionally(new RebuildRunning());
          else if (r.failure() != null) result.completeExceptionally(new IllegalStateException(r.failure()));
          else result.complete(Done.getInstance());
        });
    return result;
  }

  private static final Duration REBUILD_TIMEOUT = Duration.ofSeconds(60);
  private ActorRef<RebuildCommand> rebuildGuard;

  /** Asks of the cluster's one rebuild guard; CBOR, as they cross nodes. */
  public sealed interface RebuildCommand extends io.switchboard.core.CborSerializable {}

  public record StartRebuild(ActorRef<RebuildResult> replyTo) implements RebuildCommand {}

  private record RebuildOver(RebuildResult result, ActorRef<RebuildResult> replyTo) implements RebuildCommand {}

  /** {@code busy}: another rebuild runs; {@code failure}: why this one failed; neither: done. */
  public record RebuildResult(boolean busy, String failure) implements io.switchboard.core.CborSerializable {}

  /**
   * A cluster singleton that runs one rebuild at a time for the whole cluster. Why not a flag on
   * each node: a rebuild asked of two nodes at once would have the second empty the tables under
   * the first one's resumed slices, which keep their offsets in memory and so never replay what
   * the second emptied. The guard runs the rebuild on its own node (pausing and resuming slices
   * is cluster-wide).
   */
  private Behavior<RebuildCommand> rebuildGuardBehavior() {
    return Behaviors.setup(ctx -> idleGuard(ctx));
  }

  private Behavior<RebuildCommand> idleGuard(ActorContext<RebuildCommand> ctx) {
    return Behaviors.receive(RebuildCommand.class)
        .onMessage(StartRebuild.class, start -> {
          ctx.pipeToSelf(rebuildHere(), (done, failure) -> new RebuildOver(
              new RebuildResult(false, failure == null ? null : String.valueOf(failure.getMessage())), start.replyTo()));
          return busyGuard(ctx);
        })
        .build();
  }

  private Behavior<RebuildCommand> busyGuard(ActorContext<RebuildCommand> ctx) {
    return Behaviors.receive(RebuildCommand.class)
        .onMessage(StartRebuild.class, start -> {
          start.replyTo().tell(new RebuildResult(true, null));
          return Behaviors.same();
        })
        .onMessage(RebuildOver.class, over -> {
          over.replyTo().tell(over.result());
          return idleGuard(ctx);
        })
        .build();
  }

  private CompletionStage<Done> rebuildHere() {
    if (!rebuilding.compareAndSet(false, true))
      return CompletableFuture.failedFuture(new RebuildRunning());
    ProjectionManagement management = ProjectionManagement.get(system);
    List<ProjectionId> ids = projectionIds();
    CompletionStage<Done> emptied = all(ids.stream().map(management::pause).toList())
        .thenApplyAsync(done -> {
          truncate();
          return Done.getInstance();
        }, system.executionContext());
    // Whatever happened, no slice is left paused: a failed rebuild leaves the read side as it was
    // (or empty and refilling), never stopped.
    return emptied.handle((done, failure) -> failure)
        .thenCompose(failure -> all(ids.stream().map(management::resume).toList())
            .thenCompose(resumed -> failure == null ? CompletableFuture.completedFuture(Done.getInstance())
                : CompletableFuture.<Done>failedFuture(failure)))
        .whenComplete((done, failure) -> rebuilding.set(false));
  }

  private final java.util.concurrent.atomic.AtomicBoolean rebuilding = new java.util.concurrent.atomic.AtomicBoolean();

  /** A second rebuild while one runs would empty the tables under the first one's replay. */
  public static final class RebuildRunning extends RuntimeException {
    RebuildRunning() {
      super("a rebuild is already running in the cluster");
    }
  }

  private void truncate() {
    try (Connection c = readSide.connection(); Statement s = c.createStatement()) {
      for (String table : READ_TABLES) s.executeUpdate("DELETE FROM " + table);
      s.executeUpdate("DELETE FROM \"pekko_projection_offset_store\" WHERE \"projection_name\" IN ('"
          + CALLS + "', '" + AGENTS + "', '" + MESSAGES + "', '" + DIRECTORY + "')");
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("could not empty the statistics read side: " + e.getMessage(), e);
    }
  }

  private static CompletionStage<Done> all(List<CompletionStage<Done>> stages) {
    return CompletableFuture.allOf(stages.stream().map(CompletionStage::toCompletableFuture)
            .toArray(CompletableFuture[]::new))
        .thenApply(v -> Done.getInstance());
  }

  /** Queries of this read side, counting what is pending in the journal this node runs on. */
  public StatisticsReader reader() {
    return new StatisticsReader(readSide, zone, tags);
  }

  public ReadSide readSide() {
    return readSide;
  }

  public ZoneId zone() {
    return zone;
  }
}
