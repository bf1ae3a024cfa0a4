package io.switchboard.persistence.statistics;

import com.typesafe.config.Config;
import io.switchboard.persistence.JournalKind;
import java.time.Duration;
import java.util.OptionalLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.SourceProvider;

/**
 * The journal's tagged events as the statistics read side sees them: where the projections read
 * them from, and how far behind a slice's stored offset is. One implementation per journal the
 * node can run on, chosen by the journal plugin configured ({@link #of}).
 */
sealed interface JournalTags permits JdbcJournalTags, CassandraJournalTags {

  /** The events of {@code tag} after the offset a projection resumes from. */
  <E> SourceProvider<Offset, EventEnvelope<E>> events(String tag, Class<E> eventType);

  /** A slice's offset as the offset store keeps it (its text, e.g. an ordering or a time UUID). */
  record Stored(String value, long lastUpdated) {}

  /** How many events of {@code tag} come after the stored offset ({@code null}: from the start). */
  long pendingAfter(String tag, Stored offset);

  /** When the first event of {@code tag} after the stored offset was written, if there is one. */
  OptionalLong firstWrittenAfter(String tag, Stored offset);

  /** When the event the offset stands at was written, if known. */
  OptionalLong writtenAt(Stored offset);

  /**
   * The offset as a number for the status API: the journal's ordering on JDBC; on Cassandra,
   * whose offsets are time UUIDs, the write time (epoch ms) of the event it stands at.
   */
  long asNumber(Stored offset);

  /** The node's journal's ({@link JournalKind}). */
  static JournalTags of(ActorSystem<?> system, ReadSide readSide, Duration poll) {
    Config config = system.settings().config();
    return switch (JournalKind.of(config)) {
      case CASSANDRA -> new CassandraJournalTags(system, config);
      case JDBC -> new JdbcJournalTags(system, readSide, poll);
    };
  }
}
