package io.switchboard.core.engine;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.ZoneId;

/**
 * Engine tuning read from {@code switchboard.engine} (see core's reference.conf for what each
 * one is for).
 */
public record EngineSettings(
    ZoneId timeZone,
    Duration askTimeout,
    Duration collectWindow,
    Duration offerGrace,
    Duration declineCooloff,
    Duration finishedLinger,
    Duration retryInterval,
    int snapshotEvery,
    int tagSlices) {

  public static EngineSettings from(Config root) {
    Config c = root.getConfig("switchboard.engine");
    return new EngineSettings(
        ZoneId.of(root.getString("switchboard.time-zone")),
        c.getDuration("ask-timeout"),
        c.getDuration("collect-window"),
        c.getDuration("offer-grace"),
        c.getDuration("decline-cooloff"),
        c.getDuration("finished-linger"),
        c.getDuration("retry-interval"),
        c.getInt("snapshot-every"),
        c.getInt("tag-slices"));
  }

  /** The journal tag of an entity's events: its type and a slice, so projections can share load. */
  public String tag(String entityType, String entityId) {
    return entityType + "-" + Math.floorMod(entityId.hashCode(), tagSlices);
  }
}
