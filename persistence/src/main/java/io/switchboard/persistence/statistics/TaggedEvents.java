package io.switchboard.persistence.statistics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The events of one journal tag after an offset, read straight from the journal's tables.
 *
 * <p>Why not the read journal's eventsByTag: pekko-persistence-jdbc 1.1 selects a tag's events
 * by a range on the journal's ordering, which both H2 and PostgreSQL answer by walking every
 * event the tag ever had (measured: 16–22 ms per poll at 400,000 events, growing without end;
 * a node polls each slice five times a second). Here the range is on the tag table's own
 * {@code (tag, event_id)} index: the cost of a poll depends on what it returns, not on history.
 * Offsets are the journal's ordering ({@link Sequence}), as with the read journal, and reads
 * stop at the {@link JournalFrontier} so an event committed late is never skipped.
 */
final class TaggedEvents<E> extends SourceProvider<Offset, EventEnvelope<E>> {
  private static final int BATCH = 500;
  /** Orderings looked at per poll at most, so catching up (or a rebuild) reads in bounded steps. */
  private static final long WINDOW = 20_000;

  private final ActorSystem<?> system;
  private final ReadSide readSide;
  private final JournalFrontier frontier;
  private final String tag;
  private final Class<E> eventType;
  private final Duration pollInterval;
  private final Executor blocking;
  private final Serialization serialization;

  TaggedEvents(ActorSystem<?> system, ReadSide readSide, JournalFrontier frontier, String tag, Class<E> eventType,
      Duration pollInterval) {
    this.system = system;
    this.readSide = readSide;
    this.frontier = frontier;
    this.tag = tag;
    this.eventType = eventType;
    this.pollInterval = pollInterval;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    this.serialization = SerializationExtension.get(system);
  }

  @Override
  public CompletionStage<Source<EventEnvelope<E>, NotUsed>> source(Supplier<CompletionStage<Optional<Offset>>> offset) {
    return offset.get().thenApply(o -> {
      long from = o.map(x -> x instanceof Sequence s ? s.value() : 0L).orElse(0L);
      return Source.unfoldAsync(from, this::next).mapConcat(batch -> batch);
    });
  }

  /** What one poll found: the events, and how far the tag has been read. */
  private record Read<E>(long readTo, boolean atFrontier, List<EventEnvelope<E>> events) {}

  /** The next batch after {@code after}; a poll that reached the frontier empty waits first. */
  private CompletionStage<Optional<Pair<Long, List<EventEnvelope<E>>>>> next(long after) {
    return CompletableFuture.supplyAsync(() -> read(after), blocking).thenCompose(r -> {
      Optional<Pair<Long, List<EventEnvelope<E>>>> step = Optional.of(Pair.create(r.readTo(), r.events()));
      if (!r.events().isEmpty() || !r.atFrontier()) return CompletableFuture.completedFuture(step);
      return Patterns.after(pollInterval, system.classicSystem().scheduler(), system.executionContext(),
          () -> CompletableFuture.completedFuture(step));
    });
  }

  private Read<E> read(long after) {
    try {
      long frontierNow = frontier.advance();
      long until = Math.min(frontierNow, after + WINDOW);
      List<EventEnvelope<E>> batch = new ArrayList<>();
      if (until <= after) return new Read<>(after, true, batch);
      try (Connection c = readSide.connection()) {
        // The tag's ids first (a range of its index), then their events: both H2 and PostgreSQL
        // plan this as index reads; written as a join, H2 scans the whole journal.
        try (PreparedStatement ps = c.prepareStatement("SELECT j.\"ordering\", j.\"persistence_id\", "
            + "j.\"sequence_number\", j.\"write_timestamp\", j.\"event_payload\", j.\"event_ser_id\", "
            + "j.\"event_ser_manifest\" FROM \"event_journal\" j WHERE j.\"ordering\" IN (SELECT t.\"event_id\" "
            + "FROM \"event_tag\" t WHERE t.\"tag\" = ? AND t.\"event_id\" > ? AND t.\"event_id\" <= ? "
            + "ORDER BY t.\"event_id\" LIMIT " + BATCH + ") ORDER BY j.\"ordering\"")) {
          ps.setString(1, tag);
          ps.setLong(2, after);
          ps.setLong(3, until);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Object event = serialization.deserialize(rs.getBytes(5), rs.getInt(6), rs.getString(7)).get();
              batch.add(EventEnvelope.create(Offset.sequence(rs.getLong(1)), rs.getString(2), rs.getLong(3),
                  eventType.cast(event), rs.getLong(4)));
            }
          }
        } finally {
          c.rollback();
        }
      }
      if (batch.size() == BATCH)
        return new Read<>(((Sequence) batch.get(batch.size() - 1).offset()).value(), false, batch);
      // Fewer than a batch: everything of this tag up to {@code until} has been read.
      return new Read<>(until, until == frontierNow, batch);
    } catch (SQLException e) {
      // Fails the projection's stream; the projection restarts it from its stored offset.
      throw new IllegalStateException("reading tag " + tag + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Offset extractOffset(EventEnvelope<E> envelope) {
    return envelope.offset();
  }

  @Override
  public long extractCreationTime(EventEnvelope<E> envelope) {
    return envelope.timestamp();
  }
}
