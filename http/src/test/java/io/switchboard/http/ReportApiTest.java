package io.switchboard.http;

import static io.switchboard.http.EdgeFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.report.ReportScheduler;
import io.switchboard.http.EdgeFixture.Resp;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /api/v1/report-subscriptions on a real edge: who may subscribe, the 400s naming the field,
 * the answering-point scope of parameters, and who sees and removes which subscription.
 */
class ReportApiTest {

  static final String PW = "report-password-1";
  static EdgeFixture f;
  static String admin;
  static String adminNorth;
  static String sup;
  static String supNorth;
  static String agent;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.start("report-api");
    // Nothing is due during the test; deliveries would only be recorded.
    var scheduler = f.h.kit.spawn(ReportScheduler.create("report-api-test", Clock.systemUTC(), ZoneId.of("Europe/Stockholm"),
        Duration.ofMinutes(10), Duration.ofHours(1), (s, p) -> CompletableFuture.completedFuture(null)));
    f.edge.reportSubscriptions(scheduler);
    f.createUser("admin", PW, "admin", null, null);
    f.createUser("admin-north", PW, "admin", "north", null);
    f.createUser("sup", PW, "supervisor", null, null);
    f.createUser("sup-north", PW, "supervisor", "north", null);
    f.createUser("agent-north", PW, "agent", "north", "ag-north");
    admin = f.login("admin", PW);
    for (String side : List.of("north", "south")) {
      f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"" + side + "\",\"name\":\"" + side + "\"}");
      f.expect(201, admin, "POST", "/companies", "{\"id\":\"co-" + side + "\",\"name\":\"Co\",\"answeringPoint\":\"" + side + "\"}");
      f.expect(201, admin, "POST", "/queues", "{\"id\":\"q-" + side + "\",\"answeringPoint\":\"" + side + "\",\"name\":\"Q\"}");
      f.expect(201, admin, "POST", "/agents", "{\"id\":\"ag-" + side + "\",\"name\":\"A\",\"answerGroups\":[{\"queue\":\"q-"
          + side + "\",\"level\":1}]}");
    }
    adminNorth = f.login("admin-north", PW);
    sup = f.login("sup", PW);
    supNorth = f.login("sup-north", PW);
    agent = f.login("agent-north", PW);
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  static String body(String kind, String schedule, String parameters, String recipients) {
    return "{\"kind\":\"" + kind + "\",\"schedule\":\"" + schedule + "\",\"parameters\":" + parameters
        + ",\"recipients\":" + recipients + "}";
  }

  static String queueSummary(String queue) {
    return body("queue-summary", "daily", "{\"queue\":\"" + queue + "\"}", "[\"boss@example.com\"]");
  }

  static Resp post(String token, String body) {
    return f.call(token, "POST", "/report-subscriptions", body);
  }

  static String create(String token, String body) {
    return f.expect(201, token, "POST", "/report-subscriptions", body).get("id").asText();
  }

  static List<String> ids(String token) {
    List<String> out = new ArrayList<>();
    f.expect(200, token, "GET", "/report-subscriptions", null).forEach(n -> out.add(n.get("id").asText()));
    return out;
  }

  @Test
  void agentsMayNotSubscribe() {
    assertError(f.call(agent, "GET", "/report-subscriptions", null), 403, null, "supervisor or admin");
    assertError(post(agent, queueSummary("q-north")), 403, null, "supervisor or admin");
    assertThat(f.call(null, "GET", "/report-subscriptions", null).status()).isEqualTo(401);
  }

  @Test
  void aSupervisorSubscribesSeesHisOwnAndRemovesIt() {
    JsonNode created = f.expect(201, sup, "POST", "/report-subscriptions",
        body("billing", "monthly", "{\"answeringPoint\":\"north,south\"}", "[\"billing@example.com\",\"cfo@example.se\"]"));
    String id = created.get("id").asText();
    assertThat(id).startsWith("rs-");
    assertThat(created.get("owner").asText()).isEqualTo("sup");
    assertThat(created.get("kind").asText()).isEqualTo("billing");
    assertThat(created.get("schedule").asText()).isEqualTo("monthly");
    assertThat(created.get("parameters").get("answeringPoint").asText()).isEqualTo("north,south");
    assertThat(created.get("recipients")).hasSize(2);
    assertThat(created.get("next").get("label").asText()).matches("\\d{4}-\\d{2}");
    assertThat(created.get("nextDueAt").asText()).isNotEmpty();
    assertThat(created.get("uncertain")).isEmpty();

    assertThat(ids(sup)).contains(id);
    // Another supervisor neither sees nor removes it.
    assertThat(ids(supNorth)).doesNotContain(id);
    assertError(f.call(supNorth, "DELETE", "/report-subscriptions/" + id, null), 404, null, "unknown report subscription");

    assertThat(f.call(sup, "DELETE", "/report-subscriptions/" + id, null).status()).isEqualTo(204);
    assertThat(ids(sup)).doesNotContain(id);
    assertError(f.call(sup, "DELETE", "/report-subscriptions/" + id, null), 404, null, id);
  }

  @Test
  void badBodiesAreRefusedNamingTheField() {
    assertError(post(sup, body("hourly-summary", "daily", "{}", "[\"a@example.com\"]")), 400, "kind", "queue-summary, agent-summary");
    assertError(post(sup, "{\"kind\":\"billing\",\"recipients\":[\"a@example.com\"]}"), 400, "schedule", "daily, weekly, monthly");
    assertError(post(sup, body("billing", "daily", "{}", "[]")), 400, "recipients", "at least one");
    assertError(post(sup, body("billing", "daily", "{}", "[\"a@example.com\",\"nope\"]")), 400, "recipients", "recipients[1]");
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 21; i++) many.add("\"r" + i + "@example.com\"");
    assertError(post(sup, body("billing", "daily", "{}", "[" + String.join(",", many) + "]")), 400, "recipients", "at most 20");
    assertError(post(sup, body("billing", "daily", "{\"queue\":\"q-north\"}", "[\"a@example.com\"]")), 400,
        "parameters.queue", "unknown parameter for billing");
    assertError(post(sup, queueSummary("q-nowhere")), 400, "parameters.queue", "unknown queue q-nowhere");
    assertError(post(sup, body("agent-summary", "weekly", "{\"agent\":\"ag-x\"}", "[\"a@example.com\"]")), 400,
        "parameters.agent", "unknown agent ag-x");
    assertError(post(sup, "{\"kind\":\"billing\",\"schedule\":\"daily\",\"recipients\":[\"a@example.com\"],\"format\":\"pdf\"}"),
        400, "format", "unknown field");
    assertError(f.req("POST", "/report-subscriptions").bearer(sup).body("{not json").send(), 400, null, "");
  }

  @Test
  void aLimitedSupervisorNarrowsEveryReportToHisAnsweringPoints() {
    assertError(post(supNorth, queueSummary("q-south")), 403, null, "queue q-south is outside");
    assertError(post(supNorth, body("billing", "daily", "{\"company\":\"co-south\"}", "[\"a@example.com\"]")), 403, null,
        "company co-south is outside");
    assertError(post(supNorth, body("billing", "daily", "{\"answeringPoint\":\"north,south\"}", "[\"a@example.com\"]")), 403,
        null, "answering point south is outside");
    assertError(post(supNorth, body("agent-summary", "daily", "{\"agent\":\"ag-south\"}", "[\"a@example.com\"]")), 403, null,
        "agent ag-south is outside");
    // Without parameters the report would cover the whole centre.
    assertError(post(supNorth, body("call-log", "daily", "{}", "[\"a@example.com\"]")), 403, "parameters",
        "limited to some answering points");

    String byQueue = create(supNorth, queueSummary("q-north"));
    String byAgent = create(supNorth, body("agent-summary", "weekly", "{\"agent\":\"ag-north\"}", "[\"a@example.com\"]"));
    assertThat(ids(supNorth)).contains(byQueue, byAgent);
  }

  @Test
  void adminsSeeAndRemoveOthersSubscriptionsWithinTheirAnsweringPoints() {
    String north = create(sup, queueSummary("q-north"));
    String south = create(sup, queueSummary("q-south"));
    String wholeCentre = create(sup, body("call-log", "daily", "{}", "[\"a@example.com\"]"));

    assertThat(ids(admin)).contains(north, south, wholeCentre);
    assertThat(ids(adminNorth)).contains(north).doesNotContain(south, wholeCentre);
    assertError(f.call(adminNorth, "DELETE", "/report-subscriptions/" + south, null), 404, null, south);
    assertThat(f.call(adminNorth, "DELETE", "/report-subscriptions/" + north, null).status()).isEqualTo(204);
    assertThat(f.call(admin, "DELETE", "/report-subscriptions/" + south, null).status()).isEqualTo(204);
    assertThat(ids(sup)).contains(wholeCentre).doesNotContain(north, south);
    assertError(f.call(admin, "DELETE", "/report-subscriptions/rs-never", null), 404, null, "rs-never");
  }
}
