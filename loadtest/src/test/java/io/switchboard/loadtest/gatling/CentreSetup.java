package io.switchboard.loadtest.gatling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The centre the simulation needs, made through the public REST API v1 with plain
 * {@code java.net.http} before any virtual user starts: an admin session, the answering point and
 * company (when missing), the queue, its dialled number, the agents, their users and the wallboard
 * viewers' users. Everything is created with {@code POST}; a 409 (already there) counts as done, so
 * a rerun against the same node works. Anything else stops the run with the server's answer.
 */
final class CentreSetup {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoadSettings s;
  private final PrintStream out;
  private final ExecutorService executor;
  private final HttpClient http;
  private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  private String token;

  CentreSetup(LoadSettings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "centre-setup-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .executor(executor)
        .build();
  }

  /** The admin's bearer token; creates what is missing. */
  String run() throws Exception {
    try {
      long start = System.nanoTime();
      token = logIn(s.adminUser, s.adminPassword);
      out.println("setup: logged in as " + s.adminUser + " at " + s.baseUrl);
      if (!s.setup) {
        out.println("setup: skipped (-Dsetup=false)");
        return token;
      }
      createOne("/answering-points", map("id", s.answeringPoint, "name", "Load test answering point"));
      createOne("/companies", map("id", s.company, "name", "Load test company", "answeringPoint", s.answeringPoint));
      createOne("/queues", map("id", s.queue, "answeringPoint", s.answeringPoint, "name", "Load queue",
          "offerTimeout", "PT20S", "pauseOnMissedOffer", false));
      createOne("/number-plan", map("dialledNumber", s.dialledNumber, "answeringPoint", s.answeringPoint,
          "company", s.company, "queue", s.queue, "priority", 0));

      List<Map<String, Object>> agents = new ArrayList<>();
      List<Map<String, Object>> users = new ArrayList<>();
      for (int i = 1; i <= s.agents; i++) {
        String id = s.agentId(i);
        agents.add(map("id", id, "name", "Load agent " + i,
            "answerGroups", List.of(map("queue", s.queue, "level", 1)), "capacity", map("VOICE", 1)));
        users.add(map("username", id, "name", "Load agent " + i, "password", s.agentPassword,
            "roles", List.of("agent"), "answeringPoints", List.of(), "agentId", id));
      }
      for (int v = 1; v <= s.viewers; v++) {
        users.add(map("username", s.viewerUser(v), "name", "Load wallboard viewer " + v, "password", s.viewerPassword,
            "roles", List.of("supervisor"), "answeringPoints", List.of()));
      }
      createMany("/agents", agents);
      createMany("/users", users);
      out.printf("setup: %d agents, %d users in %.1f s (answers by status: %s)%n", s.agents, users.size(),
          (System.nanoTime() - start) / 1e9, statuses);
      return token;
    } finally {
      executor.shutdownNow();
    }
  }

  private String logIn(String user, String password) throws Exception {
    String last = "no answer";
    for (int attempt = 1; attempt <= 30; attempt++) {
      try {
        HttpResponse<String> r = http.send(request("POST", "/session", map("username", user, "password", password), null),
            HttpResponse.BodyHandlers.ofString());
        JsonNode body = parse(r.body());
        if (r.statusCode() == 200 && body.path("token").isTextual()) return body.path("token").asText();
        last = r.statusCode() + " " + r.body();
        // a wrong password is not tried again: failed logins lock the account
        if (r.statusCode() != 503) break;
      } catch (IOException e) {
        last = String.valueOf(e);
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException("setup: cannot log in as " + user + " at " + s.baseUrl + ": " + last);
  }

  private void createOne(String path, Map<String, Object> body) throws Exception {
    HttpResponse<String> r = send("POST", path, body).get(60, TimeUnit.SECONDS);
    if (r.statusCode() != 201 && r.statusCode() != 409)
      throw new IllegalStateException("setup: POST /api/v1" + path + " " + body + " answered " + r.statusCode() + ": " + r.body());
  }

  /** POSTs every body, {@code setupConcurrency} at a time; 201 and 409 are fine, a 503 is tried again. */
  private void createMany(String path, List<Map<String, Object>> bodies) throws Exception {
    Semaphore permits = new Semaphore(s.setupConcurrency);
    List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
    for (Map<String, Object> body : bodies) {
      permits.acquire();
      CompletableFuture<HttpResponse<String>> f = sendWithRetry("POST", path, body, 1);
      f.whenComplete((r, e) -> permits.release());
      replies.add(f);
    }
    int failed = 0;
    String first = null;
    for (int i = 0; i < replies.size(); i++) {
      HttpResponse<String> r;
      try {
        r = replies.get(i).get(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        failed++;
        if (first == null) first = bodies.get(i) + ": " + e;
        continue;
      }
      if (r.statusCode() != 201 && r.statusCode() != 409) {
        failed++;
        if (first == null) first = withoutPassword(bodies.get(i)) + " answered " + r.statusCode() + ": " + r.body();
      }
    }
    if (failed > 0)
      throw new IllegalStateException("setup: " + failed + " of " + bodies.size() + " POST /api/v1" + path + " failed; first: " + first);
  }

  private CompletableFuture<HttpResponse<String>> sendWithRetry(String method, String path, Object body, int attempt) {
    return send(method, path, body).thenCompose(r -> {
      if (r.statusCode() != 503 || attempt >= 5) return CompletableFuture.completedFuture(r);
      return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(attempt * 500L, TimeUnit.MILLISECONDS))
          .thenCompose(x -> sendWithRetry(method, path, body, attempt + 1));
    });
  }

  private CompletableFuture<HttpResponse<String>> send(String method, String path, Object body) {
    HttpRequest req;
    try {
      req = request(method, path, body, token);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      statuses.computeIfAbsent(r.statusCode(), k -> new LongAdder()).increment();
      return r;
    });
  }

  private HttpRequest request(String method, String path, Object body, String bearer) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.baseUrl + "/api/v1" + path))
        .timeout(Duration.ofSeconds(30))
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    if (bearer != null) b.header("Authorization", "Bearer " + bearer);
    return b.build();
  }

  private static JsonNode parse(String raw) {
    try {
      return JSON.readTree(raw == null || raw.isBlank() ? "{}" : raw);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static Map<String, Object> withoutPassword(Map<String, Object> body) {
    Map<String, Object> copy = new LinkedHashMap<>(body);
    copy.computeIfPresent("password", (k, v) -> "***");
    return copy;
  }

  /** An insertion-ordered map from alternating keys and values. */
  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }
}
