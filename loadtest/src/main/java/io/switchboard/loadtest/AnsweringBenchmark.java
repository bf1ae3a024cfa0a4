package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The answering service on one node as a black box over the wire (issue 6): a directory of client
 * companies with profiles and staff lists imported through {@code POST …/contacts/import}, agents
 * on the agent WebSocket, test calls to random companies, and for every offer the time from the
 * {@code offer} frame to the {@code screenPop} frame on the agent's socket; then the import of a
 * large .xlsx into fresh companies with its time and memory. See loadtest/README.md.
 */
public final class AnsweringBenchmark {

  static final String ANSWERING_POINT = "ans-bench";
  static final String CALENDAR = "kontorstid";
  static final String EXCEPTION_ID = "personalkonferens";
  static final String AGENT_PASSWORD = "bench-agent-secret";
  static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  /** The screen pop lists at most this many staff (ScreenPop.MAX_STAFF). */
  static final int MAX_STAFF = 5000;
  private static final int IMPORTS_IN_FLIGHT = 2;
  private static final int CALLS_IN_FLIGHT = 256;

  public static void main(String[] args) {
    AnsweringOptions options;
    try {
      options = AnsweringOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(AnsweringOptions.usage());
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(AnsweringOptions.usage());
      return;
    }
    int code;
    try {
      AnsweringReport report = new AnsweringBenchmark(options, System.out).run();
      code = report.errors() == 0 ? 0 : 1;
    } catch (Exception e) {
      System.err.println("benchmark failed: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  // ---------------------------------------------------------------- state

  private final AnsweringOptions o;
  private final PrintStream out;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicBoolean cleanedUp = new AtomicBoolean();

  private Path tmp;
  private EmbeddedPostgres postgres;
  private NodeProcess node;
  private ApiClient api;
  private ApiClient importApi;
  private ApiClient callsApi;
  private ExecutorService socketThreads;
  private ExecutorService frameThreads;
  private ScheduledExecutorService timer;
  private final List<AgentDesktop> desktops = new ArrayList<>();
  private volatile boolean failed;

  /** One test call, from its POST to its end. */
  static final class CallTrack {
    final String callId;
    final DirectoryData.Company company;
    final String caller;
    final boolean measured;
    final boolean firstToCompany;
    volatile long postNanos;
    volatile int postStatus; // 0 = no answer yet, -1 = failed
    volatile long offerNanos;
    volatile String offerId;
    volatile long popNanos;
    volatile boolean ended;

    CallTrack(String callId, DirectoryData.Company company, String caller, boolean measured, boolean firstToCompany) {
      this.callId = callId;
      this.company = company;
      this.caller = caller;
      this.measured = measured;
      this.firstToCompany = firstToCompany;
    }
  }

  private final ConcurrentHashMap<String, CallTrack> calls = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CallTrack> byOffer = new ConcurrentHashMap<>();
  private final ConcurrentHistogram popMicros = new ConcurrentHistogram(3);
  private final ConcurrentHistogram popFirstMicros = new ConcurrentHistogram(3);
  private final ConcurrentHistogram popRepeatMicros = new ConcurrentHistogram(3);
  private final ConcurrentHistogram assembledMicros = new ConcurrentHistogram(3);
  private final ConcurrentHistogram assembledFirstMicros = new ConcurrentHistogram(3);
  private final ConcurrentHistogram assembledRepeatMicros = new ConcurrentHistogram(3);
  private final ConcurrentHistogram popBytes = new ConcurrentHistogram(3);
  private final ConcurrentHistogram popReceiveMicros = new ConcurrentHistogram(3);
  private final ConcurrentHistogram postToOfferMicros = new ConcurrentHistogram(3);
  private final ConcurrentHistogram postMicros = new ConcurrentHistogram(3);
  private final LongAdder offers = new LongAdder();
  private final LongAdder pops = new LongAdder();
  private final LongAdder ended = new LongAdder();
  private final LongAdder mismatches = new LongAdder();
  private final LongAdder problems = new LongAdder();
  private final Set<String> errorSamples = ConcurrentHashMap.newKeySet();
  private final AtomicLong errors = new AtomicLong();

  public AnsweringBenchmark(AnsweringOptions options, PrintStream out) {
    this.o = options;
    this.out = out;
  }

  // ---------------------------------------------------------------- the run

  /** Runs the benchmark and returns what it measured; everything it started is stopped. */
  public AnsweringReport run() throws Exception {
    Path jar = o.nodeJar();
    NodeStart.requireJar(jar);
    Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
    Files.createDirectories(tmpRoot);
    tmp = Files.createTempDirectory(tmpRoot, "switchboard-answering-");
    Thread hook = new Thread(this::cleanUp, "answering-benchmark-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      AnsweringReport r = measure(jar);
      failed = r.errors() != 0;
      return r;
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

  private AnsweringReport measure(Path jar) throws Exception {
    AnsweringReport r = new AnsweringReport();
    r.command = o.commandLine();
    r.db = o.dbLabel();
    r.nodeHeap = o.nodeHeap;
    r.companies = o.companies;
    r.contacts = o.contacts;
    r.queues = o.queues;
    r.agents = o.agents;
    r.rate = o.rate;
    r.durationSeconds = o.durationSeconds;
    r.warmupSeconds = o.warmupSeconds;
    r.talkMs = o.talkMs;
    r.importOnly = o.importOnly;
    r.idleSeconds = o.idleSeconds;
    r.host = NodeStart.hostLoad("at the start");

    List<String> settings = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    if (o.db == Options.Db.POSTGRES) {
      out.println("starting embedded PostgreSQL ...");
      postgres = NodeStart.postgres(tmp, settings, env);
    }
    if ("admin".equals(o.adminUser)) env.put("SWITCHBOARD_ADMIN_PASSWORD", o.adminPassword);
    Path log = tmp.resolve("node.log");
    r.nodeLog = log.toString();
    node = NodeProcess.start(jar, tmp.resolve("node"), log, o.nodeHeap, o.nodeOpts, settings, env);
    out.println("node pid " + node.pid() + ", HTTP port " + node.httpPort() + ", log " + log);
    api = new ApiClient(node.httpPort(), json, "setup-http", 4, Duration.ofSeconds(60));
    importApi = new ApiClient(node.httpPort(), json, "import-http", 2, Duration.ofSeconds(300));
    callsApi = new ApiClient(node.httpPort(), json, "calls-http", 4, Duration.ofSeconds(30));
    timer = Executors.newScheduledThreadPool(2, daemon("desktop-timer"));
    long started = System.nanoTime();
    NodeStart.awaitHealthy(node, api, this::logIn);
    r.nodeStartSeconds = (System.nanoTime() - started) / 1e9;
    out.printf("node up after %.1f s%n", r.nodeStartSeconds);
    logIn();
    created("/api/v1/answering-points", Map.of("id", ANSWERING_POINT, "name", "Svarsservice Norden"));

    if (!o.importOnly) {
      long setup = System.nanoTime();
      DirectoryData.Company[] companies = directory(r);
      r.setupSeconds = (System.nanoTime() - setup) / 1e9;
      ReadSideWatch watch = new ReadSideWatch();
      watch.start();
      r.readSideAfterSetup = behind(readSideBehind());
      r.heapAfterSetup = node.heapUsedAfterFullGc();
      r.rssAfterSetup = node.residentBytes();
      out.printf("directory ready in %.1f s; heap after full GC %s, RSS %s%n", r.setupSeconds,
          AnsweringReport.mb(r.heapAfterSetup), AnsweringReport.mb(r.rssAfterSetup));
      if (o.idleSeconds > 0) {
        out.printf("idle for %d s: company cards untouched that long are passivated (the node's sharding idle timeout)%n",
            o.idleSeconds);
        Thread.sleep(TimeUnit.SECONDS.toMillis(o.idleSeconds));
        r.heapAfterIdle = node.heapUsedAfterFullGc();
        out.printf("heap after full GC after the idle time %s%n", AnsweringReport.mb(r.heapAfterIdle));
      }
      long t = System.nanoTime();
      openDesktops();
      r.agentsSeconds = (System.nanoTime() - t) / 1e9;
      out.printf("%d agents ready on the WebSocket after %.1f s%n", o.agents, r.agentsSeconds);
      r.readSideAtCalls = behind(readSideBehind());
      callAndMeasure(r, companies);
      r.readSideAfterCalls = behind(readSideBehind());
      r.readSideCompleteSeconds = watch.finish();
      out.printf("read side behind: after the setup %s, at the first call %s, after the calls %s; %s%n", r.readSideAfterSetup,
          r.readSideAtCalls, r.readSideAfterCalls, Double.isNaN(r.readSideCompleteSeconds) ? "not complete before the calls ended"
              : String.format(java.util.Locale.ROOT, "complete %.0f s after the setup", r.readSideCompleteSeconds));
      for (AgentDesktop d : desktops) d.close();
      r.heapAfterCalls = node.heapUsedAfterFullGc();
    }
    if (o.importRows > 0) imports(r);

    node.close();
    NodeLog.scan(log).into(r.nodeLogSamples, n -> r.nodeLogErrors = n, n -> r.nodeLogWarnings = n);
    r.errors = errors.get();
    errorSamples.stream().sorted().limit(10).forEach(r.errorSamples::add);
    out.println();
    out.print(r.summary());
    out.println();
    out.print(r.markdown());
    return r;
  }

  private void logIn() throws IOException, InterruptedException {
    if (api.token() == null) {
      api.logIn(o.adminUser, o.adminPassword, 30);
      out.println("signed in as " + o.adminUser);
    }
    importApi.useToken(api.token());
    callsApi.useToken(api.token());
  }

  // ---------------------------------------------------------------- the directory

  /** Companies, numbers, profiles, exceptions, staff imports and redirects; returns the companies. */
  private DirectoryData.Company[] directory(AnsweringReport r) throws Exception {
    int n = o.companies;
    DirectoryData.Company[] companies = new DirectoryData.Company[n];
    for (int k = 0; k < n; k++) companies[k] = DirectoryData.company(k);
    created("/api/v1/calendars", Map.of("id", CALENDAR, "name", "Kontorstid", "zone", "Europe/Stockholm",
        "baseHours", Map.of("days", Map.of("MONDAY", hours(), "TUESDAY", hours(), "WEDNESDAY", hours(), "THURSDAY", hours(),
            "FRIDAY", hours())),
        "closedOnPublicHolidays", true, "closedOnHolidayEves", true, "deviations", List.of()));
    for (int q = 0; q < o.queues; q++) {
      Map<String, Object> queue = new LinkedHashMap<>();
      queue.put("id", queueId(q));
      queue.put("answeringPoint", ANSWERING_POINT);
      queue.put("name", "Svarsservice " + (q + 1));
      queue.put("strategy", "LONGEST_IDLE");
      queue.put("offerTimeout", "PT30S");
      queue.put("pauseOnMissedOffer", false);
      queue.put("wrapUp", Map.of("mode", "AGENT", "duration", "PT60S"));
      created("/api/v1/queues", queue);
    }

    long t = System.nanoTime();
    all("create companies", n, o.setupConcurrency, k -> api.sendWithRetry("POST", "/api/v1/companies",
        Map.of("id", companies[k].id(), "name", companies[k].name(), "answeringPoint", ANSWERING_POINT)));
    all("add dialled numbers", n, o.setupConcurrency, k -> api.sendWithRetry("POST", "/api/v1/number-plan",
        Map.of("dialledNumber", companies[k].number(), "answeringPoint", ANSWERING_POINT, "company", companies[k].id(),
            "queue", queueId(k % o.queues), "priority", 0)));
    r.companiesSeconds = (System.nanoTime() - t) / 1e9;
    out.printf("%d companies with their numbers in %.1f s%n", n, r.companiesSeconds);

    t = System.nanoTime();
    all("write profiles", n, o.setupConcurrency, k -> api.sendWithRetry("PUT",
        "/api/v1/companies/" + companies[k].id() + "/profile", DirectoryData.profile(companies[k], CALENDAR)));
    Instant now = Instant.now();
    List<DirectoryData.Company> withException = java.util.Arrays.stream(companies).filter(DirectoryData::hasException).toList();
    all("add exceptions", withException.size(), o.setupConcurrency, i -> api.sendWithRetry("PUT",
        "/api/v1/companies/" + withException.get(i).id() + "/exceptions/" + EXCEPTION_ID,
        DirectoryData.exception(withException.get(i), now)));
    r.exceptions = withException.size();
    r.profilesSeconds = (System.nanoTime() - t) / 1e9;
    out.printf("%d profiles, %d exceptions in %.1f s%n", n, r.exceptions, r.profilesSeconds);

    // staff: one CSV per company, at most two imports at once (the node parses on its blocking pool)
    List<String>[] redirected = redirectedIds(n);
    Histogram importMicros = new ConcurrentHistogram(3);
    AtomicLong bytes = new AtomicLong();
    AtomicLong imported = new AtomicLong();
    t = System.nanoTime();
    all("import staff", n, Math.min(IMPORTS_IN_FLIGHT, o.setupConcurrency), k -> {
      List<DirectoryData.Person> staff = DirectoryData.staff(companies[k], o.contacts);
      for (int j = 0; j < staff.size(); j++) if (DirectoryData.redirected(j)) redirected[k].add(staff.get(j).id());
      byte[] csv = DirectoryData.csv(staff);
      bytes.addAndGet(csv.length);
      long sent = System.nanoTime();
      return importApi.sendBytes("POST", "/api/v1/companies/" + companies[k].id() + "/contacts/import?filename=kontakter.csv",
          csv, "text/csv; charset=UTF-8").thenApply(resp -> {
            importMicros.recordValue((System.nanoTime() - sent) / 1000);
            if (resp.ok() && (!resp.body().path("imported").asBoolean() || resp.body().path("added").asLong() != o.contacts))
              return new ApiClient.Response(599, resp.body(), "imported " + resp.body().path("added") + " of " + o.contacts
                  + ": " + resp.raw());
            if (resp.ok()) imported.addAndGet(resp.body().path("added").asLong());
            return resp;
          });
    });
    r.importSeconds = (System.nanoTime() - t) / 1e9;
    r.contactsImported = imported.get();
    r.importFileBytes = bytes.get();
    r.importRequest = AnsweringReport.Dist.of(importMicros, 1000.0);
    out.printf("%d contacts imported in %.1f s (%.0f contacts/s); per request %s%n", r.contactsImported, r.importSeconds,
        r.contactsImported / r.importSeconds, r.importRequest.ms());

    List<String[]> redirects = new ArrayList<>();
    for (int k = 0; k < n; k++) for (String id : redirected[k]) redirects.add(new String[] {companies[k].id(), id});
    t = System.nanoTime();
    all("set redirects", redirects.size(), o.setupConcurrency, i -> api.sendWithRetry("PUT",
        "/api/v1/companies/" + redirects.get(i)[0] + "/contacts/" + redirects.get(i)[1] + "/redirect",
        DirectoryData.redirect(i, now)));
    r.redirects = redirects.size();
    r.redirectSeconds = (System.nanoTime() - t) / 1e9;
    out.printf("%d redirects in %.1f s%n", r.redirects, r.redirectSeconds);
    return companies;
  }

  @SuppressWarnings("unchecked")
  private static List<String>[] redirectedIds(int n) {
    List<String>[] lists = new List[n];
    for (int k = 0; k < n; k++) lists[k] = java.util.Collections.synchronizedList(new ArrayList<>());
    return lists;
  }

  private static List<Map<String, String>> hours() {
    return List.of(Map.of("from", "08:00", "to", "17:00"));
  }

  static String queueId(int q) {
    return "svar-" + (q + 1);
  }

  static String agentId(int a) {
    return "ans-agent-" + (a + 1);
  }

  /** How many of a company's {@code contacts} get a redirect. */
  static int redirectsPerCompany(int contacts) {
    int n = 0;
    for (int j = 0; j < contacts; j++) if (DirectoryData.redirected(j)) n++;
    return n;
  }

  private void created(String path, Object body) throws Exception {
    ApiClient.Response resp = api.sendWithRetry("POST", path, body).get(60, TimeUnit.SECONDS);
    if (!resp.ok()) throw new IllegalStateException("POST " + path + " answered " + resp.status() + ": " + resp.raw());
  }

  /**
   * {@code count} requests, at most {@code inFlight} at once, each to answer 2xx; prints progress
   * every 15 s; throws naming how many failed and the first failure.
   */
  private void all(String what, int count, int inFlight, IntFunction<CompletableFuture<ApiClient.Response>> request)
      throws Exception {
    Limiter limiter = new Limiter(inFlight);
    List<CompletableFuture<ApiClient.Response>> replies = new ArrayList<>(count);
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < count; i++) {
      int k = i;
      replies.add(limiter.submit(() -> request.apply(k)).whenComplete((x, e) -> done.incrementAndGet()));
    }
    long t0 = System.nanoTime();
    long lastSaid = t0;
    CompletableFuture<Void> every = CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new));
    while (true) {
      try {
        every.get(1, TimeUnit.SECONDS);
        break;
      } catch (TimeoutException stillRunning) {
        if (!node.isAlive()) throw new IllegalStateException("the node died while trying to " + what + "; its log ends with:"
            + System.lineSeparator() + node.tail(30));
        if (System.nanoTime() - lastSaid > TimeUnit.SECONDS.toNanos(15)) {
          lastSaid = System.nanoTime();
          out.printf("  %s: %d of %d after %.0f s%n", what, done.get(), count, (lastSaid - t0) / 1e9);
        }
      } catch (ExecutionException failedOne) {
        break; // counted below
      }
    }
    ApiClient.awaitAll(replies, what);
  }

  // ---------------------------------------------------------------- agents

  /** Agents in every queue, a user with the role agent each, signed in, on the WebSocket, READY. */
  private void openDesktops() throws Exception {
    List<Map<String, Object>> groups = new ArrayList<>();
    for (int q = 0; q < o.queues; q++) groups.add(Map.of("queue", queueId(q), "level", 1));
    all("create agents", o.agents, o.setupConcurrency, a -> api.sendWithRetry("POST", "/api/v1/agents",
        Map.of("id", agentId(a), "name", "Svarare " + (a + 1), "answerGroups", groups, "capacity", Map.of("VOICE", 1))));
    all("create agent users", o.agents, 4, a -> api.sendWithRetry("POST", "/api/v1/users",
        Map.of("username", agentId(a), "name", "Svarare " + (a + 1), "password", AGENT_PASSWORD, "roles", List.of("agent"),
            "answeringPoints", List.of(ANSWERING_POINT), "agentId", agentId(a))));
    socketThreads = Executors.newFixedThreadPool(4, daemon("agent-ws"));
    frameThreads = Executors.newFixedThreadPool(2, daemon("agent-frames"));
    HttpClient ws = HttpClient.newBuilder().executor(socketThreads).connectTimeout(Duration.ofSeconds(10)).build();
    URI uri = URI.create("ws://127.0.0.1:" + node.httpPort() + "/api/v1/agent/ws");
    AgentDesktop.Sink sink = new Desktops();
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    ExecutorService signIn = Executors.newFixedThreadPool(4, daemon("agent-sign-in"));
    try {
      List<CompletableFuture<String>> tokens = new ArrayList<>();
      for (int a = 0; a < o.agents; a++) {
        String id = agentId(a);
        tokens.add(CompletableFuture.supplyAsync(() -> {
          try {
            return api.openSession(id, AGENT_PASSWORD, 5);
          } catch (IOException e) {
            throw new CompletionException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
          }
        }, signIn));
      }
      for (int a = 0; a < o.agents; a++) {
        AgentDesktop d = new AgentDesktop(agentId(a), json, sink, frameThreads, timer, o.talkMs);
        desktops.add(d);
        ready.add(d.open(ws, uri, tokens.get(a).get(60, TimeUnit.SECONDS)));
      }
      CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      signIn.shutdownNow();
    }
  }

  /** The desktops' frames: offers, screen pops (timed and checked), call ends, problems. */
  private final class Desktops implements AgentDesktop.Sink {
    @Override
    public void offer(AgentDesktop d, JsonNode f, long nanos) {
      JsonNode contact = f.path("contact");
      CallTrack t = calls.get(contact.path("callId").asText());
      if (t == null) {
        error("offer to " + d.agentId + " for a call the runner did not place: " + contact.path("callId").asText());
        return;
      }
      if (t.offerNanos != 0) {
        error("call " + t.callId + " offered a second time (to " + d.agentId + ")");
        return;
      }
      t.offerId = contact.path("offerId").asText();
      t.offerNanos = nanos;
      byOffer.put(t.offerId, t);
      offers.increment();
      if (!t.company.id().equals(contact.path("company").asText()))
        mismatch(t, "offer names company " + contact.path("company").asText() + ", not " + t.company.id());
      if (t.measured && t.postNanos != 0) postToOfferMicros.recordValue(Math.max(0, (nanos - t.postNanos) / 1000));
    }

    @Override
    public void screenPop(AgentDesktop d, JsonNode f, int bytes, long firstNanos, long nanos) {
      CallTrack t = byOffer.get(f.path("offerId").asText());
      if (t == null) {
        error("screen pop to " + d.agentId + " for an offer it was not shown: " + f.path("offerId").asText());
        return;
      }
      if (t.popNanos != 0) {
        error("a second screen pop for call " + t.callId);
        return;
      }
      t.popNanos = nanos;
      pops.increment();
      String wrong = check(t, f);
      if (wrong != null) mismatch(t, wrong);
      if (!t.measured) return;
      long micros = Math.max(0, (nanos - t.offerNanos) / 1000);
      popMicros.recordValue(micros);
      (t.firstToCompany ? popFirstMicros : popRepeatMicros).recordValue(micros);
      popBytes.recordValue(bytes);
      popReceiveMicros.recordValue(Math.max(0, (nanos - firstNanos) / 1000));
      if (f.path("assembledMicros").canConvertToLong()) {
        long assembled = Math.max(0, f.path("assembledMicros").asLong());
        assembledMicros.recordValue(assembled);
        (t.firstToCompany ? assembledFirstMicros : assembledRepeatMicros).recordValue(assembled);
      }
    }

    @Override
    public void ended(AgentDesktop d, String callId) {
      CallTrack t = calls.get(callId);
      if (t != null && !t.ended) {
        t.ended = true;
        ended.increment();
      }
    }

    @Override
    public void problem(AgentDesktop d, String what) {
      problems.increment();
      error(d.agentId + ": " + what);
    }
  }

  /** What is wrong with a screen pop for this call, or null: company, caller, greeting, staff, instruction. */
  private String check(CallTrack t, JsonNode f) {
    DirectoryData.Company c = t.company;
    List<String> wrong = new ArrayList<>();
    if (!t.callId.equals(f.path("callId").asText())) wrong.add("callId " + f.path("callId").asText());
    if (!c.id().equals(f.path("company").asText())) wrong.add("company " + f.path("company").asText());
    if (!c.name().equals(f.path("companyName").asText())) wrong.add("companyName '" + f.path("companyName").asText() + "'");
    if (!t.caller.equals(f.path("callerNumber").asText())) wrong.add("callerNumber " + f.path("callerNumber").asText());
    if (!c.number().equals(f.path("dialledNumber").asText())) wrong.add("dialledNumber " + f.path("dialledNumber").asText());
    String greeting = c.greetingFor(t.caller);
    if (!greeting.equals(f.path("greeting").asText())) wrong.add("greeting '" + f.path("greeting").asText() + "', expected '" + greeting + "'");
    if (f.path("staffTotal").asLong(-1) != o.contacts) wrong.add("staffTotal " + f.path("staffTotal"));
    JsonNode staff = f.path("staff");
    if (staff.size() != Math.min(o.contacts, MAX_STAFF)) wrong.add("staff lists " + staff.size());
    int redirects = 0;
    for (JsonNode s : staff) if (s.hasNonNull("redirect")) redirects++;
    if (redirects != redirectsPerCompany(o.contacts)) wrong.add(redirects + " staff with a redirect, expected " + redirectsPerCompany(o.contacts));
    String exception = f.at("/instruction/exceptionId").asText(null);
    String expected = DirectoryData.hasException(c) ? EXCEPTION_ID : null;
    if (!java.util.Objects.equals(exception, expected)) wrong.add("instruction.exceptionId " + exception);
    if (!f.path("assembledMicros").canConvertToLong()) wrong.add("no assembledMicros");
    return wrong.isEmpty() ? null : String.join(", ", wrong);
  }

  private void mismatch(CallTrack t, String what) {
    mismatches.increment();
    error("call " + t.callId + " to " + t.company.id() + ": " + what);
  }

  private void error(String sample) {
    errors.incrementAndGet();
    if (errorSamples.size() < 20) errorSamples.add(sample.length() > 300 ? sample.substring(0, 300) + "..." : sample);
  }

  // ---------------------------------------------------------------- calls

  /** Test calls at --rate for --warmup + --duration s (open model), then the drain and the figures. */
  private void callAndMeasure(AnsweringReport r, DirectoryData.Company[] companies) throws Exception {
    Random random = new Random(o.seed);
    long warm = (long) o.rate * o.warmupSeconds;
    long total = warm + (long) o.rate * o.durationSeconds;
    Set<Integer> called = new java.util.HashSet<>();
    Semaphore inFlight = new Semaphore(CALLS_IN_FLIGHT);
    LongAdder notSent = new LongAdder();
    LongAdder posted = new LongAdder();
    LongAdder postFailed = new LongAdder();
    long selfPid = ProcessHandle.current().pid();
    long nodeCpu0 = -1;
    long selfCpu0 = -1;
    long window0 = 0;
    long[] machine0 = null;
    HeapRecording recording = null;
    long maxLag = 0;
    out.printf("calling: %d/s for %d s warm-up + %d s measured, %d companies, %d agents ...%n", o.rate, o.warmupSeconds,
        o.durationSeconds, companies.length, o.agents);
    // Started before the first call: jcmd takes a good part of a second, which inside the loop
    // held back the next calls and sent them in a burst (and JFR's start pauses the node).
    if (!"false".equals(System.getProperty("loadtest.callsRecording"))) {
      try {
        recording = HeapRecording.start(node, tmp, "calls");
      } catch (IOException e) {
        out.println("no GC figures for the calls: " + e.getMessage());
      }
    }
    long t0 = System.nanoTime();
    long i = 0;
    for (; i < total; i++) {
      long due = t0 + Math.round(i * 1e9 / o.rate);
      long now;
      while ((now = System.nanoTime()) < due) LockSupport.parkNanos(due - now);
      maxLag = Math.max(maxLag, now - due);
      if (i == warm) {
        window0 = System.nanoTime();
        nodeCpu0 = NodeProcess.cpuNanos(node.pid());
        selfCpu0 = NodeProcess.cpuNanos(selfPid);
        machine0 = SipBenchmark.machineCpu();
      }
      int k = random.nextInt(companies.length);
      String caller = String.format("+4673%07d", random.nextInt(10_000_000));
      CallTrack t = new CallTrack("pop-" + (i + 1), companies[k], caller, i >= warm, called.add(k));
      calls.put(t.callId, t);
      if (!inFlight.tryAcquire()) {
        notSent.increment();
        error("call " + t.callId + " not sent: " + CALLS_IN_FLIGHT + " POSTs outstanding");
        continue;
      }
      t.postNanos = System.nanoTime();
      callsApi.send("POST", "/api/v1/test-calls", Map.of("callId", t.callId, "dialledNumber", t.company.number(),
          "callerNumber", caller)).whenComplete((resp, e) -> {
            inFlight.release();
            if (t.measured) postMicros.recordValue(Math.max(0, (System.nanoTime() - t.postNanos) / 1000));
            t.postStatus = e != null ? -1 : resp.status();
            if (resp != null && resp.status() == 201) {
              posted.increment();
            } else {
              postFailed.increment();
              error("POST test-call " + t.callId + ": " + (e != null ? rootCause(e) : resp.status() + " " + resp.error()));
            }
          });
      if (!node.isAlive()) {
        error("the node died while calls were placed");
        break;
      }
    }
    long window1 = System.nanoTime();
    long[] machine1 = SipBenchmark.machineCpu();
    if (recording != null) {
      try {
        HeapRecording.Result gc = recording.stop();
        r.callsGcs = gc.gcs();
        r.callsGcPauseTotalMs = gc.pauseTotalMs();
        r.callsGcPauseMaxMs = gc.pauseMaxMs();
        r.callsAllocatedBytes = gc.allocatedBytes();
      } catch (IOException e) {
        out.println("no GC figures for the calls: " + e.getMessage());
      }
    }
    long nodeCpu1 = NodeProcess.cpuNanos(node.pid());
    long selfCpu1 = NodeProcess.cpuNanos(selfPid);
    double seconds = (window1 - window0) / 1e9;
    if (nodeCpu0 >= 0 && nodeCpu1 >= 0 && seconds > 0) r.nodeCpuCores = (nodeCpu1 - nodeCpu0) / 1e9 / seconds;
    if (selfCpu0 >= 0 && selfCpu1 >= 0 && seconds > 0) r.runnerCpuCores = (selfCpu1 - selfCpu0) / 1e9 / seconds;
    if (machine0 != null && machine1 != null && machine1[1] > machine0[1])
      // busy share of all CPUs over the window, in cores
      r.machineCpuCores = (double) (machine1[0] - machine0[0]) / (machine1[1] - machine0[1])
          * Runtime.getRuntime().availableProcessors();

    // drain: every call answered by the POST is popped and ended, or --drain seconds
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.drainSeconds);
    while (System.nanoTime() < deadline && node.isAlive()) {
      boolean open = inFlight.availablePermits() < CALLS_IN_FLIGHT
          || calls.values().stream().anyMatch(t -> t.postStatus == 201 && (t.popNanos == 0 || !t.ended));
      if (!open) break;
      Thread.sleep(200);
    }
    long missingOffers = 0;
    long missingPops = 0;
    long notEnded = 0;
    for (CallTrack t : calls.values()) {
      if (t.postStatus != 201) continue;
      if (t.offerNanos == 0) {
        missingOffers++;
        error("call " + t.callId + " to " + t.company.id() + ": no offer within the drain");
      } else if (t.popNanos == 0) {
        missingPops++;
        error("call " + t.callId + " to " + t.company.id() + ": offer " + t.offerId + " got no screen pop");
      } else if (!t.ended) {
        notEnded++;
        error("call " + t.callId + ": the agent's end was not confirmed");
      }
    }
    r.scheduled = i;
    r.notSent = notSent.sum();
    r.posted = posted.sum();
    r.postFailed = postFailed.sum();
    r.measuredCalls = calls.values().stream().filter(t -> t.measured).count();
    r.offers = offers.sum();
    r.pops = pops.sum();
    r.callsEnded = ended.sum();
    r.missingOffers = missingOffers;
    r.missingPops = missingPops;
    r.mismatches = mismatches.sum();
    r.problems = problems.sum() + notEnded;
    r.scheduleLagMaxMs = maxLag / 1e6;
    r.popLatency = AnsweringReport.Dist.of(popMicros, 1000.0);
    r.popLatencyFirst = AnsweringReport.Dist.of(popFirstMicros, 1000.0);
    r.popLatencyRepeat = AnsweringReport.Dist.of(popRepeatMicros, 1000.0);
    r.assembled = AnsweringReport.Dist.of(assembledMicros, 1000.0);
    r.assembledFirst = AnsweringReport.Dist.of(assembledFirstMicros, 1000.0);
    r.assembledRepeat = AnsweringReport.Dist.of(assembledRepeatMicros, 1000.0);
    r.popBytes = AnsweringReport.Dist.of(popBytes, 1.0);
    r.popReceive = AnsweringReport.Dist.of(popReceiveMicros, 1000.0);
    r.postToOffer = AnsweringReport.Dist.of(postToOfferMicros, 1000.0);
    r.postRoundTrip = AnsweringReport.Dist.of(postMicros, 1000.0);
    out.printf("calls done: %d placed, %d offers, %d screen pops, offer->pop %s%n", r.posted, r.offers, r.pops,
        r.popLatency.ms());
  }

  // ---------------------------------------------------------------- the import

  /** The --import-rows .xlsx into --import-runs fresh companies: preview, then commit; time and memory of each. */
  private void imports(AnsweringReport r) throws Exception {
    DirectoryData.Company source = DirectoryData.company(o.companies + 1);
    byte[] xlsx = DirectoryData.xlsx(DirectoryData.staff(source, o.importRows));
    out.printf("import: %d rows, %d bytes of .xlsx, %d run(s)%n", o.importRows, xlsx.length, o.importRuns);
    for (int run = 1; run <= o.importRuns; run++) {
      String company = "import-" + run;
      created("/api/v1/companies", Map.of("id", company, "name", source.name() + " " + run, "answeringPoint", ANSWERING_POINT));
      String path = "/api/v1/companies/" + company + "/contacts/import?filename=kontakter.xlsx";
      long heapBefore = node.heapUsedAfterFullGc();
      long rssBefore = node.residentBytes();
      boolean reset = node.resetPeakResident();
      HeapRecording recording = null;
      String recordingError = null;
      try {
        recording = HeapRecording.start(node, tmp, "import-" + run);
      } catch (IOException e) {
        recordingError = "no allocation figures: " + e.getMessage();
      }
      long t = System.nanoTime();
      ApiClient.Response preview = importApi.sendBytes("POST", path + "&preview=true", xlsx, XLSX).get(300, TimeUnit.SECONDS);
      double previewMs = (System.nanoTime() - t) / 1e6;
      t = System.nanoTime();
      ApiClient.Response commit = importApi.sendBytes("POST", path, xlsx, XLSX).get(300, TimeUnit.SECONDS);
      double commitMs = (System.nanoTime() - t) / 1e6;
      HeapRecording.Result heap = HeapRecording.Result.NONE;
      if (recording != null) {
        try {
          heap = recording.stop();
        } catch (IOException e) {
          recordingError = "no allocation figures: " + e.getMessage();
        }
      }
      long peak = node.peakResidentBytes();
      long heapAfter = node.heapUsedAfterFullGc();
      String wrong = null;
      JsonNode p = preview.body();
      if (preview.status() != 200 || p.path("rowsRead").asLong() != o.importRows || p.path("valid").asLong() != o.importRows
          || p.path("errorCount").asLong() != 0)
        wrong = "preview answered " + preview.status() + ": " + abbreviate(preview.raw());
      else if (commit.status() != 200 || !commit.body().path("imported").asBoolean()
          || commit.body().path("added").asLong() != o.importRows)
        wrong = "commit answered " + commit.status() + ": " + abbreviate(commit.raw());
      if (wrong != null) error("import " + run + ": " + wrong);
      if (recordingError != null) out.println("import " + run + ": " + recordingError);
      AnsweringReport.ImportRun i = new AnsweringReport.ImportRun(run, o.importRows, xlsx.length, preview.status(), previewMs,
          commit.status(), commitMs, commit.body().path("added").asLong(), heapBefore, heapAfter, rssBefore, peak, reset,
          heap.allocatedBytes(), heap.threads(), heap.gcs(), heap.pauseTotalMs(), heap.pauseMaxMs(), heap.heapPeakAtGc(),
          heap.top(), wrong);
      r.imports.add(i);
      out.printf("import %d: preview %.0f ms, commit %.0f ms, allocated %s, heap after GC %s -> %s%n", run, previewMs, commitMs,
          AnsweringReport.mb(i.allocatedBytes()), AnsweringReport.mb(heapBefore), AnsweringReport.mb(heapAfter));
    }
  }

  // ---------------------------------------------------------------- the read side

  /** Events the read side's projections have not yet folded in (GET /statistics/status), by projection; null if unread. */
  private Map<String, Long> readSideBehind() {
    try {
      ApiClient.Response s = api.send("GET", "/api/v1/statistics/status", null).get(10, TimeUnit.SECONDS);
      if (!s.ok()) return null;
      Map<String, Long> behind = new java.util.TreeMap<>();
      for (JsonNode p : s.body().path("projections")) {
        long pending = p.path("pendingEvents").asLong();
        if (pending > 0) behind.merge(p.path("projection").asText("?"), pending, Long::sum);
      }
      return behind;
    } catch (Exception e) {
      return null;
    }
  }

  private static String behind(Map<String, Long> m) {
    if (m == null) return "not read";
    long all = m.values().stream().mapToLong(Long::longValue).sum();
    return all == 0 ? "0 events" : all + " events " + m;
  }

  /**
   * From the end of the setup: polls the read side each second until the projections that were
   * behind then (the contact directory, say) have every event, or the run ends. The call
   * statistics, always a few events behind while calls go on, do not count unless they were behind.
   */
  private final class ReadSideWatch extends Thread {
    private final long start = System.nanoTime();
    private volatile double completeAfter = Double.NaN;
    private volatile boolean running = true;

    ReadSideWatch() {
      super("read-side-watch");
      setDaemon(true);
    }

    @Override
    public void run() {
      Set<String> behind = null;
      while (running) {
        Map<String, Long> m = readSideBehind();
        if (m != null) {
          if (behind == null) behind = Set.copyOf(m.keySet());
          if (behind.stream().noneMatch(m::containsKey)) {
            completeAfter = (System.nanoTime() - start) / 1e9;
            return;
          }
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    double finish() {
      running = false;
      interrupt();
      return completeAfter;
    }
  }

  // ---------------------------------------------------------------- clean-up and helpers

  private void cleanUp() {
    if (!cleanedUp.compareAndSet(false, true)) return;
    for (AgentDesktop d : desktops) d.close();
    if (node != null) node.close();
    for (ApiClient c : new ApiClient[] {api, importApi, callsApi}) if (c != null) c.close();
    for (ExecutorService e : new ExecutorService[] {timer, frameThreads, socketThreads}) if (e != null) e.shutdownNow();
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException | RuntimeException e) {
        System.err.println("could not stop PostgreSQL: " + e);
      }
    }
    if (tmp == null) return;
    if (o.keep || failed) out.println("kept " + tmp + (o.keep ? "" : " (the run failed or had errors)"));
    else NodeProcess.deleteTree(tmp);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread t = new Thread(task, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static String abbreviate(String s) {
    return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }

  private static Throwable rootCause(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
    return e;
  }
}
