package io.switchboard.core.engine;

import java.time.Clock;
import java.time.Instant;

/** What every entity of the engine is built with. */
public record EngineContext(EntityRefs refs, Clock clock, EngineSettings settings, Notifier notifier) {
  public Instant now() {
    return clock.instant();
  }
}
