package io.switchboard.persistence.statistics;

import com.typesafe.config.Config;
import io.switchboard.persistence.testkit.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

class H2StatisticsTruthTest extends StatisticsTruthScenarios {
  @Override
  Config database(String name) {
    try {
      return TestDatabases.h2(Files.createTempDirectory("switchboard-truth"), name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
