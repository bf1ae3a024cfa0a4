package io.switchboard.cluster;

import com.typesafe.config.ConfigFactory;

/**
 * Runs a node. Configuration: {@code application.conf} (embedded H2, one node, demo data); pick
 * another with {@code -Dconfig.resource=postgres.conf} or {@code -Dconfig.file=...}.
 */
public final class Main {
  private Main() {}

  /**
   * Scala's future-to-CompletionStage bridge (used by every javadsl ask) runs each dependent
   * stage on the common pool. With fewer than three CPUs that pool has one thread and Java starts
   * a new thread per task instead; give it real threads before anything touches it.
   */
  static void commonPoolThreads() {
    String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(key) == null)
      System.setProperty(key, String.valueOf(Math.max(4, Runtime.getRuntime().availableProcessors())));
  }

  public static void main(String[] args) {
    commonPoolThreads();
    Node.start(ConfigFactory.load());
    // The actor system keeps the JVM alive; SIGTERM runs coordinated shutdown.
  }
}
