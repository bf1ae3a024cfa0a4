package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Benchmarks one Switchboard node as a black box: starts it as a child JVM on loopback, configures
 * a centre through the engine API v0, answers every offer like an agent desktop would, injects
 * calls at a fixed rate (open model: by the clock, not by replies), waits for every call to end
 * and reports throughput, offer latency (engine timestamps), client round trips, lost calls and
 * the node's heap and CPU. See loadtest/README.md.
 */
public final class EngineBenchmark {

  private static final String ANSWERING_POINT = "bench-ap";
  private static final String COMPANY = "bench-co";
  private static final int SETUP_IN_FLIGHT = 64;
  private static final int ACTIONS_IN_FLIGHT = 192;

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(Options.usage());
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(Options.usage());
      return;
    }
    int code;
    try {
      Report report = new EngineBenchmark(options, System.out).run();
      code = report.lost() == 0 ? 0 : 1;
    } catch (Exception e) {
      System.err.println("benchmark failed: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  // ---------------------------------------------------------------- state

  private final Options o;
  private final PrintStream out;
  private final ObjectMapper json = new ObjectMapper();

  private Path tmp;
  private EmbeddedPostgres postgres;
  /** The first node: setup, the event stream and the statistics go through it. */
  private NodeProcess node;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private ApiClient setupApi;
  /** One per node: agent i's actions go to node i mod n, call i to node i mod n. */
  private ApiClient[] actionsApis = new ApiClient[0];
  private ApiClient[] callsApis = new ApiClient[0];
  private ApiClient eventsApi;
  private ScheduledExecutorService scheduler;
  private volatile Stream<String> eventLines;
  private volatile boolean stopping;
  private volatile boolean failed;
  private final AtomicBoolean cleanedUp = new AtomicBoolean();

  /** One injected call, filled in by the POST reply and the event stream. */
  static final class CallTrack {
    final String id;
    volatile int postStatus; // 0 = no answer yet, -1 = failed

    /** 201, or an answer that does not say whether the engine took the call (503, no answer). */
    boolean maybeTaken() {
      int s = postStatus;
      return s == 201 || s == 503 || s == -1;
    }

    /** The engine took it: 201, or events about it arrived although the POST did not say so. */
    boolean taken() {
      return postStatus == 201 || (maybeTaken() && arrivedAt != null);
    }
    volatile Instant arrivedAt;
    volatile Instant outcomeAt;
    volatile String outcome;

    CallTrack(String id) {
      this.id = id;
    }
  }

  /** An agent as the event stream last showed it; touched by the event thread only. */
  static final class AgentTrack {
    final String id;
    String status;

    AgentTrack(String id) {
      this.id = id;
    }
  }

  record OfferSample(String callId, Instant ringingSince, Instant agentFreeAt) {}

  private final ConcurrentHashMap<String, CallTrack> calls = new ConcurrentHashMap<>();
  private final Map<String, AgentTrack> agentTracks = new HashMap<>();
  private final Set<String> offersSeen = new HashSet<>();
  private final List<OfferSample> offerSamples = new ArrayList<>();
  private final Set<String> failedAccepts = ConcurrentHashMap.newKeySet();
  private final Set<String> endScheduled = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<String, LongAdder> acceptFailures = new ConcurrentHashMap<>();
  private final Set<String> postErrorSamples = ConcurrentHashMap.newKeySet();
  private final Set<String> actionErrorSamples = ConcurrentHashMap.newKeySet();

  private final AtomicLong events = new AtomicLong();
  private final AtomicLong eventsUnreadable = new AtomicLong();
  private final AtomicLong loggedInSeen = new AtomicLong();
  private volatile String eventStreamError;
  private final LongAdder offers = new LongAdder();
  private final LongAdder offersMissed = new LongAdder();
  private final LongAdder offersWithdrawn = new LongAdder();
  private final LongAdder acceptNotBusy = new LongAdder();
  private final LongAdder endCallFailed = new LongAdder();
  private final LongAdder notInjected = new LongAdder();
  private final LongAdder injected = new LongAdder();
  private final LongAdder postRejected = new LongAdder();
  private final LongAdder postFailed = new LongAdder();
  private final ConcurrentHistogram postMicros = new ConcurrentHistogram(3);

  private Semaphore callPermits;
  private Limiter actions;

  public EngineBenchmark(Options options, PrintStream out) {
    this.o = options;
    this.out = out;
  }

  // ---------------------------------------------------------------- the run

  /** Runs the whole benchmark and returns what it measured; everything it started is stopped. */
  public Report run() throws Exception {
    Path jar = o.nodeJar();
    NodeStart.requireJar(jar);
    Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
    Files.createDirectories(tmpRoot);
    tmp = Files.createTempDirectory(tmpRoot, "switchboard-bench-");
    Thread hook = new Thread(this::cleanUp, "benchmark-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Report report = measure(jar);
      failed = report.lost() != 0;
      return report;
    } catch (Exception | Error e) {
      failed = true;
      throw e;
    } finally {
      cleanUp();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  private Report measure(Path jar) throws Exception {
    Report r = new Report();
    r.db = o.dbLabel();
    r.agents = o.agents;
    r.queues = o.queues;
    r.rate = o.rate;
    r.durationSeconds = o.durationSeconds;
    r.warmupSeconds = o.warmupSeconds;
    r.talkMs = o.talkMs;
    r.wrapUp = o.wrapUpLabel();
    r.nodeHeap = o.nodeHeap;
    r.nodes = o.nodes;

    // (a) the database
    List<String> settings = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    if (o.db == Options.Db.POSTGRES) {
      out.println("starting embedded PostgreSQL ...");
      postgres = NodeStart.postgres(tmp, settings, env);
      out.println("PostgreSQL on port " + postgres.getPort());
    }

    // (b) the nodes; without demo data the first creates the first admin ("admin") from this password
    if ("admin".equals(o.adminUser)) env.put("SWITCHBOARD_ADMIN_PASSWORD", o.adminPassword);
    List<NodeProcess.Ports> ports = new ArrayList<>();
    for (int i = 0; i < o.nodes; i++) ports.add(NodeProcess.Ports.free());
    actionsApis = new ApiClient[o.nodes];
    callsApis = new ApiClient[o.nodes];
    long started = System.nanoTime();
    for (int i = 0; i < o.nodes; i++) {
      String name = o.nodes == 1 ? "node" : "node" + (i + 1);
      Path log = tmp.resolve(name + ".log");
      if (i == 0) r.nodeLog = log.toString();
      // every node seeds from the first, which forms the cluster
      NodeProcess n = NodeProcess.start(jar, tmp.resolve(name), log, o.nodeHeap, ports.get(i), List.of(ports.get(0).seed()),
          o.nodeOpts, settings, env);
      nodes.add(n);
      out.println(name + " pid " + n.pid() + ", HTTP port " + n.httpPort() + ", log " + log);
      actionsApis[i] = new ApiClient(n.httpPort(), json, "agent-http-" + (i + 1), 4, Duration.ofSeconds(30));
      callsApis[i] = new ApiClient(n.httpPort(), json, "calls-http-" + (i + 1), 4, Duration.ofSeconds(30));
      if (i == 0) {
        node = n;
        setupApi = new ApiClient(node.httpPort(), json, "setup-http", 4, Duration.ofSeconds(30));
        eventsApi = new ApiClient(node.httpPort(), json, "events-http", 2, Duration.ofSeconds(30));
        // the first node alone forms the cluster and creates the admin; the others join it after
        awaitHealthy();
      } else {
        NodeStart.awaitHealthy(n, actionsApis[i], this::logIn);
      }
    }
    scheduler = Executors.newScheduledThreadPool(2, r1 -> {
      Thread t = new Thread(r1, "end-call-timer");
      t.setDaemon(true);
      return t;
    });
    actions = new Limiter(ACTIONS_IN_FLIGHT);
    callPermits = new Semaphore(o.maxInFlight);
    out.printf("%s up after %.1f s%n", o.nodes == 1 ? "node" : o.nodes + " nodes", (System.nanoTime() - started) / 1e9);
    logIn();

    // (c) the centre, (d) the event stream and the agents
    String[] numbers = configureCentre();
    openEventStream();
    configureAgents();
    loginAgents();

    // (e) arrivals
    out.printf("injecting %d calls/s for %d s (first %d s warm-up) ...%n", o.rate, o.durationSeconds, o.warmupSeconds);
    r.host = NodeStart.hostLoad("before the arrivals");
    LagSampler lag = new LagSampler();
    lag.start();
    Injection inj = inject(numbers);
    lag.stopAndReport(r, inj.warmNanos);
    r.scheduled = inj.scheduled;
    r.scheduleLagMaxMs = inj.maxLagNanos / 1e6;
    double cpuWindow = (inj.endNanos - inj.warmNanos) / 1e9;
    if (cpuWindow > 0) {
      double sum = 0;
      for (int i = 0; i < o.nodes; i++) {
        if (inj.nodeCpuWarm[i] < 0 || inj.nodeCpuEnd[i] < 0) {
          sum = Double.NaN;
          continue;
        }
        double cores = (inj.nodeCpuEnd[i] - inj.nodeCpuWarm[i]) / 1e9 / cpuWindow;
        r.nodeCpuPerNode.add(cores);
        sum += cores;
      }
      r.nodeCpuCores = sum;
    }
    if (inj.selfCpuWarm >= 0 && inj.selfCpuEnd >= 0 && cpuWindow > 0)
      r.runnerCpuCores = (inj.selfCpuEnd - inj.selfCpuWarm) / 1e9 / cpuWindow;

    // The statistics read side's lag over (about) the last minute of arrivals.
    projectionLag(r, "at the end of arrivals");

    // (f) drain, then ask about every call without an outcome
    long drainStart = System.nanoTime();
    long pending = drain();
    r.drainSeconds = (System.nanoTime() - drainStart) / 1e9;
    out.printf("drained in %.1f s (%d calls still without an outcome)%n", r.drainSeconds, pending);
    checkUnfinished(r);
    projectionCatchUp(r);

    // figures
    r.injected = injected.sum();
    r.notInjected = notInjected.sum();
    r.postRejected = postRejected.sum();
    r.postFailed = postFailed.sum();
    postErrorSamples.stream().limit(3).forEach(r.postErrorSamples::add);
    Instant warmEnd = inj.t0.plusSeconds(o.warmupSeconds);
    Instant arrivalsEnd = inj.t0.plusSeconds(o.durationSeconds);
    for (CallTrack t : calls.values()) {
      String oc = t.outcome;
      if (oc == null) continue;
      r.outcomes.merge(oc, 1L, Long::sum);
      Instant at = t.outcomeAt;
      if (oc.equals("COMPLETED") && at != null && !at.isBefore(warmEnd) && at.isBefore(arrivalsEnd)) r.completedInWindow++;
    }
    r.steadySeconds = o.durationSeconds - o.warmupSeconds;
    r.completedPerSecond = r.completedInWindow / r.steadySeconds;
    offerLatency(r, warmEnd);
    if (postMicros.getTotalCount() > 0) {
      r.postMeasured = postMicros.getTotalCount();
      r.postP50Ms = postMicros.getValueAtPercentile(50) / 1000.0;
      r.postP99Ms = postMicros.getValueAtPercentile(99) / 1000.0;
      r.postMaxMs = postMicros.getMaxValue() / 1000.0;
    }
    r.offers = offers.sum();
    r.offersMissed = offersMissed.sum();
    r.offersWithdrawn = offersWithdrawn.sum();
    acceptFailures.forEach((k, v) -> r.acceptFailures.put(k, v.sum()));
    r.acceptFailed = r.acceptFailures.values().stream().mapToLong(Long::longValue).sum();
    r.acceptNotBusy = acceptNotBusy.sum();
    r.endCallFailed = endCallFailed.sum();
    r.events = events.get();
    r.eventStreamError = eventStreamError;
    if (!actionErrorSamples.isEmpty()) out.println("agent action errors, e.g.: " + actionErrorSamples.stream().limit(5).toList());
    if (eventsUnreadable.get() > 0) out.println("unreadable events: " + eventsUnreadable.get());

    // the nodes' heap after a full GC, then stop them and read their logs
    r.heapAfterGcBytes = 0;
    for (NodeProcess n : nodes) {
      long heap = n.heapUsedAfterFullGc();
      r.heapAfterGcBytes = heap < 0 || r.heapAfterGcBytes < 0 ? -1 : r.heapAfterGcBytes + heap;
    }
    stopping = true;
    closeEventStream();
    for (NodeProcess n : nodes) n.close();
    for (NodeProcess n : nodes)
      NodeLog.scan(n.log()).into(r.nodeLogSamples, e -> r.nodeLogErrors += e, w -> r.nodeLogWarnings += w);

    out.println();
    out.print(r.summary());
    out.println();
    out.println(Report.markdownHeader());
    out.println(r.markdownRow());
    return r;
  }

  // ---------------------------------------------------------------- node and centre

  private void awaitHealthy() throws IOException, InterruptedException {
    NodeStart.awaitHealthy(node, setupApi, this::logIn);
  }

  /**
   * The engine API v0 needs the admin role: one session ({@code POST /api/v1/session} as
   * {@code --admin-user}), its bearer token shared by every client of this run.
   */
  private void logIn() throws IOException, InterruptedException {
    if (setupApi.token() == null) {
      setupApi.logIn(o.adminUser, o.adminPassword, 30);
      out.println(setupApi.token() != null ? "logged in as " + o.adminUser
          : "the node has no POST /api/v1/session (404): sending no Authorization header");
    }
    eventsApi.useToken(setupApi.token());
    for (ApiClient c : actionsApis) if (c != null) c.useToken(setupApi.token());
    for (ApiClient c : callsApis) if (c != null) c.useToken(setupApi.token());
  }

  private static String queueId(int q) {
    return "q" + (q + 1);
  }

  private static String agentId(int a) {
    return "a" + (a + 1);
  }

  private static String loginId(String agentId) {
    return "login-" + agentId;
  }

  /** The answering point, company, queues and their dialled numbers; returns the numbers. */
  private String[] configureCentre() throws Exception {
    put("/answering-points/" + ANSWERING_POINT, Map.of("name", "Benchmark answering point"));
    put("/companies/" + COMPANY, Map.of("name", "Benchmark company", "answeringPoint", ANSWERING_POINT));
    Map<String, Object> wrapUp = o.wrapUpMs == 0
        ? Map.of("mode", "NONE")
        : Map.of("mode", "FIXED", "duration", Duration.ofMillis(o.wrapUpMs).toString());
    String[] numbers = new String[o.queues];
    for (int q = 0; q < o.queues; q++) {
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("name", "Benchmark queue " + (q + 1));
      cfg.put("strategy", "LONGEST_IDLE");
      cfg.put("offerTimeout", "PT30S");
      cfg.put("pauseOnMissedOffer", false);
      cfg.put("wrapUp", wrapUp);
      put("/queues/" + queueId(q), cfg);
      numbers[q] = String.format("+46800%04d", q + 1);
      put("/number-plan/" + numbers[q].replace("+", "%2B"),
          Map.of("answeringPoint", ANSWERING_POINT, "company", COMPANY, "queue", queueId(q), "priority", 0));
    }
    out.printf("configured %d queues and dialled numbers%n", o.queues);
    return numbers;
  }

  /** Each agent in one queue (round robin); every third also in the next queue at level 2. */
  private void configureAgents() throws Exception {
    Limiter setup = new Limiter(SETUP_IN_FLIGHT);
    List<CompletableFuture<ApiClient.Response>> replies = new ArrayList<>();
    for (int a = 0; a < o.agents; a++) {
      List<Map<String, Object>> groups = new ArrayList<>();
      int q = a % o.queues;
      groups.add(Map.of("queue", queueId(q), "level", 1));
      if (o.queues > 1 && a % 3 == 2) groups.add(Map.of("queue", queueId((q + 1) % o.queues), "level", 2));
      Map<String, Object> body = Map.of("name", "Agent " + (a + 1), "answerGroups", groups);
      String path = "/agents/" + agentId(a);
      replies.add(setup.submit(() -> withRetry("PUT", path, body)));
    }
    ApiClient.awaitAll(replies, "configure agents");
    out.printf("configured %d agents%n", o.agents);
  }

  private void loginAgents() throws Exception {
    Limiter setup = new Limiter(SETUP_IN_FLIGHT);
    List<CompletableFuture<ApiClient.Response>> replies = new ArrayList<>();
    for (int a = 0; a < o.agents; a++) {
      String id = agentId(a);
      Map<String, Object> body = Map.of("loginId", loginId(id), "ready", true);
      replies.add(setup.submit(() -> withRetry("POST", "/agents/" + id + "/login", body)));
    }
    ApiClient.awaitAll(replies, "log agents in");
    // The event stream must have caught up: it gives each agent the time it became free.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (loggedInSeen.get() < o.agents && System.nanoTime() < deadline && eventStreamError == null) Thread.sleep(50);
    if (loggedInSeen.get() < o.agents)
      throw new IllegalStateException("the event stream showed " + loggedInSeen.get() + " of " + o.agents
          + " logins within 60 s" + (eventStreamError == null ? "" : " (" + eventStreamError + ")"));
    out.printf("logged in %d agents, ready%n", o.agents);
  }

  private void put(String path, Object body) throws Exception {
    ApiClient.Response r = withRetry("PUT", path, body).get(60, TimeUnit.SECONDS);
    if (!r.ok()) throw new IllegalStateException("PUT " + path + " answered " + r.status() + ": " + r.raw());
  }

  private CompletableFuture<ApiClient.Response> withRetry(String method, String path, Object body) {
    return setupApi.sendWithRetry(method, path, body);
  }


  // ---------------------------------------------------------------- the event stream

  private void openEventStream() throws Exception {
    HttpRequest req = eventsApi.authorize(HttpRequest.newBuilder(eventsApi.uri("/events?types=agent,call&phases=FINISHED"
            + "&causes=offer,connected,offer-missed,offer-withdrawn,logged-in,login-replaced")))
        .header("Accept", "text/event-stream")
        .GET()
        .build();
    HttpResponse<Stream<String>> resp =
        eventsApi.http().sendAsync(req, HttpResponse.BodyHandlers.ofLines()).get(30, TimeUnit.SECONDS);
    if (resp.statusCode() != 200)
      throw new IllegalStateException("GET /events answered " + resp.statusCode());
    eventLines = resp.body();
    Thread reader = new Thread(() -> readEvents(resp.body()), "event-stream");
    reader.setDaemon(true);
    reader.start();
  }

  private void readEvents(Stream<String> lines) {
    StringBuilder data = new StringBuilder();
    java.io.Writer record = null;
    try {
      if (o.recordEvents) record = Files.newBufferedWriter(tmp.resolve("events.jsonl"), StandardCharsets.UTF_8);
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.isEmpty()) {
          if (data.length() > 0) {
            if (record != null) record.append(data).append('\n');
            dispatch(data.toString());
            data.setLength(0);
          }
        } else if (line.startsWith("data:")) {
          if (data.length() > 0) data.append('\n');
          data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
        }
      }
      if (!stopping) eventStreamError = "the node ended the event stream";
    } catch (Throwable e) {
      if (!stopping) eventStreamError = String.valueOf(e);
    } finally {
      if (record != null) {
        try {
          record.close();
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  private void closeEventStream() {
    Stream<String> s = eventLines;
    if (s == null) return;
    try {
      s.close();
    } catch (RuntimeException ignored) {
      // the node is stopped next; the reader ends with the connection
    }
  }

  private void dispatch(String data) {
    JsonNode n;
    try {
      n = json.readTree(data);
    } catch (IOException e) {
      eventsUnreadable.incrementAndGet();
      return;
    }
    events.incrementAndGet();
    try {
      if (n.has("agentId")) onAgentChanged(n);
      else if (n.has("callId")) onCallChanged(n);
    } catch (RuntimeException e) {
      eventsUnreadable.incrementAndGet();
    }
  }

  private void onCallChanged(JsonNode n) {
    CallTrack t = calls.get(n.path("callId").asText());
    if (t == null) return;
    JsonNode view = n.path("view");
    if (t.arrivedAt == null) t.arrivedAt = instant(view.path("arrivedAt"));
    JsonNode outcome = view.path("outcome");
    if (outcome.isTextual() && t.outcome == null) {
      t.outcomeAt = instant(n.path("at"));
      t.outcome = outcome.asText();
    }
  }

  private void onAgentChanged(JsonNode n) {
    String id = n.path("agentId").asText();
    JsonNode view = n.path("view");
    String cause = n.path("cause").asText();
    AgentTrack a = agentTracks.computeIfAbsent(id, AgentTrack::new);
    a.status = view.path("status").asText();
    switch (cause) {
      case "logged-in", "login-replaced" -> loggedInSeen.incrementAndGet();
      case "offer" -> onOffer(a, view);
      case "connected" -> onConnected(a, view);
      case "offer-missed" -> offersMissed.increment();
      case "offer-withdrawn" -> offersWithdrawn.increment();
      default -> { }
    }
  }

  private void onOffer(AgentTrack a, JsonNode view) {
    for (JsonNode c : view.path("contacts")) {
      if (!"RESERVED".equals(c.path("phase").asText())) continue;
      JsonNode offer = c.path("offer");
      String offerId = offer.path("offerId").asText();
      if (!offersSeen.add(offerId)) continue;
      String callId = offer.path("contact").path("callId").asText();
      synchronized (offerSamples) {
        // When the agent last became free: carried by the view itself.
        offerSamples.add(new OfferSample(callId, instant(c.path("since")), instant(view.path("availableSince"))));
      }
      offers.increment();
      accept(a.id, offerId, callId);
    }
  }

  /** An accept whose reply was lost but which connected after all: the call still has to end. */
  private void onConnected(AgentTrack a, JsonNode view) {
    for (JsonNode c : view.path("contacts")) {
      String offerId = c.path("offer").path("offerId").asText();
      if ("BUSY".equals(c.path("phase").asText()) && failedAccepts.contains(offerId))
        scheduleEnd(a.id, offerId, c.path("offer").path("contact").path("callId").asText());
    }
  }

  // ---------------------------------------------------------------- the agents' side

  private void accept(String agentId, String offerId, String callId) {
    String path = "/agents/" + agentId + "/offers/" + offerId + "/accept";
    actions.submit(() -> actionsOf(agentId).send("POST", path, Map.of("loginId", loginId(agentId))))
        .whenComplete((r, e) -> {
          if (e != null) {
            acceptFailed(offerId, "no answer", "accept: " + rootCause(e));
          } else if (!r.ok()) {
            acceptFailed(offerId, Integer.toString(r.status()), "accept " + r.status() + ": " + r.error());
          } else if (!"BUSY".equals(r.body().path("status").asText())) {
            acceptNotBusy.increment();
          } else {
            scheduleEnd(agentId, offerId, callId);
          }
        });
  }

  private void acceptFailed(String offerId, String kind, String sample) {
    failedAccepts.add(offerId);
    acceptFailures.computeIfAbsent(kind, k -> new LongAdder()).increment();
    if (actionErrorSamples.size() < 10) actionErrorSamples.add(sample);
  }

  private void scheduleEnd(String agentId, String offerId, String callId) {
    if (!endScheduled.add(offerId)) return;
    scheduler.schedule(() -> endCall(agentId, callId), o.talkMs, TimeUnit.MILLISECONDS);
  }

  /** Tried again on 503 as a desktop would: the agent still has the call until the engine says it ended. */
  private void endCall(String agentId, String callId) {
    actions.submit(() -> actionsOf(agentId).sendWithRetry("POST", "/agents/" + agentId + "/end-call",
            Map.of("loginId", loginId(agentId), "callId", callId)))
        .whenComplete((r, e) -> {
          if (e != null || !r.ok()) {
            endCallFailed.increment();
            if (actionErrorSamples.size() < 10)
              actionErrorSamples.add("end-call " + (e != null ? rootCause(e) : r.status() + ": " + r.error()));
          }
        });
  }

  // ---------------------------------------------------------------- arrivals

  private static final class Injection {
    Instant t0;
    long scheduled;
    long maxLagNanos;
    long warmNanos;
    long endNanos;
    long[] nodeCpuWarm;
    long[] nodeCpuEnd;
    long selfCpuWarm = -1;
    long selfCpuEnd = -1;
  }

  /** Open model: call i is due at t0 + i/rate whatever the node answers; runs on this thread. */
  private Injection inject(String[] numbers) {
    Injection inj = new Injection();
    inj.nodeCpuWarm = nodeCpu();
    long total = (long) o.rate * o.durationSeconds;
    long warmIndex = (long) o.rate * o.warmupSeconds;
    long selfPid = ProcessHandle.current().pid();
    long t0n = System.nanoTime();
    inj.t0 = Instant.now();
    inj.warmNanos = t0n;
    for (long i = 0; i < total; i++) {
      long due = t0n + Math.round(i * 1e9 / o.rate);
      long now;
      while ((now = System.nanoTime()) < due) LockSupport.parkNanos(due - now);
      inj.maxLagNanos = Math.max(inj.maxLagNanos, now - due);
      if (i == warmIndex) {
        inj.warmNanos = System.nanoTime();
        inj.nodeCpuWarm = nodeCpu();
        inj.selfCpuWarm = NodeProcess.cpuNanos(selfPid);
      }
      injectOne(i, numbers[(int) (i % numbers.length)], i >= warmIndex);
      inj.scheduled++;
      if (eventStreamError != null || !allAlive()) {
        out.println("stopping arrivals: " + (allAlive() ? eventStreamError : "a node died"));
        break;
      }
    }
    long end = t0n + (long) o.durationSeconds * 1_000_000_000L;
    long now;
    while ((now = System.nanoTime()) < end && eventStreamError == null && allAlive()) LockSupport.parkNanos(end - now);
    inj.endNanos = System.nanoTime();
    inj.nodeCpuEnd = nodeCpu();
    inj.selfCpuEnd = NodeProcess.cpuNanos(selfPid);
    return inj;
  }

  private void injectOne(long i, String dialled, boolean measured) {
    if (!callPermits.tryAcquire()) {
      notInjected.increment();
      return;
    }
    String callId = "call-" + i;
    CallTrack t = new CallTrack(callId);
    calls.put(callId, t);
    Map<String, Object> body = Map.of("callId", callId, "dialledNumber", dialled,
        "callerNumber", String.format("+4670%07d", i % 10_000_000));
    long start = System.nanoTime();
    CompletableFuture<ApiClient.Response> f;
    try {
      f = callsApis[(int) (i % callsApis.length)].send("POST", "/calls", body);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((r, e) -> {
      long micros = (System.nanoTime() - start) / 1000;
      callPermits.release();
      if (measured) postMicros.recordValue(Math.max(0, micros));
      if (e != null) {
        t.postStatus = -1;
        postFailed.increment();
        if (postErrorSamples.size() < 5) postErrorSamples.add(String.valueOf(rootCause(e)));
      } else {
        t.postStatus = r.status();
        if (r.status() == 201) {
          injected.increment();
        } else {
          postRejected.increment();
          if (postErrorSamples.size() < 5) postErrorSamples.add(r.status() + ": " + r.error());
        }
      }
    });
  }

  /**
   * Samples the read side's lag once a second while calls arrive: the largest last-batch lag over
   * the projection slices, and the events not yet projected. Only samples after the warm-up count.
   */
  private final class LagSampler extends Thread {
    private final List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;

    LagSampler() {
      super("lag-sampler");
      setDaemon(true);
    }

    @Override
    public void run() {
      while (running) {
        try {
          ApiClient.Response s = setupApi.send("GET", "/api/v1/statistics/status", null).get(5, TimeUnit.SECONDS);
          if (s.ok()) {
            long lag = 0, pending = 0;
            for (var p : s.body().get("projections")) {
              lag = Math.max(lag, p.path("lastLagMillis").asLong(0));
              pending += p.get("pendingEvents").asLong();
            }
            samples.add(new long[] {System.nanoTime(), lag, pending});
          }
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // a missed sample; the next one comes in a second
        }
      }
    }

    void stopAndReport(Report r, long warmNanos) throws InterruptedException {
      running = false;
      interrupt();
      join(10_000);
      List<long[]> steady = samples.stream().filter(x -> x[0] >= warmNanos).toList();
      if (steady.isEmpty()) return;
      long[] lags = steady.stream().mapToLong(x -> x[1]).sorted().toArray();
      r.sampledLagP50Ms = lags[(int) Math.floor(0.5 * (lags.length - 1))];
      r.sampledLagP99Ms = lags[(int) Math.floor(0.99 * (lags.length - 1))];
      r.sampledLagMaxMs = lags[lags.length - 1];
      r.sampledPendingMax = steady.stream().mapToLong(x -> x[2]).max().orElse(0);
      r.lagSamples = lags.length;
      out.printf("read side lag sampled each second after the warm-up (%d samples): p50 %d ms, p99 %d ms, max %d ms;"
          + " at most %d events not yet projected%n", lags.length, (long) r.sampledLagP50Ms, (long) r.sampledLagP99Ms,
          (long) r.sampledLagMaxMs, r.sampledPendingMax);
    }
  }

  /** Reads the node's statistics status: lag p50/p99 of its projections and events not yet projected. */
  private void projectionLag(Report r, String when) {
    try {
      ApiClient.Response s = setupApi.send("GET", "/api/v1/statistics/status", null).get(10, TimeUnit.SECONDS);
      if (!s.ok()) {
        out.printf("statistics status %s: %d %s%n", when, s.status(), s.error());
        return;
      }
      long pending = 0;
      for (var p : s.body().get("projections")) pending += p.get("pendingEvents").asLong();
      r.projectionLagP50Ms = s.body().at("/lag/p50Millis").asDouble(Double.NaN);
      r.projectionLagP99Ms = s.body().at("/lag/p99Millis").asDouble(Double.NaN);
      out.printf("projection lag %s: p50 %.0f ms, p99 %.0f ms, %d events not yet projected%n", when,
          r.projectionLagP50Ms, r.projectionLagP99Ms, pending);
    } catch (Exception e) {
      out.println("statistics status " + when + " not read: " + e);
    }
  }

  /** After the drain: how long until the read side has every event. */
  private void projectionCatchUp(Report r) throws InterruptedException {
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(120)) {
      try {
        ApiClient.Response s = setupApi.send("GET", "/api/v1/statistics/status", null).get(10, TimeUnit.SECONDS);
        long pending = 0;
        for (var p : s.body().get("projections")) pending += p.get("pendingEvents").asLong();
        if (s.ok() && pending == 0) {
          r.projectionCatchUpSeconds = (System.nanoTime() - t0) / 1e9;
          out.printf("read side complete %.1f s after the drain%n", r.projectionCatchUpSeconds);
          return;
        }
      } catch (Exception e) {
        out.println("statistics status not read: " + e);
      }
      Thread.sleep(500);
    }
    out.println("read side still behind 120 s after the drain");
  }

  /** Waits until every injected call has an outcome, or --drain seconds; returns those without. */
  private long drain() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.drainSeconds);
    while (true) {
      long inFlight = o.maxInFlight - callPermits.availablePermits();
      long open = calls.values().stream().filter(t -> t.taken() && t.outcome == null).count();
      if (inFlight + open == 0 || System.nanoTime() > deadline || eventStreamError != null || !allAlive())
        return inFlight + open;
      Thread.sleep(200);
    }
  }

  /**
   * A call the engine took (201, or a 503 / no answer after which it turned up anyway) that has no
   * terminal outcome, not even by GET, is LOST. A 503 or unanswered call the engine does not know
   * was simply not taken.
   */
  private void checkUnfinished(Report r) throws Exception {
    r.takenDespiteError = calls.values().stream().filter(t -> t.postStatus != 201 && t.taken()).count();
    List<CallTrack> open = calls.values().stream()
        .filter(t -> t.maybeTaken() && t.outcome == null)
        .sorted(Comparator.comparing(t -> t.id))
        .toList();
    if (open.isEmpty()) return;
    if (!allAlive()) {
      r.lost = open.stream().filter(CallTrack::taken).count();
      r.lostSamples.add("a node died; " + open.size() + " calls without an outcome");
      return;
    }
    Limiter limiter = new Limiter(32);
    List<CompletableFuture<Void>> checks = new ArrayList<>();
    Set<String> lostSamples = ConcurrentHashMap.newKeySet();
    AtomicLong lost = new AtomicLong();
    AtomicLong byGet = new AtomicLong();
    AtomicLong takenByGet = new AtomicLong();
    for (CallTrack t : open) {
      checks.add(limiter.submit(() -> setupApi.send("GET", "/calls/" + t.id, null)).handle((resp, e) -> {
        JsonNode outcome = resp == null ? null : resp.body().path("outcome");
        if (resp != null && resp.status() == 200 && outcome.isTextual()) {
          byGet.incrementAndGet();
          if (t.postStatus != 201 && t.arrivedAt == null) takenByGet.incrementAndGet();
          t.outcome = outcome.asText();
        } else if (t.postStatus != 201 && t.arrivedAt == null && resp != null && resp.status() == 404) {
          // a 503 or an unanswered POST for a call the engine never took: not injected, not lost
        } else {
          if (t.postStatus != 201 && t.arrivedAt == null && resp != null && resp.status() == 200)
            takenByGet.incrementAndGet();
          lost.incrementAndGet();
          if (lostSamples.size() < 5)
            lostSamples.add(t.id + " (" + (e != null ? rootCause(e)
                : resp.status() == 200 ? "phase " + resp.body().path("phase").asText() : "GET " + resp.status()) + ")");
        }
        return null;
      }));
    }
    for (CompletableFuture<Void> c : checks) c.get(120, TimeUnit.SECONDS);
    r.lost = lost.get();
    r.outcomeByGetOnly = byGet.get();
    r.takenDespiteError += takenByGet.get();
    r.lostSamples.addAll(new java.util.TreeSet<>(lostSamples));
  }

  // ---------------------------------------------------------------- figures

  /**
   * Offer latency from engine timestamps: ringing start minus the later of the call's arrival and
   * the moment the agent last became free, for offers that started ringing after the warm-up.
   */
  private void offerLatency(Report r, Instant warmEnd) {
    List<OfferSample> samples;
    synchronized (offerSamples) {
      samples = new ArrayList<>(offerSamples);
    }
    Histogram h = new Histogram(3);
    for (OfferSample s : samples) {
      if (s.ringingSince() == null || s.ringingSince().isBefore(warmEnd)) continue;
      CallTrack t = calls.get(s.callId());
      Instant arrived = t == null ? null : t.arrivedAt;
      if (arrived == null) {
        r.offersWithoutArrival++;
        continue;
      }
      Instant from = later(arrived, s.agentFreeAt());
      long micros = Math.max(0, Duration.between(from, s.ringingSince()).toNanos() / 1000);
      h.recordValue(micros);
    }
    r.offersMeasured = h.getTotalCount();
    if (h.getTotalCount() > 0) {
      r.offerP50Ms = h.getValueAtPercentile(50) / 1000.0;
      r.offerP95Ms = h.getValueAtPercentile(95) / 1000.0;
      r.offerP99Ms = h.getValueAtPercentile(99) / 1000.0;
      r.offerMaxMs = h.getMaxValue() / 1000.0;
    }
  }



  // ---------------------------------------------------------------- clean-up

  /** Stops whatever runs: event stream, node, PostgreSQL; removes the temp dir unless kept. */
  private void cleanUp() {
    if (!cleanedUp.compareAndSet(false, true)) return;
    stopping = true;
    closeEventStream();
    for (NodeProcess n : nodes) n.close();
    for (ApiClient c : new ApiClient[] {setupApi, eventsApi}) if (c != null) c.close();
    for (ApiClient c : actionsApis) if (c != null) c.close();
    for (ApiClient c : callsApis) if (c != null) c.close();
    if (scheduler != null) scheduler.shutdownNow();
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException | RuntimeException e) {
        System.err.println("could not stop PostgreSQL: " + e);
      }
    }
    if (tmp == null) return;
    if (o.keep || failed) {
      out.println("kept " + tmp + (o.keep ? "" : " (the run failed or lost calls)"));
    } else {
      NodeProcess.deleteTree(tmp);
    }
  }


  // ---------------------------------------------------------------- helpers

  /** The agent's actions go to one node, the same for all of them: agent i to node i mod n. */
  private ApiClient actionsOf(String agentId) {
    return actionsApis[(Integer.parseInt(agentId.substring(1)) - 1) % actionsApis.length];
  }

  private boolean allAlive() {
    for (NodeProcess n : nodes) if (!n.isAlive()) return false;
    return true;
  }

  /** Each node's CPU time so far (ns; -1 where unknown). */
  private long[] nodeCpu() {
    long[] cpu = new long[nodes.size()];
    for (int i = 0; i < cpu.length; i++) cpu[i] = NodeProcess.cpuNanos(nodes.get(i).pid());
    return cpu;
  }

  private static Instant instant(JsonNode n) {
    return n == null || !n.isTextual() ? null : Instant.parse(n.asText());
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) return b;
    if (b == null) return a;
    return a.isAfter(b) ? a : b;
  }

  private static Throwable rootCause(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
    return e;
  }
}
