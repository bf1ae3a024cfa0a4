package io.switchboard.persistence.statistics;

import com.typesafe.config.Config;
import io.switchboard.persistence.testkit.TestDatabases;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;

/**
 * The truth test with the journal on a real Cassandra 5.0: the projections read the tags through
 * the plugin's eventsByTag and keep time-UUID offsets in PostgreSQL with the statistics rows.
 */
class CassandraStatisticsTruthTest extends StatisticsTruthScenarios {
  @Override
  Config database(String name) {
    return TestDatabases.cassandra(name + "_" + Long.toHexString(System.nanoTime()));
  }

  @Override
  String readJournal() {
    return CassandraReadJournal.Identifier();
  }
}
