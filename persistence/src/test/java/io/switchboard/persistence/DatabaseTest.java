package io.switchboard.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.switchboard.persistence.testkit.TestDatabases;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path dir;

  @Test
  void migrationsCreateTheJournalAndReadSideTablesOnceAndAreSafeToRunAgain() throws Exception {
    for (var config : java.util.List.of(TestDatabases.h2(dir, "schema"), TestDatabases.postgres("schema_check"))) {
      Database db = Database.fromConfig(config.withFallback(ConfigFactory.load()).resolve());
      assertThat(db.migrate().migrationsExecuted).as("V1 journal, V2 statistics, V3 company calls").isEqualTo(3);
      assertThat(db.migrate().migrationsExecuted).isZero();
      var c = config.resolve().getConfig(Database.CONFIG_PATH);
      try (var conn = DriverManager.getConnection(c.getString("url"), c.getString("user"), c.getString("password"));
          ResultSet tables = conn.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
        java.util.Set<String> names = new java.util.HashSet<>();
        while (tables.next()) names.add(tables.getString("TABLE_NAME").toLowerCase());
        assertThat(names).contains("event_journal", "event_tag", "snapshot", "durable_state",
            "pekko_projection_offset_store", "pekko_projection_management", "stat_call_log", "stat_call_offer",
            "stat_interval", "stat_pause_interval", "stat_agent_state", "stat_billing");
      }
    }
  }

  @Test
  void theDefaultIsAnH2FileUnderData() {
    Database db = Database.fromConfig(ConfigFactory.parseResources("switchboard-jdbc.conf").resolve());
    assertThat(db.url()).startsWith("jdbc:h2:file:./data/switchboard");
    assertThat(db.isPostgres()).isFalse();
  }
}
