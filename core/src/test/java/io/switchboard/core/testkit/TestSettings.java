package io.switchboard.core.testkit;

import io.switchboard.core.engine.EngineSettings;
import java.time.Duration;
import java.time.ZoneId;

public final class TestSettings {
  private TestSettings() {}

  public static EngineSettings defaults() {
    return new EngineSettings(ZoneId.of("Europe/Stockholm"), Duration.ofSeconds(3), Duration.ofMillis(150),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(1), 100, 4,
        Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(30), false);
  }
}
