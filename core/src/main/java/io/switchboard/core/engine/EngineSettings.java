package io.switchboard.core.engine;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.ZoneId;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

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
    int tagSlices,
    Duration heartbeatInterval,
    Duration presenceCheckInterval,
    Duration absenceGrace,
    boolean absenceLogsOut) {

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
        c.getInt("tag-slices"),
        root.getDuration("switchboard.agent.heartbeat-interval"),
        root.getDuration("switchboard.agent.presence-check-interval"),
        root.getDuration("switchboard.agent.absence-grace"),
        logsOut(root.getString("switchboard.agent.absence-action")));
  }

  private static boolean logsOut(String action) {
    return switch (action) {
      case "pause" -> false;
      case "logout" -> true;
      default -> throw new IllegalArgumentException(
          "switchboard.agent.absence-action must be pause or logout, got " + action);
    };
  }

  /**
   * How an entity whose journal write failed comes back: restarted from its journal after a
   * growing pause, so a database hiccup does not stop it for good.
   */
  public static final BackoffSupervisorStrategy RESTART_ON_JOURNAL_FAILURE =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);

  /**
   * Snapshots only: events are never deleted, because pekko-persistence-jdbc 1.1 stops a replay
   * at a gap in sequence numbers (TOOLING.md). Old snapshots beyond the last two go.
   */
  public RetentionCriteria snapshots() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }

  /** The journal tag of an entity's events: its type and a slice, so projections can share load. */
  public String tag(String entityType, String entityId) {
    return entityType + "-" + Math.floorMod(entityId.hashCode(), tagSlices);
  }
}
