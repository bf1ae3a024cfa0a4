package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.switchboard.sip.gateway.Sipp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node as the README runs it, with its SIP gateway: calls from sipp through the gateway end
 * in the call log of the statistics read side, answered by an agent on a SIP phone (sipp) or
 * abandoned in the queue. Everything is configured through the REST API, as an admin would.
 */
class SipNodeTest {

  @TempDir Path dir;
  final HttpClient client = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  String token;
  int sipPort;

  Config config() throws Exception {
    sipPort = Sipp.freePort();
    return ConfigFactory.parseMap(Map.of(
            "pekko-persistence-jdbc.shared-databases.switchboard.db.url",
            "jdbc:h2:file:" + dir.resolve("data/switchboard").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE",
            "pekko.remote.artery.canonical.port", 0,
            "pekko.cluster.seed-nodes", java.util.List.of(),
            "pekko.management.http.port", -1,
            "switchboard.http.port", 0,
            "switchboard.sip.port", sipPort,
            "switchboard.sip.rtp-port-min", 36000,
            "switchboard.sip.rtp-port-max", 36998,
            "switchboard.sound-files.directory", dir.resolve("data/sound-files").toString()))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  JsonNode api(Node node, String method, String path, String body) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpAddress.getPort() + path))
        .timeout(Duration.ofSeconds(15));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
    else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
    return r.body().isEmpty() ? null : json.readTree(r.body());
  }

  JsonNode await(Node node, String path, Predicate<JsonNode> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = api(node, "GET", path, null);
      if (condition.test(last)) return last;
      Thread.sleep(200);
    }
    throw new AssertionError("timed out on " + path + ": " + last);
  }

  @Test
  void sipCallsEndInTheCallLog() throws Exception {
    Path logs = Files.createDirectories(Path.of("target/sipp/sipCallsEndInTheCallLog"));
    try (Node node = Node.start(config())) {
      assertThat(node.sip).isNotNull();
      token = api(node, "POST", "/api/v1/session",
          "{\"username\":\"admin\",\"password\":\"" + DemoData.ADMIN_PASSWORD + "\"}").get("token").asText();
      api(node, "POST", "/api/v1/answering-points", "{\"id\":\"sip-ap\",\"name\":\"SIP test\"}");
      api(node, "POST", "/api/v1/companies", "{\"id\":\"sip-co\",\"name\":\"SIP Co\",\"answeringPoint\":\"sip-ap\"}");
      api(node, "POST", "/api/v1/queues", "{\"id\":\"sip-answered\",\"name\":\"Answered\",\"answeringPoint\":\"sip-ap\"}");
      api(node, "POST", "/api/v1/queues", "{\"id\":\"sip-empty\",\"name\":\"Nobody\",\"answeringPoint\":\"sip-ap\"}");
      for (String[] n : new String[][] {{"4631", "sip-answered"}, {"4632", "sip-empty"}})
        api(node, "POST", "/api/v1/number-plan", "{\"dialledNumber\":\"" + n[0]
            + "\",\"answeringPoint\":\"sip-ap\",\"company\":\"sip-co\",\"queue\":\"" + n[1] + "\"}");
      int phonePort = Sipp.freePort();
      api(node, "POST", "/api/v1/agents", "{\"id\":\"sip-agent\",\"name\":\"Sip Agent\",\"device\":\"sip:agent@127.0.0.1:"
          + phonePort + "\",\"answerGroups\":[{\"queue\":\"sip-answered\",\"level\":1}]}");
      api(node, "POST", "/api/v0/agents/sip-agent/login", "{\"loginId\":\"sip\",\"ready\":true}");

      Sipp phone = Sipp.scenario("agent-phone", logs).port(phonePort, Sipp.freeMediaPort()).arg("-m", "1").start(null);
      Thread.sleep(300);
      Sipp answered = Sipp.scenario("caller", logs).port(Sipp.freePort(), Sipp.freeMediaPort())
          .arg("-s", "4631", "-m", "1", "-d", "1500").start("127.0.0.1:" + sipPort);
      assertThat(answered.await(30)).as("answered caller: %s", answered.errors()).isZero();
      assertThat(phone.await(30)).as("agent phone: %s", phone.errors()).isZero();
      Sipp abandoned = Sipp.scenario("caller", logs).port(Sipp.freePort(), Sipp.freeMediaPort())
          .arg("-s", "4632", "-m", "1", "-d", "1000").start("127.0.0.1:" + sipPort);
      assertThat(abandoned.await(30)).as("abandoning caller: %s", abandoned.errors()).isZero();

      JsonNode talked = await(node, "/api/v1/statistics/calls?queue=sip-answered",
          r -> r.get("calls").size() == 1 && "completed".equals(r.at("/calls/0/outcome").asText()));
      assertThat(talked.at("/calls/0/agent").asText()).isEqualTo("sip-agent");
      assertThat(talked.at("/calls/0/endedBy").asText()).isEqualTo("caller");
      assertThat(talked.at("/calls/0/callerNumber").asText()).startsWith("4670");
      assertThat(talked.at("/calls/0/talkMs").asLong()).isBetween(1000L, 10_000L);
      JsonNode left = await(node, "/api/v1/statistics/calls?queue=sip-empty",
          r -> r.get("calls").size() == 1 && "abandoned".equals(r.at("/calls/0/outcome").asText()));
      assertThat(left.at("/calls/0/abandonedPhase").asText()).isEqualTo("queued");
      assertThat(left.at("/calls/0/waitMs").asLong()).isBetween(500L, 10_000L);

      // A sound file uploaded over REST is a prompt of this node's gateway.
      byte[] wav = Files.readAllBytes(Path.of("../sip/src/main/resources/prompts/goodbye.wav"));
      var upload = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpAddress.getPort()
              + "/api/v1/sound-files/farewell?description=Goodbye%20again"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "audio/wav")
          .PUT(HttpRequest.BodyPublishers.ofByteArray(wav)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
      assertThat(node.sip.prompts().has("farewell")).isTrue();
      assertThat(node.sip.prompts().get("farewell").frames()).isEqualTo(node.sip.prompts().get("goodbye").frames());
    }
  }
}
