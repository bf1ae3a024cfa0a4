package io.switchboard.persistence;

import com.typesafe.config.Config;

/**
 * Which journal a node runs on, from the class of its journal plugin
 * ({@code pekko.persistence.journal.plugin}): what reads the journal's tags, and whether the
 * node must wait for Cassandra's keyspace before it writes, follow from it.
 */
public enum JournalKind {
  JDBC,
  CASSANDRA;

  public static JournalKind of(Config config) {
    String plugin = config.getString("pekko.persistence.journal.plugin");
    String implementation = config.getString(plugin + ".class");
    if (implementation.startsWith("org.apache.pekko.persistence.cassandra.")) return CASSANDRA;
    if (implementation.startsWith("org.apache.pekko.persistence.jdbc.")) return JDBC;
    throw new IllegalStateException("Switchboard runs on the JDBC or the Cassandra journal, not " + plugin + " ("
        + implementation + ")");
  }
}
