package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.switchboard.persistence.Database;
import io.switchboard.persistence.testkit.TestCassandra;
import io.switchboard.persistence.testkit.TestDatabases;
import java.time.format.DateTimeFormatter;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node as conf/cassandra.conf runs it (the README's "Cassandra"): journal and snapshots on a
 * real Cassandra 5.0 (forked), everything else on PostgreSQL (embedded). Only the addresses,
 * a fresh keyspace and database, and free ports are set here; the rest is the shipped file.
 */
class CassandraNodeTest extends NodeTest {
  private final String name = "node_" + Long.toHexString(System.nanoTime());
  private Config postgres;

  @Override
  Config config() {
    // Both starts of the node test run on the same keyspace and database.
    if (postgres == null) postgres = TestDatabases.postgres(name);
    return ConfigFactory.load(ConfigFactory.parseMap(Map.of(
            "switchboard.cassandra.contact-points", TestCassandra.server().contactPoint(),
            "pekko.persistence.cassandra.journal.keyspace", name,
            // Reads by tag start an hour back, not at the shipped first bucket weeks ago.
            "pekko.persistence.cassandra.events-by-tag.first-time-bucket", DateTimeFormatter
                .ofPattern("yyyyMMdd'T'HH:mm").format(LocalDateTime.now(ZoneOffset.UTC).minusHours(1)),
            Database.CONFIG_PATH + ".url", postgres.getString(Database.CONFIG_PATH + ".url"),
            Database.CONFIG_PATH + ".user", postgres.getString(Database.CONFIG_PATH + ".user"),
            Database.CONFIG_PATH + ".password", postgres.getString(Database.CONFIG_PATH + ".password")))
        .withFallback(ConfigFactory.parseMap(Map.of(
            "pekko.remote.artery.canonical.port", 0,
            "pekko.cluster.seed-nodes", List.of(),
            "pekko.management.http.port", -1,
            "switchboard.sip.enabled", "off",
            "switchboard.http.port", 0)))
        .withFallback(ConfigFactory.parseResourcesAnySyntax("cassandra.conf")));
  }

  @Override
  void assertDatabaseCreated() {
    // Nothing on disk here: the keyspace is on the forked Cassandra.
  }

  @Test
  void theShippedCassandraConfigurationPutsOnlyTheJournalAndSnapshotsOnCassandra() {
    Config c = config();
    assertThat(c.getString("pekko.persistence.journal.plugin")).isEqualTo("pekko.persistence.cassandra.journal");
    assertThat(c.getString("pekko.persistence.cassandra.journal.class"))
        .isEqualTo("org.apache.pekko.persistence.cassandra.journal.CassandraJournal");
    assertThat(c.getString("pekko.persistence.snapshot-store.plugin")).isEqualTo("pekko.persistence.cassandra.snapshot");
    assertThat(c.getString("pekko.persistence.cassandra.snapshot.class"))
        .isEqualTo("org.apache.pekko.persistence.cassandra.snapshot.CassandraSnapshotStore");
    assertThat(c.getString("pekko.persistence.state.plugin")).isEqualTo("jdbc-durable-state-store");
    assertThat(c.getString("pekko-persistence-jdbc.shared-databases.switchboard.profile")).contains("Postgres");
    assertThat(c.getString("pekko.projection.jdbc.dialect")).isEqualTo("postgres-dialect");
    assertThat(c.getString("pekko.persistence.cassandra.session-provider"))
        .isEqualTo("io.switchboard.persistence.cassandra.CassandraSessions");
    // The shipped defaults, not the plugin's (a 2015 first bucket, 5 s delay).
    Config shipped = ConfigFactory.load(ConfigFactory.parseResourcesAnySyntax("cassandra.conf"));
    assertThat(shipped.getString("pekko.persistence.cassandra.events-by-tag.first-time-bucket")).startsWith("2026");
    assertThat(shipped.getString("pekko.persistence.cassandra.events-by-tag.bucket-size")).isEqualTo("Hour");
    assertThat(shipped.getDuration("pekko.persistence.cassandra.events-by-tag.eventual-consistency-delay"))
        .isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(shipped.getString("pekko.persistence.cassandra.snapshot.keyspace"))
        .isEqualTo(shipped.getString("pekko.persistence.cassandra.journal.keyspace"));
  }
}
