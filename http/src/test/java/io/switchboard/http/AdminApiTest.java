package io.switchboard.http;

import static io.switchboard.http.EdgeFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.http.EdgeFixture.Resp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The configuration API of docs/rest-api.md as an admin: create, read, list, replace and remove
 * each resource; the 4xx answers naming the field at fault; and changes taking effect on the
 * running entities.
 */
class AdminApiTest {

  static final String PW = "admin-password-1";
  static EdgeFixture f;
  static String admin;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.start("admin-api");
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    post("/answering-points", "{\"id\":\"ap1\",\"name\":\"One\"}");
    post("/companies", "{\"id\":\"co1\",\"name\":\"Acme AB\",\"answeringPoint\":\"ap1\"}");
    post("/queues", "{\"id\":\"q1\",\"answeringPoint\":\"ap1\",\"name\":\"Queue one\"}");
    post("/number-plan", "{\"dialledNumber\":\"0811\",\"answeringPoint\":\"ap1\",\"company\":\"co1\",\"queue\":\"q1\"}");
    post("/agents", "{\"id\":\"ag1\",\"name\":\"Agent One\",\"answerGroups\":[{\"queue\":\"q1\",\"level\":1}]}");
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  static JsonNode post(String path, String body) {
    return f.expect(201, admin, "POST", path, body);
  }

  static Resp send(String method, String path, String body) {
    return f.call(admin, method, path, body);
  }

  static List<String> ids(JsonNode list, String field) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }

  // ---------------------------------------------------------------- answering points

  @Test
  void answeringPointsRoundTrip() {
    JsonNode created = post("/answering-points", "{\"id\":\"ap-rt\",\"name\":\"Round Trip\"}");
    assertThat(created.get("id").asText()).isEqualTo("ap-rt");
    assertThat(created.get("name").asText()).isEqualTo("Round Trip");
    assertThat(f.expect(200, admin, "GET", "/answering-points/ap-rt", null)).isEqualTo(created);
    assertThat(ids(f.expect(200, admin, "GET", "/answering-points", null), "id")).contains("ap-rt", "ap1");
    JsonNode renamed = f.expect(200, admin, "PUT", "/answering-points/ap-rt", "{\"id\":\"ap-rt\",\"name\":\"Renamed\"}");
    assertThat(renamed.get("name").asText()).isEqualTo("Renamed");
    assertThat(f.expect(200, admin, "GET", "/answering-points/ap-rt", null).get("name").asText()).isEqualTo("Renamed");
    // The id in the body may be left out on PUT.
    f.expect(200, admin, "PUT", "/answering-points/ap-rt", "{\"name\":\"Renamed again\"}");

    assertError(send("POST", "/answering-points", "{\"id\":\"ap-rt\",\"name\":\"Again\"}"), 409, null, "already exists");
    assertError(send("PUT", "/answering-points/ap-rt", "{\"id\":\"other\",\"name\":\"X\"}"), 400, "id", "differs");
    assertError(send("PUT", "/answering-points/never", "{\"name\":\"X\"}"), 404, null, "never");
    assertError(send("POST", "/answering-points", "{\"id\":\"ap-x\",\"name\":\"X\",\"colour\":\"red\"}"), 400, "colour",
        "unknown field");
    assertError(send("POST", "/answering-points", "{\"id\":\"ap-x\"}"), 400, "name", "name");
    assertError(send("POST", "/answering-points", "{\"id\":\"ap-x\",\"name\":7}"), 400, "name", "name");

    assertThat(send("DELETE", "/answering-points/ap-rt", null).status()).isEqualTo(204);
    assertError(send("GET", "/answering-points/ap-rt", null), 404, null, "ap-rt");
    assertError(send("DELETE", "/answering-points/ap-rt", null), 404, null, "ap-rt");
  }

  @Test
  void anAnsweringPointStillInUseIsNotRemoved() {
    Resp r = send("DELETE", "/answering-points/ap1", null);
    assertError(r, 409, null, "company co1");
    assertThat(r.json().get("error").asText()).contains("queue q1");
    f.expect(200, admin, "GET", "/answering-points/ap1", null);
  }

  /** The field of a bad id is the body's "id", the name the client sent. */
  @Test
  void aBadIdInTheBodyIsNamedAsTheBodyNamesIt() {
    assertError(send("POST", "/answering-points", "{\"id\":\"bad id\",\"name\":\"X\"}"), 400, "id", "bad id");
    assertError(send("POST", "/queues", "{\"id\":\"bad id\",\"answeringPoint\":\"ap1\",\"name\":\"X\"}"), 400, "id", "bad id");
    assertError(send("POST", "/queues", "{\"id\":\"q-noap\",\"name\":\"X\"}"), 400, "answeringPoint", "");
    assertError(send("POST", "/agents", "{\"id\":\"bad id\",\"name\":\"X\"}"), 400, "id", "bad id");
  }

  // ---------------------------------------------------------------- companies

  @Test
  void companiesRoundTrip() {
    JsonNode created = post("/companies", "{\"id\":\"co-rt\",\"name\":\"Beta AB\",\"answeringPoint\":\"ap1\"}");
    assertThat(created.get("answeringPoint").asText()).isEqualTo("ap1");
    assertThat(f.expect(200, admin, "GET", "/companies/co-rt", null).get("name").asText()).isEqualTo("Beta AB");
    assertThat(ids(f.expect(200, admin, "GET", "/companies", null), "id")).contains("co-rt", "co1");
    f.expect(200, admin, "PUT", "/companies/co-rt", "{\"id\":\"co-rt\",\"name\":\"Beta Two AB\",\"answeringPoint\":\"ap1\"}");
    assertThat(f.expect(200, admin, "GET", "/companies/co-rt", null).get("name").asText()).isEqualTo("Beta Two AB");

    assertError(send("POST", "/companies", "{\"id\":\"co-rt\",\"name\":\"X\",\"answeringPoint\":\"ap1\"}"), 409, null,
        "already exists");
    assertError(send("PUT", "/companies/co-rt", "{\"id\":\"co-other\",\"name\":\"X\",\"answeringPoint\":\"ap1\"}"), 400,
        "id", "differs");
    assertError(send("PUT", "/companies/never", "{\"name\":\"X\",\"answeringPoint\":\"ap1\"}"), 404, null, "never");
    assertError(send("POST", "/companies", "{\"id\":\"co-x\",\"name\":\"X\",\"answeringPoint\":\"nowhere\"}"), 400,
        "answeringPoint", "nowhere");
    assertError(send("POST", "/companies", "{\"id\":\"co-x\",\"name\":\"X\",\"answeringPoint\":\"ap1\",\"vat\":\"SE1\"}"),
        400, "vat", "unknown field");

    assertThat(send("DELETE", "/companies/co-rt", null).status()).isEqualTo(204);
    assertError(send("GET", "/companies/co-rt", null), 404, null, "co-rt");
  }

  @Test
  void aCompanyWithNumbersIsNotRemovedAndTheNumberIsNamed() {
    assertError(send("DELETE", "/companies/co1", null), 409, null, "0811");
  }

  // ---------------------------------------------------------------- calendars

  static final String CALENDAR = """
      {"id":"%s","name":"%s","zone":"Europe/Stockholm",
       "baseHours":{"days":{"MONDAY":[{"from":"08:00","to":"17:00"}],"FRIDAY":[{"from":"08:00","to":"15:00"}]}},
       "closedOnPublicHolidays":true,"closedOnHolidayEves":true,
       "deviations":[{"name":"Lunch","weekdays":["MONDAY"],"time":{"from":"12:00","to":"13:00"},
                      "action":"CLOSED","prompt":"lunch-closed"}]}""";

  @Test
  void calendarsRoundTrip() {
    JsonNode created = post("/calendars", CALENDAR.formatted("cal-rt", "Office"));
    assertThat(created.get("id").asText()).isEqualTo("cal-rt");
    JsonNode read = f.expect(200, admin, "GET", "/calendars/cal-rt", null);
    assertThat(read.get("name").asText()).isEqualTo("Office");
    assertThat(read.get("zone").asText()).isEqualTo("Europe/Stockholm");
    assertThat(read.at("/deviations/0/prompt").asText()).isEqualTo("lunch-closed");
    assertThat(read.at("/baseHours/days/FRIDAY/0/to").asText()).startsWith("15:00");
    assertThat(ids(f.expect(200, admin, "GET", "/calendars", null), "id")).contains("cal-rt");
    f.expect(200, admin, "PUT", "/calendars/cal-rt", CALENDAR.formatted("cal-rt", "Office hours"));
    assertThat(f.expect(200, admin, "GET", "/calendars/cal-rt", null).get("name").asText()).isEqualTo("Office hours");

    assertError(send("POST", "/calendars", CALENDAR.formatted("cal-rt", "Again")), 409, null, "already exists");
    assertError(send("PUT", "/calendars/cal-rt", CALENDAR.formatted("cal-other", "X")), 400, "id", "differs");
    assertError(send("PUT", "/calendars/never", CALENDAR.formatted("never", "X")), 404, null, "never");
    assertError(send("POST", "/calendars", CALENDAR.formatted("cal-x", "X").replace("\"zone\"", "\"colour\":\"red\",\"zone\"")),
        400, "colour", "unknown field");
    assertError(send("POST", "/calendars", CALENDAR.formatted("cal-x", "X").replace("Europe/Stockholm", "Mars/Base")),
        400, "zone", "");
    assertError(send("POST", "/calendars", CALENDAR.formatted("cal-x", "X").replace("\"CLOSED\"", "\"SHUT\"")), 400,
        "deviations[0].action", "");

    assertThat(send("DELETE", "/calendars/cal-rt", null).status()).isEqualTo(204);
    assertError(send("GET", "/calendars/cal-rt", null), 404, null, "cal-rt");
  }

  /** A calendar without a required setting names it (here the zone, misspelt as "zome"). */
  @Test
  void aCalendarWithoutItsZoneNamesTheField() {
    Resp r = send("POST", "/calendars", CALENDAR.formatted("cal-nozone", "X").replace("\"zone\"", "\"zome\""));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().path("field").asText()).as(r.body()).isIn("zone", "zome");
  }

  /** rest-api.md: DELETE answers 409 "when something still refers to it, naming what". */
  @Test
  void aCalendarAQueueUsesIsNotRemoved() {
    post("/calendars", CALENDAR.formatted("cal-used", "Used"));
    post("/queues", "{\"id\":\"q-cal\",\"answeringPoint\":\"ap1\",\"name\":\"Timed\",\"calendarId\":\"cal-used\"}");
    Resp r = send("DELETE", "/calendars/cal-used", null);
    assertError(r, 409, null, "q-cal");
    f.expect(200, admin, "GET", "/calendars/cal-used", null);
  }

  // ---------------------------------------------------------------- queues

  @Test
  void queuesRoundTripAndTheChangeReachesTheRunningQueue() {
    JsonNode created = post("/queues", """
        {"id":"q-rt","answeringPoint":"ap1","name":"Support","strategy":"RING_ALL","offerTimeout":"PT15S",
         "serviceLevelThreshold":"PT30S","serviceLevelTargetPercent":90,
         "wrapUp":{"mode":"FIXED","duration":"PT10S"}}""");
    assertThat(created.get("id").asText()).isEqualTo("q-rt");
    assertThat(created.get("answeringPoint").asText()).isEqualTo("ap1");
    assertThat(created.get("strategy").asText()).isEqualTo("RING_ALL");
    assertThat(created.get("offerTimeout").asText()).isEqualTo("PT15S");
    JsonNode read = f.expect(200, admin, "GET", "/queues/q-rt", null);
    assertThat(read).isEqualTo(created);
    assertThat(read.at("/wrapUp/mode").asText()).isEqualTo("FIXED");
    JsonNode listed = f.expect(200, admin, "GET", "/queues", null);
    assertThat(ids(listed, "id")).contains("q-rt", "q1");

    JsonNode put = f.expect(200, admin, "PUT", "/queues/q-rt",
        "{\"id\":\"q-rt\",\"answeringPoint\":\"ap1\",\"name\":\"Support two\",\"offerTimeout\":\"PT7S\"}");
    assertThat(put.get("offerTimeout").asText()).isEqualTo("PT7S");
    assertThat(put.get("strategy").asText()).as("PUT replaces: omitted settings take defaults").isEqualTo("LONGEST_IDLE");
    JsonNode live = f.expect(200, admin, "GET", "/queues/q-rt/live", null);
    assertThat(live.at("/config/offerTimeout").asText()).isEqualTo("PT7S");
    assertThat(live.at("/config/name").asText()).isEqualTo("Support two");
    assertThat(live.get("queueId").asText()).isEqualTo("q-rt");
    assertThat(listedName(f.expect(200, admin, "GET", "/queues", null), "q-rt")).isEqualTo("Support two");

    assertThat(send("DELETE", "/queues/q-rt", null).status()).isEqualTo(204);
    assertError(send("GET", "/queues/q-rt", null), 404, null, "q-rt");
    assertError(send("GET", "/queues/q-rt/live", null), 404, null, "q-rt");
  }

  static String listedName(JsonNode list, String id) {
    for (JsonNode n : list) if (n.path("id").asText().equals(id)) return n.path("name").asText();
    return null;
  }

  @Test
  void queueErrorsNameTheField() {
    String base = "{\"id\":\"q-err\",\"answeringPoint\":\"ap1\",\"name\":\"Err\"";
    assertError(send("POST", "/queues", base + ",\"strategie\":\"RING_ALL\"}"), 400, "strategie", "unknown field");
    assertError(send("POST", "/queues", base + ",\"strategy\":\"RANDOM\"}"), 400, "strategy", "");
    assertError(send("POST", "/queues", base + ",\"serviceLevelTargetPercent\":140}"), 400, "serviceLevelTargetPercent",
        "0-100");
    assertError(send("POST", "/queues", base + ",\"offerTimeout\":\"soon\"}"), 400, "offerTimeout", "");
    assertError(send("POST", "/queues", base + ",\"calendarId\":\"no-such-calendar\"}"), 400, "calendarId",
        "no-such-calendar");
    assertError(send("POST", "/queues", base + ",\"maxWait\":\"PT1M\",\"overflow\":{\"type\":\"queue\",\"queue\":\"nope\"}}"),
        400, "overflow.queue", "nope");
    assertError(send("POST", "/queues", base + ",\"wrapUp\":{\"mode\":\"SOMETIMES\"}}"), 400, "wrapUp.mode", "");
    assertError(send("POST", "/queues", "{\"id\":\"q-err\",\"answeringPoint\":\"nowhere\",\"name\":\"Err\"}"), 400,
        "answeringPoint", "nowhere");
    assertError(send("POST", "/queues", "{\"id\":\"q-err\",\"answeringPoint\":\"ap1\"}"), 400, "name", "name");
    assertError(send("POST", "/queues", "{\"id\":\"q1\",\"answeringPoint\":\"ap1\",\"name\":\"Dup\"}"), 409, null,
        "already exists");
    assertError(send("PUT", "/queues/q1", "{\"id\":\"q2\",\"answeringPoint\":\"ap1\",\"name\":\"X\"}"), 400, "id", "differs");
    assertError(send("PUT", "/queues/never", "{\"answeringPoint\":\"ap1\",\"name\":\"X\"}"), 404, null, "never");
    // Nothing of the refused ones was created.
    assertError(send("GET", "/queues/q-err", null), 404, null, "q-err");
    assertThat(f.expect(200, admin, "GET", "/queues/q1", null).get("name").asText()).isEqualTo("Queue one");
  }

  @Test
  void aQueueANumberUsesIsNotRemovedAndTheNumberIsNamed() {
    assertError(send("DELETE", "/queues/q1", null), 409, null, "0811");
    f.expect(200, admin, "GET", "/queues/q1", null);
  }

  /** An agent's answer group refers to the queue (rest-api.md: 409 naming what refers to it). */
  @Test
  void aQueueAnAgentAnswersIsNotRemovedAndTheAgentIsNamed() {
    post("/queues", "{\"id\":\"q-staffed\",\"answeringPoint\":\"ap1\",\"name\":\"Staffed\"}");
    post("/agents", "{\"id\":\"ag-staffed\",\"name\":\"Staff\",\"answerGroups\":[{\"queue\":\"q-staffed\",\"level\":1}]}");
    assertError(send("DELETE", "/queues/q-staffed", null), 409, null, "ag-staffed");
  }

  /** Another queue overflows to it (rest-api.md: 409 naming what refers to it). */
  @Test
  void aQueueAnotherOverflowsToIsNotRemoved() {
    post("/queues", "{\"id\":\"q-target\",\"answeringPoint\":\"ap1\",\"name\":\"Target\"}");
    post("/queues", "{\"id\":\"q-source\",\"answeringPoint\":\"ap1\",\"name\":\"Source\",\"maxWait\":\"PT2M\","
        + "\"overflow\":{\"type\":\"queue\",\"queue\":\"q-target\"}}");
    assertError(send("DELETE", "/queues/q-target", null), 409, null, "q-source");
  }

  // ---------------------------------------------------------------- number plan

  @Test
  void numberPlanRoundTripAndANewNumberTakesCallsAtOnce() {
    post("/queues", "{\"id\":\"q-np\",\"answeringPoint\":\"ap1\",\"name\":\"Numbers\"}");
    JsonNode created = post("/number-plan",
        "{\"dialledNumber\":\"+4685550100\",\"answeringPoint\":\"ap1\",\"company\":\"co1\",\"queue\":\"q-np\",\"priority\":2}");
    assertThat(created.get("dialledNumber").asText()).isEqualTo("+4685550100");
    assertThat(created.get("queue").asText()).isEqualTo("q-np");
    assertThat(created.get("priority").asInt()).isEqualTo(2);
    assertThat(f.expect(200, admin, "GET", "/number-plan/+4685550100", null)).isEqualTo(created);
    assertThat(ids(f.expect(200, admin, "GET", "/number-plan", null), "dialledNumber")).contains("+4685550100", "0811");

    // A test call to the new number is queued in its queue.
    JsonNode call = f.expect(201, admin, "POST", "/test-calls",
        "{\"callId\":\"np-call-1\",\"dialledNumber\":\"+4685550100\",\"callerNumber\":\"0701234567\"}");
    assertThat(call.get("callId").asText()).isEqualTo("np-call-1");
    JsonNode queued = EdgeFixture.eventually(Duration.ofSeconds(5),
        () -> f.expect(200, admin, "GET", "/test-calls/np-call-1", null), c -> c.get("phase").asText().equals("QUEUED"),
        "the call queued");
    assertThat(queued.get("queue").asText()).isEqualTo("q-np");
    assertThat(queued.get("company").asText()).isEqualTo("co1");
    assertThat(queued.get("priority").asInt()).isEqualTo(2);
    JsonNode live = f.expect(200, admin, "GET", "/queues/q-np/live", null);
    assertThat(live.get("waitingCount").asInt()).isEqualTo(1);
    assertThat(live.at("/waiting/0/callId").asText()).isEqualTo("np-call-1");

    // Re-pointing the number takes effect on the next call.
    post("/queues", "{\"id\":\"q-np2\",\"answeringPoint\":\"ap1\",\"name\":\"Numbers two\"}");
    JsonNode moved = f.expect(200, admin, "PUT", "/number-plan/+4685550100",
        "{\"dialledNumber\":\"+4685550100\",\"answeringPoint\":\"ap1\",\"company\":\"co1\",\"queue\":\"q-np2\",\"priority\":0}");
    assertThat(moved.get("queue").asText()).isEqualTo("q-np2");
    f.expect(201, admin, "POST", "/test-calls",
        "{\"callId\":\"np-call-2\",\"dialledNumber\":\"+4685550100\",\"callerNumber\":\"0701234567\"}");
    assertThat(EdgeFixture.eventually(Duration.ofSeconds(5),
        () -> f.expect(200, admin, "GET", "/test-calls/np-call-2", null), c -> c.get("phase").asText().equals("QUEUED"),
        "the second call queued").get("queue").asText()).isEqualTo("q-np2");
    f.expect(200, admin, "POST", "/test-calls/np-call-1/hangup", null);
    f.expect(200, admin, "POST", "/test-calls/np-call-2/hangup", null);

    assertThat(send("DELETE", "/number-plan/+4685550100", null).status()).isEqualTo(204);
    assertError(send("GET", "/number-plan/+4685550100", null), 404, null, "+4685550100");
    assertError(send("POST", "/test-calls", "{\"dialledNumber\":\"+4685550100\",\"callerNumber\":\"070\"}"), 404, null,
        "+4685550100");
  }

  @Test
  void numberPlanErrorsNameTheField() {
    String ok = "{\"dialledNumber\":\"0899\",\"answeringPoint\":\"ap1\",\"company\":\"co1\",\"queue\":\"q1\"";
    assertError(send("POST", "/number-plan", ok + ",\"prio\":1}"), 400, "prio", "unknown field");
    assertError(send("POST", "/number-plan", ok + ",\"priority\":\"high\"}"), 400, "priority", "priority");
    assertError(send("POST", "/number-plan", ok.replace("co1", "nope") + "}"), 400, "company", "nope");
    assertError(send("POST", "/number-plan", ok.replace("q1", "nope") + "}"), 400, "queue", "nope");
    assertError(send("POST", "/number-plan", ok.replace("0899", "08-99") + "}"), 400, "dialledNumber", "dialledNumber");
    assertError(send("POST", "/number-plan",
        "{\"dialledNumber\":\"0811\",\"answeringPoint\":\"ap1\",\"company\":\"co1\",\"queue\":\"q1\"}"), 409, null, "0811");
    assertError(send("PUT", "/number-plan/0811",
        "{\"dialledNumber\":\"0812\",\"answeringPoint\":\"ap1\",\"company\":\"co1\",\"queue\":\"q1\"}"), 400, "dialledNumber",
        "differs");
    assertError(send("PUT", "/number-plan/0877", ok.replace("0899", "0877") + "}"), 404, null, "0877");
    assertError(send("GET", "/number-plan/0899", null), 404, null, "0899");
  }

  @Test
  void aNumberCanRingASipAccountAndTestCallsAreToldOnlySipReachesIt() {
    String body = "{\"dialledNumber\":\"4610\",\"answeringPoint\":\"ap1\",\"company\":\"co1\","
        + "\"account\":{\"user\":\"alice\",\"forwardAfterSeconds\":15,\"voicemail\":\"alice@example.com\"}}";
    JsonNode created = f.expect(201, admin, "POST", "/number-plan", body);
    assertThat(created.get("account").get("user").asText()).isEqualTo("alice");
    assertThat(created.get("account").get("forwardAfterSeconds").asInt()).isEqualTo(15);
    assertThat(created.get("account").get("voicemail").asText()).isEqualTo("alice@example.com");
    assertThat(created.get("queue").isNull()).isTrue();
    assertThat(f.expect(200, admin, "GET", "/number-plan/4610", null)).isEqualTo(created);
    assertError(send("POST", "/test-calls", "{\"dialledNumber\":\"4610\",\"callerNumber\":\"070\"}"), 400,
        "dialledNumber", "SIP account alice");
    // Back to a queue: the account goes.
    JsonNode queued = f.expect(200, admin, "PUT", "/number-plan/4610",
        "{\"answeringPoint\":\"ap1\",\"company\":\"co1\",\"queue\":\"q1\"}");
    assertThat(queued.get("account").isNull()).isTrue();
    assertThat(send("DELETE", "/number-plan/4610", null).status()).isEqualTo(204);
  }

  @Test
  void accountRowErrorsNameTheField() {
    String start = "{\"dialledNumber\":\"4611\",\"answeringPoint\":\"ap1\",\"company\":\"co1\",\"account\":";
    assertError(send("POST", "/number-plan", start + "{\"user\":\"al ice\"}}"), 400, "account.user", "user name");
    assertError(send("POST", "/number-plan", start + "{\"user\":\"alice\",\"forwardAfterSeconds\":999}}"), 400,
        "account.forwardAfterSeconds", "1-300");
    assertError(send("POST", "/number-plan", start + "{\"user\":\"alice\",\"forwardTo\":\"x\"}}"), 400,
        "account.forwardTo", "digits");
    assertError(send("POST", "/number-plan", start + "{\"user\":\"alice\",\"forwardTo\":\"0812\",\"voicemail\":\"a@b.se\"}}"),
        400, "account.forwardTo", "not both");
    assertError(send("POST", "/number-plan", start + "{\"user\":\"alice\",\"ring\":5}}"), 400, "account.ring",
        "not a field");
    assertError(send("POST", "/number-plan", start + "\"alice\"}"), 400, "account", "object");
    assertError(send("POST", "/number-plan", start.replace(",\"account\":", ",\"queue\":\"q1\",\"account\":")
        + "{\"user\":\"alice\"}}"), 400, "queue", "not both");
  }

  /** A create without its key is a 400 naming it, never a 500. */
  @Test
  void aNumberWithoutDialledNumberIsA400() {
    assertError(send("POST", "/number-plan", "{\"answeringPoint\":\"ap1\",\"company\":\"co1\",\"queue\":\"q1\"}"), 400,
        "dialledNumber", "dialledNumber");
  }

  // ---------------------------------------------------------------- agents

  @Test
  void agentsRoundTrip() {
    JsonNode created = post("/agents",
        "{\"id\":\"ag-rt\",\"name\":\"Bo Berg\",\"answerGroups\":[{\"queue\":\"q1\",\"level\":2}],\"capacity\":{\"VOICE\":1}}");
    assertThat(created.get("id").asText()).isEqualTo("ag-rt");
    assertThat(created.at("/answerGroups/0/queue").asText()).isEqualTo("q1");
    assertThat(created.at("/answerGroups/0/level").asInt()).isEqualTo(2);
    assertThat(created.at("/capacity/VOICE").asInt()).isEqualTo(1);
    assertThat(f.expect(200, admin, "GET", "/agents/ag-rt", null)).isEqualTo(created);
    assertThat(ids(f.expect(200, admin, "GET", "/agents", null), "id")).contains("ag-rt", "ag1");
    f.expect(200, admin, "PUT", "/agents/ag-rt", "{\"id\":\"ag-rt\",\"name\":\"Bo Berg-Ek\",\"answerGroups\":[{\"queue\":\"q1\",\"level\":1}]}");
    JsonNode live = f.expect(200, admin, "GET", "/agents/ag-rt/live", null);
    assertThat(live.get("name").asText()).isEqualTo("Bo Berg-Ek");
    assertThat(live.at("/config/answerGroups/0/level").asInt()).isEqualTo(1);
    assertThat(live.get("status").asText()).isEqualTo("LOGGED_OUT");

    assertThat(send("DELETE", "/agents/ag-rt", null).status()).isEqualTo(204);
    assertError(send("GET", "/agents/ag-rt", null), 404, null, "ag-rt");
    assertError(send("GET", "/agents/ag-rt/live", null), 404, null, "ag-rt");
  }

  @Test
  void agentErrorsNameTheField() {
    String start = "{\"id\":\"ag-err\",\"name\":\"Err\",";
    assertError(send("POST", "/agents", start + "\"answerGroups\":[{\"queue\":\"nope\",\"level\":1}]}"), 400,
        "answerGroups", "nope");
    assertError(send("POST", "/agents", start + "\"answerGroups\":[{\"queue\":\"q1\",\"level\":0}]}"), 400,
        "answerGroups[].level", "1-99");
    assertError(send("POST", "/agents", start + "\"answerGroups\":[],\"capacity\":{\"VOICE\":2}}"), 400, "capacity.VOICE",
        "");
    assertError(send("POST", "/agents", start + "\"answerGroups\":[],\"capacity\":{\"FAX\":1}}"), 400, "capacity", "");
    assertError(send("POST", "/agents", start + "\"answerGroups\":[],\"skills\":[\"x\"]}"), 400, "skills", "unknown field");
    assertError(send("POST", "/agents", "{\"id\":\"ag-err\",\"answerGroups\":[]}"), 400, "name", "name");
    assertError(send("POST", "/agents", "{\"id\":\"ag1\",\"name\":\"Dup\",\"answerGroups\":[]}"), 409, null, "already exists");
    assertError(send("PUT", "/agents/ag1", "{\"id\":\"ag2\",\"name\":\"X\",\"answerGroups\":[]}"), 400, "id", "differs");
    assertError(send("PUT", "/agents/never", "{\"name\":\"X\",\"answerGroups\":[]}"), 404, null, "never");
    assertError(send("GET", "/agents/ag-err", null), 404, null, "ag-err");
  }

  @Test
  void aLoggedInAgentIsNotRemoved() {
    post("/agents", "{\"id\":\"ag-busy\",\"name\":\"Busy\",\"answerGroups\":[{\"queue\":\"q1\",\"level\":1}]}");
    f.expect(200, admin, "POST", "/api/v0/agents/ag-busy/login", "{\"loginId\":\"L1\",\"ready\":false}");
    assertError(send("DELETE", "/agents/ag-busy", null), 409, null, "logged in");
    f.expect(200, admin, "POST", "/api/v0/agents/ag-busy/logout", "{\"loginId\":\"L1\"}");
    assertThat(send("DELETE", "/agents/ag-busy", null).status()).isEqualTo(204);
  }

  /** A user's agentId refers to the agent (rest-api.md: 409 naming what refers to it). */
  @Test
  void anAgentAUserSignsInAsIsNotRemoved() {
    post("/agents", "{\"id\":\"ag-user\",\"name\":\"Used\",\"answerGroups\":[{\"queue\":\"q1\",\"level\":1}]}");
    post("/users", "{\"username\":\"ag-user-login\",\"name\":\"Used\",\"password\":\"long-enough-1\",\"roles\":[\"agent\"],"
        + "\"agentId\":\"ag-user\"}");
    assertError(send("DELETE", "/agents/ag-user", null), 409, null, "ag-user-login");
  }

  // ---------------------------------------------------------------- users

  @Test
  void usersRoundTripAndChangesApplyToOpenSessions() {
    JsonNode created = post("/users", "{\"username\":\"eva\",\"name\":\"Eva\",\"password\":\"evas-password\","
        + "\"roles\":[\"supervisor\"],\"answeringPoints\":[\"ap1\"]}");
    assertThat(created.get("username").asText()).isEqualTo("eva");
    assertThat(created.get("roles").toString()).isEqualTo("[\"supervisor\"]");
    assertThat(created.get("answeringPoints").toString()).isEqualTo("[\"ap1\"]");
    assertThat(created.get("locked").asBoolean()).isFalse();
    assertThat(created.has("password")).isFalse();
    assertThat(f.expect(200, admin, "GET", "/users/eva", null)).isEqualTo(created);
    assertThat(ids(f.expect(200, admin, "GET", "/users", null), "username")).contains("eva", "admin");

    String eva = f.login("eva", "evas-password");
    assertThat(f.call(eva, "GET", "/queues", null).status()).isEqualTo(200);
    // A PUT without a password keeps it; the new roles apply to her open session.
    JsonNode put = f.expect(200, admin, "PUT", "/users/eva",
        "{\"username\":\"eva\",\"name\":\"Eva E\",\"roles\":[\"agent\"],\"agentId\":\"ag1\"}");
    assertThat(put.get("name").asText()).isEqualTo("Eva E");
    assertThat(put.get("answeringPoints").toString()).isEqualTo("[]");
    EdgeFixture.eventually(Duration.ofSeconds(5), () -> f.call(eva, "GET", "/queues", null).status(), s -> s == 403,
        "the demoted supervisor loses the configuration");
    assertThat(f.call(eva, "GET", "/me/agent", null).status()).isEqualTo(200);
    assertThat(f.login("eva", "evas-password")).isNotBlank();
    // A new password replaces the old one.
    f.expect(200, admin, "PUT", "/users/eva",
        "{\"name\":\"Eva E\",\"password\":\"evas-new-password\",\"roles\":[\"agent\"],\"agentId\":\"ag1\"}");
    assertError(f.loginResp("eva", "evas-password"), 401, null, "invalid username or password");
    assertThat(f.login("eva", "evas-new-password")).isNotBlank();

    assertThat(send("DELETE", "/users/eva", null).status()).isEqualTo(204);
    assertError(send("GET", "/users/eva", null), 404, null, "eva");
    // Her sessions end with her.
    EdgeFixture.eventually(Duration.ofSeconds(5), () -> f.call(eva, "GET", "/session", null).status(), s -> s == 401,
        "the removed user's session ends");
  }

  @Test
  void userErrorsNameTheField() {
    String pw = "\"password\":\"long-enough-1\"";
    assertError(send("POST", "/users", "{\"username\":\"Bad Name\",\"name\":\"X\"," + pw + ",\"roles\":[\"supervisor\"]}"),
        400, "username", "username");
    assertError(send("POST", "/users", "{\"username\":\"ux\",\"name\":\"X\",\"password\":\"short\",\"roles\":[\"supervisor\"]}"),
        400, "password", "at least 8");
    assertError(send("POST", "/users", "{\"username\":\"ux\",\"name\":\"X\",\"roles\":[\"supervisor\"]}"), 400, "password", "");
    assertError(send("POST", "/users", "{\"username\":\"ux\",\"name\":\"X\"," + pw + ",\"roles\":[]}"), 400, "roles", "roles");
    assertError(send("POST", "/users", "{\"username\":\"ux\",\"name\":\"X\"," + pw + ",\"roles\":[\"agent\"]}"), 400,
        "agentId", "agentId");
    assertError(send("POST", "/users", "{\"username\":\"ux\",\"name\":\"X\"," + pw + ",\"roles\":[\"agent\"],\"agentId\":\"nope\"}"),
        400, "agentId", "nope");
    assertError(send("POST", "/users", "{\"username\":\"ux\",\"name\":\"X\"," + pw + ",\"roles\":[\"supervisor\"],"
        + "\"answeringPoints\":[\"nowhere\"]}"), 400, "answeringPoints", "nowhere");
    assertError(send("POST", "/users", "{\"username\":\"ux\",\"name\":\"X\"," + pw + ",\"roles\":[\"supervisor\"],\"email\":\"x\"}"),
        400, "email", "unknown field");
    assertError(send("POST", "/users", "{\"username\":\"ux\"," + pw + ",\"roles\":[\"supervisor\"]}"), 400, "name", "name");
    assertError(send("POST", "/users", "{\"username\":\"admin\",\"name\":\"X\"," + pw + ",\"roles\":[\"supervisor\"]}"), 409,
        null, "already exists");
    assertError(send("PUT", "/users/admin", "{\"username\":\"other\",\"name\":\"X\",\"roles\":[\"admin\"]}"), 400, "username",
        "differs");
    assertError(send("PUT", "/users/never", "{\"name\":\"X\",\"roles\":[\"supervisor\"]}"), 404, null, "never");
    assertError(send("DELETE", "/users/admin", null), 409, null, "yourself");
    assertError(send("DELETE", "/users/never", null), 404, null, "never");
    assertError(send("GET", "/users/ux", null), 404, null, "ux");
  }

  /** A bad role is named by the field the client sent, "roles". */
  @Test
  void aBadRoleIsNamedAsRoles() {
    assertError(send("POST", "/users", "{\"username\":\"uy\",\"name\":\"X\",\"password\":\"long-enough-1\",\"roles\":[\"boss\"]}"),
        400, "roles", "boss");
  }

  // ---------------------------------------------------------------- the shared rules

  @Test
  void bodiesMustBeJsonObjectsOfAtMost64KiB() {
    assertError(send("POST", "/answering-points", "[1,2]"), 400, null, "");
    assertError(send("POST", "/answering-points", "{\"id\":"), 400, null, "");
    assertError(f.req("POST", "/answering-points").bearer(admin).raw("text/plain", "id=x").send(), 415, null,
        "application/json");
    Resp big = send("POST", "/answering-points", "{\"id\":\"big\",\"name\":\"" + "x".repeat(70_000) + "\"}");
    assertThat(big.status()).as(big.body()).isEqualTo(413);
    assertThat(big.json().get("error").asText()).isNotBlank();
    assertError(send("GET", "/no-such-thing", null), 404, null, "");
  }
}
