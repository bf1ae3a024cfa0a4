package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.http.EdgeFixture.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The liveness rules of docs/agent-protocol.md ("Presence", "Opening the socket"), with a 1 s
 * heartbeat and a 2 s absence grace so they can be watched quickly.
 */
class AgentSocketLivenessTest {

  static final String PW = "agent-password-1";
  static EdgeFixture f;
  static String admin;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.start("agent-liveness", """
        switchboard.agent {
          heartbeat-interval = 1s
          presence-check-interval = 500ms
          absence-grace = 2s
          absence-action = pause
        }
        """);
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"ap\",\"name\":\"AP\"}");
    f.expect(201, admin, "POST", "/queues", "{\"id\":\"q\",\"answeringPoint\":\"ap\",\"name\":\"Q\"}");
    for (String a : new String[] {"live1", "live2", "live3", "live4"}) {
      f.expect(201, admin, "POST", "/agents", "{\"id\":\"" + a + "\",\"name\":\"" + a + "\",\"answerGroups\":[{\"queue\":\"q\",\"level\":1}]}");
      f.createUser(a, PW, "agent", null, a);
    }
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  /** Pings every 300 ms until a frame of {@code type} arrives (or the time is up). */
  static JsonNode pingUntil(Socket s, String type, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (s.isOpen()) {
        try {
          s.send("{\"type\":\"ping\"}");
        } catch (AssertionError closedMeanwhile) {
          // The server closed between isOpen and the send; its frames, read below, say why.
        }
      }
      long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
      while (System.nanoTime() < until) {
        JsonNode n = s.next(Duration.ofMillis(50));
        if (n != null && n.path("type").asText().equals(type)) return n;
      }
    }
    return null;
  }

  static String status(String agent) {
    return f.expect(200, admin, "GET", "/agents/" + agent + "/live", null).get("status").asText();
  }

  @Test
  void theSocketClosesWhenItsSessionEnds() throws Exception {
    String token = f.login("live1", PW);
    Socket s = f.open("/agent/ws", token);
    s.await("welcome");
    assertThat(f.call(token, "DELETE", "/session", null).status()).isEqualTo(204);
    // It keeps pinging: only the ended session closes it.
    JsonNode closing = pingUntil(s, "closing", Duration.ofSeconds(6));
    assertThat(closing).as("a closing frame after the logout; frames: %s", s.seen).isNotNull();
    assertThat(closing.get("reason").asText()).isEqualTo("session-ended");
    assertThat(s.closed.get(5, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void aSilentSocketIsClosedAndAPingingOneIsNot() throws Exception {
    Socket silent = f.open("/agent/ws", f.login("live2", PW));
    Socket talking = f.open("/agent/ws", f.login("live3", PW));
    silent.await("welcome");
    talking.await("welcome");
    assertThat(pingUntil(talking, "closing", Duration.ofSeconds(5))).as("the pinging socket stays").isNull();
    JsonNode closing = silent.await("closing", n -> true, Duration.ofSeconds(3));
    assertThat(closing.get("reason").asText()).isEqualTo("silent");
    assertThat(silent.closed.get(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(talking.isOpen()).isTrue();
    talking.close();
  }

  @Test
  void anAgentWithoutSocketsIsPausedAfterTheGraceAndAReconnectWithinItKeepsItReady() {
    String token = f.login("live4", PW);
    Socket s = f.open("/agent/ws", token);
    s.await("welcome");
    s.send("{\"type\":\"login\",\"ref\":\"l\"}");
    s.await("ok", n -> n.path("ref").asText().equals("l"), Duration.ofSeconds(5));
    assertThat(status("live4")).isEqualTo("READY");

    // Gone for less than the grace: still ready.
    s.close();
    Socket again = f.open("/agent/ws", token);
    assertThat(again.await("welcome").get("yourLogin").asBoolean()).isTrue();
    assertThat(pingUntil(again, "closing", Duration.ofSeconds(3))).isNull();
    assertThat(status("live4")).isEqualTo("READY");

    // Gone for longer: paused with the reason no-connection.
    long closedAt = System.nanoTime();
    again.close();
    JsonNode paused = EdgeFixture.eventually(Duration.ofSeconds(8),
        () -> f.expect(200, admin, "GET", "/agents/live4/live", null), a -> a.get("status").asText().equals("PAUSED"),
        "live4 paused for lack of a connection");
    assertThat(paused.get("pauseReason").asText()).isEqualTo("no-connection");
    assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
  }
}
