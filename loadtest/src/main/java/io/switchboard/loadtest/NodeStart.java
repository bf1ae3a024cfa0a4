package io.switchboard.loadtest;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What every runner does to bring a node up: its database, then waiting until it is healthy. */
final class NodeStart {

  static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(120);

  /** Opens a session when the node asks for one; see {@link ApiClient#logIn}. */
  @FunctionalInterface
  interface LogIn {
    void run() throws IOException, InterruptedException;
  }

  private NodeStart() {}

  /**
   * An embedded PostgreSQL (data under {@code dir/pgdata}, a free port) run durable, with a
   * {@code switchboard} database; adds to {@code settings} and {@code env} what points the node
   * at it. The caller stops it.
   */
  static EmbeddedPostgres postgres(Path dir, List<String> settings, Map<String, String> env) throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dir.resolve("pgdata"))
        .setCleanDataDirectory(true)
        .setPort(NodeProcess.freePort())
        // zonky turns durability off for speed; a benchmark of a journal must not.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("max_connections", "100")
        .start();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE switchboard");
    } catch (Exception | Error e) {
      pg.close();
      throw e;
    }
    settings.add("-Dconfig.resource=postgres.conf");
    env.put("SWITCHBOARD_DB_URL", "jdbc:postgresql://localhost:" + pg.getPort() + "/switchboard");
    env.put("SWITCHBOARD_DB_USER", "postgres");
    env.put("SWITCHBOARD_DB_PASSWORD", "postgres");
    return pg;
  }

  /**
   * Waits up to {@link #HEALTH_TIMEOUT} for {@code GET /health} to say UP with the member Up; a
   * 401 before the client has a session runs {@code logIn} and asks again. Fails, with the end of
   * the node's log, when the node exits or the time is up.
   */
  static void awaitHealthy(NodeProcess node, ApiClient api, LogIn logIn) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + HEALTH_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!node.isAlive())
        throw new IllegalStateException("the node exited during start-up; its log " + node.log() + " ends with:"
            + System.lineSeparator() + node.tail(30));
      try {
        ApiClient.Response h = api.send("GET", "/health", null).get(5, TimeUnit.SECONDS);
        last = h.status() + " " + h.raw();
        if (h.status() == 401 && api.token() == null) {
          // the node answers and wants a session for this route: open one, then ask again
          logIn.run();
          continue;
        }
        if (h.status() == 200 && "UP".equals(h.body().path("status").asText())
            && "Up".equalsIgnoreCase(h.body().path("memberStatus").asText()))
          return;
      } catch (ExecutionException | TimeoutException e) {
        last = String.valueOf(e.getCause() != null ? e.getCause() : e);
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the node was not healthy within " + HEALTH_TIMEOUT.toSeconds() + " s (last: " + last
        + "); its log " + node.log() + " ends with:" + System.lineSeparator() + node.tail(30));
  }

  /** The machine's CPUs and load average, read {@code when}: other load on the machine skews every figure. */
  static String hostLoad(String when) {
    String cpus = Runtime.getRuntime().availableProcessors() + " CPUs";
    try {
      String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return cpus + ", load average " + load[0] + " / " + load[1] + " / " + load[2] + " (1/5/15 min) " + when;
    } catch (IOException | RuntimeException e) {
      return cpus;
    }
  }

  /** Fails naming how to build the node jar when it is missing. */
  static void requireJar(Path jar) {
    if (!Files.isRegularFile(jar))
      throw new IllegalStateException("node jar not found: " + jar + " - build the cluster module first: cd "
          + Options.repoRoot() + " && mvn -q -DskipTests install (or pass --node-jar)");
  }
}
