package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * The memory of idle entities in one node, as a black box: builds up {@code --queues} idle queues,
 * {@code --agents} agents (configured, then logged in ready, idle: each in one of those queues)
 * and {@code --waiting} calls waiting in {@code --wait-queues} other queues that have no agent,
 * and reads the node's heap after a full GC before and after each step. What a step added,
 * divided by its count, is the memory of one such entity. The waiting calls are measured twice:
 * at once, and after the sharding's idle passivation has stopped their sessions (the queue keeps
 * them), which is what a long wait costs. See loadtest/README.md.
 */
public final class MemoryBenchmark {

  private static final int IN_FLIGHT = 64;
  private static final String ANSWERING_POINT = "mem-ap";
  private static final String COMPANY = "mem-co";

  /** One step of the build-up: what it added and the heap after a full GC behind it. */
  record Step(String what, long count, long heapAfterGc, long rss, double seconds) {}

  private final Settings s;
  private final PrintStream out;
  private final ObjectMapper json = new ObjectMapper();
  private final List<Step> steps = new ArrayList<>();

  /** The runner's options. */
  static final class Settings {
    static final Map<String, String> HELP = new LinkedHashMap<>();

    static {
      HELP.put("queues", "idle queues (with no call); default 100000");
      HELP.put("agents", "agents, each in one of the idle queues, logged in ready and idle; default 100000");
      HELP.put("waiting", "calls left waiting; default 100000");
      HELP.put("wait-queues", "the queues (without agents) the waiting calls are spread over; default 100");
      HELP.put("passivation-wait", "seconds to wait for idle call sessions to passivate before the last reading (0 = skip); sharding passivates a session idle 120 s, checking every 60 s; default 200");
      HELP.put("db", "h2|postgres: the node's journal (postgres = embedded PostgreSQL, outside the node's heap); default postgres");
      HELP.put("node-heap", "the node's -Xmx; default 8g");
      HELP.put("node-jar", "the node jar; default cluster/target/switchboard-node.jar under the repo root");
      HELP.put("node-opts", "extra JVM options of the node, space separated");
      HELP.put("admin-password", "the admin's password; default demo-admin");
      HELP.put("help", "print this help");
    }

    int queues = 100_000;
    int agents = 100_000;
    int waiting = 100_000;
    int waitQueues = 100;
    int passivationWait = 200;
    Options.Db db = Options.Db.POSTGRES;
    String nodeHeap = "8g";
    Path nodeJar;
    List<String> nodeOpts = List.of();
    String adminPassword = "demo-admin";
    boolean help;

    static Settings parse(String... args) {
      Settings s = new Settings();
      Args.parse(args, HELP, List.of("help"), (key, value) -> {
        switch (key) {
          case "queues" -> s.queues = Args.number(key, value, 0);
          case "agents" -> s.agents = Args.number(key, value, 0);
          case "waiting" -> s.waiting = Args.number(key, value, 0);
          case "wait-queues" -> s.waitQueues = Args.number(key, value, 1);
          case "passivation-wait" -> s.passivationWait = Args.number(key, value, 0);
          case "db" -> s.db = Args.db(value);
          case "node-heap" -> s.nodeHeap = Args.heap(key, value);
          case "node-jar" -> s.nodeJar = Path.of(value).toAbsolutePath();
          case "node-opts" -> s.nodeOpts = Args.jvmOptions(value);
          case "admin-password" -> s.adminPassword = Args.notBlank(key, value);
          default -> throw new IllegalArgumentException("unknown option --" + key);
        }
      }, flag -> s.help = true);
      if (s.agents > 0 && s.queues == 0)
        throw new IllegalArgumentException("option --agents: agents need at least one idle queue (--queues)");
      return s;
    }

    Path nodeJar() {
      return nodeJar != null ? nodeJar : Options.repoRoot().resolve("cluster/target/switchboard-node.jar");
    }
  }

  public static void main(String[] args) {
    Settings s;
    try {
      s = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(Args.usage("MemoryBenchmark: heap per idle queue, agent and waiting call", Settings.HELP, 18));
      System.exit(2);
      return;
    }
    if (s.help) {
      System.out.println(Args.usage("MemoryBenchmark: heap per idle queue, agent and waiting call", Settings.HELP, 18));
      return;
    }
    try {
      new MemoryBenchmark(s, System.out).run();
      System.exit(0);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  MemoryBenchmark(Settings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
  }

  List<Step> run() throws Exception {
    Path jar = s.nodeJar();
    NodeStart.requireJar(jar);
    Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
    Files.createDirectories(tmpRoot);
    Path tmp = Files.createTempDirectory(tmpRoot, "switchboard-memory-");
    List<String> settings = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SWITCHBOARD_ADMIN_PASSWORD", s.adminPassword);
    EmbeddedPostgres postgres = s.db == Options.Db.POSTGRES ? NodeStart.postgres(tmp, settings, env) : null;
    Path log = tmp.resolve("node.log");
    try (NodeProcess node = NodeProcess.start(jar, tmp.resolve("node"), log, s.nodeHeap, s.nodeOpts, settings, env);
         ApiClient api = new ApiClient(node.httpPort(), json, "memory-http", 4, Duration.ofSeconds(60))) {
      out.println("node pid " + node.pid() + ", log " + log);
      NodeStart.awaitHealthy(node, api, () -> api.logIn("admin", s.adminPassword, 30));
      if (api.token() == null) api.logIn("admin", s.adminPassword, 30);
      out.println(NodeStart.hostLoad("at the start"));
      put(api, "/answering-points/" + ANSWERING_POINT, Map.of("name", "Memory answering point"));
      put(api, "/companies/" + COMPANY, Map.of("name", "Memory company", "answeringPoint", ANSWERING_POINT));
      for (int q = 0; q < s.waitQueues; q++) {
        put(api, "/queues/" + waitQueue(q), Map.of("name", "Waiting queue " + (q + 1)));
        put(api, "/number-plan/%2B46900" + String.format("%05d", q),
            Map.of("answeringPoint", ANSWERING_POINT, "company", COMPANY, "queue", waitQueue(q), "priority", 0));
      }
      reading(node, "empty centre (answering point, company, " + s.waitQueues + " queues to wait in)", 0, 0);

      long t = System.nanoTime();
      all(api, "configure idle queues", s.queues, q -> api.sendWithRetry("PUT", "/queues/" + idleQueue(q),
          Map.of("name", "Idle queue " + (q + 1))));
      reading(node, "idle queues", s.queues, t);

      t = System.nanoTime();
      all(api, "configure agents", s.agents, a -> api.sendWithRetry("PUT", "/agents/" + agent(a),
          Map.of("name", "Agent " + (a + 1), "answerGroups", List.of(Map.of("queue", idleQueue(a % s.queues), "level", 1)))));
      reading(node, "agents configured, logged out", s.agents, t);

      t = System.nanoTime();
      all(api, "log agents in", s.agents, a -> api.sendWithRetry("POST", "/agents/" + agent(a) + "/login",
          Map.of("loginId", "login-" + agent(a), "ready", true)));
      reading(node, "agents logged in, ready, idle", s.agents, t);

      t = System.nanoTime();
      all(api, "place waiting calls", s.waiting, c -> api.sendWithRetry("POST", "/calls", Map.of(
          "callId", "wait-" + c, "dialledNumber", "+46900" + String.format("%05d", c % s.waitQueues),
          "callerNumber", String.format("+4670%07d", c))));
      reading(node, "calls waiting (sessions live)", s.waiting, t);
      long waitingInQueues = waitingCalls(api);
      out.println("calls waiting in the queues: " + waitingInQueues);
      if (waitingInQueues != s.waiting)
        throw new IllegalStateException(waitingInQueues + " calls wait in the queues, not " + s.waiting);

      if (s.passivationWait > 0 && s.waiting > 0) {
        out.printf("waiting %d s for idle call sessions to passivate ...%n", s.passivationWait);
        Thread.sleep(s.passivationWait * 1000L);
        reading(node, "calls waiting, " + s.passivationWait + " s later (sessions passivated)", 0, 0);
      }
      out.println();
      out.println("largest classes on the heap (jcmd GC.class_histogram):");
      node.jcmd("GC.class_histogram").lines().limit(28).forEach(out::println);
      out.println();
      out.print(table());
      return steps;
    } finally {
      if (postgres != null) postgres.close();
      NodeProcess.deleteTree(tmp);
    }
  }

  private static String idleQueue(int q) {
    return "iq" + (q + 1);
  }

  private static String waitQueue(int q) {
    return "wq" + (q + 1);
  }

  private static String agent(int a) {
    return "a" + (a + 1);
  }

  private static void put(ApiClient api, String path, Object body) throws Exception {
    ApiClient.Response r = api.sendWithRetry("PUT", path, body).get();
    if (!r.ok()) throw new IllegalStateException("PUT " + path + " answered " + r.status() + ": " + r.raw());
  }

  /** {@code count} requests, {@link #IN_FLIGHT} at a time; fails naming the first that was refused. */
  private void all(ApiClient api, String what, int count, IntFunction<CompletableFuture<ApiClient.Response>> request)
      throws Exception {
    Limiter limiter = new Limiter(IN_FLIGHT);
    List<CompletableFuture<ApiClient.Response>> replies = new ArrayList<>(count);
    long t = System.nanoTime();
    for (int i = 0; i < count; i++) {
      int n = i;
      replies.add(limiter.submit(() -> request.apply(n)));
    }
    ApiClient.awaitAll(replies, what);
    double seconds = (System.nanoTime() - t) / 1e9;
    out.printf("%s: %,d in %.1f s (%,.0f/s)%n", what, count, seconds, count / Math.max(seconds, 1e-9));
  }

  /** Sum of the calls waiting in every waiting queue (GET /queues/{id}), the node's own count. */
  private long waitingCalls(ApiClient api) throws Exception {
    long sum = 0;
    for (int q = 0; q < s.waitQueues; q++) {
      ApiClient.Response r = api.sendWithRetry("GET", "/queues/" + waitQueue(q), null).get();
      if (!r.ok()) throw new IllegalStateException("GET /queues/" + waitQueue(q) + " answered " + r.status());
      sum += r.body().path("waitingCount").asLong();
    }
    return sum;
  }

  private void reading(NodeProcess node, String what, long count, long startNanos) {
    double seconds = startNanos == 0 ? 0 : (System.nanoTime() - startNanos) / 1e9;
    long heap = node.heapUsedAfterFullGc();
    if (heap < 0) throw new IllegalStateException("cannot read the node's heap (jcmd GC.heap_info)");
    Step step = new Step(what, count, heap, node.residentBytes(), seconds);
    steps.add(step);
    out.printf("%-52s heap after full GC %,8.1f MB, RSS %,8.1f MB%n", what, heap / 1e6, step.rss() / 1e6);
  }

  /** A markdown table: every reading, what its step added, and that per entity. */
  String table() {
    StringBuilder b = new StringBuilder("| step | count | heap after GC (MB) | added (MB) | per entity (bytes) | RSS (MB) |\n")
        .append("|---|---:|---:|---:|---:|---:|\n");
    Step before = null;
    for (Step st : steps) {
      long added = before == null ? 0 : st.heapAfterGc() - before.heapAfterGc();
      b.append(String.format("| %s | %,d | %,.1f | %s | %s | %,.0f |%n", st.what(), st.count(), st.heapAfterGc() / 1e6,
          before == null ? "" : String.format("%+,.1f", added / 1e6),
          st.count() > 0 && before != null ? String.format("%,d", added / st.count()) : "",
          st.rss() / 1e6));
      before = st;
    }
    return b.toString();
  }
}
