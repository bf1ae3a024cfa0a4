package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node as the README runs it: H2 file database, demo data and users, the APIs. */
class NodeTest {
  @TempDir Path dir;
  final HttpClient client = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  Config config() {
    return ConfigFactory.parseMap(Map.of(
            "pekko-persistence-jdbc.shared-databases.switchboard.db.url",
            "jdbc:h2:file:" + dir.resolve("data/switchboard").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE",
            "pekko.remote.artery.canonical.port", 0,
            "pekko.cluster.seed-nodes", java.util.List.of(),
            "pekko.management.http.port", -1,
            "switchboard.sip.enabled", "off",
            "switchboard.http.port", 0))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /** The embedded default: an H2 file under the node's data folder. */
  void assertDatabaseCreated() {
    assertThat(Files.exists(dir.resolve("data/switchboard.mv.db"))).isTrue();
  }

  String token;

  /** Signs in as the demo admin: the engine API v0 is for admins. */
  void signIn(Node node) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + node.httpAddress.getPort() + "/api/v1/session"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"username\":\"admin\",\"password\":\"" + DemoData.ADMIN_PASSWORD + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    token = json.readTree(r.body()).get("token").asText();
  }

  JsonNode call(Node node, String method, String path, String body) throws Exception {
    return call(node, method, "/api/v0" + path, body, token);
  }

  JsonNode call(Node node, String method, String path, String body, String bearer) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpAddress.getPort() + path))
        .timeout(Duration.ofSeconds(15));
    if (bearer != null) b.header("Authorization", "Bearer " + bearer);
    if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
    else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
    return json.readTree(r.body());
  }

  JsonNode await(Node node, String path, java.util.function.Predicate<JsonNode> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = call(node, "GET", path, null);
      if (condition.test(last)) return last;
      Thread.sleep(50);
    }
    throw new AssertionError("timed out on " + path + ": " + last);
  }

  /** {@link #await} on the REST API v1 (what a wallboard or report reads). */
  JsonNode awaitApi(Node node, String path, java.util.function.Predicate<JsonNode> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = call(node, "GET", path, null, token);
      if (condition.test(last)) return last;
      Thread.sleep(100);
    }
    throw new AssertionError("timed out on " + path + ": " + last);
  }

  @Test
  void aFreshNodeCreatesItsDatabaseLoadsTheDemoCentreAndAnswersACall() throws Exception {
    try (Node node = Node.start(config())) {
      assertDatabaseCreated();
      assertThat(call(node, "GET", "/health", null).get("status").asText()).isEqualTo("UP");
      signIn(node);
      // The directory lists the demo queues and agents for the REST API and the wallboards.
      assertThat(call(node, "GET", "/api/v1/queues", null, token).size()).isEqualTo(4);
      assertThat(call(node, "GET", "/api/v1/agents", null, token).size()).isEqualTo(5);
      JsonNode plan = call(node, "GET", "/number-plan", null);
      assertThat(plan.get("entries").size()).isEqualTo(6);
      assertThat(plan.get("entries").get(DemoData.ACME_DIRECT).at("/account/user").asText()).isEqualTo("acme-md");
      assertThat(plan.get("companies").size()).isEqualTo(3);
      assertThat(plan.get("answeringPoints").size()).isEqualTo(1);
      for (String q : new String[] {"acme-sales", "acme-support", "globex-reception", "lindberg"})
        assertThat(call(node, "GET", "/queues/" + q, null).get("config").get("name").asText()).isNotBlank();
      for (String a : new String[] {"anna", "bertil", "cecilia", "david", "eva"})
        assertThat(call(node, "GET", "/agents/" + a, null).get("status").asText()).isEqualTo("LOGGED_OUT");
      // The answering-service client: its card with contacts, one at lunch, and its portal user.
      JsonNode card = call(node, "GET", "/api/v1/companies/lindberg/card", null, token);
      assertThat(card.get("contactCount").asInt()).isEqualTo(8);
      assertThat(card.at("/profile/greeting").asText()).contains("{ANO}");
      JsonNode karin = call(node, "GET", "/api/v1/companies/lindberg/contacts/karin-lind", null, token);
      assertThat(karin.at("/redirect/reason").asText()).isEqualTo("lunch");

      call(node, "POST", "/agents/anna/login", "{\"loginId\":\"demo\"}");
      JsonNode arrived = call(node, "POST", "/calls",
          "{\"callId\":\"demo-1\",\"dialledNumber\":\"" + DemoData.ACME_SALES + "\",\"callerNumber\":\"0701234567\"}");
      assertThat(arrived.get("company").asText()).isEqualTo("acme");
      JsonNode ringing = await(node, "/agents/anna", a -> a.get("status").asText().equals("RESERVED"));
      String offer = ringing.at("/contacts/0/offer/offerId").asText();
      call(node, "POST", "/agents/anna/offers/" + offer + "/accept", "{\"loginId\":\"demo\"}");
      JsonNode wrapUp = call(node, "POST", "/agents/anna/end-call", "{\"loginId\":\"demo\"}");
      // Acme sales has a fixed 15 s wrap-up; the agent may end it earlier.
      assertThat(wrapUp.get("status").asText()).isEqualTo("WRAP_UP");
      call(node, "POST", "/agents/anna/wrap-up-done", "{\"loginId\":\"demo\"}");
      assertThat(await(node, "/calls/demo-1", c -> c.has("outcome") && !c.get("outcome").isNull())
          .get("outcome").asText()).isEqualTo("COMPLETED");
      // The statistics read side projects it from the journal's tags, and says it has caught up.
      java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      JsonNode log = awaitApi(node, "/api/v1/statistics/calls?from=" + now.minus(Duration.ofDays(1)) + "&to="
          + now.plus(Duration.ofDays(1)), l -> l.get("calls").size() == 1
              && l.at("/calls/0/outcome").asText().equals("completed"));
      assertThat(log.at("/calls/0/callId").asText()).isEqualTo("demo-1");
      assertThat(log.at("/calls/0/agent").asText()).isEqualTo("anna");
      JsonNode status = awaitApi(node, "/api/v1/statistics/status", st -> {
        for (JsonNode slice : st.get("projections")) if (slice.get("pendingEvents").asLong() != 0) return false;
        return true;
      });
      assertThat(status.get("projections").size()).isPositive();
    }

    // Started again on the same database: the state is there and the demo data is not loaded twice.
    try (Node node = Node.start(config())) {
      // The same users, and no second set of demo users.
      signIn(node);
      assertThat(call(node, "GET", "/api/v1/users", null, token).size()).isEqualTo(8);
      assertThat(call(node, "GET", "/number-plan", null).get("entries").size()).isEqualTo(6);
      JsonNode anna = call(node, "GET", "/agents/anna", null);
      assertThat(anna.get("status").asText()).isEqualTo("READY");
      assertThat(anna.get("handledToday").asInt()).isEqualTo(1);
      assertThat(call(node, "GET", "/calls/demo-1", null).get("outcome").asText()).isEqualTo("COMPLETED");
      // The wallboard's "today" comes from the queue's persisted state: the answered call still counts.
      JsonNode today = call(node, "GET", "/api/v1/queues/acme-sales/live", null, token).get("today");
      java.time.LocalDate answeredOn = java.time.LocalDate.ofInstant(java.time.Instant.parse(
          call(node, "GET", "/calls/demo-1", null).get("answeredAt").asText()), java.time.ZoneId.of("Europe/Stockholm"));
      // Right after the centre's midnight the new day starts from zero.
      int expected = today.get("date").asText().equals(answeredOn.toString()) ? 1 : 0;
      assertThat(today.get("offered").asInt()).isEqualTo(expected);
      assertThat(today.get("answered").asInt()).isEqualTo(expected);
      assertThat(today.get("abandoned").asInt()).isZero();
    }
  }
}
