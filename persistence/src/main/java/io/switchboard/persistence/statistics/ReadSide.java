package io.switchboard.persistence.statistics;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.switchboard.persistence.Database;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The read side's own connection pool on the journal's database. Projections write through it
 * (each batch one transaction, together with its offset); readers query through it.
 */
public final class ReadSide implements AutoCloseable {
  private final HikariDataSource pool;

  private ReadSide(HikariDataSource pool) {
    this.pool = pool;
  }

  public static ReadSide open(Config config) {
    Database database = Database.fromConfig(config);
    Config db = config.getConfig(Database.CONFIG_PATH);
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("switchboard-read-side");
    hikari.setJdbcUrl(database.url());
    hikari.setUsername(db.getString("user"));
    hikari.setPassword(db.getString("password"));
    hikari.setMaximumPoolSize(config.getInt("switchboard.statistics.connections"));
    hikari.setAutoCommit(false);
    // The read side can always be replayed from the journal, and each batch commits its rows with
    // its offset: a crash can lose only the last commits of both together, never one without the
    // other. So its commits need not wait for the disk, and do not compete with the journal's.
    if (database.isPostgres()) hikari.setConnectionInitSql("SET synchronous_commit TO OFF");
    return new ReadSide(new HikariDataSource(hikari));
  }

  public DataSource dataSource() {
    return pool;
  }

  /** A connection for reading; autocommit is off, so callers commit or roll back. */
  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  ReadSideSession session() {
    return new ReadSideSession(pool);
  }

  @Override
  public void close() {
    pool.close();
  }
}
