package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JSON over HTTP/1.1 to the engine API v0 of one node on loopback; one connection pool per client.
 * The engine API needs the {@code admin} role: {@link #logIn} opens a session through
 * {@code POST /api/v1/session} and every request after it carries {@code Authorization: Bearer}.
 */
final class ApiClient implements AutoCloseable {

  record Response(int status, JsonNode body, String raw) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The API's error text, or the raw body. */
    String error() {
      return body.hasNonNull("error") ? body.get("error").asText() : raw;
    }
  }

  private final String origin;
  private final String base;
  private final ObjectMapper json;
  private final ExecutorService executor;
  private final HttpClient http;
  private final Duration timeout;
  private volatile String token;

  ApiClient(int port, ObjectMapper json, String name, int threads, Duration timeout) {
    this.origin = "http://127.0.0.1:" + port;
    this.base = origin + "/api/v0";
    this.json = json;
    this.timeout = timeout;
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .executor(executor)
        .build();
  }

  HttpClient http() {
    return http;
  }

  /** A path of the engine API v0, or (starting with /api/) any path of the node's API. */
  URI uri(String path) {
    return URI.create((path.startsWith("/api/") ? origin : base) + path);
  }

  /**
   * Opens a session: {@code POST /api/v1/session} with the user's name and password; the token it
   * answers is sent as {@code Authorization: Bearer} on every later request. A 503 or no answer is
   * tried again (up to {@code attempts} times, a second apart); a 401 is not, since failed logins
   * lock the account. A 404 (a node without sessions) leaves the client without a token. Throws
   * naming the status and the server's error otherwise.
   */
  void logIn(String username, String password, int attempts) throws IOException, InterruptedException {
    String t = openSession(username, password, attempts);
    if (t != null) token = t;
  }

  /**
   * {@code POST /api/v1/session} as {@link #logIn} does it, without keeping the token: the token,
   * or null when the node has no sessions (404).
   */
  String openSession(String username, String password, int attempts) throws IOException, InterruptedException {
    Map<String, String> credentials = Map.of("username", username, "password", password);
    String last = "no attempt";
    for (int i = 1; i <= attempts; i++) {
      HttpRequest req = HttpRequest.newBuilder(URI.create(origin + "/api/v1/session"))
          .timeout(timeout)
          .header("Accept", "application/json")
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(credentials)))
          .build();
      try {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        Response resp = new Response(r.statusCode(), parse(r.body()), r.body());
        if (resp.status() == 200 && resp.body().path("token").isTextual() && !resp.body().path("token").asText().isEmpty())
          return resp.body().path("token").asText();
        if (resp.status() == 404) return null; // a node from before sessions: the engine API is open there
        last = resp.status() + " " + resp.error();
        if (resp.status() != 503) break;
      } catch (IOException e) {
        last = String.valueOf(e);
      }
      if (i < attempts) Thread.sleep(1000);
    }
    throw new IOException("could not log in as '" + username + "' (POST /api/v1/session: " + last + ")");
  }

  /** The bearer token of {@link #logIn}, to share one session between clients; null before. */
  String token() {
    return token;
  }

  void useToken(String token) {
    this.token = token;
  }

  /** Adds {@code Authorization: Bearer <token>} once logged in. */
  HttpRequest.Builder authorize(HttpRequest.Builder b) {
    String t = token;
    return t == null ? b : b.header("Authorization", "Bearer " + t);
  }

  CompletableFuture<Response> send(String method, String path, Object body) {
    HttpRequest.Builder b = authorize(HttpRequest.newBuilder(uri(path)).timeout(timeout).header("Accept", "application/json"));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      try {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Response(r.statusCode(), parse(r.body()), r.body()));
  }

  /** A request whose body is {@code bytes} of {@code contentType} (a file upload), answered with JSON. */
  CompletableFuture<Response> sendBytes(String method, String path, byte[] bytes, String contentType) {
    HttpRequest req = authorize(HttpRequest.newBuilder(uri(path)).timeout(timeout).header("Accept", "application/json"))
        .header("Content-Type", contentType)
        .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Response(r.statusCode(), parse(r.body()), r.body()));
  }

  /** A request tried again on 503 (the engine did not answer in time), up to 5 times, waiting longer each time. */
  CompletableFuture<Response> sendWithRetry(String method, String path, Object body) {
    return attempt(method, path, body, 1);
  }

  private CompletableFuture<Response> attempt(String method, String path, Object body, int n) {
    return send(method, path, body).thenCompose(r -> {
      if (r.status() != 503 || n >= 5) return CompletableFuture.completedFuture(r);
      return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(n * 500L, TimeUnit.MILLISECONDS))
          .thenCompose(x -> attempt(method, path, body, n + 1));
    });
  }

  Response call(String method, String path, Object body) throws IOException, InterruptedException {
    try {
      return send(method, path, body).get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) throw io;
      throw new IOException(method + " " + path + " failed: " + c, c);
    }
  }

  private JsonNode parse(String raw) {
    if (raw == null || raw.isBlank()) return MissingNode.getInstance();
    try {
      return json.readTree(raw);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** Waits for every reply; throws naming how many failed and the first failure. */
  static void awaitAll(List<CompletableFuture<ApiClient.Response>> replies, String what) throws Exception {
    int failures = 0;
    String first = null;
    for (CompletableFuture<ApiClient.Response> f : replies) {
      try {
        ApiClient.Response r = f.get(120, TimeUnit.SECONDS);
        if (!r.ok()) {
          failures++;
          if (first == null) first = r.status() + " " + r.raw();
        }
      } catch (ExecutionException e) {
        failures++;
        if (first == null) first = String.valueOf(e.getCause());
      }
    }
    if (failures > 0) throw new IllegalStateException("could not " + what + ": " + failures + " requests failed, first: " + first);
  }
}
