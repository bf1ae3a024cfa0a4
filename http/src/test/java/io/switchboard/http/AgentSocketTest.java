package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.http.EdgeFixture.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent desktop socket of docs/agent-protocol.md, driven by java.net.http's WebSocket client. */
class AgentSocketTest {

  static final String PW = "agent-password-1";
  static final Duration WAIT = Duration.ofSeconds(5);
  static EdgeFixture f;
  static String admin;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.start("agent-ws");
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"nordic\",\"name\":\"Nordic Answering\"}");
    f.expect(201, admin, "POST", "/companies", "{\"id\":\"acme\",\"name\":\"Acme AB\",\"answeringPoint\":\"nordic\"}");
    queue("q-plain", "Plain", "{\"mode\":\"NONE\"}", "0811001");
    queue("q-wrap", "Wrapped", "{\"mode\":\"AGENT\"}", "0811002");
    queue("q-dec", "Declines", "{\"mode\":\"NONE\"}", "0811003");
    queue("q-other", "Other", "{\"mode\":\"NONE\"}", "0811004");
    agent("anna", "Anna Andersson", "q-plain", "q-wrap");
    agent("dec1", "Dec One", "q-dec");
    agent("dec2", "Dec Two", "q-dec");
    agent("rex", "Rex Replaced", "q-other");
    agent("rec", "Rec Reconnect", "q-other");
    agent("err", "Err Errors", "q-other");
    agent("ori", "Ori Origin", "q-other");
    agent("out", "Out Signed", "q-other");
  }

  static void queue(String id, String name, String wrapUp, String number) {
    f.expect(201, admin, "POST", "/queues",
        "{\"id\":\"" + id + "\",\"answeringPoint\":\"nordic\",\"name\":\"" + name + "\",\"wrapUp\":" + wrapUp + "}");
    f.expect(201, admin, "POST", "/number-plan", "{\"dialledNumber\":\"" + number
        + "\",\"answeringPoint\":\"nordic\",\"company\":\"acme\",\"queue\":\"" + id + "\"}");
  }

  static void agent(String id, String name, String... queues) {
    StringBuilder groups = new StringBuilder();
    for (String q : queues) groups.append(groups.length() == 0 ? "" : ",").append("{\"queue\":\"").append(q).append("\",\"level\":1}");
    f.expect(201, admin, "POST", "/agents", "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"answerGroups\":[" + groups + "]}");
    f.createUser(id, PW, "agent", "nordic", id);
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  static String frame(String type, String... fieldsAndValues) {
    ObjectNode n = f.json.createObjectNode().put("type", type);
    for (int i = 0; i < fieldsAndValues.length; i += 2) n.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
    return n.toString();
  }

  static JsonNode state(Socket s, String status) {
    return s.await("state", n -> n.at("/agent/status").asText().equals(status), WAIT);
  }

  static JsonNode ok(Socket s, String ref) {
    return s.await("ok", n -> n.path("ref").asText().equals(ref), WAIT);
  }

  static java.util.function.Predicate<JsonNode> isOk(String ref) {
    return n -> n.path("type").asText().equals("ok") && n.path("ref").asText().equals(ref);
  }

  static java.util.function.Predicate<JsonNode> isState(String status) {
    return n -> n.path("type").asText().equals("state") && n.at("/agent/status").asText().equals(status);
  }

  /** Sends a command and waits for its ok and the state it leads to, in whatever order they come. */
  static JsonNode command(Socket s, String frame, String ref, String status) {
    s.send(frame);
    return s.awaitAll(WAIT, isOk(ref), isState(status)).get(1);
  }

  static JsonNode error(Socket s) {
    return s.await("error", n -> true, WAIT);
  }

  static String testCall(String callId, String number) {
    f.expect(201, admin, "POST", "/test-calls",
        "{\"callId\":\"" + callId + "\",\"dialledNumber\":\"" + number + "\",\"callerNumber\":\"0701234567\"}");
    return callId;
  }

  // ---------------------------------------------------------------- a whole contact

  @Test
  void anAgentLogsInTakesACallAndWrapsUpPerQueue() {
    String token = f.login("anna", PW);
    Socket s = f.open("/agent/ws", token);
    JsonNode welcome = s.await("welcome");
    assertThat(welcome.get("protocol").asInt()).isEqualTo(1);
    assertThat(welcome.at("/agent/agentId").asText()).isEqualTo("anna");
    assertThat(welcome.at("/agent/name").asText()).isEqualTo("Anna Andersson");
    assertThat(welcome.at("/agent/status").asText()).isEqualTo("LOGGED_OUT");
    assertThat(welcome.get("yourLogin").asBoolean()).isFalse();
    assertThat(welcome.get("pauseReasons").isArray()).isTrue();
    assertThat(welcome.get("pauseReasons").size()).isPositive();
    assertThat(welcome.get("heartbeatSeconds").asInt()).isPositive();
    assertThat(welcome.at("/agent/groups").toString()).contains("q-plain").contains("q-wrap");

    s.send("{\"type\":\"login\",\"ref\":\"l1\"}");
    List<JsonNode> loggedIn = s.awaitAll(WAIT, isOk("l1"), isState("READY"));
    assertThat(loggedIn.get(0).get("command").asText()).isEqualTo("login");
    assertThat(loggedIn.get(1).get("yourLogin").asBoolean()).isTrue();

    // A call rings with everything the desktop shows.
    String call = testCall("ws-1", "0811001");
    JsonNode offer = s.await("offer", n -> n.at("/contact/callId").asText().equals(call), WAIT);
    JsonNode c = offer.get("contact");
    assertThat(c.get("queue").asText()).isEqualTo("q-plain");
    assertThat(c.get("queueName").asText()).isEqualTo("Plain");
    assertThat(c.get("dialledNumber").asText()).isEqualTo("0811001");
    assertThat(c.get("callerNumber").asText()).isEqualTo("0701234567");
    assertThat(c.get("company").asText()).isEqualTo("acme");
    assertThat(c.get("companyName").asText()).isEqualTo("Acme AB");
    assertThat(c.get("answeringPointName").asText()).isEqualTo("Nordic Answering");
    assertThat(c.get("phase").asText()).isEqualTo("RESERVED");
    assertThat(c.get("deadline").isNull()).isFalse();
    assertThat(c.get("offerId").asText()).isNotBlank();
    assertThat(c.at("/screenPop/companyName").asText()).isEqualTo("Acme AB");
    assertThat(c.at("/screenPop/answeringPointName").asText()).isEqualTo("Nordic Answering");
    assertThat(c.at("/screenPop/callerNumber").asText()).isEqualTo("0701234567");
    assertThat(c.at("/screenPop/greeting").asText()).contains("Acme AB").contains("Anna");

    JsonNode busy = command(s, frame("accept", "offerId", c.get("offerId").asText(), "ref", "a1"), "a1", "BUSY");
    assertThat(busy.at("/agent/contacts/0/phase").asText()).isEqualTo("BUSY");
    assertThat(f.expect(200, admin, "GET", "/test-calls/ws-1", null).get("phase").asText()).isEqualTo("TALKING");

    // No wrap-up in q-plain: straight back to ready.
    command(s, frame("end", "callId", call, "ref", "e1"), "e1", "READY");

    // q-wrap: the agent ends its wrap-up.
    String call2 = testCall("ws-2", "0811002");
    JsonNode offer2 = s.await("offer", n -> n.at("/contact/callId").asText().equals(call2), WAIT);
    assertThat(offer2.at("/contact/queue").asText()).isEqualTo("q-wrap");
    command(s, frame("accept", "offerId", offer2.at("/contact/offerId").asText(), "ref", "a2"), "a2", "BUSY");
    JsonNode wrap = command(s, frame("end", "callId", call2, "ref", "e2"), "e2", "WRAP_UP");
    assertThat(wrap.at("/agent/contacts/0/phase").asText()).isEqualTo("WRAP_UP");
    assertThat(wrap.at("/agent/contacts/0/deadline").isNull()).as("AGENT wrap-up without a bound").isTrue();
    command(s, frame("wrapUpDone", "ref", "w1"), "w1", "READY");

    JsonNode me = f.expect(200, token, "GET", "/me/agent", null);
    assertThat(me.get("status").asText()).isEqualTo("READY");
    assertThat(me.get("handledToday").asInt()).isEqualTo(2);
    assertThat(f.expect(200, admin, "GET", "/test-calls/ws-2", null).get("outcome").asText()).isEqualTo("COMPLETED");

    // A blind transfer to another queue: the talk ends (q-plain: no wrap-up) and the caller comes
    // back as a new call in q-wrap, here offered to the same agent.
    String call3 = testCall("ws-3", "0811001");
    JsonNode offer3 = s.await("offer", n -> n.at("/contact/callId").asText().equals(call3), WAIT);
    command(s, frame("accept", "offerId", offer3.at("/contact/offerId").asText(), "ref", "a3"), "a3", "BUSY");
    s.send("{\"type\":\"transfer\",\"ref\":\"t1\",\"callId\":\"" + call3
        + "\",\"target\":{\"type\":\"queue\",\"queue\":\"q-wrap\"}}");
    s.awaitAll(WAIT, isOk("t1"));
    JsonNode moved = f.expect(200, admin, "GET", "/test-calls/ws-3", null);
    assertThat(moved.get("endedBy").asText()).isEqualTo("TRANSFER");
    String newCall = moved.get("transferCallId").asText();
    JsonNode offer4 = s.await("offer", n -> n.at("/contact/callId").asText().equals(newCall), WAIT);
    assertThat(offer4.at("/contact/queue").asText()).isEqualTo("q-wrap");
    assertThat(offer4.at("/contact/callerNumber").asText()).isEqualTo("0701234567");
    command(s, frame("decline", "offerId", offer4.at("/contact/offerId").asText(), "ref", "d4"), "d4", "READY");
    f.expect(200, admin, "POST", "/test-calls/" + newCall + "/hangup", null);

    assertThat(command(s, frame("pause", "reason", "lunch", "ref", "p1"), "p1", "PAUSED").at("/agent/pauseReason").asText())
        .isEqualTo("lunch");
    command(s, frame("logout", "ref", "o1"), "o1", "LOGGED_OUT");
    s.close();
  }

  // ---------------------------------------------------------------- sessions and sockets

  @Test
  void aSecondSocketOfTheSameSessionResumesTheLogin() {
    String token = f.login("rec", PW);
    Socket first = f.open("/agent/ws", token);
    first.await("welcome");
    command(first, frame("login", "ref", "l"), "l", "READY");

    Socket second = f.open("/agent/ws", token);
    JsonNode welcome = second.await("welcome");
    assertThat(welcome.at("/agent/status").asText()).isEqualTo("READY");
    assertThat(welcome.get("yourLogin").asBoolean()).isTrue();
    // Either socket commands the agent; both see the change.
    command(second, frame("pause", "reason", "break", "ref", "p"), "p", "PAUSED");
    assertThat(state(first, "PAUSED").get("yourLogin").asBoolean()).isTrue();
    command(first, frame("ready", "ref", "r"), "r", "READY");
    state(second, "READY");
    first.close();
    command(second, frame("logout", "ref", "o"), "o", "LOGGED_OUT");
    second.close();
  }

  @Test
  void aLoginFromAnotherSessionReplacesTheFirst() {
    String token1 = f.login("rex", PW);
    Socket first = f.open("/agent/ws", token1);
    first.await("welcome");
    command(first, frame("login", "ref", "l1"), "l1", "READY");

    String token2 = f.login("rex", PW);
    assertThat(token2).isNotEqualTo(token1);
    Socket second = f.open("/agent/ws", token2);
    JsonNode welcome = second.await("welcome");
    assertThat(welcome.at("/agent/status").asText()).isEqualTo("READY");
    assertThat(welcome.get("yourLogin").asBoolean()).isFalse();
    // The second session's commands are refused until it logs in.
    second.send(frame("pause", "reason", "break", "ref", "p0"));
    assertThat(second.await("error", n -> n.path("ref").asText().equals("p0"), WAIT).get("code").asText())
        .isEqualTo("not-your-login");

    assertThat(command(second, frame("login", "ref", "l2"), "l2", "READY").get("yourLogin").asBoolean()).isTrue();
    JsonNode replaced = first.await("replaced");
    assertThat(replaced.get("reason").asText()).isNotBlank();
    first.send(frame("pause", "reason", "break", "ref", "p1"));
    JsonNode refused = first.await("error", n -> n.path("ref").asText().equals("p1"), WAIT);
    assertThat(refused.get("code").asText()).isEqualTo("not-your-login");
    assertThat(f.expect(200, admin, "GET", "/agents/rex/live", null).get("status").asText()).isEqualTo("READY");
    command(second, frame("logout", "ref", "o"), "o", "LOGGED_OUT");
    first.close();
    second.close();
  }

  /** agent-protocol.md: signed out through the same node, the session's sockets close at once. */
  @Test
  void signingOutClosesThatSessionsSocketsAtOnceAndNoOthers() throws Exception {
    String token1 = f.login("out", PW);
    String token2 = f.login("out", PW);
    Socket mine = f.open("/agent/ws", token1);
    Socket other = f.open("/agent/ws", token2);
    mine.await("welcome");
    other.await("welcome");
    long before = System.nanoTime();
    assertThat(f.call(token1, "DELETE", "/session", null).status()).isEqualTo(204);
    JsonNode closing = mine.await("closing", n -> true, Duration.ofSeconds(2));
    assertThat(closing.get("reason").asText()).isEqualTo("session-ended");
    assertThat(mine.closed.get(2, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
    other.send("{\"type\":\"ping\"}");
    other.await("pong");
    assertThat(other.isOpen()).isTrue();
    // The ended session cannot open a new one.
    assertThat(f.upgrade("/agent/ws", token1, null, null).status()).isEqualTo(401);
    other.close();
  }

  // ---------------------------------------------------------------- bad frames

  @Test
  void badFramesGetErrorFramesAndTheSocketStaysUsable() {
    Socket s = f.open("/agent/ws", f.login("err", PW));
    s.await("welcome");

    s.send("{not json");
    assertThat(error(s).get("code").asText()).isEqualTo("bad-frame");
    s.send("[1,2]");
    assertThat(error(s).get("code").asText()).isEqualTo("bad-frame");
    s.send("\"just a string\"");
    assertThat(error(s).get("code").asText()).isEqualTo("bad-frame");

    s.send("{\"type\":\"dance\",\"ref\":\"d1\"}");
    JsonNode unknown = error(s);
    assertThat(unknown.get("code").asText()).isEqualTo("unknown-type");
    assertThat(unknown.get("field").asText()).isEqualTo("type");
    assertThat(unknown.get("ref").asText()).isEqualTo("d1");

    s.send("{\"ref\":\"t1\"}");
    JsonNode noType = error(s);
    assertThat(noType.get("code").asText()).isEqualTo("bad-field");
    assertThat(noType.get("field").asText()).isEqualTo("type");

    s.send("{\"type\":\"accept\",\"ref\":\"a1\"}");
    JsonNode noOffer = error(s);
    assertThat(noOffer.get("code").asText()).isEqualTo("bad-field");
    assertThat(noOffer.get("field").asText()).isEqualTo("offerId");
    assertThat(noOffer.get("ref").asText()).isEqualTo("a1");

    s.send("{\"type\":\"decline\",\"offerId\":42}");
    assertThat(error(s).get("field").asText()).isEqualTo("offerId");
    s.send("{\"type\":\"end\"}");
    assertThat(error(s).get("field").asText()).isEqualTo("callId");
    s.send("{\"type\":\"transfer\",\"callId\":\"c1\",\"target\":{\"type\":\"queue\"}}");
    assertThat(error(s).get("field").asText()).isEqualTo("target");
    s.send("{\"type\":\"transfer\",\"callId\":\"c1\",\"target\":{\"type\":\"number\",\"number\":\"12-34\"}}");
    JsonNode badNumber = error(s);
    assertThat(badNumber.get("field").asText()).isEqualTo("target");
    assertThat(badNumber.get("message").asText()).contains("target.number");
    s.send("{\"type\":\"pause\",\"reason\":\"\"}");
    assertThat(error(s).get("field").asText()).isEqualTo("reason");
    s.send("{\"type\":\"pause\",\"reason\":\"" + "x".repeat(41) + "\"}");
    assertThat(error(s).get("field").asText()).isEqualTo("reason");
    s.send("{\"type\":\"login\",\"ready\":\"yes\"}");
    assertThat(error(s).get("field").asText()).isEqualTo("ready");
    s.send("{\"type\":\"login\",\"groups\":\"q-other\"}");
    assertThat(error(s).get("field").asText()).isEqualTo("groups");

    // Over 16 KiB: refused as a whole, the connection stays.
    s.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(17 * 1024) + "\"}");
    JsonNode big = error(s);
    assertThat(big.get("code").asText()).isEqualTo("bad-frame");
    assertThat(big.get("message").asText()).contains(String.valueOf(Edge.MAX_FRAME_CHARS));

    // A command that does not fit the state changes nothing.
    s.send(frame("wrapUpDone", "ref", "w"));
    assertThat(s.await("error", n -> n.path("ref").asText().equals("w"), WAIT).get("code").asText())
        .isIn("not-your-login", "conflict");

    s.send("{\"type\":\"ping\"}");
    assertThat(s.await("pong").get("at").asText()).isNotBlank();
    assertThat(s.isOpen()).isTrue();
    s.close();
  }

  @Test
  void aBinaryFrameIsABadFrame() throws Exception {
    Socket s = f.open("/agent/ws", f.login("err", PW));
    s.await("welcome");
    s.ws().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get();
    assertThat(error(s).get("code").asText()).isEqualTo("bad-frame");
    s.send("{\"type\":\"ping\"}");
    s.await("pong");
    s.close();
  }

  // ---------------------------------------------------------------- declines

  @Test
  void aDeclinedOfferMovesToAnotherAgent() {
    Socket one = f.open("/agent/ws", f.login("dec1", PW));
    Socket two = f.open("/agent/ws", f.login("dec2", PW));
    for (Socket s : List.of(one, two)) {
      s.await("welcome");
      command(s, frame("login", "ref", "l"), "l", "READY");
    }
    String call = testCall("dec-1", "0811003");
    Socket offered = null;
    JsonNode offer = null;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (offer == null && System.nanoTime() < deadline) {
      for (Socket s : List.of(one, two)) {
        JsonNode n = s.next(Duration.ofMillis(50));
        if (n != null && n.path("type").asText().equals("offer")) {
          offered = s;
          offer = n;
          break;
        }
      }
    }
    assertThat(offer).as("one of the two agents rings").isNotNull();
    Socket other = offered == one ? two : one;
    String otherAgent = offered == one ? "dec2" : "dec1";
    offered.send(frame("decline", "offerId", offer.at("/contact/offerId").asText(), "ref", "d"));
    ok(offered, "d");

    JsonNode moved = other.await("offer", n -> n.at("/contact/callId").asText().equals(call), WAIT);
    assertThat(moved.at("/contact/offerId").asText()).isNotEqualTo(offer.at("/contact/offerId").asText());
    command(other, frame("accept", "offerId", moved.at("/contact/offerId").asText(), "ref", "a"), "a", "BUSY");
    JsonNode talking = f.expect(200, admin, "GET", "/test-calls/dec-1", null);
    assertThat(talking.get("phase").asText()).isEqualTo("TALKING");
    assertThat(talking.get("agent").asText()).isEqualTo(otherAgent);
    command(other, frame("end", "callId", call, "ref", "e"), "e", "READY");
    for (Socket s : List.of(one, two)) {
      command(s, frame("logout", "ref", "o"), "o", "LOGGED_OUT");
      s.close();
    }
  }

  // ---------------------------------------------------------------- origins

  @Test
  void aSocketFromAForeignOriginIsRefused() {
    String token = f.login("ori", PW);
    assertThat(f.upgrade("/agent/ws", token, null, EdgeFixture.EVIL_ORIGIN).status()).isEqualTo(403);
    assertThat(f.upgrade("/agent/ws", null, token, EdgeFixture.EVIL_ORIGIN).status()).isEqualTo(403);
    assertThat(f.upgrade("/wallboard/ws", admin, null, EdgeFixture.EVIL_ORIGIN).status()).isEqualTo(403);
    for (String origin : List.of(f.origin(), EdgeFixture.ALLOWED_ORIGIN)) {
      EdgeFixture.Upgrade u = f.upgrade("/agent/ws", null, token, origin);
      assertThat(u.status()).as(origin).isEqualTo(101);
      u.socket().await("welcome");
      u.socket().close();
    }
    assertThat(f.upgrade("/agent/ws", null, null, f.origin()).status()).isEqualTo(401);
  }
}
