package io.switchboard.persistence.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.switchboard.persistence.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

/**
 * Real databases for tests: an H2 file in a folder of the test's, or a fresh database on one
 * embedded PostgreSQL server shared by the whole test JVM (started on first use, on a free
 * loopback port).
 */
public final class TestDatabases {
  private static EmbeddedPostgres postgres;

  private TestDatabases() {}

  public static Config h2(Path dir, String name) {
    return jdbc("slick.jdbc.H2Profile$", "org.h2.Driver",
        "jdbc:h2:file:" + dir.resolve(name).toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
  }

  /** A new, empty PostgreSQL database on the shared embedded server. */
  public static synchronized Config postgres(String database) {
    try {
      if (postgres == null) {
        postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            postgres.close();
          } catch (IOException ignored) {
            // the JVM is going away
          }
        }));
      }
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE \"" + database + "\"");
      }
      return ConfigFactory.parseMap(Map.of("pekko.projection.jdbc.dialect", "postgres-dialect"))
          .withFallback(jdbc("slick.jdbc.PostgresProfile$", "org.postgresql.Driver",
              postgres.getJdbcUrl("postgres", database), "postgres", "postgres"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("could not create test database " + database, e);
    }
  }

  private static Config jdbc(String profile, String driver, String url, String user, String password) {
    return ConfigFactory.parseMap(Map.of(
            "pekko-persistence-jdbc.shared-databases.switchboard.profile", profile,
            Database.CONFIG_PATH + ".driver", driver,
            Database.CONFIG_PATH + ".url", url,
            Database.CONFIG_PATH + ".user", user,
            Database.CONFIG_PATH + ".password", password))
        .withFallback(ConfigFactory.parseResources("switchboard-jdbc.conf"));
  }

  /**
   * The journal and snapshots in a new keyspace on the shared forked Cassandra
   * ({@link TestCassandra}), everything else on a new PostgreSQL database: as conf/cassandra.conf
   * runs a node. Events-by-tag reads start an hour back, not at the plugin's default of 2015.
   */
  public static Config cassandra(String name) {
    TestCassandra.Server server = TestCassandra.server();
    String firstBucket = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm")
        .format(java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusHours(1));
    return ConfigFactory.parseMap(Map.of(
            "switchboard.cassandra.contact-points", server.contactPoint(),
            "pekko.persistence.cassandra.journal.keyspace", name,
            "pekko.persistence.cassandra.events-by-tag.first-time-bucket", firstBucket))
        .withFallback(ConfigFactory.parseResources("switchboard-cassandra.conf"))
        .withFallback(postgres(name));
  }

  /** The engine harness config on this database, resolved, with its schema migrated. */
  public static Config engineOn(Config database, Config base) {
    Config config = base.withFallback(database).withFallback(ConfigFactory.load()).resolve();
    Database.fromConfig(config).migrate();
    return config;
  }
}
