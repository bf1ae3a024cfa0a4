package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.switchboard.core.queue.Queue;
import io.switchboard.persistence.testkit.TestDatabases;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in one JVM, one cluster on loopback, one PostgreSQL journal: a call placed through
 * one node's REST API rings an agent whose socket is on another, a third node's wallboard and
 * statistics see it once, and after a node leaves gracefully the other two still route and
 * answer (its shards and projection slices handed over). Real components only, through the
 * public APIs (REST v1 and the agent and wallboard sockets).
 */
class ThreeNodeClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  final HttpClient client = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  final List<Node> nodes = new ArrayList<>();
  final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Pings every open socket as a client does (the server closes silent ones). */
  final java.util.concurrent.ScheduledExecutorService pinger =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

  {
    pinger.scheduleWithFixedDelay(() -> List.copyOf(sockets).forEach(Socket::ping), 5, 5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    pinger.shutdownNow();
    sockets.forEach(Socket::abort);
    // Closed together: one at a time, each would first wait for the others to take its shards.
    CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::close)).toArray(CompletableFuture[]::new))
        .join();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Node {@code i} as conf/cluster-node{i+1}.conf sets it up (seeds, demo data on node 1 only), on
   * the test's database and on free ports instead of the shipped ones. The third node is an edge
   * only ({@code switchboard.roles = "edge,sip"}): it serves HTTP and hosts no entity.
   */
  static Config nodeConfig(Config database, int[] ports, int i) {
    List<String> seeds = IntStream.of(ports).mapToObj(p -> "pekko://switchboard@127.0.0.1:" + p).toList();
    return ConfigFactory.parseMap(Map.of(
            "switchboard.roles", i == 2 ? "edge,sip" : "engine,edge,sip",
            "pekko.remote.artery.canonical.port", ports[i],
            "pekko.cluster.seed-nodes", seeds,
            "pekko.management.http.port", -1,
            "switchboard.sip.enabled", "off",
            "switchboard.http.port", 0,
            // Three clusters' nodes in one JVM: each registers its own JMX bean.
            "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on"))
        .withFallback(database)
        .withFallback(ConfigFactory.load("cluster-node" + (i + 1)))
        .resolve();
  }

  /** What the README starts: three seeds on the three artery ports, distinct ports, demo data once. */
  @Test
  void theShippedThreeNodeConfigurationIsOneClusterWithDistinctPorts() {
    List<Config> shipped = IntStream.rangeClosed(1, 3).mapToObj(n -> ConfigFactory.load("cluster-node" + n)).toList();
    List<String> seeds = shipped.stream()
        .map(c -> "pekko://switchboard@127.0.0.1:" + c.getInt("pekko.remote.artery.canonical.port")).toList();
    for (Config c : shipped) {
      assertThat(c.getStringList("pekko.cluster.seed-nodes")).containsExactlyElementsOf(seeds);
      assertThat(c.getString("pekko.cluster.split-brain-resolver.active-strategy")).isEqualTo("keep-majority");
      assertThat(c.getString("pekko-persistence-jdbc.shared-databases.switchboard.profile")).contains("Postgres");
      assertThat(c.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("127.0.0.1");
      assertThat(c.getString("switchboard.http.host")).isEqualTo("127.0.0.1");
      assertThat(NodeRoles.from(c)).isEqualTo(new NodeRoles(true, true, true));
      assertThat(c.getString("pekko.cluster.sharding.role")).isEqualTo("engine");
      assertThat(c.getString("pekko.cluster.singleton.role")).isEqualTo("engine");
    }
    for (String port : List.of("pekko.remote.artery.canonical.port", "pekko.management.http.port",
        "switchboard.http.port", "switchboard.sip.port", "switchboard.sip.rtp-port-min"))
      assertThat(shipped.stream().map(c -> c.getInt(port)).distinct().count()).as(port).isEqualTo(3);
    assertThat(shipped.stream().map(c -> c.getString("switchboard.sip.registrar.nonce-secret")).distinct().count())
        .isEqualTo(1);
    for (Config c : shipped) {
      assertThat(ClusterJoin.from(c)).isEqualTo(ClusterJoin.SEED_NODES);
      // bootstrap's contact points are the three management ports
      assertThat(c.getConfigList("pekko.discovery.config.services.switchboard.endpoints"))
          .extracting(e -> e.getInt("port"))
          .containsExactlyElementsOf(shipped.stream().map(x -> x.getInt("pekko.management.http.port")).toList());
    }
    assertThat(shipped.get(1).getBoolean("switchboard.demo-data")).isFalse();
    assertThat(shipped.get(2).getBoolean("switchboard.demo-data")).isFalse();
  }

  @Test
  void aCallPlacedOnOneNodeIsAnsweredOnAnotherCountedOnceAndRoutedAfterANodeLeaves() throws Exception {
    Config database = TestDatabases.postgres("three_nodes_" + Long.toHexString(System.nanoTime()));
    int[] ports = {freePort(), freePort(), freePort()};
    // All three start at once, as a cluster's nodes do: the first seed forms the cluster, the
    // others join it. Only node A loads the demo data.
    List<CompletableFuture<Node>> starting = IntStream.range(0, 3)
        .mapToObj(i -> CompletableFuture.supplyAsync(() -> Node.start(nodeConfig(database, ports, i))))
        .toList();
    for (CompletableFuture<Node> s : starting) nodes.add(s.get(60, TimeUnit.SECONDS));
    Node a = nodes.get(0), b = nodes.get(1), c = nodes.get(2);
    awaitTrue("three members up on every node", () -> nodes.stream().allMatch(n -> upMembers(n) == 3));
    assertThat(Cluster.get(c.system).selfMember().getRoles()).contains("edge").doesNotContain("engine");

    // Sessions are cluster-wide: the admin signs in on A and reads on C with the same token.
    String admin = signIn(a, "admin", DemoData.ADMIN_PASSWORD);
    String anna = signIn(b, "anna", DemoData.AGENT_PASSWORD);

    Socket wallboard = open(c, "/api/v1/wallboard/ws", admin);
    JsonNode snapshot = wallboard.await("snapshot", f -> true);
    assertThat(snapshot.get("queues").findValuesAsText("queueId")).contains("acme-sales");

    Socket desktop = open(b, "/api/v1/agent/ws", anna);
    desktop.await("welcome", f -> true);
    desktop.send("{\"type\":\"login\",\"ref\":\"in\"}");
    desktop.await("state", f -> f.at("/agent/status").asText().equals("READY"));

    Instant from = Instant.now().minusSeconds(3600);
    String first = answerACall(a, desktop, admin);

    // Node C: the call's outcome, the queue on the wallboard and the statistics, counted once.
    assertThat(awaitGet(c, "/api/v1/test-calls/" + first, admin, v -> v.path("outcome").asText().equals("COMPLETED"))
        .path("agent").asText()).isEqualTo("anna");
    wallboard.await("queue", f -> f.at("/queue/queueId").asText().equals("acme-sales")
        && f.at("/queue/today/answered").asInt() == 1 && f.at("/queue/today/offered").asInt() == 1);
    assertCounted(c, admin, from, List.of(first));
    // The edge-only node served all of that through proxies: it hosts no queue, agent or call.
    for (String type : List.of(Queue.ENTITY_KEY.name(), io.switchboard.core.agent.Agent.ENTITY_KEY.name(),
        io.switchboard.core.call.CallSession.ENTITY_KEY.name()))
      assertThat(shardsOn(c, type)).as(type + " shards on the edge-only node").isEmpty();

    // One node leaves gracefully: the one that hosts the queue, so its shard must move.
    Node leaving = hostOf(Queue.ENTITY_KEY.name(), "acme-sales");
    List<Node> remaining = nodes.stream().filter(n -> n != leaving).toList();
    nodes.remove(leaving);
    leaving.close();
    awaitTrue("two members up on the remaining nodes", () -> remaining.stream().allMatch(n -> upMembers(n) == 2));

    // The desktop stays where it was when its node remains; else the agent opens it on another node.
    if (leaving == b) {
      assertThat(desktop.closed).succeedsWithin(WAIT);
      desktop = open(remaining.get(0), "/api/v1/agent/ws", anna);
      JsonNode welcome = desktop.await("welcome", f -> true);
      assertThat(welcome.at("/agent/status").asText()).isEqualTo("READY");
      assertThat(welcome.path("yourLogin").asBoolean()).isTrue();
    }
    Node socketNode = leaving == b ? remaining.get(0) : b;
    Node caller = remaining.stream().filter(n -> n != socketNode).findFirst().orElseThrow();
    String second = answerACall(caller, desktop, admin);
    // The queue that routed it was handed over: it runs on one of the two now.
    assertThat(hostOf(Queue.ENTITY_KEY.name(), "acme-sales")).isIn(remaining);
    Node reader = remaining.get(remaining.size() - 1);
    assertThat(awaitGet(reader, "/api/v1/test-calls/" + second, admin,
        v -> v.path("outcome").asText().equals("COMPLETED")).path("agent").asText()).isEqualTo("anna");
    // Every projection slice runs again on the two nodes: both calls, each counted once.
    assertCounted(reader, admin, from, List.of(first, second));
    // Any node reports every slice, also those running on the other node.
    JsonNode status = get(reader, "/api/v1/statistics/status", admin);
    assertThat(status.get("projections").size()).isEqualTo(10);
    for (JsonNode slice : status.get("projections"))
      if (!slice.path("offset").isNull()) assertThat(slice.path("lastLagMillis").isNumber()).as(slice.toString()).isTrue();

    // A rebuild asked of both nodes at once: one runs at a time in the cluster (another is
    // refused while one runs), and the read side comes back with both calls, each once.
    List<CompletableFuture<HttpResponse<String>>> rebuilds = remaining.stream()
        .map(n -> client.sendAsync(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + n.httpAddress.getPort() + "/api/v1/statistics/rebuild"))
            .header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString()))
        .toList();
    List<Integer> answers = new ArrayList<>();
    for (var r : rebuilds) answers.add(r.get(60, TimeUnit.SECONDS).statusCode());
    assertThat(answers).contains(202).allMatch(code -> code == 202 || code == 409);
    assertCounted(remaining.get(0), admin, from, List.of(first, second));
  }

  /**
   * Cluster bootstrap instead of seed nodes: two nodes that know only each other's management
   * endpoint (config discovery) form one cluster, and the second serves the first's demo users.
   * Bootstrap tells contact points apart by host: each node has its own loopback address.
   */
  @Test
  void twoNodesFormOneClusterThroughClusterBootstrap() throws Exception {
    Config database = TestDatabases.postgres("bootstrap_" + Long.toHexString(System.nanoTime()));
    int[] ports = {freePort(), freePort(), freePort()};
    int[] management = {freePort(), freePort()};
    String endpoints = "[" + String.join(",", IntStream.range(0, 2)
        .mapToObj(i -> "{host = \"127.0.0." + (i + 1) + "\", port = " + management[i] + "}").toList()) + "]";
    List<CompletableFuture<Node>> starting = IntStream.range(0, 2)
        .mapToObj(i -> CompletableFuture.supplyAsync(() -> Node.start(ConfigFactory.parseString(
                "switchboard.cluster.join = bootstrap\n"
                    + "pekko.management.http.port = " + management[i] + "\n"
                    + "pekko.management.http.hostname = \"127.0.0." + (i + 1) + "\"\n"
                    + "pekko.remote.artery.canonical.hostname = \"127.0.0." + (i + 1) + "\"\n"
                    + "pekko.discovery.config.services.switchboard.endpoints = " + endpoints + "\n"
                    + "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr = 2\n"
                    + "pekko.management.cluster.bootstrap.contact-point-discovery.stable-margin = 1s\n")
            .withFallback(nodeConfig(database, ports, i)))))
        .toList();
    for (CompletableFuture<Node> s : starting) nodes.add(s.get(60, TimeUnit.SECONDS));
    // the configured seeds (three ports on 127.0.0.1, one never started) were not used
    assertThat(nodes.get(0).system.settings().config().getStringList("pekko.cluster.seed-nodes")).isEmpty();
    awaitTrue("two members up on both nodes", () -> nodes.stream().allMatch(n -> upMembers(n) == 2));
    assertThat(signIn(nodes.get(1), "admin", DemoData.ADMIN_PASSWORD)).isNotBlank();
  }

  /** Places a test call through {@code via}; the desktop is offered it, accepts, ends it and wraps up. */
  String answerACall(Node via, Socket desktop, String admin) throws Exception {
    JsonNode call = send(via, "POST", "/api/v1/test-calls", admin,
        "{\"dialledNumber\":\"" + DemoData.ACME_SALES + "\",\"callerNumber\":\"0701234567\"}", 201);
    String callId = call.get("callId").asText();
    JsonNode offer = desktop.await("offer", f -> f.at("/contact/callId").asText().equals(callId));
    desktop.send("{\"type\":\"accept\",\"ref\":\"acc\",\"offerId\":\"" + offer.at("/contact/offerId").asText() + "\"}");
    desktop.await("state", f -> f.at("/agent/status").asText().equals("BUSY"));
    desktop.send("{\"type\":\"end\",\"ref\":\"end\",\"callId\":\"" + callId + "\"}");
    desktop.await("state", f -> f.at("/agent/status").asText().equals("WRAP_UP"));
    desktop.send("{\"type\":\"wrapUpDone\",\"ref\":\"wud\"}");
    desktop.await("state", f -> f.at("/agent/status").asText().equals("READY"));
    return callId;
  }

  /** The statistics hold exactly these calls of acme-sales, each once, answered by anna. */
  void assertCounted(Node node, String admin, Instant from, List<String> callIds) throws Exception {
    String period = "from=" + enc(from.toString()) + "&to=" + enc(Instant.now().plusSeconds(3600).toString());
    JsonNode calls = awaitGet(node, "/api/v1/statistics/calls?queue=acme-sales&" + period, admin,
        v -> v.get("calls").size() >= callIds.size()
            && v.get("calls").findValuesAsText("outcome").stream().filter("completed"::equals).count() >= callIds.size());
    assertThat(calls.get("calls").findValuesAsText("callId")).containsExactlyInAnyOrderElementsOf(callIds);
    JsonNode intervals = awaitGet(node, "/api/v1/statistics/intervals?dimension=queue&key=acme-sales&granularity=day&"
        + period, admin, v -> v.at("/total/counts/answered").asInt() >= callIds.size());
    assertThat(intervals.at("/total/counts/offered").asInt()).isEqualTo(callIds.size());
    assertThat(intervals.at("/total/counts/answered").asInt()).isEqualTo(callIds.size());
    JsonNode agent = awaitGet(node, "/api/v1/statistics/intervals?dimension=agent&key=anna&granularity=day&" + period,
        admin, v -> v.at("/total/counts/handled").asInt() >= callIds.size());
    assertThat(agent.at("/total/counts/handled").asInt()).isEqualTo(callIds.size());
  }

  /** The node whose shard region holds the entity now. */
  Node hostOf(String typeName, String entityId) throws Exception {
    for (Node n : nodes)
      if (shardsOn(n, typeName).stream().anyMatch(s -> s.getEntityIds().contains(entityId))) return n;
    throw new AssertionError(typeName + " " + entityId + " runs on no node");
  }

  /** The shards of this entity type that run on node {@code n}. */
  static java.util.Set<ShardRegion.ShardState> shardsOn(Node n, String typeName) throws Exception {
    var key = org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey.create(Queue.Command.class, typeName);
    return AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
            ShardRegion.CurrentShardRegionState>ask(
            org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(n.system).shardState(),
            r -> new GetShardRegionState(key, r), Duration.ofSeconds(5), n.system.scheduler())
        .toCompletableFuture().get(10, TimeUnit.SECONDS).getShards();
  }

  static long upMembers(Node n) {
    return java.util.stream.StreamSupport.stream(Cluster.get(n.system).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up()).count();
  }

  static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(50);
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- HTTP

  String signIn(Node node, String username, String password) throws Exception {
    return send(node, "POST", "/api/v1/session", null,
        "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}", 200).get("token").asText();
  }

  JsonNode get(Node node, String path, String token) throws Exception {
    return send(node, "GET", path, token, null, 200);
  }

  JsonNode send(Node node, String method, String path, String token, String body, int expected) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpAddress.getPort() + path))
        .timeout(Duration.ofSeconds(15));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
    else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expected);
    return json.readTree(r.body());
  }

  JsonNode awaitGet(Node node, String path, String token, Predicate<JsonNode> condition) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = get(node, path, token);
      if (condition.test(last)) return last;
      Thread.sleep(100);
    }
    throw new AssertionError("timed out on " + path + ": " + last);
  }

  // ---------------------------------------------------------------- sockets

  Socket open(Node node, String path, String token) throws Exception {
    Socket s = new Socket();
    client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .header("Authorization", "Bearer " + token)
        .buildAsync(URI.create("ws://127.0.0.1:" + node.httpAddress.getPort() + path), s)
        .get(10, TimeUnit.SECONDS);
    sockets.add(s);
    return s;
  }

  /** A client socket collecting the server's text frames as JSON. */
  final class Socket implements WebSocket.Listener {
    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder partial = new StringBuilder();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
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
        try {
          JsonNode n = json.readTree(partial.toString());
          seen.add(n);
          frames.add(n);
        } catch (Exception e) {
          throw new IllegalStateException("not JSON: " + partial, e);
        } finally {
          partial.setLength(0);
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

    /** One send at a time: the client refuses a send while another is pending. */
    synchronized void send(String text) throws Exception {
      ws.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    void ping() {
      try {
        if (!closed.isDone()) send("{\"type\":\"ping\"}");
      } catch (Exception e) {
        // closed meanwhile; the test sees that by itself
      }
    }

    /** Skips frames until one of {@code type} matching {@code condition}; an error frame fails at once. */
    JsonNode await(String type, Predicate<JsonNode> condition) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        JsonNode n = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
        if (n == null) throw new AssertionError("no '" + type + "' frame as expected; frames: " + seen);
        if (n.path("type").asText().equals("error")) throw new AssertionError("error frame " + n + "; frames: " + seen);
        if (type.equals(n.path("type").asText()) && condition.test(n)) return n;
      }
    }

    void abort() {
      if (ws != null) ws.abort();
    }
  }
}
