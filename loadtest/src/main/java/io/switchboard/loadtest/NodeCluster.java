package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * N Switchboard nodes as child JVMs on loopback forming one cluster over one shared journal: each
 * node has fixed free ports (HTTP, artery; management and SIP off) and lists every node's artery
 * address as a seed, so a node killed with {@code kill -9} and restarted on the same ports rejoins.
 * Only processes this class started are ever signalled, by their PID.
 */
final class NodeCluster implements AutoCloseable {

  /**
   * The shared journal; the nodes only see -D settings and env. POSTGRES: everything on one
   * embedded PostgreSQL. CASSANDRA: journal and snapshots on a forked Cassandra 5.0
   * ({@link CassandraProcess}), the read side, users and sessions still on the embedded PostgreSQL
   * (conf/cassandra.conf).
   */
  enum Journal { POSTGRES, CASSANDRA }

  /** What the cluster is made of; {@code nodeOpts} go to every node after the runner's own -D settings. */
  record Setup(Path jar, Path dir, int size, String heap, Journal journal, List<String> nodeOpts,
      String adminPassword) {}

  private final Setup setup;
  private final PrintStream out;
  private final List<NodeProcess.Ports> ports = new ArrayList<>();
  private final List<String> seeds = new ArrayList<>();
  private final NodeProcess[] nodes;
  private final int[] incarnations;
  private final boolean[] up;
  private final List<Path> logs = new ArrayList<>();
  private final List<String> settings = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final ObjectMapper json = new ObjectMapper();
  private final ApiClient[] health;
  private AutoCloseable journal;

  private NodeCluster(Setup setup, PrintStream out) {
    this.setup = setup;
    this.out = out;
    this.nodes = new NodeProcess[setup.size()];
    this.incarnations = new int[setup.size()];
    this.up = new boolean[setup.size()];
    this.health = new ApiClient[setup.size()];
  }

  /**
   * Starts the journal and every node: node 1 first (it forms the cluster and creates the first
   * admin in the empty database, which two nodes at once would race for), then the others at once.
   * Returns when each says UP / member Up; on failure stops what it started.
   */
  static NodeCluster start(Setup setup, PrintStream out) throws Exception {
    NodeStart.requireJar(setup.jar());
    NodeCluster c = new NodeCluster(setup, out);
    try {
      c.startJournal();
      for (int i = 0; i < setup.size(); i++) {
        NodeProcess.Ports p = NodeProcess.Ports.free();
        c.ports.add(p);
        c.seeds.add(p.seed());
        c.health[i] = new ApiClient(p.http(), c.json, "health-" + (i + 1), 1, Duration.ofSeconds(5));
      }
      c.launch(0);
      c.awaitHealthy(0);
      for (int i = 1; i < setup.size(); i++) c.launch(i);
      List<CompletableFuture<Void>> waits = new ArrayList<>();
      for (int i = 1; i < setup.size(); i++) {
        int n = i;
        waits.add(CompletableFuture.runAsync(() -> {
          try {
            c.awaitHealthy(n);
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        }));
      }
      for (CompletableFuture<Void> w : waits) w.get(NodeStart.HEALTH_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  private void startJournal() throws Exception {
    // PostgreSQL in both cases: with Cassandra it keeps the read side, users, sessions and schema.
    EmbeddedPostgres pg = NodeStart.postgres(setup.dir(), settings, env);
    out.println("embedded PostgreSQL on port " + pg.getPort());
    journal = pg;
    switch (setup.journal()) {
      case POSTGRES -> { }
      case CASSANDRA -> {
        CassandraProcess cassandra = CassandraProcess.start(setup.dir(), out);
        // close() stops Cassandra first, then PostgreSQL (try-with-resources closes in reverse)
        journal = () -> {
          try (pg; cassandra) { }
        };
        // cassandra.conf includes postgres.conf and moves journal and snapshots to Cassandra.
        settings.replaceAll(s -> s.equals("-Dconfig.resource=postgres.conf") ? "-Dconfig.resource=cassandra.conf" : s);
        env.put("SWITCHBOARD_CASSANDRA_CONTACT_POINTS", cassandra.contactPoint());
        // A fresh keyspace: a read by tag from the start walks hourly buckets from here, not from the default.
        env.put("SWITCHBOARD_CASSANDRA_FIRST_TIME_BUCKET", java.time.format.DateTimeFormatter
            .ofPattern("yyyyMMdd'T'HH:00").withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()));
      }
    }
    env.put("SWITCHBOARD_ADMIN_PASSWORD", setup.adminPassword());
    // One secret for the whole cluster, as conf/three-nodes.conf asks (SIP is off here anyway).
    env.put("SWITCHBOARD_SIP_NONCE_SECRET", "chaos-run-shared-secret");
  }

  /** Starts node {@code i} (a new incarnation, its own log) on its ports without waiting for it. */
  private synchronized void launch(int i) throws IOException {
    int n = ++incarnations[i];
    Path log = setup.dir().resolve("node" + (i + 1) + (n == 1 ? "" : "-" + n) + ".log");
    logs.add(log);
    nodes[i] = NodeProcess.start(setup.jar(), setup.dir().resolve("node" + (i + 1)), log, setup.heap(), ports.get(i),
        seeds, setup.nodeOpts(), settings, env);
    out.printf("node %d (incarnation %d) pid %d, HTTP %d, artery %d, log %s%n", i + 1, n, nodes[i].pid(),
        ports.get(i).http(), ports.get(i).cluster(), log.getFileName());
  }

  /** Waits until node {@code i} answers UP / member Up on {@code GET /health}, then counts it as up. */
  void awaitHealthy(int i) throws IOException, InterruptedException {
    NodeProcess node;
    synchronized (this) {
      node = nodes[i];
    }
    NodeStart.awaitHealthy(node, health[i], () -> { });
    synchronized (this) {
      if (nodes[i] == node) up[i] = true;
    }
  }

  /** {@code kill -9} of node {@code i} by the PID this cluster started; it is down from now on. */
  void kill(int i) throws InterruptedException {
    NodeProcess node;
    synchronized (this) {
      up[i] = false;
      node = nodes[i];
    }
    out.printf("kill -9 node %d (pid %d) at %s%n", i + 1, node.pid(), java.time.Instant.now());
    node.kill();
  }

  /** Stops node {@code i} gracefully (SIGTERM: coordinated shutdown, it leaves the cluster); down from now on. */
  void stop(int i) {
    NodeProcess node;
    synchronized (this) {
      up[i] = false;
      node = nodes[i];
    }
    out.printf("stop node %d (pid %d) at %s%n", i + 1, node.pid(), java.time.Instant.now());
    node.close();
  }

  /** Starts node {@code i} again on the same ports; {@link #awaitHealthy} says when it has rejoined. */
  void restart(int i) throws IOException {
    synchronized (this) {
      if (nodes[i] != null && nodes[i].isAlive()) throw new IllegalStateException("node " + (i + 1) + " still runs");
    }
    launch(i);
  }

  int size() {
    return nodes.length;
  }

  int httpPort(int i) {
    return ports.get(i).http();
  }

  /** Started by this cluster, healthy since, not killed since. */
  synchronized boolean isUp(int i) {
    return up[i] && nodes[i].isAlive();
  }

  synchronized List<Integer> upNodes() {
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) if (up[i] && nodes[i].isAlive()) r.add(i);
    return r;
  }

  /** {@code members} as node {@code i} reports it on {@code GET /health}; -1 when it does not answer. */
  int members(int i) {
    try {
      ApiClient.Response h = health[i].send("GET", "/health", null).get(5, TimeUnit.SECONDS);
      return h.status() == 200 ? h.body().path("members").asInt(-1) : -1;
    } catch (Exception e) {
      return -1;
    }
  }

  /** Every log written so far, one per incarnation of each node. */
  synchronized List<Path> logs() {
    return List.copyOf(logs);
  }

  synchronized NodeProcess node(int i) {
    return nodes[i];
  }

  /** Stops every node (SIGTERM, all at once), then the journal. */
  @Override
  public void close() {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      NodeProcess n = node(i);
      if (n != null) stops.add(CompletableFuture.runAsync(n::close));
    }
    stops.forEach(CompletableFuture::join);
    for (ApiClient h : health) if (h != null) h.close();
    if (journal != null) {
      try {
        journal.close();
      } catch (Exception e) {
        out.println("could not stop the journal: " + e);
      }
      journal = null;
    }
  }
}
