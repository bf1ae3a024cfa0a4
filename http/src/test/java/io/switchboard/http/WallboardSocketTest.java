package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.http.EdgeFixture.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wallboard feed of docs/wallboard-protocol.md. */
class WallboardSocketTest {

  static final String PW = "wallboard-password-1";
  static final Duration WAIT = Duration.ofSeconds(5);
  static EdgeFixture f;
  static String admin;
  static String supervisor;
  static String supervisorNorth;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.start("wallboard");
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    for (String side : List.of("north", "south")) {
      f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"" + side + "\",\"name\":\"" + side + "\"}");
      f.expect(201, admin, "POST", "/companies", "{\"id\":\"co-" + side + "\",\"name\":\"Co " + side + "\",\"answeringPoint\":\"" + side + "\"}");
      f.expect(201, admin, "POST", "/queues", "{\"id\":\"q-" + side + "\",\"answeringPoint\":\"" + side + "\",\"name\":\"Queue "
          + side + "\",\"serviceLevelThreshold\":\"PT20S\",\"serviceLevelTargetPercent\":80}");
      f.expect(201, admin, "POST", "/number-plan", "{\"dialledNumber\":\"" + number(side) + "\",\"answeringPoint\":\"" + side
          + "\",\"company\":\"co-" + side + "\",\"queue\":\"q-" + side + "\"}");
      f.expect(201, admin, "POST", "/agents", "{\"id\":\"ag-" + side + "\",\"name\":\"Agent " + side
          + "\",\"answerGroups\":[{\"queue\":\"q-" + side + "\",\"level\":1}]}");
      f.createUser("ag-" + side, PW, "agent", side, "ag-" + side);
    }
    f.createUser("sup", PW, "supervisor", null, null);
    f.createUser("sup-north", PW, "supervisor", "north", null);
    supervisor = f.login("sup", PW);
    supervisorNorth = f.login("sup-north", PW);
    awaitTheHubKnowsTheDirectory();
  }

  /**
   * The hub learns the directory (which queue belongs to which answering point) by re-reading it
   * every few seconds; the tests of scope and figures start once it has (see
   * {@link #aQueueCreatedJustNowIsOnEveryBoardWithinASecond} for the time before).
   */
  static void awaitTheHubKnowsTheDirectory() {
    EdgeFixture.eventually(Duration.ofSeconds(8), () -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Socket s = f.open("/wallboard/ws", supervisor);
      JsonNode snap = s.await("snapshot");
      s.close();
      return snap;
    }, snap -> queueIn(snap, "q-north") != null && queueIn(snap, "q-north").path("answeringPoint").asText().equals("north")
        && queueIn(snap, "q-south") != null && queueIn(snap, "q-south").path("answeringPoint").asText().equals("south"),
        "the wallboard hub to know the answering points of the queues");
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  static String number(String side) {
    return side.equals("north") ? "0810001" : "0820001";
  }

  static List<String> ids(JsonNode list, String field) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }

  static JsonNode queueIn(JsonNode snapshot, String id) {
    for (JsonNode q : snapshot.get("queues")) if (q.path("queueId").asText().equals(id)) return q;
    return null;
  }

  @Test
  void aSupervisorsSnapshotShowsEveryQueueAndAgent() {
    Socket s = f.open("/wallboard/ws", supervisor);
    JsonNode snap = s.await("snapshot");
    assertThat(snap.get("protocol").asInt()).isEqualTo(1);
    assertThat(snap.get("at").asText()).isNotBlank();
    assertThat(ids(snap.get("queues"), "queueId")).contains("q-north", "q-south");
    assertThat(ids(snap.get("agents"), "agentId")).contains("ag-north", "ag-south");
    JsonNode q = queueIn(snap, "q-north");
    assertThat(q.get("name").asText()).isEqualTo("Queue north");
    assertThat(q.get("answeringPoint").asText()).isEqualTo("north");
    assertThat(q.has("waiting")).isTrue();
    assertThat(q.has("oldestEnqueuedAt")).isTrue();
    for (String k : List.of("loggedIn", "available", "onContact", "wrapUp", "paused")) assertThat(q.get("agents").has(k)).as(k).isTrue();
    JsonNode today = q.get("today");
    for (String k : List.of("date", "offered", "answered", "abandoned", "shortAbandoned", "answeredWithinThreshold",
        "overflowed", "serviceLevelPercent", "asaSeconds", "serviceLevelThresholdSeconds", "serviceLevelTargetPercent"))
      assertThat(today.has(k)).as(k).isTrue();
    assertThat(today.get("serviceLevelThresholdSeconds").asInt()).isEqualTo(20);
    assertThat(today.get("serviceLevelTargetPercent").asInt()).isEqualTo(80);
    JsonNode agent = null;
    for (JsonNode a : snap.get("agents")) if (a.path("agentId").asText().equals("ag-north")) agent = a;
    assertThat(agent.get("name").asText()).isEqualTo("Agent north");
    assertThat(agent.get("queues").toString()).isEqualTo("[\"q-north\"]");
    assertThat(agent.has("currentQueue")).isTrue();
    assertThat(agent.has("handledToday")).isTrue();

    s.send("{\"type\":\"ping\"}");
    assertThat(s.await("pong").get("at").asText()).isNotBlank();
    s.send("{\"type\":\"login\"}");
    assertThat(s.await("error").get("code").asText()).isEqualTo("unknown-type");
    s.send("{nope");
    assertThat(s.await("error").get("code").asText()).isIn("bad-frame", "unknown-type");
    s.close();
  }

  @Test
  void anAnsweredCallShowsInTheQueuesFiguresWithinTwoSeconds() {
    Socket board = f.open("/wallboard/ws", supervisor);
    JsonNode snap = board.await("snapshot");
    int answeredBefore = queueIn(snap, "q-north") == null ? 0 : queueIn(snap, "q-north").at("/today/answered").asInt();

    Socket desk = f.open("/agent/ws", f.login("ag-north", PW));
    desk.await("welcome");
    desk.send("{\"type\":\"login\",\"ref\":\"l\"}");
    desk.await("ok", n -> n.path("ref").asText().equals("l"), WAIT);
    List<JsonNode> loggedIn = board.awaitAll(Duration.ofSeconds(2),
        n -> n.path("type").asText().equals("agent") && n.at("/agent/agentId").asText().equals("ag-north")
            && n.at("/agent/status").asText().equals("READY"),
        n -> n.path("type").asText().equals("queue") && n.at("/queue/queueId").asText().equals("q-north")
            && n.at("/queue/agents/loggedIn").asInt() == 1 && n.at("/queue/agents/available").asInt() == 1);
    assertThat(loggedIn.get(0).at("/agent/queues").toString()).contains("q-north");

    f.expect(201, admin, "POST", "/test-calls", "{\"callId\":\"wb-1\",\"dialledNumber\":\"0810001\",\"callerNumber\":\"0701\"}");
    JsonNode offer = desk.await("offer", n -> n.at("/contact/callId").asText().equals("wb-1"), WAIT);
    desk.send("{\"type\":\"accept\",\"ref\":\"a\",\"offerId\":\"" + offer.at("/contact/offerId").asText() + "\"}");
    desk.await("ok", n -> n.path("ref").asText().equals("a"), WAIT);
    JsonNode onCall = board.await("agent", n -> n.at("/agent/agentId").asText().equals("ag-north")
        && n.at("/agent/status").asText().equals("BUSY"), Duration.ofSeconds(2));
    assertThat(onCall.at("/agent/currentQueue").asText()).isEqualTo("q-north");
    desk.send("{\"type\":\"end\",\"ref\":\"e\",\"callId\":\"wb-1\"}");
    desk.await("ok", n -> n.path("ref").asText().equals("e"), WAIT);
    long ended = System.nanoTime();

    JsonNode q = board.await("queue", n -> n.at("/queue/queueId").asText().equals("q-north")
        && n.at("/queue/today/answered").asInt() == answeredBefore + 1, Duration.ofSeconds(2));
    assertThat(Duration.ofNanos(System.nanoTime() - ended)).isLessThan(Duration.ofSeconds(2));
    JsonNode today = q.at("/queue/today");
    assertThat(today.get("offered").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(today.get("answeredWithinThreshold").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(today.get("serviceLevelPercent").asDouble()).isEqualTo(100.0);
    assertThat(today.get("asaSeconds").isNull()).isFalse();
    assertThat(q.at("/queue/waiting").asInt()).isZero();
    board.await("agent", n -> n.at("/agent/agentId").asText().equals("ag-north")
        && n.at("/agent/handledToday").asInt() >= 1, Duration.ofSeconds(2));

    desk.send("{\"type\":\"logout\",\"ref\":\"o\"}");
    desk.await("ok", n -> n.path("ref").asText().equals("o"), WAIT);
    desk.close();
    board.close();
  }

  /**
   * wallboard-protocol.md: changes are pushed within a second. A queue just created (here in
   * north) is on every board that may see it within a second, with its answering point.
   */
  @Test
  void aQueueCreatedJustNowIsOnEveryBoardWithinASecond() {
    f.expect(201, admin, "POST", "/queues", "{\"id\":\"q-new\",\"answeringPoint\":\"north\",\"name\":\"Brand new\"}");
    long created = System.nanoTime();
    Socket all = f.open("/wallboard/ws", supervisor);
    Socket north = f.open("/wallboard/ws", supervisorNorth);
    List<String> problems = new ArrayList<>();
    for (Socket s : List.of(all, north)) {
      String who = s == all ? "supervisor" : "sup-north";
      JsonNode shown = queueIn(s.await("snapshot"), "q-new");
      while (shown == null && System.nanoTime() - created < Duration.ofMillis(1500).toNanos()) {
        JsonNode n = s.next(Duration.ofMillis(100));
        if (n != null && n.path("type").asText().equals("queue") && n.at("/queue/queueId").asText().equals("q-new"))
          shown = n.get("queue");
      }
      if (shown == null) problems.add(who + ": q-new not on the board 1.5 s after it was created; frames: " + s.seen);
      else if (!shown.path("answeringPoint").asText().equals("north"))
        problems.add(who + ": q-new shown with answeringPoint " + shown.get("answeringPoint"));
    }
    all.close();
    north.close();
    assertThat(problems).isEmpty();
  }

  /** wallboard-protocol.md: a signed-out session's wallboards close (at once on the same node). */
  @Test
  void signingOutClosesTheSessionsWallboards() throws Exception {
    String token = f.login("sup", PW);
    Socket board = f.open("/wallboard/ws", token);
    Socket other = f.open("/wallboard/ws", supervisor);
    board.await("snapshot");
    other.await("snapshot");
    assertThat(f.call(token, "DELETE", "/session", null).status()).isEqualTo(204);
    assertThat(board.closed.get(2, java.util.concurrent.TimeUnit.SECONDS)).as("the board closed").isNotNull();
    other.send("{\"type\":\"ping\"}");
    other.await("pong");
    other.close();
  }

  @Test
  void aScopedSupervisorSeesOnlyItsAnsweringPoints() {
    assertThat(f.upgrade("/wallboard/ws", f.login("ag-north", PW), null, null).status()).isEqualTo(403);

    Socket north = f.open("/wallboard/ws", supervisorNorth);
    JsonNode snap = north.await("snapshot");
    assertThat(ids(snap.get("queues"), "queueId")).contains("q-north").doesNotContain("q-south");
    assertThat(ids(snap.get("agents"), "agentId")).contains("ag-north").doesNotContain("ag-south");

    // A south call moves the south queue: the unscoped board hears of it, the north one does not.
    Socket all = f.open("/wallboard/ws", supervisor);
    all.await("snapshot");
    f.expect(201, admin, "POST", "/test-calls", "{\"callId\":\"wb-south\",\"dialledNumber\":\"0820001\",\"callerNumber\":\"0702\"}");
    all.await("queue", n -> n.at("/queue/queueId").asText().equals("q-south") && n.at("/queue/waiting").asInt() >= 1,
        Duration.ofSeconds(2));
    f.expect(200, admin, "POST", "/test-calls/wb-south/hangup", null);
    all.await("queue", n -> n.at("/queue/queueId").asText().equals("q-south") && n.at("/queue/today/abandoned").asInt() >= 1,
        Duration.ofSeconds(2));
    List<JsonNode> seen = north.drain(Duration.ofMillis(600));
    seen.addAll(north.seen);
    for (JsonNode n : seen) {
      assertThat(n.toString()).as("the north-scoped board shows nothing of the south").doesNotContain("q-south")
          .doesNotContain("ag-south");
    }
    north.close();
    all.close();
  }
}
