package io.switchboard.persistence.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.switchboard.core.testkit.TestClock;
import io.switchboard.persistence.Database;
import io.switchboard.persistence.testkit.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frontier never passes an event that is still being written (a younger write committed
 * first), and passes a number no write will ever use once it has stayed missing long enough.
 */
class JournalFrontierTest {
  @TempDir Path dir;
  private TestClock clock;

  @Test
  void aWriteCommittedLateIsWaitedForAndABurnedNumberIsPassedAfterTheTimeout() throws Exception {
    Config config = TestDatabases.h2(dir, "frontier").withFallback(ConfigFactory.load()).resolve();
    Database.fromConfig(config).migrate();
    Config db = config.getConfig(Database.CONFIG_PATH);
    clock = new TestClock(Instant.parse("2026-11-23T08:00:00Z"));
    try (ReadSide readSide = ReadSide.open(config);
        Connection slow = DriverManager.getConnection(db.getString("url"), db.getString("user"), db.getString("password"));
        Connection fast = DriverManager.getConnection(db.getString("url"), db.getString("user"), db.getString("password"))) {
      JournalFrontier frontier = new JournalFrontier(readSide, clock, Duration.ofSeconds(10), Duration.ZERO);
      long first = insert(fast, "a", 1);
      fast.commit();
      assertThat(frontier.advance()).isEqualTo(first);

      slow.setAutoCommit(false);
      long late = insert(slow, "b", 1); // not committed yet
      long early = insert(fast, "c", 1);
      fast.commit();
      assertThat(early).isGreaterThan(late);
      // The younger write is visible, the older not yet: stop before the older.
      assertThat(frontier.advance()).isEqualTo(first);
      clock.advance(Duration.ofSeconds(5));
      assertThat(frontier.advance()).isEqualTo(first);
      slow.commit();
      assertThat(frontier.advance()).isEqualTo(early);

      // A write that rolls back burns its number: passed once it has been missing for 10 s.
      slow.setAutoCommit(false);
      insert(slow, "d", 1);
      slow.rollback();
      long after = insert(fast, "e", 1);
      fast.commit();
      assertThat(frontier.advance()).isEqualTo(early);
      clock.advance(Duration.ofSeconds(9));
      assertThat(frontier.advance()).isEqualTo(early);
      clock.advance(Duration.ofSeconds(2));
      assertThat(frontier.advance()).isEqualTo(after);

      // After a restart the frontier starts from nothing: a gap behind writes older than the
      // timeout is old history and passed at once, not waited for again.
      JournalFrontier restarted = new JournalFrontier(readSide, clock, Duration.ofSeconds(10), Duration.ZERO);
      clock.advance(Duration.ofSeconds(11));
      assertThat(restarted.advance()).isEqualTo(after);
    }
  }

  private long insert(Connection c, String pid, long seq) throws Exception {
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO \"event_journal\" (\"deleted\", \"persistence_id\", "
        + "\"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\", "
        + "\"event_ser_manifest\") VALUES (FALSE, ?, ?, 'w', ?, '', X'00', 1, 'm')", Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, pid);
      ps.setLong(2, seq);
      ps.setLong(3, clock.millis());
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }
}
