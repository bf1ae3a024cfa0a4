package io.switchboard.http.directory;

import io.switchboard.core.engine.Engine;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.queue.QueueId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The centre's directory (answering points, companies, queues, agents, numbers) as this node last
 * read it, at most a second old: names for offers and wallboards without asking the directory
 * entity per message. A change made through this node is seen at once.
 */
public final class DirectoryCache {
  private static final long FRESH_FOR_NANOS = Duration.ofSeconds(1).toNanos();

  private final ActorSystem<?> system;
  private final Engine engine;
  private final Duration timeout;
  private volatile NumberPlan.Plan plan;
  private volatile long readAt;
  private volatile CompletableFuture<NumberPlan.Plan> reading;
  /** Counts invalidations: a read begun before one must not refill the cache. */
  private long generation;

  public DirectoryCache(ActorSystem<?> system, Engine engine, Duration timeout) {
    this.system = system;
    this.engine = engine;
    this.timeout = timeout;
  }

  public CompletionStage<NumberPlan.Plan> plan() {
    NumberPlan.Plan p = plan;
    if (p != null && System.nanoTime() - readAt < FRESH_FOR_NANOS) return CompletableFuture.completedFuture(p);
    return read();
  }

  /** The last plan read, possibly older than a second; null before the first read. */
  /** The listed queues whose config matches; configs live in the queue entities, so each is asked. */
  public CompletionStage<List<QueueId>> queuesWhere(NumberPlan.Plan plan, Predicate<QueueConfig> test) {
    List<CompletableFuture<Optional<QueueId>>> asks = plan.queues().keySet().stream()
        .map(q -> AskPattern.<Queue.Command, Queue.Reply>ask(engine.refs().queue(q), Queue.GetState::new, timeout,
                system.scheduler())
            .thenApply(r -> r instanceof Queue.Done d && test.test(d.view().config())
                ? Optional.of(q) : Optional.<QueueId>empty())
            .toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(v -> asks.stream().map(CompletableFuture::join).flatMap(Optional::stream).sorted().toList());
  }

  public NumberPlan.Plan lastKnown() {
    return plan;
  }

  /** The next {@link #plan()} reads anew, not from the cache nor from a read begun before this. */
  public synchronized void invalidate() {
    generation++;
    readAt = 0;
    reading = null;
  }

  private synchronized CompletionStage<NumberPlan.Plan> read() {
    if (reading != null && !reading.isDone()) return reading;
    long begunIn = generation;
    CompletableFuture<NumberPlan.Plan> f = AskPattern.<NumberPlan.Command, NumberPlan.Reply>ask(
            engine.refs().numberPlan(), NumberPlan.GetPlan::new, timeout, system.scheduler())
        .thenApply(r -> {
          NumberPlan.Plan p = ((NumberPlan.Done) r).plan();
          remember(p, begunIn);
          return p;
        }).toCompletableFuture();
    reading = f;
    return f;
  }

  private synchronized void remember(NumberPlan.Plan p, long begunIn) {
    if (begunIn != generation) return;
    plan = p;
    readAt = System.nanoTime();
  }
}
