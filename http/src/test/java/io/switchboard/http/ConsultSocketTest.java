package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallSession;
import io.switchboard.http.EdgeFixture.Socket;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Announce transfer (ANS-4) on the agent desktop socket: the frames {@code consult}, {@code
 * toggle}, {@code completeConsult} and {@code cancelConsult}, and the {@code consultation} frames
 * that show where a consultation stands. What the SIP gateway reports of the number is sent to
 * the call here, as the gateway would.
 */
class ConsultSocketTest {

  static final String PW = "agent-password-1";
  static final Duration WAIT = Duration.ofSeconds(5);
  static EdgeFixture f;
  static String admin;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.start("consult-ws");
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"nordic\",\"name\":\"Nordic Answering\"}");
    f.expect(201, admin, "POST", "/companies", "{\"id\":\"acme\",\"name\":\"Acme AB\",\"answeringPoint\":\"nordic\"}");
    queue("q-kim", "0812001");
    queue("q-lo", "0812002");
    agent("kim", "q-kim");
    agent("lo", "q-lo");
  }

  static void queue(String id, String number) {
    f.expect(201, admin, "POST", "/queues",
        "{\"id\":\"" + id + "\",\"answeringPoint\":\"nordic\",\"name\":\"" + id + "\",\"wrapUp\":{\"mode\":\"AGENT\"}}");
    f.expect(201, admin, "POST", "/number-plan", "{\"dialledNumber\":\"" + number
        + "\",\"answeringPoint\":\"nordic\",\"company\":\"acme\",\"queue\":\"" + id + "\"}");
  }

  static void agent(String id, String queue) {
    f.expect(201, admin, "POST", "/agents", "{\"id\":\"" + id + "\",\"name\":\"" + id
        + "\",\"answerGroups\":[{\"queue\":\"" + queue + "\",\"level\":1}]}");
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

  static Predicate<JsonNode> isOk(String ref) {
    return n -> n.path("type").asText().equals("ok") && n.path("ref").asText().equals(ref);
  }

  static Predicate<JsonNode> isState(String status) {
    return n -> n.path("type").asText().equals("state") && n.at("/agent/status").asText().equals(status);
  }

  /** A consultation frame of {@code call} in {@code state} (null: none shown any more). */
  static Predicate<JsonNode> isConsultation(String call, String state) {
    return n -> n.path("type").asText().equals("consultation") && n.path("callId").asText().equals(call)
        && (state == null ? n.get("consultation").isNull() : n.at("/consultation/state").asText().equals(state));
  }

  static JsonNode error(Socket s, String ref) {
    return s.await("error", n -> n.path("ref").asText().equals(ref), WAIT);
  }

  /** The agent logged in on a socket and talking on a new call to its queue's number. */
  static Socket talking(String agent, String callId, String number) {
    Socket s = f.open("/agent/ws", f.login(agent, PW));
    s.await("welcome");
    s.send(frame("login", "ref", "l"));
    s.awaitAll(WAIT, isOk("l"), isState("READY"));
    f.expect(201, admin, "POST", "/test-calls",
        "{\"callId\":\"" + callId + "\",\"dialledNumber\":\"" + number + "\",\"callerNumber\":\"0701234567\"}");
    JsonNode offer = s.await("offer", n -> n.at("/contact/callId").asText().equals(callId), WAIT);
    s.send(frame("accept", "offerId", offer.at("/contact/offerId").asText(), "ref", "a"));
    s.awaitAll(WAIT, isOk("a"), isState("BUSY"));
    return s;
  }

  /** What the telephony edge tells the call. */
  static CallSession.Reply report(String call, Function<ActorRef<CallSession.Reply>, CallSession.Command> report) {
    return f.h.ask(f.h.engine.refs().call(new CallId(call)), report::apply);
  }

  @Test
  void anAgentConsultsTogglesAndCompletesAndAReconnectedDesktopSeesWhereItStands() {
    String call = "kc-1";
    Socket s = talking("kim", call, "0812001");

    // Nothing to toggle before a consultation: refused, naming why.
    s.send(frame("toggle", "callId", call, "ref", "t0"));
    JsonNode none = error(s, "t0");
    assertThat(none.get("code").asText()).isEqualTo("conflict");
    assertThat(none.get("message").asText()).contains("no consultation");

    s.send(frame("consult", "callId", call, "number", "+46709876543", "ref", "c1"));
    JsonNode dialling = s.awaitAll(WAIT, isOk("c1"), isConsultation(call, "DIALLING")).get(1);
    assertThat(dialling.at("/consultation/number").asText()).isEqualTo("+46709876543");
    assertThat(dialling.at("/consultation/talkingTo").asText()).isEqualTo("CONTACT");
    assertThat(dialling.at("/consultation/startedAt").asText()).isNotBlank();
    String consultId = dialling.at("/consultation/consultId").asText();

    s.send(frame("completeConsult", "callId", call, "ref", "x1"));
    assertThat(error(s, "x1").get("message").asText()).contains("has not answered yet");

    report(call, r -> new CallSession.ConsultLegAnswered(consultId, r));
    JsonNode connected = s.await("consultation", isConsultation(call, "CONNECTED"), WAIT);
    assertThat(connected.at("/consultation/talkingTo").asText()).isEqualTo("CONTACT");

    s.send(frame("toggle", "callId", call, "ref", "t1"));
    JsonNode toCaller = s.awaitAll(WAIT, isOk("t1"), isConsultation(call, "CONNECTED")).get(1);
    assertThat(toCaller.at("/consultation/talkingTo").asText()).isEqualTo("CALLER");

    // A second desktop (a reload) is shown the consultation after its welcome.
    Socket again = f.open("/agent/ws", f.login("kim", PW));
    again.await("welcome");
    JsonNode shown = again.await("consultation", isConsultation(call, "CONNECTED"), WAIT);
    assertThat(shown.at("/consultation/talkingTo").asText()).isEqualTo("CALLER");
    again.close();

    s.send(frame("completeConsult", "callId", call, "ref", "k1"));
    s.awaitAll(WAIT, isOk("k1"), isState("WRAP_UP"), isConsultation(call, null));
    JsonNode v = f.expect(200, admin, "GET", "/test-calls/" + call, null);
    assertThat(v.get("endedBy").asText()).isEqualTo("TRANSFER");
    assertThat(v.at("/transferredTo/number").asText()).isEqualTo("+46709876543");
    s.send(frame("wrapUpDone", "ref", "w"));
    s.awaitAll(WAIT, isOk("w"), isState("READY"));
    s.close();
  }

  @Test
  void aBusyNumberIsShownFailedAndCancelOrTheContactHangingUpBringsTheAgentBack() {
    String call = "lc-1";
    Socket s = talking("lo", call, "0812002");
    s.send(frame("consult", "callId", call, "number", "0709876", "ref", "c1"));
    String first = s.awaitAll(WAIT, isOk("c1"), isConsultation(call, "DIALLING")).get(1)
        .at("/consultation/consultId").asText();
    report(call, r -> new CallSession.ConsultLegFailed(first, "busy", r));
    JsonNode failed = s.await("consultation", isConsultation(call, "FAILED"), WAIT);
    assertThat(failed.at("/consultation/reason").asText()).isEqualTo("busy");
    assertThat(failed.at("/consultation/talkingTo").asText()).isEqualTo("CALLER");
    // Dismissed: no consultation shown.
    s.send(frame("cancelConsult", "callId", call, "ref", "x1"));
    s.awaitAll(WAIT, isOk("x1"), isConsultation(call, null));

    // Again, answered this time; the contact hangs up: the agent is back with the caller.
    s.send(frame("consult", "callId", call, "number", "0709876", "ref", "c2"));
    String second = s.awaitAll(WAIT, isOk("c2"), isConsultation(call, "DIALLING")).get(1)
        .at("/consultation/consultId").asText();
    report(call, r -> new CallSession.ConsultLegAnswered(second, r));
    s.await("consultation", isConsultation(call, "CONNECTED"), WAIT);
    report(call, r -> new CallSession.ConsultLegEnded(second, r));
    s.await("consultation", isConsultation(call, null), WAIT);
    s.send(frame("completeConsult", "callId", call, "ref", "k1"));
    assertThat(error(s, "k1").get("message").asText()).contains("no consultation");
    assertThat(f.expect(200, admin, "GET", "/test-calls/" + call, null).get("phase").asText()).isEqualTo("TALKING");

    // The caller hanging up mid-consultation: the consultation goes with the talk.
    s.send(frame("consult", "callId", call, "number", "0709876", "ref", "c3"));
    s.awaitAll(WAIT, isOk("c3"), isConsultation(call, "DIALLING"));
    f.expect(200, admin, "POST", "/test-calls/" + call + "/hangup", null);
    s.awaitAll(WAIT, isState("WRAP_UP"), isConsultation(call, null));
    s.send(frame("wrapUpDone", "ref", "w"));
    s.awaitAll(WAIT, isOk("w"), isState("READY"));
    s.close();
  }

  @Test
  void malformedConsultationFramesAreRefusedNamingTheField() {
    Socket s = f.open("/agent/ws", f.login("lo", PW));
    s.await("welcome");
    s.send("{\"type\":\"consult\",\"ref\":\"b1\",\"callId\":\"c1\"}");
    assertThat(error(s, "b1").get("field").asText()).isEqualTo("number");
    s.send("{\"type\":\"consult\",\"ref\":\"b2\",\"callId\":\"c1\",\"number\":\"12-34\"}");
    JsonNode bad = error(s, "b2");
    assertThat(bad.get("code").asText()).isEqualTo("bad-field");
    assertThat(bad.get("field").asText()).isEqualTo("number");
    s.send("{\"type\":\"consult\",\"ref\":\"b3\",\"number\":\"0709876\"}");
    assertThat(error(s, "b3").get("field").asText()).isEqualTo("callId");
    for (String type : new String[] {"toggle", "completeConsult", "cancelConsult"}) {
      s.send("{\"type\":\"" + type + "\",\"ref\":\"" + type + "\"}");
      assertThat(error(s, type).get("field").asText()).isEqualTo("callId");
    }
    s.send("{\"type\":\"announce\",\"ref\":\"u\"}");
    assertThat(error(s, "u").get("message").asText()).contains("consult, toggle, completeConsult, cancelConsult");
    s.close();
  }
}
