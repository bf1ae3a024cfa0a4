package io.switchboard.persistence.statistics;

import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * Tags of the Cassandra journal. The projections read them through the plugin's eventsByTag
 * (offsets are time UUIDs, kept in the JDBC offset store with the statistics rows); how far a
 * slice is behind is counted in the plugin's {@code tag_views} table, one partition per tag and
 * time bucket, so a count after an offset queries each bucket from the offset's to now's.
 */
final class CassandraJournalTags implements JournalTags {
  private static final String PLUGIN = "pekko.persistence.cassandra";
  /** 100-ns intervals between the UUID epoch (1582-10-15) and the Unix epoch. */
  private static final long UUID_EPOCH_OFFSET = 0x01b21dd213814000L;

  private final ActorSystem<?> system;
  private final CassandraSession session;
  private final String table;
  private final long bucketMillis;
  private final long firstBucket;
  private final String profile;

  CassandraJournalTags(ActorSystem<?> system, Config config) {
    this.system = system;
    // The read journal's session: the first to ask the registry for a plugin's session decides
    // its init, and only the plugin's own creates the keyspace and tables (autocreate).
    this.session = PersistenceQuery.get(system)
        .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier()).session();
    Config tags = config.getConfig(PLUGIN + ".events-by-tag");
    this.table = config.getString(PLUGIN + ".journal.keyspace") + "." + tags.getString("table");
    this.bucketMillis = switch (tags.getString("bucket-size")) {
      case "Day" -> 86_400_000L;
      case "Hour" -> 3_600_000L;
      case "Minute" -> 60_000L;
      default -> throw new IllegalArgumentException("events-by-tag.bucket-size is Day, Hour or Minute, not "
          + tags.getString("bucket-size"));
    };
    this.firstBucket = bucketOf(firstTimeBucket(tags.getString("first-time-bucket")));
    this.profile = config.getString(PLUGIN + ".query.read-profile");
  }

  /** The plugin's format: yyyyMMddTHH:mm, or yyyyMMdd; UTC. */
  static long firstTimeBucket(String text) {
    LocalDateTime t = text.contains("T")
        ? LocalDateTime.parse(text, DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm"))
        : LocalDate.parse(text, DateTimeFormatter.BASIC_ISO_DATE).atStartOfDay();
    return t.toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  @Override
  public <E> SourceProvider<Offset, EventEnvelope<E>> events(String tag, Class<E> eventType) {
    return EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), tag);
  }

  @Override
  public long pendingAfter(String tag, Stored offset) {
    UUID after = offset == null ? null : UUID.fromString(offset.value());
    List<CompletableFuture<Long>> counts = new ArrayList<>();
    for (long bucket : buckets(after)) {
      CompletionStage<Optional<Row>> row = after != null && bucket == bucketOf(millisOf(after))
          ? select("SELECT COUNT(*) FROM " + table + " WHERE tag_name = ? AND timebucket = ? AND timestamp > ?",
              tag, bucket, after)
          : select("SELECT COUNT(*) FROM " + table + " WHERE tag_name = ? AND timebucket = ?", tag, bucket);
      counts.add(row.thenApply(r -> r.map(x -> x.getLong(0)).orElse(0L)).toCompletableFuture());
    }
    return counts.stream().mapToLong(CompletableFuture::join).sum();
  }

  @Override
  public OptionalLong firstWrittenAfter(String tag, Stored offset) {
    UUID after = offset == null ? null : UUID.fromString(offset.value());
    // Bucket by bucket, oldest first: the first one with an event has the answer.
    for (long bucket : buckets(after)) {
      Optional<Row> first = (after != null && bucket == bucketOf(millisOf(after))
          ? select("SELECT timestamp FROM " + table + " WHERE tag_name = ? AND timebucket = ? AND timestamp > ? LIMIT 1",
              tag, bucket, after)
          : select("SELECT timestamp FROM " + table + " WHERE tag_name = ? AND timebucket = ? LIMIT 1", tag, bucket))
          .toCompletableFuture().join();
      if (first.isPresent()) return OptionalLong.of(millisOf(first.get().getUuid(0)));
    }
    return OptionalLong.empty();
  }

  @Override
  public OptionalLong writtenAt(Stored offset) {
    return OptionalLong.of(asNumber(offset));
  }

  @Override
  public long asNumber(Stored offset) {
    return millisOf(UUID.fromString(offset.value()));
  }

  /** The time buckets from the offset's (or the first one) to now's, oldest first. */
  private List<Long> buckets(UUID after) {
    long from = after == null ? firstBucket : Math.max(firstBucket, bucketOf(millisOf(after)));
    long to = bucketOf(System.currentTimeMillis());
    List<Long> buckets = new ArrayList<>();
    for (long b = from; b <= to; b += bucketMillis) buckets.add(b);
    return buckets;
  }

  private long bucketOf(long millis) {
    return millis - Math.floorMod(millis, bucketMillis);
  }

  private CompletionStage<Optional<Row>> select(String cql, Object... values) {
    return session.prepare(cql).thenCompose(ps -> session.selectOne(ps.bind(values).setExecutionProfileName(profile)));
  }

  static long millisOf(UUID timeUuid) {
    return (timeUuid.timestamp() - UUID_EPOCH_OFFSET) / 10_000;
  }
}
