package io.switchboard.persistence.statistics;

import com.typesafe.config.Config;
import io.switchboard.persistence.testkit.TestDatabases;

class PostgresStatisticsTruthTest extends StatisticsTruthScenarios {
  @Override
  Config database(String name) {
    return TestDatabases.postgres(name + "_" + Long.toHexString(System.nanoTime()));
  }
}
