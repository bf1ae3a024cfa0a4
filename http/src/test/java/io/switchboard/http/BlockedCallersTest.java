package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Blocked advertisers (ANS-15): kept per company, never queued, handled by the block's action and counted. */
class BlockedCallersTest {
  static final String PW = "blocked-password-1";
  static EdgeFixture f;
  static String admin;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.startWithStatistics("blocked-callers");
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"north\",\"name\":\"North\"}");
    f.expect(201, admin, "POST", "/companies", "{\"id\":\"acme\",\"name\":\"Acme\",\"answeringPoint\":\"north\"}");
    f.expect(201, admin, "POST", "/queues", "{\"id\":\"acme-q\",\"answeringPoint\":\"north\",\"name\":\"Acme\"}");
    f.expect(201, admin, "POST", "/number-plan",
        "{\"dialledNumber\":\"+4685552000\",\"answeringPoint\":\"north\",\"company\":\"acme\",\"queue\":\"acme-q\"}");
    f.createUser("acme-admin", PW, "client", null, "acme", null);
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  static JsonNode call(String id, String caller) {
    return f.expect(201, admin, "POST", "/test-calls",
        "{\"callId\":\"" + id + "\",\"dialledNumber\":\"+4685552000\",\"callerNumber\":\"" + caller + "\"}");
  }

  @Test
  void theClientBlocksAnAdvertiserWhoseCallIsNeverQueuedAndIsCounted() {
    String client = f.login("acme-admin", PW);
    assertThat(f.expect(200, client, "GET", "/companies/acme/blocked-callers", null).get("numbers").size()).isZero();
    JsonNode put = f.expect(200, client, "PUT", "/companies/acme/blocked-callers",
        "{\"numbers\":[\"0771-12 34 56\"],\"action\":{\"type\":\"night-message\",\"prompt\":\"closed\"}}");
    assertThat(put.get("numbers").get(0).asText()).isEqualTo("0771123456");
    assertThat(put.at("/action/type").asText()).isEqualTo("night-message");

    JsonNode blocked = call("blk-1", "0771123456");
    assertThat(blocked.get("phase").asText()).isEqualTo("FINISHED");
    assertThat(blocked.get("outcome").asText()).isEqualTo("BLOCKED");
    assertThat(blocked.at("/closedAction/type").asText()).isEqualTo("night-message");
    assertThat(call("blk-2", "0701112233").get("phase").asText()).isEqualTo("QUEUED");
    f.expect(200, admin, "POST", "/test-calls/blk-2/hangup", null);

    JsonNode billing = EdgeFixture.eventually(Duration.ofSeconds(15),
        () -> f.expect(200, admin, "GET", "/statistics/billing", null),
        b -> b.get("rows").size() > 0 && b.at("/rows/0/blockedCalls").asLong() == 1, "billing counts the blocked call");
    assertThat(billing.at("/rows/0/answeringPoint").asText()).isEqualTo("north");
    JsonNode log = EdgeFixture.eventually(Duration.ofSeconds(15),
        () -> f.expect(200, admin, "GET", "/statistics/calls", null),
        l -> l.get("calls").size() >= 2, "the call log");
    assertThat(log.get("calls").findValuesAsText("outcome")).contains("blocked");

    // The client sees its own calls and how they ended (customer portal); another company's are not its.
    JsonNode own = EdgeFixture.eventually(Duration.ofSeconds(15),
        () -> f.expect(200, client, "GET", "/companies/acme/calls", null),
        c -> c.at("/summary/calls").asInt() == 2, "the client's call figures");
    assertThat(own.at("/summary/outcomes").findValuesAsText("outcome")).containsExactly("abandoned", "blocked");
    assertThat(own.get("calls").findValuesAsText("callId")).containsExactly("blk-1", "blk-2");
    f.expect(403, client, "GET", "/statistics/calls", null);
    EdgeFixture.assertError(f.call(client, "GET", "/companies/acme/calls?limit=0", null), 400, "limit", "from 1");

    // The default action refuses; an empty list blocks no one; bad numbers name the field.
    assertThat(f.expect(200, admin, "PUT", "/companies/acme/blocked-callers", "{\"numbers\":[\"0771123456\"]}")
        .at("/action/type").asText()).isEqualTo("reject");
    assertThat(call("blk-3", "0771123456").at("/closedAction/type").asText()).isEqualTo("reject");
    f.expect(200, admin, "PUT", "/companies/acme/blocked-callers", "{\"numbers\":[]}");
    assertThat(call("blk-4", "0771123456").get("phase").asText()).isEqualTo("QUEUED");
    f.expect(200, admin, "POST", "/test-calls/blk-4/hangup", null);
    EdgeFixture.assertError(f.call(client, "PUT", "/companies/acme/blocked-callers", "{\"numbers\":[\"07x\"]}"),
        400, "numbers", "07x");
  }
}
