package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.call.CallPhase;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.testkit.EngineHarness;
import io.switchboard.http.EdgeFixture.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The statistics API on a node with a real database: figures projected from real calls, JSON
 * and CSV, scope by answering point, bad parameters, the wallboard's "today" agreeing with the
 * reports, the lag status and the rebuild.
 */
class StatisticsApiTest {
  static final String PW = "correct horse battery";
  static EdgeFixture f;
  static String admin, supervisor, supervisorNorth, agent;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.startWithStatistics("statistics-api");
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    for (String side : List.of("north", "south")) {
      f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"" + side + "\",\"name\":\"" + side + "\"}");
      f.expect(201, admin, "POST", "/companies", "{\"id\":\"co-" + side + "\",\"name\":\"Co " + side
          + "\",\"answeringPoint\":\"" + side + "\"}");
      f.expect(201, admin, "POST", "/queues", "{\"id\":\"q-" + side + "\",\"answeringPoint\":\"" + side
          + "\",\"name\":\"Queue " + side + "\",\"serviceLevelThreshold\":\"PT20S\",\"serviceLevelTargetPercent\":80}");
      f.expect(201, admin, "POST", "/number-plan", "{\"dialledNumber\":\"" + number(side) + "\",\"answeringPoint\":\""
          + side + "\",\"company\":\"co-" + side + "\",\"queue\":\"q-" + side + "\"}");
      f.expect(201, admin, "POST", "/agents", "{\"id\":\"ag-" + side + "\",\"name\":\"Agent " + side
          + "\",\"answerGroups\":[{\"queue\":\"q-" + side + "\",\"level\":1}]}");
    }
    f.createUser("sup", PW, "supervisor", null, null);
    f.createUser("sup-north", PW, "supervisor", "north", null);
    f.createUser("ag", PW, "agent", null, "ag-north");
    supervisor = f.login("sup", PW);
    supervisorNorth = f.login("sup-north", PW);
    agent = f.login("ag", PW);

    // North: two calls answered and finished. South: one caller hangs up in the queue.
    EngineHarness h = f.h;
    h.login("ag-north", true);
    for (String c : List.of("n1", "n2")) {
      EngineHarness.expect(h.arrive(c, number("north"), "0701"), CallSession.Done.class);
      EngineHarness.expect(h.accept("ag-north", h.awaitOffer("ag-north").offerId()), Agent.Done.class);
      h.endCall("ag-north");
      h.agentAsk("ag-north", r -> new Agent.EndWrapUp("login-ag-north", r));
      h.awaitCall(c, v -> v.phase() == CallPhase.FINISHED);
    }
    EngineHarness.expect(h.arrive("s1", number("south"), "0702"), CallSession.Done.class);
    h.hangup("s1");
    h.awaitCall("s1", v -> v.phase() == CallPhase.FINISHED);
    EdgeFixture.eventually(Duration.ofSeconds(15),
        () -> f.call(admin, "GET", "/statistics/intervals?dimension=queue&granularity=day", null).json(),
        j -> j.at("/total/counts/handled").asLong() == 2 && j.at("/total/counts/abandoned").asLong() == 1,
        "the projections have the three calls");
  }

  @AfterAll
  static void tearDown() {
    f.close();
  }

  static String number(String side) {
    return side.equals("north") ? "0810001" : "0820001";
  }

  @Test
  void intervalStatisticsPerQueueCarryTheCountsAndEveryMetric() {
    JsonNode j = f.expect(200, supervisor, "GET", "/statistics/intervals?dimension=queue&granularity=day", null);
    assertThat(j.get("version").asInt()).isEqualTo(1);
    assertThat(j.get("timeZone").asText()).isEqualTo("Europe/Stockholm");
    JsonNode north = row(j, "q-north");
    assertThat(north.at("/counts/offered").asLong()).isEqualTo(2);
    assertThat(north.at("/counts/answered").asLong()).isEqualTo(2);
    assertThat(north.at("/counts/handled").asLong()).isEqualTo(2);
    // Answered at once, well within 20 s: every service-level variant is 100 %.
    assertThat(north.at("/metrics/serviceLevel").asDouble()).isEqualTo(100.0);
    assertThat(north.at("/metrics/serviceLevelAnswered").asDouble()).isEqualTo(100.0);
    assertThat(north.at("/metrics/abandonRate").asDouble()).isEqualTo(0.0);
    assertThat(north.at("/metrics/asaSeconds").asDouble()).isLessThan(20.0);
    JsonNode south = row(j, "q-south");
    assertThat(south.at("/counts/abandoned").asLong()).isEqualTo(1);
    assertThat(south.at("/counts/abandonedWithin15s").asLong()).isEqualTo(1);
    // One abandon, nothing answered: SL answered-only has no data, abandon rate is 100 %.
    assertThat(south.at("/metrics/serviceLevelAnswered").isNull()).isTrue();
    assertThat(south.at("/metrics/abandonRate").asDouble()).isEqualTo(100.0);

    JsonNode agents = f.expect(200, admin, "GET", "/statistics/intervals?dimension=agent&granularity=day", null);
    JsonNode ag = row(agents, "ag-north");
    assertThat(ag.at("/counts/offersPresented").asLong()).isEqualTo(2);
    assertThat(ag.at("/counts/handled").asLong()).isEqualTo(2);
    assertThat(agents.get("pauses").isArray()).isTrue();
  }

  @Test
  void callLogAndBillingAndCsv() {
    JsonNode calls = f.expect(200, admin, "GET", "/statistics/calls", null);
    assertThat(calls.get("calls")).extracting(c -> c.get("callId").asText()).containsExactlyInAnyOrder("n1", "n2", "s1");
    JsonNode s1 = find(calls.get("calls"), "s1");
    assertThat(s1.get("outcome").asText()).isEqualTo("abandoned");
    assertThat(s1.get("company").asText()).isEqualTo("co-south");

    JsonNode billing = f.expect(200, admin, "GET", "/statistics/billing?granularity=month", null);
    assertThat(billing.get("rows")).hasSize(1);
    assertThat(billing.at("/rows/0/answeringPoint").asText()).isEqualTo("north");
    assertThat(billing.at("/rows/0/answeredVoice").asLong()).isEqualTo(2);
    assertThat(billing.at("/rows/0/messagesTaken").asLong()).isZero();

    EdgeFixture.Resp csv = f.req("GET", "/statistics/intervals?dimension=queue&granularity=day&format=csv")
        .bearer(supervisor).send();
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
    String[] lines = csv.body().split("\r\n");
    assertThat(lines[0]).startsWith("dimension,key,periodStart,arrived,offered,answered,");
    assertThat(lines).anyMatch(l -> l.startsWith("queue,q-north,") && l.contains(",100.00,"));
    EdgeFixture.Resp callsCsv = f.req("GET", "/statistics/calls?format=csv").bearer(admin).send();
    assertThat(callsCsv.body().split("\r\n")).hasSize(4);
  }

  @Test
  void aScopedSupervisorSeesOnlyHisAnsweringPointsAndAgentsSeeNothing() {
    JsonNode j = f.expect(200, supervisorNorth, "GET", "/statistics/intervals?dimension=queue&granularity=day", null);
    assertThat(j.get("rows")).extracting(r -> r.get("key").asText()).containsOnly("q-north");
    f.expect(404, supervisorNorth, "GET", "/statistics/intervals?dimension=queue&key=q-south", null);
    JsonNode companies = f.expect(200, supervisorNorth, "GET", "/statistics/intervals?dimension=company&granularity=day", null);
    assertThat(companies.get("rows")).extracting(r -> r.get("key").asText()).containsOnly("co-north");
    JsonNode calls = f.expect(200, supervisorNorth, "GET", "/statistics/calls", null);
    assertThat(calls.get("calls")).extracting(c -> c.get("callId").asText()).containsExactlyInAnyOrder("n1", "n2");
    f.expect(404, supervisorNorth, "GET", "/statistics/billing?answeringPoint=south", null);
    f.expect(403, agent, "GET", "/statistics/intervals", null);
    f.expect(403, agent, "GET", "/statistics/calls", null);
    f.expect(403, supervisor, "POST", "/statistics/rebuild", null);
  }

  @Test
  void badParametersAreNamed() {
    EdgeFixture.assertError(f.call(admin, "GET", "/statistics/intervals?granularity=year", null), 400, null, "granularity");
    EdgeFixture.assertError(f.call(admin, "GET", "/statistics/intervals?dimension=planet", null), 400, null, "dimension");
    EdgeFixture.assertError(f.call(admin, "GET", "/statistics/calls?from=yesterday", null), 400, null, "from");
    EdgeFixture.assertError(f.call(admin, "GET", "/statistics/calls?from=2026-01-02&to=2026-01-01", null), 400, null, "after");
    EdgeFixture.assertError(f.call(admin, "GET", "/statistics/calls?limit=0", null), 400, null, "limit");
    EdgeFixture.assertError(f.call(admin, "GET", "/statistics/calls?format=xml", null), 400, null, "format");
  }

  @Test
  void theWallboardsTodayIsTheProjectedDay() {
    Socket s = f.open("/wallboard/ws", supervisor);
    JsonNode north = null;
    for (JsonNode q : s.await("snapshot").get("queues")) if (q.get("queueId").asText().equals("q-north")) north = q;
    if (north == null || !projected(north))
      north = s.await("queue", fr -> fr.at("/queue/queueId").asText().equals("q-north") && projected(fr.get("queue")),
          Duration.ofSeconds(10)).get("queue");
    JsonNode report = row(f.expect(200, supervisor, "GET", "/statistics/intervals?dimension=queue&granularity=day", null),
        "q-north");
    assertThat(north.at("/today/offered").asLong()).isEqualTo(report.at("/counts/offered").asLong());
    assertThat(north.at("/today/serviceLevelPercent").asDouble()).isEqualTo(report.at("/metrics/serviceLevel").asDouble());
    s.close();
  }

  @Test
  void statusShowsTheLagAndARebuildRefillsTheSameFigures() throws Exception {
    JsonNode status = f.expect(200, supervisor, "GET", "/statistics/status", null);
    assertThat(status.get("projections")).hasSize(10);
    assertThat(status.get("projections").findValuesAsText("projection")).containsOnly("statistics-calls",
        "statistics-agents", "statistics-messages", "directory-contacts");
    assertThat(status.at("/lag/count").asLong()).isPositive();
    String before = f.expect(200, admin, "GET", "/statistics/intervals?dimension=queue&granularity=day", null)
        .get("rows").toString();
    EdgeFixture.Resp r = f.call(admin, "POST", "/statistics/rebuild", null);
    assertThat(r.status()).as(r.brief()).isEqualTo(202);
    EdgeFixture.eventually(Duration.ofSeconds(20),
        () -> f.expect(200, admin, "GET", "/statistics/intervals?dimension=queue&granularity=day", null).get("rows").toString(),
        before::equals, "the rebuilt figures");
    String metrics = f.client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.origin() + "/metrics"))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("switchboard_projection_lag_seconds{quantile=\"0.99\"");
  }

  @Test
  void aMailedQueueSummaryCarriesTheSameFiguresAsTheApi() {
    var today = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Stockholm"));
    var zone = java.time.ZoneId.of("Europe/Stockholm");
    // The day so far: a report is only rendered for time the read side holds completely.
    var period = new io.switchboard.core.report.ReportPeriod(today.atStartOfDay(zone).toInstant(),
        java.time.Instant.now(), today.toString());
    var unfinished = new io.switchboard.core.report.ReportPeriod(today.atStartOfDay(zone).toInstant(),
        java.time.Instant.now().plusSeconds(3600), today.toString());
    var subscription = new io.switchboard.core.report.ReportSubscription("r1", "sup",
        io.switchboard.core.report.ReportKind.QUEUE_SUMMARY, io.switchboard.core.report.ReportSchedule.DAILY,
        java.util.Map.of("answeringPoint", "north"), List.of("boss@example.com"), java.time.Instant.now());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.edge.reportRenderer().render(subscription, unfinished))
        .hasMessageContaining("the report waits");
    var report = f.edge.reportRenderer().render(subscription, period);
    assertThat(report.subject()).isEqualTo("Switchboard queue summary " + today);
    assertThat(report.text()).contains("Offered 2, answered 2, abandoned 0 (0 short), service level 100.0 %");
    String[] lines = report.csv().split("\r\n");
    assertThat(lines[0]).startsWith("dimension,key,periodStart,arrived,offered,");
    // Only the north queue: the answering point narrows it, and the rows are 15-minute intervals.
    assertThat(java.util.Arrays.stream(lines).skip(1)).allMatch(l -> l.startsWith("queue,q-north,")).isNotEmpty();

    var billing = f.edge.reportRenderer().render(new io.switchboard.core.report.ReportSubscription("r2", "sup",
        io.switchboard.core.report.ReportKind.BILLING, io.switchboard.core.report.ReportSchedule.DAILY,
        java.util.Map.of(), List.of("boss@example.com"), java.time.Instant.now()), period);
    assertThat(billing.csv()).contains("north," + today + ",2,0,0,0,0,0,0,0");

    // Whatever its parameters, a report holds only what its owner may see now: the south call
    // log for a supervisor of north is refused; a company narrows billing to its answering point.
    var southCalls = new io.switchboard.core.report.ReportSubscription("r3", "sup-north",
        io.switchboard.core.report.ReportKind.CALL_LOG, io.switchboard.core.report.ReportSchedule.DAILY,
        java.util.Map.of("company", "co-south"), List.of("boss@example.com"), java.time.Instant.now());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.edge.reportRenderer().render(southCalls, period))
        .hasMessageContaining("no longer sees");
    var northCalls = f.edge.reportRenderer().render(new io.switchboard.core.report.ReportSubscription("r4",
        "sup-north", io.switchboard.core.report.ReportKind.CALL_LOG, io.switchboard.core.report.ReportSchedule.DAILY,
        java.util.Map.of("agent", "ag-north"), List.of("boss@example.com"), java.time.Instant.now()), period);
    assertThat(northCalls.csv().split("\r\n")).hasSize(3).noneMatch(l -> l.contains("co-south"));
    var southBilling = f.edge.reportRenderer().render(new io.switchboard.core.report.ReportSubscription("r5", "sup",
        io.switchboard.core.report.ReportKind.BILLING, io.switchboard.core.report.ReportSchedule.DAILY,
        java.util.Map.of("company", "co-south"), List.of("boss@example.com"), java.time.Instant.now()), period);
    assertThat(southBilling.csv()).doesNotContain("north,");
  }

  /** The board's day for the north queue, as projected: both calls answered. */
  private static boolean projected(JsonNode queue) {
    return "statistics".equals(queue.at("/today/source").asText()) && queue.at("/today/answered").asLong() == 2;
  }

  private static JsonNode row(JsonNode intervals, String key) {
    for (JsonNode r : intervals.get("rows")) if (r.get("key").asText().equals(key)) return r;
    throw new AssertionError("no row for " + key + " in " + intervals);
  }

  private static JsonNode find(JsonNode calls, String id) {
    for (JsonNode c : calls) if (c.get("callId").asText().equals(id)) return c;
    throw new AssertionError("no call " + id);
  }
}
