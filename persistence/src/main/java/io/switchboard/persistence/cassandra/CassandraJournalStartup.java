package io.switchboard.persistence.cassandra;

import io.switchboard.persistence.JournalKind;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;

/**
 * Waits, on a node whose journal is Cassandra, until the plugin is connected and (with
 * autocreate) its keyspace and tables exist. Why: the plugin creates them on first use, which
 * on a fresh keyspace takes seconds of schema changes; the node's first writes (demo data,
 * remembered entities) would time out meanwhile. Nothing to wait for on JDBC (Flyway has run).
 */
public final class CassandraJournalStartup {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CassandraJournalStartup.class);

  private CassandraJournalStartup() {}

  public static void awaitReady(ActorSystem<?> system, Duration timeout) {
    if (JournalKind.of(system.settings().config()) != JournalKind.CASSANDRA) return;
    long t0 = System.nanoTime();
    try {
      PersistenceQuery.get(system).getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier())
          .initialize().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Cassandra (switchboard.cassandra.contact-points) not ready within " + timeout, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cassandra journal could not start: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    log.info("Cassandra journal ready (keyspace {}) in {} ms",
        system.settings().config().getString("pekko.persistence.cassandra.journal.keyspace"),
        (System.nanoTime() - t0) / 1_000_000);
  }
}
