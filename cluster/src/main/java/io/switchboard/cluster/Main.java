package io.switchboard.cluster;

import com.typesafe.config.ConfigFactory;

/**
 * Runs a node. Configuration: {@code application.conf} (embedded H2, one node, demo data); pick
 * another with {@code -Dconfig.resource=postgres.conf} or {@code -Dconfig.file=...}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Node.start(ConfigFactory.load());
    // The actor system keeps the JVM alive; SIGTERM runs coordinated shutdown.
  }
}
