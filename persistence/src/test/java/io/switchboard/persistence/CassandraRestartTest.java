package io.switchboard.persistence;

import com.typesafe.config.Config;
import io.switchboard.persistence.testkit.TestDatabases;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;

/**
 * Restart safety with the journal and snapshots on a real Cassandra 5.0 (forked, loopback) and
 * the rest on PostgreSQL, as conf/cassandra.conf runs a node.
 */
class CassandraRestartTest extends RestartScenarios {
  @Override
  Config database(String name) {
    return TestDatabases.cassandra(name + "_" + Long.toHexString(System.nanoTime()));
  }

  @Override
  String readJournal() {
    return CassandraReadJournal.Identifier();
  }
}
