package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The chaos test of issue 7 as a black box over the wire: a cluster of nodes on loopback
 * ({@link NodeCluster}, one shared journal), agents answering through the engine API v0, calls
 * injected at a steady rate spread over the nodes, and a {@code kill -9} of a random node every
 * interval, restarted at once on the same ports. After a drain it asks the product about every
 * call, agent, queue and the statistics, and lists each broken invariant. See loadtest/README.md.
 *
 * <p>Clients follow the nodes: a request goes to a node that is up (a client whose node died moves
 * to the next one). A call whose POST got no clear answer is sent again with the same call id on
 * another node: arrival is idempotent (CallSession answers a repeated Arrive with the same numbers
 * with the call), so it is counted once whatever happened to the first attempt.
 */
public final class ChaosRun {

  private static final String ANSWERING_POINT = "chaos-ap";
  private static final String COMPANY = "chaos-co";
  private static final String ADMIN_PASSWORD = "chaos-admin-password";
  private static final long POLL_MS = 250;
  /** A command the engine has not acted on is sent again after this long (it is idempotent or refused). */
  private static final long RESEND_MS = 2000;
  /** How long a call's POST is retried before the runner gives up on it (then GET decides). */
  private static final long POST_GIVE_UP_MS = 90_000;

  public static void main(String[] args) {
    ChaosOptions o;
    try {
      o = ChaosOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(ChaosOptions.usage());
      System.exit(2);
      return;
    }
    if (o.help) {
      System.out.println(ChaosOptions.usage());
      return;
    }
    int code;
    try {
      code = new ChaosRun(o, System.out).run().violations().isEmpty() ? 0 : 1;
    } catch (Exception e) {
      System.err.println("chaos run failed: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  // ---------------------------------------------------------------- state

  private final ChaosOptions o;
  private final PrintStream out;
  private final ObjectMapper json = new ObjectMapper();
  private final Random random;
  private NodeCluster cluster;
  private ApiClient[] api;
  private ScheduledExecutorService timer;
  private volatile boolean stopping;
  private long t0;

  /** One request's result for an entity (agent or queue): when it was sent and answered, and whether it was served. */
  record Sample(long sentNanos, long doneNanos, boolean ok) {}

  private final Map<String, List<Sample>> samples = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<String> notes = new CopyOnWriteArrayList<>();
  private final LongAdder postRetries = new LongAdder();
  private final LongAdder clientMoves = new LongAdder();

  enum PostState { SENDING, TAKEN, REFUSED, GAVE_UP }

  /** One call the runner placed; the engine's view of it is read after the drain. */
  static final class CallTrack {
    final String id;
    final int queue;
    final String dialled;
    final String caller;
    final long firstNanos;
    volatile PostState state = PostState.SENDING;
    volatile String lastAnswer = "";
    final AtomicInteger attempts = new AtomicInteger();
    /** Agents the runner saw BUSY on this call: more than one is a double answer. */
    final Set<String> answeredBy = ConcurrentHashMap.newKeySet();

    CallTrack(String id, int queue, String dialled, String caller, long firstNanos) {
      this.id = id;
      this.queue = queue;
      this.dialled = dialled;
      this.caller = caller;
      this.firstNanos = firstNanos;
    }
  }

  private final Map<String, CallTrack> calls = new ConcurrentHashMap<>();

  /** One kill: the node (0-based), its pid, when, and when its restart was healthy. */
  private static final class KillTrack {
    final int node;
    final long pid;
    final long at;
    volatile long healthyAt;

    KillTrack(int node, long pid, long at) {
      this.node = node;
      this.pid = pid;
      this.at = at;
    }
  }

  /** One agent's desktop, polling its state through the engine API v0 and acting on it. */
  final class Desk {
    final String id;
    volatile int node;
    volatile String status = "";
    volatile int contacts = -1;
    final Map<String, Long> lastSent = new ConcurrentHashMap<>();
    final Map<String, Long> busySeen = new ConcurrentHashMap<>();

    Desk(String id, int node) {
      this.id = id;
      this.node = node;
    }
  }

  private final List<Desk> desks = new ArrayList<>();

  public ChaosRun(ChaosOptions options, PrintStream out) {
    this.o = options;
    this.out = out;
    this.random = new Random(options.seed);
  }

  private static String queueId(int q) {
    return "cq" + (q + 1);
  }

  private static String number(int q) {
    return String.format("+46700%04d", q + 1);
  }

  private static String loginId(String agent) {
    return "chaos-" + agent;
  }

  private double sinceStart(long nanos) {
    return (nanos - t0) / 1e9;
  }

  // ---------------------------------------------------------------- the run

  /** The whole run; everything it started is stopped, the temp dir removed unless kept or failed. */
  public ChaosReport run() throws Exception {
    Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
    Files.createDirectories(tmpRoot);
    Path tmp = Files.createTempDirectory(tmpRoot, "switchboard-chaos-");
    long started = System.nanoTime();
    out.println("chaos run: " + o.nodes + " nodes, journal " + o.journal + ", " + o.kills + (o.rolling ? " graceful restarts (rolling) every " : " kills every ")
        + o.intervalSeconds + " s, " + o.rate + " calls/s, " + o.agents + " agents, seed " + o.seed + ", dir " + tmp);
    boolean failed = true;
    Thread hook = new Thread(this::stop, "chaos-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      cluster = NodeCluster.start(new NodeCluster.Setup(o.nodeJar(), tmp, o.nodes, o.nodeHeap, o.journal, o.nodeOpts,
          ADMIN_PASSWORD), out);
      out.printf("cluster up after %.1f s; %s%n", (System.nanoTime() - started) / 1e9, NodeStart.hostLoad("now"));
      ChaosReport r = chaos(started);
      writeSamples(tmp.resolve("samples.csv"));
      out.println();
      out.print(r.summary());
      failed = !r.violations().isEmpty();
      return r;
    } finally {
      stop();
      if (o.keep || failed) {
        out.println("kept " + tmp + (o.keep ? "" : " (the run failed)"));
      } else {
        NodeProcess.deleteTree(tmp);
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  private synchronized void stop() {
    stopping = true;
    if (timer != null) timer.shutdownNow();
    if (cluster != null) cluster.close();
    if (api != null) for (ApiClient a : api) if (a != null) a.close();
  }

  private ChaosReport chaos(long started) throws Exception {
    api = new ApiClient[o.nodes];
    for (int i = 0; i < o.nodes; i++)
      api[i] = new ApiClient(cluster.httpPort(i), json, "node" + (i + 1) + "-http", 4, Duration.ofSeconds(10));
    // Sessions are cluster-wide: one admin token for every node.
    api[0].logIn("admin", ADMIN_PASSWORD, 30);
    for (ApiClient a : api) a.useToken(api[0].token());
    Instant from = Instant.now().minusSeconds(60);
    configure();
    timer = Executors.newScheduledThreadPool(4, r -> {
      Thread t = new Thread(r, "chaos-timer");
      t.setDaemon(true);
      return t;
    });
    for (Desk d : desks) timer.schedule(() -> poll(d), random.nextInt((int) POLL_MS), TimeUnit.MILLISECONDS);
    for (int q = 0; q < o.queues; q++) {
      int queue = q;
      timer.scheduleWithFixedDelay(() -> probeQueue(queue), 100L * q, 500, TimeUnit.MILLISECONDS);
    }

    // Arrivals on their own thread by the clock; kills on this one.
    t0 = System.nanoTime();
    long arrivalsEnd = t0 + TimeUnit.SECONDS.toNanos(o.arrivalSeconds());
    Thread arrivals = new Thread(() -> inject(arrivalsEnd), "chaos-arrivals");
    arrivals.setDaemon(true);
    arrivals.start();
    List<KillTrack> kills = new ArrayList<>();
    List<CompletableFuture<Void>> rejoins = new ArrayList<>();
    for (int k = 1; k <= o.kills; k++) {
      long due = t0 + TimeUnit.SECONDS.toNanos((long) k * o.intervalSeconds);
      sleepUntil(due);
      // The previous victim must be back first: a kill of a second node of three would be a
      // majority loss, which is not what this test is about.
      for (CompletableFuture<Void> f : rejoins) f.get(NodeStart.HEALTH_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
      if (System.nanoTime() > due + TimeUnit.SECONDS.toNanos(1))
        notes.add(String.format("kill %d came %.1f s late: the node killed before was not back yet", k,
            (System.nanoTime() - due) / 1e9));
      List<Integer> up = cluster.upNodes();
      int victim = o.rolling ? (k - 1) % o.nodes : up.get(random.nextInt(up.size()));
      long pid = cluster.node(victim).pid();
      KillTrack kill = new KillTrack(victim, pid, System.nanoTime());
      kills.add(kill);
      if (o.rolling) cluster.stop(victim);
      else cluster.kill(victim);
      cluster.restart(victim);
      rejoins.add(CompletableFuture.runAsync(() -> {
        try {
          cluster.awaitHealthy(victim);
          kill.healthyAt = System.nanoTime();
          out.printf("node %d healthy again %.1f s after it went down%n", victim + 1, (kill.healthyAt - kill.at) / 1e9);
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      }));
    }
    arrivals.join();
    long arrivalsDone = System.nanoTime();
    for (CompletableFuture<Void> f : rejoins) f.get(NodeStart.HEALTH_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
    awaitMembers();

    long drainStart = System.nanoTime();
    drain(drainStart + TimeUnit.SECONDS.toNanos(o.drainSeconds));
    double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
    stopping = true; // the desks stop acting; what follows only reads
    timer.shutdownNow();
    timer.awaitTermination(10, TimeUnit.SECONDS);

    Map<String, Long> outcomes = new TreeMap<>();
    long[] injected = checkCalls(outcomes);
    checkAgentsAndQueues(outcomes.getOrDefault("COMPLETED", 0L));
    long[] stats = checkStatistics(from, injected[0], outcomes);
    checkLogs();

    List<ChaosReport.Kill> killReports = new ArrayList<>();
    List<Long> entityRecoveries = new ArrayList<>();
    for (int k = 0; k < kills.size(); k++) {
      KillTrack kill = kills.get(k);
      long until = k + 1 < kills.size() ? kills.get(k + 1).at : drainStart;
      long worst = -1;
      int affected = 0;
      for (var e : samples.entrySet()) {
        long rec = recovery(e.getKey(), e.getValue(), kill.at, until);
        if (rec == Long.MIN_VALUE) continue;
        affected++;
        entityRecoveries.add(rec);
        worst = Math.max(worst, rec);
      }
      killReports.add(new ChaosReport.Kill(kill.node + 1, kill.pid, sinceStart(kill.at), (kill.healthyAt - kill.at) / 1e9,
          affected, worst));
    }
    return new ChaosReport(killReports, entityRecoveries, calls.size(), injected[0], injected[1], outcomes,
        postRetries.sum(), clientMoves.sum(), stats[1], stats[0], (arrivalsDone - t0) / 1e9, drainSeconds,
        (System.nanoTime() - started) / 1e9, List.copyOf(violations), List.copyOf(notes));
  }

  /**
   * Recovery of one entity after a kill at {@code kill}: it is affected when a request for it
   * to a node that was up failed (an error answer or none) with the answer in [kill, until); it serves again
   * with the first successful request sent after the last such failure. Milliseconds from the
   * kill to that success's answer; Long.MIN_VALUE when not affected. Never serving again within
   * the window is a violation.
   */
  private long recovery(String entity, List<Sample> all, long kill, long until) {
    List<Sample> list;
    synchronized (all) {
      list = new ArrayList<>(all);
    }
    long ms = recoveryMs(list, kill, until);
    if (ms == NEVER_SERVED) {
      violations.add(entity + " did not serve again after the kill at " + String.format("%.1f s", sinceStart(kill)));
      return Long.MIN_VALUE;
    }
    return ms;
  }

  static final long NEVER_SERVED = -1;

  /**
   * The rule of {@link #recovery} on one entity's samples: Long.MIN_VALUE when none of its
   * failures was answered in [kill, until), {@link #NEVER_SERVED} when no success followed the
   * last of them, else ms from the kill to that success's answer.
   */
  static long recoveryMs(List<Sample> list, long kill, long until) {
    // A failure belongs to the kill before its answer: a request sent just before a kill fails
    // because of that kill, not of the one before.
    long lastFailure = Long.MIN_VALUE;
    for (Sample s : list) if (!s.ok() && s.doneNanos() >= kill && s.doneNanos() < until) lastFailure = Math.max(lastFailure, s.sentNanos());
    if (lastFailure == Long.MIN_VALUE) return Long.MIN_VALUE;
    long served = Long.MAX_VALUE;
    for (Sample s : list) if (s.ok() && s.sentNanos() > lastFailure) served = Math.min(served, s.doneNanos());
    return served == Long.MAX_VALUE ? NEVER_SERVED : (served - kill) / 1_000_000;
  }

  /** Every sample (ms after the first arrival) and the kills, for a closer look at a kept run. */
  private void writeSamples(Path file) throws IOException {
    List<String> lines = new ArrayList<>(List.of("entity,sent_ms,done_ms,ok"));
    samples.forEach((entity, list) -> {
      synchronized (list) {
        for (Sample x : list)
          lines.add(entity + "," + (x.sentNanos() - t0) / 1_000_000 + "," + (x.doneNanos() - t0) / 1_000_000 + "," + x.ok());
      }
    });
    Files.write(file, lines);
  }

  private void sample(String entity, long sent, boolean ok) {
    List<Sample> list = samples.computeIfAbsent(entity, k -> Collections.synchronizedList(new ArrayList<>()));
    list.add(new Sample(sent, System.nanoTime(), ok));
  }

  // ---------------------------------------------------------------- which node

  /** {@code preferred} when it is up, else the next node that is (a client moving over). */
  private int route(int preferred) {
    for (int k = 0; k < o.nodes; k++) {
      int n = (preferred + k) % o.nodes;
      if (cluster.isUp(n)) return n;
    }
    return preferred; // none up: the request fails and is tried again
  }

  private void sleepUntil(long due) {
    long now;
    while ((now = System.nanoTime()) < due) LockSupport.parkNanos(due - now);
  }

  private void awaitMembers() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (int i = 0; i < o.nodes; i++) all &= cluster.members(i) == o.nodes;
      if (all) return;
      Thread.sleep(500);
    }
    violations.add("the nodes did not all report " + o.nodes + " members within 60 s after the last restart");
  }

  // ---------------------------------------------------------------- the centre

  private void configure() throws Exception {
    put("/answering-points/" + ANSWERING_POINT, Map.of("name", "Chaos answering point"));
    put("/companies/" + COMPANY, Map.of("name", "Chaos company", "answeringPoint", ANSWERING_POINT));
    for (int q = 0; q < o.queues; q++) {
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("name", "Chaos queue " + (q + 1));
      cfg.put("strategy", "LONGEST_IDLE");
      cfg.put("offerTimeout", "PT15S");
      // An offer that rang out while its agent's node was down must not pause the agent.
      cfg.put("pauseOnMissedOffer", false);
      cfg.put("wrapUp", Map.of("mode", "NONE"));
      put("/queues/" + queueId(q), cfg);
      put("/number-plan/" + number(q).replace("+", "%2B"),
          Map.of("answeringPoint", ANSWERING_POINT, "company", COMPANY, "queue", queueId(q), "priority", 0));
    }
    for (int a = 0; a < o.agents; a++) {
      String id = "ca" + (a + 1);
      List<Map<String, Object>> groups = List.of(Map.of("queue", queueId(a % o.queues), "level", 1),
          Map.of("queue", queueId((a + 1) % o.queues), "level", 2));
      put("/agents/" + id, Map.of("name", "Chaos agent " + (a + 1), "answerGroups", groups));
      ApiClient.Response r = api[a % o.nodes].sendWithRetry("POST", "/agents/" + id + "/login",
          Map.of("loginId", loginId(id), "ready", true)).get(60, TimeUnit.SECONDS);
      if (!r.ok()) throw new IllegalStateException("login of " + id + " answered " + r.status() + ": " + r.raw());
      desks.add(new Desk(id, a % o.nodes));
    }
    out.printf("configured %d queues and %d agents, logged in ready, spread over %d nodes%n", o.queues, o.agents, o.nodes);
  }

  private void put(String path, Object body) throws Exception {
    ApiClient.Response r = api[0].sendWithRetry("PUT", path, body).get(60, TimeUnit.SECONDS);
    if (!r.ok()) throw new IllegalStateException("PUT " + path + " answered " + r.status() + ": " + r.raw());
  }

  // ---------------------------------------------------------------- the agents

  /** One poll of an agent's state, and what a desktop does about it; then the next poll. */
  private void poll(Desk d) {
    if (stopping) return;
    int n = route(d.node);
    if (n != d.node) {
      clientMoves.increment();
      d.node = n;
    }
    long sent = System.nanoTime();
    api[n].send("GET", "/agents/" + d.id, null).whenComplete((r, e) -> {
      try {
        boolean ok = e == null && r.status() == 200;
        if (cluster.isUp(n) || ok) sample("agent " + d.id, sent, ok);
        if (ok) act(d, n, r.body());
      } catch (RuntimeException ex) {
        notes.add("desk " + d.id + ": " + ex);
      } finally {
        if (!stopping) {
          try {
            timer.schedule(() -> poll(d), POLL_MS, TimeUnit.MILLISECONDS);
          } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the run is over
          }
        }
      }
    });
  }

  private void act(Desk d, int n, JsonNode view) {
    d.status = view.path("status").asText();
    d.contacts = view.path("contacts").size();
    if (!loginId(d.id).equals(view.path("loginId").asText())) {
      violations.add("agent " + d.id + " lost its login: status " + d.status + ", loginId " + view.path("loginId").asText());
      command(d, n, "login", "/agents/" + d.id + "/login", Map.of("loginId", loginId(d.id), "ready", true));
      return;
    }
    long now = System.nanoTime();
    for (JsonNode c : view.path("contacts")) {
      String offerId = c.at("/offer/offerId").asText();
      String callId = c.at("/offer/contact/callId").asText();
      switch (c.path("phase").asText()) {
        case "RESERVED" -> command(d, n, "accept " + offerId, "/agents/" + d.id + "/offers/" + offerId + "/accept",
            Map.of("loginId", loginId(d.id)));
        case "BUSY" -> {
          CallTrack t = calls.get(callId);
          if (t != null) t.answeredBy.add(d.id);
          long since = d.busySeen.computeIfAbsent(callId, k -> now);
          if (now - since >= TimeUnit.MILLISECONDS.toNanos(o.talkMs))
            command(d, n, "end " + callId, "/agents/" + d.id + "/end-call", Map.of("loginId", loginId(d.id), "callId", callId));
        }
        case "WRAP_UP" -> command(d, n, "wrap-up", "/agents/" + d.id + "/wrap-up-done", Map.of("loginId", loginId(d.id)));
        default -> { }
      }
    }
    if ("PAUSED".equals(d.status)) {
      // Nothing in this run pauses an agent: a pause is the product's doing, worth a line.
      notes.add("agent " + d.id + " found PAUSED (" + view.path("pauseReason").asText() + "), set ready");
      command(d, n, "ready", "/agents/" + d.id + "/ready", Map.of("loginId", loginId(d.id)));
    }
  }

  /** Sends a desktop command unless the same one went less than {@link #RESEND_MS} ago. */
  private void command(Desk d, int n, String key, String path, Object body) {
    long now = System.nanoTime();
    Long last = d.lastSent.get(key);
    if (last != null && now - last < TimeUnit.MILLISECONDS.toNanos(RESEND_MS)) return;
    d.lastSent.put(key, now);
    api[n].send("POST", path, body).whenComplete((r, e) -> {
      // 409/410: the state moved on (the offer went, the call ended); the next poll shows what to do.
      boolean ok = e == null && (r.ok() || r.status() == 409 || r.status() == 410);
      if (cluster.isUp(n) || ok) sample("agent " + d.id, now, ok);
    });
  }

  /** The queue's own entity, asked every 500 ms on a node that is up. */
  private void probeQueue(int q) {
    if (stopping) return;
    int n = route(q);
    long sent = System.nanoTime();
    api[n].send("GET", "/queues/" + queueId(q), null).whenComplete((r, e) -> {
      boolean ok = e == null && r.status() == 200;
      if (cluster.isUp(n) || ok) sample("queue " + queueId(q), sent, ok);
    });
  }

  // ---------------------------------------------------------------- arrivals

  private void inject(long end) {
    long interval = 1_000_000_000L / o.rate;
    for (long i = 0; ; i++) {
      long due = t0 + i * interval;
      if (due >= end || stopping) return;
      sleepUntil(due);
      int q = (int) (i % o.queues);
      CallTrack t = new CallTrack("chaos-" + i, q, number(q), String.format("+4631%07d", i), System.nanoTime());
      calls.put(t.id, t);
      post(t, (int) (i % o.nodes));
    }
  }

  /**
   * {@code POST /calls} on node {@code preferred} (or the next up): 201 takes it; a 503 (a timeout
   * in the engine), no answer or a 409 for an earlier attempt still routing is sent again, same
   * call id, on the next node; any other answer refuses it.
   */
  private void post(CallTrack t, int preferred) {
    int n = route(preferred);
    long sent = System.nanoTime();
    t.attempts.incrementAndGet();
    api[n].send("POST", "/calls", Map.of("callId", t.id, "dialledNumber", t.dialled, "callerNumber", t.caller))
        .whenComplete((r, e) -> {
          boolean taken = e == null && r.status() == 201;
          // 409 "already arriving": an earlier attempt still routes. 503 includes the number plan or
          // queue not answering the call session in time (nothing written).
          boolean again = e != null || r.status() == 503
              || (r.status() == 409 && r.error().contains("already arriving"));
          if (cluster.isUp(n) || taken) sample("queue " + queueId(t.queue), sent, taken);
          t.lastAnswer = e != null ? String.valueOf(e.getCause() != null ? e.getCause() : e) : r.status() + " " + r.error();
          if (taken) {
            t.state = PostState.TAKEN;
          } else if (!again) {
            t.state = PostState.REFUSED;
          } else if (System.nanoTime() - t.firstNanos > TimeUnit.MILLISECONDS.toNanos(POST_GIVE_UP_MS) || stopping) {
            t.state = PostState.GAVE_UP;
          } else {
            postRetries.increment();
            long delay = 250L * Math.min(t.attempts.get(), 8);
            try {
              timer.schedule(() -> post(t, n + 1), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
              t.state = PostState.GAVE_UP;
            }
          }
        });
  }

  // ---------------------------------------------------------------- drain and checks

  /** Until no POST is still being tried and every agent is READY without contacts, twice in a row. */
  private void drain(long deadline) throws InterruptedException {
    int quiet = 0;
    while (System.nanoTime() < deadline) {
      boolean sending = calls.values().stream().anyMatch(t -> t.state == PostState.SENDING);
      boolean busy = desks.stream().anyMatch(d -> !"READY".equals(d.status) || d.contacts != 0);
      quiet = sending || busy ? 0 : quiet + 1;
      if (quiet >= 3) return;
      Thread.sleep(1000);
    }
    violations.add("not drained within " + o.drainSeconds + " s: "
        + calls.values().stream().filter(t -> t.state == PostState.SENDING).count() + " calls still being posted, agents not free: "
        + desks.stream().filter(d -> !"READY".equals(d.status) || d.contacts != 0).map(d -> d.id + " " + d.status
            + " (" + d.contacts + " contacts)").toList());
  }

  /** A GET that retries a 503 or no answer on the next node, up to 10 times. */
  private ApiClient.Response get(String path) throws InterruptedException {
    String last = "";
    for (int attempt = 0; attempt < 10; attempt++) {
      int n = route(attempt);
      try {
        ApiClient.Response r = api[n].send("GET", path, null).get(20, TimeUnit.SECONDS);
        if (r.status() != 503) return r;
        last = r.status() + " " + r.error();
      } catch (Exception e) {
        last = String.valueOf(e);
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("GET " + path + " failed 10 times, last: " + last);
  }

  /**
   * Every call as the engine has it: taken (201) or known to it after all must have exactly one
   * terminal outcome and, when answered, one agent, the one the desks saw. Returns {injected, not injected}.
   */
  private long[] checkCalls(Map<String, Long> outcomes) throws InterruptedException {
    long injected = 0, notInjected = 0;
    for (CallTrack t : new TreeMap<>(calls).values()) {
      ApiClient.Response r = get("/calls/" + t.id);
      if (r.status() == 404) {
        if (t.state == PostState.TAKEN) violations.add("LOST " + t.id + ": answered 201, now unknown to the engine");
        else {
          notInjected++;
          notes.add("not injected: " + t.id + " (" + t.state + " after " + t.attempts.get() + " attempts, last: "
              + t.lastAnswer + ")");
        }
        continue;
      }
      if (r.status() != 200) {
        violations.add(t.id + ": GET answered " + r.status() + " " + r.error());
        continue;
      }
      injected++;
      if (t.state == PostState.REFUSED)
        notes.add(t.id + " was refused (" + t.lastAnswer + ") yet the engine has it");
      JsonNode v = r.body();
      String outcome = v.path("outcome").asText("");
      if (!"FINISHED".equals(v.path("phase").asText()) || outcome.isEmpty()) {
        violations.add("NO OUTCOME " + t.id + ": phase " + v.path("phase").asText() + ", agent " + v.path("agent").asText());
        continue;
      }
      outcomes.merge(outcome, 1L, Long::sum);
      String agent = v.path("agent").isTextual() ? v.path("agent").asText() : null;
      if (t.answeredBy.size() > 1) violations.add("ANSWERED TWICE " + t.id + ": agents " + t.answeredBy);
      if ("COMPLETED".equals(outcome)) {
        if (agent == null) violations.add(t.id + ": COMPLETED without an agent");
        else if (!t.answeredBy.isEmpty() && !t.answeredBy.contains(agent))
          violations.add(t.id + ": the engine names agent " + agent + ", the desks saw " + t.answeredBy);
      }
    }
    out.printf("calls checked: %d injected, %d not injected, outcomes %s%n", injected, notInjected, outcomes);
    return new long[] {injected, notInjected};
  }

  /** Each agent READY, still our login, no contacts; handled counts add up to the answered calls; queues empty. */
  private void checkAgentsAndQueues(long completed) throws InterruptedException {
    long handled = 0;
    for (Desk d : desks) {
      JsonNode v = get("/agents/" + d.id).body();
      handled += v.path("handledToday").asLong();
      if (!"READY".equals(v.path("status").asText()) || v.path("contacts").size() != 0
          || !loginId(d.id).equals(v.path("loginId").asText()))
        violations.add("agent " + d.id + " not free at the end: " + v.path("status").asText() + ", "
            + v.path("contacts").size() + " contacts, loginId " + v.path("loginId").asText());
    }
    if (handled != completed)
      violations.add("agents' handledToday add up to " + handled + ", calls COMPLETED " + completed);
    for (int q = 0; q < o.queues; q++) {
      JsonNode v = get("/queues/" + queueId(q)).body();
      if (v.path("waitingCount").asInt(-1) != 0 || v.path("offersRinging").asInt(-1) != 0)
        violations.add("queue " + queueId(q) + " not empty at the end: waiting " + v.path("waitingCount").asText()
            + ", offers ringing " + v.path("offersRinging").asText());
    }
    out.printf("agents and queues checked: handledToday total %d%n", handled);
  }

  /**
   * The statistics read side, once every projection slice has caught up: offered and answered
   * over the queues equal what the engine says of the calls, and the call log has each injected
   * call once. Returns {offered, answered}.
   */
  private long[] checkStatistics(Instant from, long injected, Map<String, Long> outcomes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    long pending = -1;
    while (System.nanoTime() < deadline) {
      ApiClient.Response s = get("/api/v1/statistics/status");
      pending = 0;
      for (JsonNode p : s.body().path("projections")) pending += p.path("pendingEvents").asLong();
      if (s.ok() && pending == 0) break;
      Thread.sleep(500);
    }
    if (pending != 0) violations.add("statistics still " + pending + " events behind 120 s after the drain");
    // Interval rows count in the period only when they start in it: whole quarter hours around the run.
    long quarter = 15 * 60;
    Instant fromQuarter = Instant.ofEpochSecond(Math.floorDiv(from.getEpochSecond(), quarter) * quarter);
    Instant toQuarter = Instant.ofEpochSecond((Math.floorDiv(Instant.now().getEpochSecond(), quarter) + 1) * quarter);
    String period = "&from=" + enc(fromQuarter.toString()) + "&to=" + enc(toQuarter.toString());
    StringBuilder keys = new StringBuilder();
    for (int q = 0; q < o.queues; q++) keys.append("&key=").append(queueId(q));
    long completed = outcomes.getOrDefault("COMPLETED", 0L);
    long abandoned = outcomes.getOrDefault("ABANDONED", 0L);
    long offered = -1, answered = -1, abandonedStats = -1;
    int rows = -1;
    Set<String> logged = null;
    // The read side commits each slice's offset with its rows; a last look a little later is cheap.
    for (int attempt = 0; attempt < 10; attempt++) {
      JsonNode total = get("/api/v1/statistics/intervals?dimension=queue&granularity=15m" + keys + period).body().path("total").path("counts");
      offered = total.path("offered").asLong(-1);
      answered = total.path("answered").asLong(-1);
      abandonedStats = total.path("abandoned").asLong(-1);
      JsonNode log = get("/api/v1/statistics/calls?limit=100000&company=" + COMPANY + period).body().path("calls");
      rows = log.size();
      logged = new java.util.HashSet<>();
      for (JsonNode c : log) logged.add(c.path("callId").asText());
      if (offered == injected && answered == completed && abandonedStats == abandoned && rows == injected
          && logged.size() == rows) break;
      Thread.sleep(1000);
    }
    if (offered != injected) violations.add("statistics: offered " + offered + ", injected " + injected);
    if (answered != completed) violations.add("statistics: answered " + answered + ", calls COMPLETED " + completed);
    if (abandonedStats != abandoned) violations.add("statistics: abandoned " + abandonedStats + ", calls ABANDONED " + abandoned);
    if (rows != injected) violations.add("statistics call log: " + rows + " rows, injected " + injected);
    if (logged != null && logged.size() != rows) violations.add("statistics call log: " + (rows - logged.size()) + " duplicate rows");
    if (logged != null)
      for (CallTrack t : calls.values())
        if (t.state == PostState.TAKEN && !logged.contains(t.id)) violations.add("statistics call log lacks " + t.id);
    out.printf("statistics checked: offered %d, answered %d, abandoned %d, call log %d rows%n", offered, answered,
        abandonedStats, rows);
    return new long[] {offered, answered};
  }

  /** ERROR lines of the nodes are reported, not failed on: a kill -9 makes the survivors log some. */
  private void checkLogs() {
    long errors = 0;
    List<String> samplesSeen = new ArrayList<>();
    for (Path log : cluster.logs()) {
      NodeLog l = NodeLog.scan(log);
      errors += l.errors();
      samplesSeen.addAll(l.samples().stream().filter(s -> s.startsWith("ERROR")).toList());
    }
    if (errors > 0) notes.add(errors + " ERROR lines in the node logs, e.g. " + samplesSeen.stream().distinct().limit(3).toList());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
