package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.http.sms.TestSmsc;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Message taking end to end (ANS-6, ANS-9, ANS-16): an agent sends a call note over REST, a real
 * SMTP server (GreenMail) and a real SMSC (jSMPP's server side) receive it, the customer portal
 * lists it with its delivery, and billing counts it.
 */
class MessageApiTest {
  static final String PW = "message-password-1";
  static final Duration WAIT = Duration.ofSeconds(15);
  static GreenMail mail;
  static TestSmsc smsc;
  static EdgeFixture f;
  static String admin;
  static String agent;

  @BeforeAll
  static void setUp() throws Exception {
    mail = new GreenMail(ServerSetupTest.SMTP.createCopy("127.0.0.1").dynamicPort());
    mail.start();
    smsc = new TestSmsc("centre", "smspw");
    f = EdgeFixture.startWithStatistics("messages", String.join("\n",
        "switchboard.mail.host = \"127.0.0.1\"",
        "switchboard.mail.port = " + mail.getSmtp().getPort(),
        "switchboard.mail.from = \"Switchboard <switchboard@example.com>\"",
        "switchboard.sms.provider = smpp",
        "switchboard.sms.smpp.host = \"127.0.0.1\"",
        "switchboard.sms.smpp.port = " + smsc.port,
        "switchboard.sms.smpp.system-id = centre",
        "switchboard.sms.smpp.password = smspw",
        "switchboard.sms.smpp.timeout = 3s",
        "switchboard.answering.message-retry-delays = [200ms, 200ms]"));
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"north\",\"name\":\"North\"}");
    f.expect(201, admin, "POST", "/companies", "{\"id\":\"acme\",\"name\":\"Acme AB\",\"answeringPoint\":\"north\"}");
    f.expect(201, admin, "POST", "/companies", "{\"id\":\"other\",\"name\":\"Other AB\",\"answeringPoint\":\"north\"}");
    f.expect(201, admin, "POST", "/queues", "{\"id\":\"acme-q\",\"answeringPoint\":\"north\",\"name\":\"Acme\"}");
    f.expect(201, admin, "POST", "/number-plan", "{\"dialledNumber\":\"+4685551000\",\"answeringPoint\":\"north\","
        + "\"company\":\"acme\",\"queue\":\"acme-q\"}");
    f.expect(201, admin, "POST", "/companies/acme/contacts", "{\"id\":\"eva\",\"name\":\"Eva Ek\","
        + "\"email\":\"eva@acme.example\",\"mobile\":\"070-123 45 67\"}");
    f.expect(201, admin, "POST", "/companies/acme/contacts", "{\"id\":\"sven\",\"name\":\"Sven Svensson\","
        + "\"mobile\":\"0709999999\"}");
    f.expect(201, admin, "POST", "/agents", "{\"id\":\"anna\",\"name\":\"Anna\",\"answerGroups\":[{\"queue\":\"acme-q\",\"level\":1}]}");
    f.createUser("anna", PW, "agent", "north", "anna");
    agent = f.login("anna", PW);
    f.createUser("acme-admin", PW, "client", null, "acme", null);
    f.createUser("other-admin", PW, "client", null, "other", null);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (f != null) f.close();
    if (smsc != null) smsc.close();
    if (mail != null) mail.stop();
  }

  static String note(String id, String contact, String channels, String callerNumber) {
    return "{\"id\":\"" + id + "\",\"company\":\"acme\",\"contact\":\"" + contact + "\",\"channels\":" + channels
        + ",\"callerName\":\"Bo Berg\",\"callerCompany\":\"Bergs Bygg\",\"callerNumber\":\"" + callerNumber + "\","
        + "\"text\":\"Wants the offer for the roof resent\",\"callBack\":\"call-back\"}";
  }

  static JsonNode settled(String id) {
    return EdgeFixture.eventually(WAIT, () -> f.expect(200, agent, "GET", "/messages/" + id, null),
        m -> m.get("settled").asBoolean(), "message " + id + " settled");
  }

  @Test
  void aNoteGoesToTheContactByMailAndSmsAndThePortalAndBillingSeeIt() throws Exception {
    JsonNode taken = f.expect(201, agent, "POST", "/messages", note("m-roof", "eva", "[\"email\",\"sms\"]", "0701112233"));
    assertThat(taken.at("/message/takenBy").asText()).isEqualTo("anna");
    assertThat(taken.at("/message/recipientName").asText()).isEqualTo("Eva Ek");

    assertThat(mail.waitForIncomingEmail(WAIT.toMillis(), 1)).isTrue();
    MimeMessage received = mail.getReceivedMessages()[0];
    assertThat(received.getAllRecipients()[0].toString()).isEqualTo("eva@acme.example");
    assertThat(received.getSubject()).isEqualTo("Message for Eva Ek from Bo Berg (Bergs Bygg) (please call back)");
    assertThat(received.getContent().toString()).contains("Number: 0701112233")
        .contains("Wants the offer for the roof resent").contains("by anna");

    JsonNode done = settled("m-roof");
    assertThat(done.at("/channels/email/status").asText()).isEqualTo("SENT");
    assertThat(done.at("/channels/sms/status").asText()).isEqualTo("SENT");
    assertThat(smsc.submitted).hasSize(1);
    assertThat(smsc.submitted.get(0).getDestAddress()).isEqualTo("46701234567");
    assertThat(new String(smsc.submitted.get(0).getShortMessage(), StandardCharsets.ISO_8859_1))
        .contains("Bo Berg").contains("0701112233");

    // The client sees its own messages in the portal, with how they went; another client does not.
    String client = f.login("acme-admin", PW);
    // The portal finds the client's companies in its session.
    assertThat(f.expect(200, client, "GET", "/session", null).get("companies").toString()).isEqualTo("[\"acme\"]");
    JsonNode listed = EdgeFixture.eventually(WAIT, () -> f.expect(200, client, "GET", "/companies/acme/messages", null),
        l -> l.size() > 0 && l.get(0).get("smsStatus").asText().equals("sent")
            && l.get(0).get("emailStatus").asText().equals("sent"), "the portal's message list");
    assertThat(listed.get(0).get("messageId").asText()).isEqualTo("m-roof");
    assertThat(listed.get(0).get("emailStatus").asText()).isEqualTo("sent");
    assertThat(listed.get(0).get("callerNumber").asText()).isEqualTo("0701112233");
    assertThat(f.expect(200, client, "GET", "/messages/m-roof", null).at("/message/company").asText()).isEqualTo("acme");
    String stranger = f.login("other-admin", PW);
    f.expect(404, stranger, "GET", "/companies/acme/messages", null);
    f.expect(404, stranger, "GET", "/messages/m-roof", null);
    f.expect(403, client, "POST", "/messages", note("m-client", "eva", "[\"email\"]", "0701112233"));

    JsonNode billing = EdgeFixture.eventually(WAIT, () -> f.expect(200, admin, "GET", "/statistics/billing", null),
        b -> b.get("rows").size() > 0 && b.at("/rows/0/smsSent").asLong() >= 1, "billing counts the message");
    assertThat(billing.at("/rows/0/messagesTaken").asLong()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void theClientsOwnNumberIsRefusedAsTheCallBackNumberAndNothingIsSent() {
    int before = mail.getReceivedMessages().length;
    EdgeFixture.assertError(f.call(agent, "POST", "/messages", note("m-own", "eva", "[\"email\"]", "08-555 10 00")),
        400, "callerNumber", "client's own number");
    EdgeFixture.assertError(f.call(agent, "POST", "/messages", note("m-none", "nobody", "[\"email\"]", "0701112233")),
        400, "contact", "no contact nobody");
    EdgeFixture.assertError(f.call(agent, "POST", "/messages", note("m-nomail", "sven", "[\"email\"]", "0701112233")),
        400, "channels", "has no e-mail address");
    EdgeFixture.assertError(f.call(agent, "POST", "/messages", note("m-bad", "eva", "[\"fax\"]", "0701112233")),
        400, "channels", "email or sms");
    f.expect(404, agent, "GET", "/messages/m-own", null);
    assertThat(mail.getReceivedMessages()).hasSize(before);
  }

  @Test
  void anSmsTheProviderRefusesIsTriedAgainThenShownAsFailed() {
    smsc.refuse.add("46709999999");
    f.expect(201, agent, "POST", "/messages", note("m-refused", "sven", "[\"sms\"]", "0701112233"));
    JsonNode done = settled("m-refused");
    assertThat(done.at("/channels/sms/status").asText()).isEqualTo("FAILED");
    assertThat(done.at("/channels/sms/attempts").asInt()).isEqualTo(3);
    assertThat(done.at("/channels/sms/lastError").asText()).contains("ESME_RINVDSTADR");
  }

  @Test
  void theSameNoteSentTwiceIsOneMessage() throws Exception {
    int before = mail.getReceivedMessages().length;
    f.expect(201, agent, "POST", "/messages", note("m-twice", "eva", "[\"email\"]", "0701112233"));
    f.expect(201, agent, "POST", "/messages", note("m-twice", "eva", "[\"email\"]", "0701112233"));
    settled("m-twice");
    Thread.sleep(300);
    assertThat(mail.getReceivedMessages()).hasSize(before + 1);
  }
}
