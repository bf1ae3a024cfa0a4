package io.switchboard.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/**
 * How a node finds its cluster ({@code switchboard.cluster.join}): through the configured
 * {@code pekko.cluster.seed-nodes}, or through Pekko Management's cluster bootstrap, which asks
 * {@code pekko.discovery} for the nodes' management endpoints, probes them and joins the cluster
 * they report, or lets the lowest address form it when none exists yet.
 */
enum ClusterJoin {
  SEED_NODES, BOOTSTRAP;

  static final String CONFIG_PATH = "switchboard.cluster.join";

  static ClusterJoin from(Config config) {
    String value = config.getString(CONFIG_PATH).trim();
    return switch (value) {
      case "seed-nodes" -> SEED_NODES;
      case "bootstrap" -> BOOTSTRAP;
      default -> throw new IllegalArgumentException(CONFIG_PATH + ": expected seed-nodes or bootstrap, got '" + value + "'");
    };
  }

  /**
   * The config the actor system starts with. With bootstrap the configured seed nodes are
   * dropped (the cluster joins them on start by itself otherwise), and the management HTTP port
   * must be on: the other nodes probe it.
   */
  Config applyTo(Config config) {
    if (this == SEED_NODES) return config;
    if (config.getInt("pekko.management.http.port") < 0)
      throw new IllegalArgumentException(CONFIG_PATH + " = bootstrap needs pekko.management.http.port"
          + " (SWITCHBOARD_MANAGEMENT_PORT): the other nodes probe it");
    return config.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of()));
  }
}
