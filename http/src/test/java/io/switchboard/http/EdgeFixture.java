package io.switchboard.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.persistence.statistics.ReadSide;
import io.switchboard.persistence.statistics.StatisticsProjections;
import io.switchboard.persistence.testkit.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.testkit.EngineHarness;
import io.switchboard.core.user.LoginSession;
import io.switchboard.core.user.Role;
import io.switchboard.core.user.User;
import io.switchboard.core.user.Users;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * One node's HTTP edge for tests: a one-node engine (in-memory journal), the user and session
 * entities, {@link Edge} bound on 127.0.0.1 port 0, and small HTTP and WebSocket clients.
 */
public final class EdgeFixture implements AutoCloseable {

  /** A browser origin the test config allows besides the node's own. */
  public static final String ALLOWED_ORIGIN = "https://desk.example.com";
  public static final String EVIL_ORIGIN = "http://evil.example";
  public static final Duration WAIT = Duration.ofSeconds(5);

  public final EngineHarness h;
  public final ActorSystem<?> system;
  public final Edge edge;
  public final ServerBinding binding;
  public final int port;
  public final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  public final ObjectMapper json = JsonMapper.create();
  private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

  public static Config config() {
    return config("");
  }

  /** The test config, with {@code overrides} (HOCON) on top. */
  public static Config config(String overrides) {
    return edgeSettings(overrides).withFallback(EngineHarness.inMemoryConfig());
  }

  /** What the edge tests set, on top of nothing: the journal is chosen by the caller. */
  private static Config edgeSettings(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.parseString("""
            # The harness checks every message through serialization; the edge's own actors
            # (sockets, feeds, wallboard hub) only ever talk within the node.
            pekko.actor.no-serialization-verification-needed-class-prefix = ["org.apache.pekko.", "io.switchboard.http."]
            switchboard.http.ask-timeout = 5s
            switchboard.http.allowed-origins = ["https://desk.example.com"]
            switchboard.auth {
              session-ttl = 12h
              max-failed-logins = 5
              failure-window = 15m
              lockout = 15m
              bcrypt-cost = 4
              secure-cookie = off
              bootstrap-admin-password = ""
            }
            """));
  }

  public final ReadSide readSide;

  private EdgeFixture(String name, String overrides, boolean statistics) throws Exception {
    Config config = statistics ? statisticsConfig(name, overrides) : config(overrides);
    h = EngineHarness.start(name, config);
    system = h.kit.system();
    Users.init(system, Clock.systemUTC(), 100);
    LoginSession.init(system, Clock.systemUTC());
    if (statistics) {
      readSide = ReadSide.open(config);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      StatisticsProjections projections = StatisticsProjections.start(system, readSide,
          h.engine.context().settings().timeZone(), Clock.systemUTC(), h.engine.context().settings().tagSlices(),
          registry);
      edge = new Edge(system, h.engine, config, Clock.systemUTC(), projections, registry);
    } else {
      readSide = null;
      edge = new Edge(system, h.engine, config, Clock.systemUTC());
    }
    binding = Http.get(system).newServerAt("127.0.0.1", 0).bind(edge.routes())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = binding.localAddress().getPort();
  }

  public static EdgeFixture start(String name) {
    return start(name, "");
  }

  /** The test config on a real H2 database (journal and statistics read side) in a temp folder. */
  private static Config statisticsConfig(String name, String overrides) throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("switchboard-edge");
    return TestDatabases.engineOn(TestDatabases.h2(dir, name),
        edgeSettings(overrides).withFallback(EngineHarness.baseConfig()));
  }

  /** An edge whose node runs the statistics projections on H2, as a real node does. */
  public static EdgeFixture startWithStatistics(String name) {
    return startWithStatistics(name, "");
  }

  public static EdgeFixture startWithStatistics(String name, String overrides) {
    try {
      return new EdgeFixture(name, overrides, true);
    } catch (Exception e) {
      throw new IllegalStateException("the edge did not start", e);
    }
  }

  public static EdgeFixture start(String name, String overrides) {
    try {
      return new EdgeFixture(name, overrides, false);
    } catch (Exception e) {
      throw new IllegalStateException("the edge did not start", e);
    }
  }

  @Override
  public void close() {
    for (Socket s : List.copyOf(sockets)) s.abort();
    try {
      binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // shutting down anyway
    }
    h.close();
    if (readSide != null) readSide.close();
  }

  public String origin() {
    return "http://127.0.0.1:" + port;
  }

  // ---------------------------------------------------------------- users and sessions

  /** Creates a user directly in the Users entity (roles as "admin", "supervisor", "agent"). */
  public void createUser(String username, String password, String roles, String answeringPoints, String agentId) {
    createUser(username, password, roles, answeringPoints, null, agentId);
  }

  /** As above, with the companies a client user (customer portal) is limited to. */
  public void createUser(String username, String password, String roles, String answeringPoints, String companies,
      String agentId) {
    Set<Role> rs = Arrays.stream(roles.split(",")).map(String::strip).map(Role::parse).collect(Collectors.toSet());
    Set<AnsweringPointId> aps = answeringPoints == null || answeringPoints.isBlank() ? Set.of()
        : Arrays.stream(answeringPoints.split(",")).map(String::strip).map(AnsweringPointId::new).collect(Collectors.toSet());
    Set<io.switchboard.core.directory.CompanyId> cs = companies == null || companies.isBlank() ? Set.of()
        : Arrays.stream(companies.split(",")).map(String::strip).map(io.switchboard.core.directory.CompanyId::new)
            .collect(Collectors.toSet());
    User u = new User(username, username + " Person", edge.authenticator().hasher().hash(password), rs, aps, cs,
        agentId == null ? null : new AgentId(agentId), 0, null, null);
    Users.Reply reply = h.ask(Users.ref(system), (ActorRef<Users.Reply> r) -> new Users.CreateUser(u, r));
    assertThat(reply).as("user %s created", username).isInstanceOf(Users.Found.class);
  }

  public Resp loginResp(String username, String password) {
    return req("POST", "/session").body("{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}").send();
  }

  /** Logs in and returns the bearer token. */
  public String login(String username, String password) {
    Resp r = loginResp(username, password);
    assertThat(r.status()).as("login of %s: %s", username, r.body()).isEqualTo(200);
    return r.json().get("token").asText();
  }

  // ---------------------------------------------------------------- HTTP

  public record Resp(int status, String body, HttpHeaders headers, ObjectMapper mapper) {
    public JsonNode json() {
      try {
        return body == null || body.isEmpty() ? mapper.nullNode() : mapper.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    public String brief() {
      String b = body == null ? "" : body.replace('\n', ' ');
      return status + " " + (b.length() > 160 ? b.substring(0, 160) + "…" : b);
    }
  }

  public final class Req {
    private final String method;
    private final String path;
    private String body;
    private byte[] bytes;
    private String contentType = "application/json";
    private final List<String[]> headers = new ArrayList<>();

    Req(String method, String path) {
      this.method = method;
      this.path = path;
    }

    public Req body(String json) {
      this.body = json;
      return this;
    }

    /** A body of another content type. */
    public Req raw(String contentType, String text) {
      this.body = text;
      this.contentType = contentType;
      return this;
    }

    /** A binary body (a sound file). */
    public Req bytes(String contentType, byte[] content) {
      this.bytes = content;
      this.contentType = contentType;
      return this;
    }

    public Req bearer(String token) {
      if (token != null) headers.add(new String[] {"Authorization", "Bearer " + token});
      return this;
    }

    public Req cookie(String token) {
      if (token != null) headers.add(new String[] {"Cookie", "sb_session=" + token});
      return this;
    }

    public Req origin(String origin) {
      if (origin != null) headers.add(new String[] {"Origin", origin});
      return this;
    }

    public Req header(String name, String value) {
      headers.add(new String[] {name, value});
      return this;
    }

    public Resp send() {
      String p = path.startsWith("/api") || path.startsWith("/web") ? path : "/api/v1" + path;
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + p))
          .timeout(Duration.ofSeconds(15));
      for (String[] hd : headers) b.header(hd[0], hd[1]);
      if (bytes != null) b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
      else if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
      else b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
      try {
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), r.body(), r.headers(), json);
      } catch (Exception e) {
        throw new AssertionError(method + " " + p + " failed", e);
      }
    }
  }

  public Req req(String method, String path) {
    return new Req(method, path);
  }

  /** A bearer request with an optional body. */
  public Resp call(String token, String method, String path, String body) {
    return req(method, path).bearer(token).body(body).send();
  }

  /** A request that must answer {@code status}; returns its JSON. */
  public JsonNode expect(int status, String token, String method, String path, String body) {
    Resp r = call(token, method, path, body);
    assertThat(r.status()).as("%s %s → %s", method, path, r.body()).isEqualTo(status);
    return r.json();
  }

  public static void assertError(Resp r, int status, String field, String messagePart) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    JsonNode e = r.json();
    assertThat(e.path("status").asInt()).as(r.body()).isEqualTo(status);
    assertThat(e.path("error").asText()).as(r.body()).contains(messagePart);
    if (field != null) assertThat(e.path("field").asText()).as(r.body()).isEqualTo(field);
  }

  /** Polls until {@code condition} holds, or fails with the last value seen. */
  public static <T> T eventually(Duration within, java.util.function.Supplier<T> read, Predicate<T> condition, String what) {
    long deadline = System.nanoTime() + within.toNanos();
    T last = null;
    while (true) {
      last = read.get();
      if (condition.test(last)) return last;
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what + "; last: " + last);
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  // ---------------------------------------------------------------- WebSockets

  /** The outcome of an upgrade: a socket (101) or the HTTP status the server refused with. */
  public record Upgrade(int status, Socket socket) {}

  public Upgrade upgrade(String path, String bearer, String cookie, String origin) {
    Socket s = new Socket();
    WebSocket.Builder b = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    if (bearer != null) b.header("Authorization", "Bearer " + bearer);
    if (cookie != null) b.header("Cookie", "sb_session=" + cookie);
    if (origin != null) b.header("Origin", origin);
    String p = path.startsWith("/api") ? path : "/api/v1" + path;
    try {
      b.buildAsync(URI.create("ws://127.0.0.1:" + port + p), s).get(10, TimeUnit.SECONDS);
      sockets.add(s);
      return new Upgrade(101, s);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException w) return new Upgrade(w.getResponse().statusCode(), null);
      throw new AssertionError("upgrade of " + p + " failed", e);
    } catch (Exception e) {
      throw new AssertionError("upgrade of " + p + " failed", e);
    }
  }

  /** Opens a socket that must be accepted. */
  public Socket open(String path, String bearer) {
    Upgrade u = upgrade(path, bearer, null, null);
    assertThat(u.status()).as("upgrade of %s", path).isEqualTo(101);
    return u.socket();
  }

  /** A client socket collecting the server's text frames as JSON. */
  public final class Socket implements WebSocket.Listener {
    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    /** Every frame received, for diagnostics. */
    public final List<JsonNode> seen = Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder partial = new StringBuilder();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile WebSocket ws;

    @Override
    public void onOpen(WebSocket webSocket) {
      ws = webSocket;
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          JsonNode n = json.readTree(text);
          seen.add(n);
          frames.add(n);
        } catch (Exception e) {
          JsonNode n = json.createObjectNode().put("type", "<not json>").put("text", text);
          seen.add(n);
          frames.add(n);
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(-1);
    }

    public void send(String text) {
      try {
        ws.sendText(text, true).get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("could not send " + (text.length() > 80 ? text.substring(0, 80) + "…" : text), e);
      }
    }

    /** The next frame, or null after {@code within}. */
    public JsonNode next(Duration within) {
      try {
        return frames.poll(within.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** Skips frames until one of {@code type} matching {@code condition} arrives. */
    public JsonNode await(String type, Predicate<JsonNode> condition, Duration within) {
      long deadline = System.nanoTime() + within.toNanos();
      List<JsonNode> skipped = new ArrayList<>();
      while (true) {
        long left = deadline - System.nanoTime();
        JsonNode n = left <= 0 ? null : next(Duration.ofNanos(left));
        if (n == null)
          throw new AssertionError("no '" + type + "' frame as expected within " + within + "; skipped: " + skipped
              + "; all frames of this socket: " + seen);
        if (type.equals(n.path("type").asText()) && condition.test(n)) return n;
        skipped.add(n);
      }
    }

    /**
     * Consumes frames until each condition was met by one of them, in any order (a command's
     * {@code ok} and the {@code state} it causes may come either way round). Returns the
     * matching frames in the order of the conditions.
     */
    @SafeVarargs
    public final List<JsonNode> awaitAll(Duration within, Predicate<JsonNode>... conditions) {
      long deadline = System.nanoTime() + within.toNanos();
      JsonNode[] found = new JsonNode[conditions.length];
      int left = conditions.length;
      List<JsonNode> skipped = new ArrayList<>();
      while (left > 0) {
        long rest = deadline - System.nanoTime();
        JsonNode n = rest <= 0 ? null : next(Duration.ofNanos(rest));
        if (n == null)
          throw new AssertionError(left + " of " + conditions.length + " expected frames missing after " + within
              + "; found: " + Arrays.asList(found) + "; skipped: " + skipped + "; all frames of this socket: " + seen);
        boolean used = false;
        for (int i = 0; i < conditions.length && !used; i++) {
          if (found[i] == null && conditions[i].test(n)) {
            found[i] = n;
            left--;
            used = true;
          }
        }
        if (!used) skipped.add(n);
      }
      return Arrays.asList(found);
    }

    public JsonNode await(String type) {
      return await(type, n -> true, WAIT);
    }

    /** Frames that arrive within {@code during}, without waiting for any in particular. */
    public List<JsonNode> drain(Duration during) {
      List<JsonNode> out = new ArrayList<>();
      long deadline = System.nanoTime() + during.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return out;
        JsonNode n = next(Duration.ofNanos(left));
        if (n != null) out.add(n);
      }
    }

    public WebSocket ws() {
      return ws;
    }

    public boolean isOpen() {
      return !closed.isDone() && ws != null && !ws.isInputClosed();
    }

    public void close() {
      try {
        if (ws != null && !ws.isOutputClosed()) ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        abort();
      }
      sockets.remove(this);
    }

    void abort() {
      if (ws != null) ws.abort();
    }
  }
}
