package io.switchboard.persistence.statistics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.SourceProvider;

/**
 * Tags of the JDBC journal, read straight from its tables ({@link TaggedEvents}); offsets are
 * the journal's ordering.
 */
final class JdbcJournalTags implements JournalTags {
  /**
   * Longer than a journal write may take to commit (its circuit breaker gives up after 10 s): a
   * gap older than this is a number no write will use.
   */
  private static final Duration GAP_TIMEOUT = Duration.ofSeconds(30);

  private final ActorSystem<?> system;
  private final ReadSide readSide;
  private final Duration poll;
  private volatile JournalFrontier frontier;

  JdbcJournalTags(ActorSystem<?> system, ReadSide readSide, Duration poll) {
    this.system = system;
    this.readSide = readSide;
    this.poll = poll;
  }

  @Override
  public <E> SourceProvider<Offset, EventEnvelope<E>> events(String tag, Class<E> eventType) {
    return new TaggedEvents<>(system, readSide, frontier(), tag, eventType, poll);
  }

  /** One frontier for every slice of every projection on this node: they share its looks. */
  private synchronized JournalFrontier frontier() {
    // Real time, whatever the engine runs on: a gap is judged by how long it has really been open.
    if (frontier == null) frontier = new JournalFrontier(readSide, Clock.systemUTC(), GAP_TIMEOUT, Duration.ofMillis(50));
    return frontier;
  }

  @Override
  public long pendingAfter(String tag, Stored offset) {
    return queryLong("SELECT COUNT(*) FROM \"event_tag\" WHERE \"tag\" = ? AND \"event_id\" > ?",
        tagAfter(tag, offset)).orElse(0);
  }

  @Override
  public OptionalLong firstWrittenAfter(String tag, Stored offset) {
    return queryLong("SELECT j.\"write_timestamp\" FROM \"event_journal\" j WHERE j.\"ordering\" = (SELECT MIN(t.\"event_id\") "
        + "FROM \"event_tag\" t WHERE t.\"tag\" = ? AND t.\"event_id\" > ?)", tagAfter(tag, offset));
  }

  @Override
  public OptionalLong writtenAt(Stored offset) {
    return queryLong("SELECT \"write_timestamp\" FROM \"event_journal\" WHERE \"ordering\" = ?",
        ps -> ps.setLong(1, asNumber(offset)));
  }

  @Override
  public long asNumber(Stored offset) {
    return Long.parseLong(offset.value());
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private Binder tagAfter(String tag, Stored offset) {
    return ps -> {
      ps.setString(1, tag);
      ps.setLong(2, offset == null ? 0 : asNumber(offset));
    };
  }

  /** The first column of the first row, if there is one and it is not null. */
  private OptionalLong queryLong(String sql, Binder binder) {
    try (Connection c = readSide.connection()) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        binder.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) return OptionalLong.empty();
          long v = rs.getLong(1);
          return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("statistics query failed: " + e.getMessage(), e);
    }
  }
}
