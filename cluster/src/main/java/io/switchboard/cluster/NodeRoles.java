package io.switchboard.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one node of the cluster does ({@code switchboard.roles}, e.g. {@code "engine,edge,sip"}):
 * {@code engine} hosts the sharded entities, the statistics projections and the singletons;
 * {@code edge} binds the HTTP port (REST, agent WebSocket, wallboards); {@code sip} runs the SIP
 * gateway. They become the node's Pekko cluster roles, so sharding and singletons place their
 * actors on engine nodes only and every other node reaches them through a proxy.
 */
record NodeRoles(boolean engine, boolean edge, boolean sip) {
  static final String CONFIG_PATH = "switchboard.roles";
  static final String ENGINE = "engine", EDGE = "edge", SIP = "sip";

  NodeRoles {
    if (!engine && !edge && !sip) throw new IllegalArgumentException(CONFIG_PATH + ": name at least one role");
  }

  /** Parses a comma-separated list; an unknown role is an error naming it and the known ones. */
  static NodeRoles parse(String value) {
    Set<String> roles = new LinkedHashSet<>();
    for (String r : value.split(",")) {
      String role = r.trim().toLowerCase();
      if (role.isEmpty()) continue;
      if (!List.of(ENGINE, EDGE, SIP).contains(role))
        throw new IllegalArgumentException(CONFIG_PATH + ": unknown role '" + r.trim() + "'; the roles are engine, edge and sip");
      roles.add(role);
    }
    if (roles.isEmpty()) throw new IllegalArgumentException(CONFIG_PATH + ": name at least one of engine, edge, sip; got '" + value + "'");
    return new NodeRoles(roles.contains(ENGINE), roles.contains(EDGE), roles.contains(SIP));
  }

  static NodeRoles from(Config config) {
    return parse(config.getString(CONFIG_PATH));
  }

  List<String> names() {
    List<String> names = new ArrayList<>();
    if (engine) names.add(ENGINE);
    if (edge) names.add(EDGE);
    if (sip) names.add(SIP);
    return names;
  }

  /** {@code config} with these as the cluster roles of the node. */
  Config applyTo(Config config) {
    return ConfigFactory.parseMap(Map.of("pekko.cluster.roles", names())).withFallback(config);
  }
}
