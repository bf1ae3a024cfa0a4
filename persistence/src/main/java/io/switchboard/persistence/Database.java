package io.switchboard.persistence;

import com.typesafe.config.Config;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The node's one JDBC database (journal, snapshots, read side). Its schema is owned by Flyway
 * migrations under {@code db/migration/<vendor>}, applied before the actor system writes.
 */
public final class Database {

  public static final String CONFIG_PATH = "pekko-persistence-jdbc.shared-databases.switchboard.db";

  private final String url;
  private final String user;
  private final String password;

  public Database(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /** The database the persistence plugin is configured with. */
  public static Database fromConfig(Config config) {
    Config db = config.getConfig(CONFIG_PATH);
    return new Database(db.getString("url"), db.getString("user"), db.getString("password"));
  }

  public String url() {
    return url;
  }

  public boolean isPostgres() {
    return vendor().equals("postgresql");
  }

  /** Which migrations apply: one folder per supported database. */
  String vendor() {
    if (url.startsWith("jdbc:postgresql:")) return "postgresql";
    if (url.startsWith("jdbc:h2:")) return "h2";
    throw new IllegalArgumentException(
        "unsupported database URL " + url + ": Switchboard runs on H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql:...)");
  }

  /** Creates or upgrades the schema; safe to run on every start. */
  public MigrateResult migrate() {
    return Flyway.configure()
        .dataSource(url, user, password)
        .locations("classpath:db/migration/" + vendor())
        .failOnMissingLocations(true)
        .load()
        .migrate();
  }
}
