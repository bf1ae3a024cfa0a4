package io.switchboard.persistence;

import com.typesafe.config.Config;
import io.switchboard.persistence.testkit.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Restart safety on the embedded default: an H2 file database. */
class H2RestartTest extends RestartScenarios {
  @TempDir Path dir;

  @Override
  Config database(String name) {
    return TestDatabases.h2(dir, name);
  }
}
