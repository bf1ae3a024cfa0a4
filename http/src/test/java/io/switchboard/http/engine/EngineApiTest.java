package io.switchboard.http.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.testkit.EngineHarness;
import io.switchboard.http.JsonMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EngineApiTest {

  static EngineHarness h;
  static ServerBinding binding;
  static HttpClient client = HttpClient.newHttpClient();
  static ObjectMapper json = JsonMapper.create();
  static String base;

  @BeforeAll
  static void start() throws Exception {
    h = EngineHarness.start("api", EngineHarness.inMemoryConfig());
    EngineApi api = new EngineApi(h.kit.system(), h.engine, json, Duration.ofSeconds(5));
    binding = Http.get(h.kit.system()).newServerAt("127.0.0.1", 0).bind(api.routes())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort() + "/api/v0";
    // A small centre: one answering point, a company, a queue, two agents, a number.
    assertThat(send("PUT", "/answering-points/ap", "{\"name\":\"North\"}").statusCode()).isEqualTo(200);
    assertThat(send("PUT", "/companies/acme", "{\"name\":\"Acme\",\"answeringPoint\":\"ap\"}").statusCode()).isEqualTo(200);
    assertThat(send("PUT", "/queues/sales", "{\"name\":\"Sales\",\"offerTimeout\":\"PT30S\"}").statusCode()).isEqualTo(200);
    assertThat(send("PUT", "/number-plan/0811", "{\"answeringPoint\":\"ap\",\"company\":\"acme\",\"queue\":\"sales\"}")
        .statusCode()).isEqualTo(200);
    for (String a : new String[] {"anna", "bo"})
      assertThat(send("PUT", "/agents/" + a,
          "{\"name\":\"" + a + "\",\"answerGroups\":[{\"queue\":\"sales\",\"level\":1}]}").statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    binding.unbind();
    h.close();
  }

  static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15));
    if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
    else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode read(HttpResponse<String> r) throws Exception {
    return json.readTree(r.body());
  }

  static void assertError(HttpResponse<String> r, int status, String field, String messagePart) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode e = read(r);
    assertThat(e.get("status").asInt()).isEqualTo(status);
    assertThat(e.get("error").asText()).contains(messagePart);
    if (field != null) assertThat(e.get("field").asText()).isEqualTo(field);
  }

  @Test
  void healthSaysUpWithTheClusterMember() throws Exception {
    JsonNode health = read(send("GET", "/health", null));
    assertThat(health.get("status").asText()).isEqualTo("UP");
    assertThat(health.get("memberStatus").asText()).isEqualTo("Up");
    assertThat(health.get("members").asInt()).isEqualTo(1);
  }

  @Test
  void aCallIsAnsweredEndToEndOverTheApiAndTheEventStreamShowsTheOffer() throws Exception {
    HttpRequest stream = HttpRequest.newBuilder(URI.create(base + "/events?types=agent&agents=anna")).build();
    HttpResponse<java.io.InputStream> events = client.send(stream, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(events.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("text/event-stream"));
    BufferedReader lines = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8));

    JsonNode login = read(send("POST", "/agents/anna/login", "{\"loginId\":\"L-anna\"}"));
    assertThat(login.get("status").asText()).isEqualTo("READY");
    HttpResponse<String> created = send("POST", "/calls", "{\"callId\":\"api-1\",\"dialledNumber\":\"0811\",\"callerNumber\":\"0701234\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(read(created).get("queue").asText()).isEqualTo("sales");

    // The stream delivers the offer; its JSON carries the offer id to accept.
    CompletableFuture<String> offerId = CompletableFuture.supplyAsync(() -> {
      try {
        String line;
        while ((line = lines.readLine()) != null) {
          if (!line.startsWith("data:")) continue;
          JsonNode n = json.readTree(line.substring(5));
          if (n.get("cause").asText().equals("offer")) return n.at("/view/contacts/0/offer/offerId").asText();
        }
        return null;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    String offer = offerId.get(10, TimeUnit.SECONDS);
    assertThat(offer).isNotBlank();
    JsonNode busy = read(send("POST", "/agents/anna/offers/" + offer + "/accept", "{\"loginId\":\"L-anna\"}"));
    assertThat(busy.get("status").asText()).isEqualTo("BUSY");
    assertThat(read(send("GET", "/calls/api-1", null)).get("phase").asText()).isEqualTo("TALKING");
    JsonNode ended = read(send("POST", "/agents/anna/end-call", "{\"loginId\":\"L-anna\"}"));
    assertThat(ended.get("status").asText()).isEqualTo("READY");
    JsonNode call = read(send("GET", "/calls/api-1", null));
    assertThat(call.get("outcome").asText()).isEqualTo("COMPLETED");
    assertThat(read(send("GET", "/agents/anna", null)).get("handledToday").asInt()).isEqualTo(1);
    events.body().close();
  }

  @Test
  void theConfigExamplesOfTheApiDocumentWork() throws Exception {
    String calendar = """
        {"name": "Office hours", "zone": "Europe/Stockholm",
         "baseHours": {"days": {"MONDAY": [{"from": "08:00", "to": "17:00"}], "FRIDAY": [{"from": "08:00", "to": "15:00"}]}},
         "closedOnPublicHolidays": true, "closedOnHolidayEves": true,
         "deviations": [{"name": "Lunch", "weekdays": ["MONDAY"], "time": {"from": "12:00", "to": "13:00"},
                         "action": "CLOSED", "prompt": "lunch-closed"}]}""";
    HttpResponse<String> cal = send("PUT", "/calendars/office", calendar);
    assertThat(cal.statusCode()).as(cal.body()).isEqualTo(200);
    assertThat(read(send("GET", "/calendars/office", null)).at("/definition/deviations/0/prompt").asText())
        .isEqualTo("lunch-closed");
    String queue = """
        {"name": "Acme support", "strategy": "SKILLS", "calendarId": "office",
         "closedAction": {"type": "night-message", "prompt": "acme-support-closed"},
         "serviceLevelThreshold": "PT20S", "serviceLevelTargetPercent": 80,
         "maxWait": "PT2M", "overflow": {"type": "queue", "queue": "sales"},
         "shortAbandonThreshold": "PT5S", "offerTimeout": "PT20S", "pauseOnMissedOffer": true,
         "tierDelay": "PT30S", "wrapUp": {"mode": "FIXED", "duration": "PT15S"}}""";
    HttpResponse<String> q = send("PUT", "/queues/doc-support", queue);
    assertThat(q.statusCode()).as(q.body()).isEqualTo(200);
    JsonNode config = read(q).get("config");
    assertThat(config.get("tierDelay").asText()).isEqualTo("PT30S");
    assertThat(config.at("/overflow/queue").asText()).isEqualTo("sales");
    assertThat(config.at("/wrapUp/mode").asText()).isEqualTo("FIXED");
  }

  @Test
  void malformedJsonIsA400() throws Exception {
    assertError(send("POST", "/calls", "{\"dialledNumber\": "), 400, null, "malformed JSON");
    assertError(send("POST", "/calls", "[1,2]"), 400, null, "");
  }

  @Test
  void anUnknownFieldIsNamed() throws Exception {
    assertError(send("POST", "/calls", "{\"dialedNumber\":\"0811\",\"callerNumber\":\"070\"}"), 400, "dialedNumber",
        "unknown field 'dialedNumber'");
    assertError(send("PUT", "/queues/q-typo", "{\"name\":\"Q\",\"strategie\":\"RING_ALL\"}"), 400, "strategie", "unknown field");
  }

  @Test
  void invalidValuesAreRefusedNamingTheField() throws Exception {
    assertError(send("POST", "/calls", "{\"dialledNumber\":\"08-11\",\"callerNumber\":\"070\"}"), 400, "dialledNumber",
        "dialledNumber must be");
    assertError(send("PUT", "/queues/q2", "{\"name\":\"Q\",\"serviceLevelTargetPercent\":140}"), 400,
        "serviceLevelTargetPercent", "0-100");
    assertError(send("PUT", "/queues/q3", "{\"name\":\"Q\",\"strategy\":\"RANDOM\"}"), 400, "strategy", "");
    assertError(send("PUT", "/queues/q4", "{\"strategy\":\"RING_ALL\"}"), 400, "name", "name is required");
    assertError(send("PUT", "/agents/x1", "{\"name\":\"X\",\"answerGroups\":[{\"queue\":\"sales\",\"level\":0}]}"), 400,
        "answerGroups[].level", "level must be 1-99");
    assertError(send("PUT", "/queues/bad%20id", "{\"name\":\"Q\"}"), 400, "queueId", "queueId must be");
    assertError(send("PUT", "/number-plan/0812", "{\"answeringPoint\":\"ap\",\"company\":\"nope\",\"queue\":\"sales\"}"),
        400, "company", "unknown company nope");
  }

  @Test
  void unknownThingsAre404() throws Exception {
    assertError(send("POST", "/calls", "{\"dialledNumber\":\"0899\",\"callerNumber\":\"070\"}"), 404, null,
        "unknown dialled number 0899");
    assertError(send("GET", "/agents/nobody", null), 404, null, "unknown agent nobody");
    assertError(send("GET", "/queues/none", null), 404, null, "queue none is not configured");
    assertError(send("GET", "/calls/never-was", null), 404, null, "unknown call never-was");
    assertError(send("GET", "/no-such-route", null), 404, null, "");
  }

  @Test
  void stateConflictsAre409Or410AndChangeNothing() throws Exception {
    read(send("POST", "/agents/bo/login", "{\"loginId\":\"L-bo\",\"ready\":false}"));
    assertError(send("POST", "/agents/bo/login", "{\"loginId\":\"L-bo\"}"), 409, null, "already logged in");
    assertError(send("POST", "/agents/bo/end-call", "{\"loginId\":\"L-bo\"}"), 409, null, "not on a call");
    assertError(send("POST", "/agents/bo/offers/never-made/accept", "{\"loginId\":\"L-bo\"}"), 410, null,
        "not (or no longer) offered");
    // A real offer, withdrawn because the caller hung up before the accept.
    read(send("POST", "/agents/bo/ready", "{\"loginId\":\"L-bo\"}"));
    read(send("POST", "/calls", "{\"callId\":\"api-gone\",\"dialledNumber\":\"0811\",\"callerNumber\":\"070\"}"));
    String offer = null;
    for (int i = 0; i < 100 && offer == null; i++) {
      JsonNode bo = read(send("GET", "/agents/bo", null));
      if (bo.get("status").asText().equals("RESERVED")) offer = bo.at("/contacts/0/offer/offerId").asText();
      else Thread.sleep(50);
    }
    assertThat(offer).as("bo was offered the call").isNotNull();
    read(send("POST", "/calls/api-gone/hangup", null));
    assertError(send("POST", "/agents/bo/offers/" + offer + "/accept", "{\"loginId\":\"L-bo\"}"), 410, null, "");
    read(send("POST", "/agents/bo/pause", "{\"loginId\":\"L-bo\",\"reason\":\"done\"}"));
    assertError(send("POST", "/agents/bo/pause", "{\"loginId\":\"someone-else\",\"reason\":\"x\"}"), 409, null,
        "replaced by a newer login");
    assertThat(read(send("GET", "/agents/bo", null)).get("status").asText()).isEqualTo("PAUSED");
  }

  @Test
  void theWrongContentTypeAndOversizedBodiesAreRefused() throws Exception {
    HttpRequest text = HttpRequest.newBuilder(URI.create(base + "/calls"))
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")).build();
    HttpResponse<String> r = client.send(text, HttpResponse.BodyHandlers.ofString());
    assertError(r, 415, null, "application/json");
    String big = "{\"name\":\"" + "x".repeat(100_000) + "\"}";
    HttpResponse<String> tooBig = send("PUT", "/queues/big", big);
    assertThat(tooBig.statusCode()).isIn(413, 400);
    assertThat(read(tooBig).get("error").asText()).isNotBlank();
  }

  @Test
  void anAnnouncedTransferIsDrivenOverTheApiWithTheEdgesReports() throws Exception {
    assertThat(send("PUT", "/queues/consulting", "{\"name\":\"Consulting\"}").statusCode()).isEqualTo(200);
    assertThat(send("PUT", "/number-plan/0819", "{\"answeringPoint\":\"ap\",\"company\":\"acme\",\"queue\":\"consulting\"}")
        .statusCode()).isEqualTo(200);
    assertThat(send("PUT", "/agents/cy", "{\"name\":\"Cy\",\"answerGroups\":[{\"queue\":\"consulting\",\"level\":1}]}")
        .statusCode()).isEqualTo(200);
    read(send("POST", "/agents/cy/login", "{\"loginId\":\"L-cy\"}"));
    assertThat(send("POST", "/calls", "{\"callId\":\"api-k1\",\"dialledNumber\":\"0819\",\"callerNumber\":\"0701234\"}")
        .statusCode()).isEqualTo(201);
    String offer = h.awaitOffer("cy").offerId().value();
    read(send("POST", "/agents/cy/offers/" + offer + "/accept", "{\"loginId\":\"L-cy\"}"));

    assertError(send("POST", "/agents/cy/consult", "{\"loginId\":\"L-cy\",\"number\":\"12-34\"}"), 400, "number",
        "2-20 digits");
    assertError(send("POST", "/agents/cy/toggle", "{\"loginId\":\"L-cy\"}"), 409, null, "no consultation");
    HttpResponse<String> consulting = send("POST", "/agents/cy/consult", "{\"loginId\":\"L-cy\",\"number\":\"0709876\"}");
    assertThat(consulting.statusCode()).as(consulting.body()).isEqualTo(200);
    assertThat(read(consulting).get("status").asText()).isEqualTo("BUSY");
    JsonNode k = read(send("GET", "/calls/api-k1", null)).get("consultation");
    assertThat(k.get("state").asText()).isEqualTo("DIALLING");
    assertThat(k.get("number").asText()).isEqualTo("0709876");
    String consultId = k.get("consultId").asText();

    // The edge's reports: a consultId is required; an unknown one is gone.
    assertError(send("POST", "/calls/api-k1/consult-answered", "{}"), 400, null, "consultId");
    assertError(send("POST", "/calls/api-k1/consult-answered", "{\"consultId\":\"other\"}"), 410, null, "is over");
    JsonNode answered = read(send("POST", "/calls/api-k1/consult-answered", "{\"consultId\":\"" + consultId + "\"}"));
    assertThat(answered.at("/consultation/state").asText()).isEqualTo("CONNECTED");
    assertThat(send("POST", "/agents/cy/toggle", "{\"loginId\":\"L-cy\"}").statusCode()).isEqualTo(200);
    assertThat(read(send("GET", "/calls/api-k1", null)).at("/consultation/talkingTo").asText()).isEqualTo("CALLER");
    assertThat(send("POST", "/agents/cy/complete-consult", "{\"loginId\":\"L-cy\",\"callId\":\"api-k1\"}").statusCode())
        .isEqualTo(200);
    JsonNode call = read(send("GET", "/calls/api-k1", null));
    assertThat(call.get("endedBy").asText()).isEqualTo("TRANSFER");
    assertThat(call.at("/transferredTo/number").asText()).isEqualTo("0709876");
    assertThat(call.get("consultation").isNull()).isTrue();
    assertError(send("POST", "/agents/cy/cancel-consult", "{\"loginId\":\"L-cy\"}"), 409, null, "not on a call");
  }
}
