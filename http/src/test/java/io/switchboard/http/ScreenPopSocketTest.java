package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.http.EdgeFixture.Socket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code screenPop} frame of the agent socket: after an {@code offer} for a company's call the
 * desktop gets the greeting from the template chain (contact, company, default) with the caller's
 * codes filled in, the work instruction that applies now, the staff with their redirects, the
 * company's own numbers and its CRM links.
 */
class ScreenPopSocketTest {

  static final String PW = "screen-pop-password";
  static final Duration WAIT = Duration.ofSeconds(5);
  static final String DEFAULT_GREETING = "Good day, caller {ANO}. How may I help you?";
  static EdgeFixture f;
  static String admin;
  static String lunchUntil;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.start("screen-pop", "switchboard.answering.default-greeting = \"" + DEFAULT_GREETING + "\"");
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"nordic\",\"name\":\"Nordic Answering\"}");
    company("acme", "Acme AB", "q-acme", "pia", "0831001", "0831002");
    company("globex", "Globex Ltd", "q-globex", "gus", "0832001", "0832002");
    company("bare", "Bare Oy", "q-bare", "bea", "0833001");
    company("night", "Night Shift AB", "q-night", "nia", "0834001");

    // Acme: a greeting template, staff (one at lunch, one calling in, one with a direct number,
    // greeting and handling of her own), CRM links, and a current exception.
    f.expect(200, admin, "PUT", "/companies/acme/profile", """
        {"greeting":"Acme, good morning. Caller {ANO}, {NAME} of {COMP}",
         "standardHandling":{"type":"note","text":"Take a note for the office"},
         "faq":[{"id":"party-faq","title":"The staff party","answer":"Back tomorrow at 8"}],
         "ownNumbers":["08-555 123 00"],
         "screenPopUrls":["https://crm.example.com/pop?ano={ANO}&call={CALLID}&agent={AID}&co={COMPANY}&cust={CUSTID}",
                          "http://intra.example/{COMPANY}"]}""");
    f.expect(201, admin, "POST", "/companies/acme/contacts", "{\"id\":\"lena\",\"name\":\"Lena Lund\",\"phones\":[\"0812300\"]}");
    f.expect(201, admin, "POST", "/companies/acme/contacts",
        "{\"id\":\"carl\",\"name\":\"Carl Caller\",\"phones\":[\"+46 70 123 45 67\"]}");
    f.expect(201, admin, "POST", "/companies/acme/contacts", "{\"id\":\"dora\",\"name\":\"Dora Direct\","
        + "\"phones\":[\"0831002\"],\"greeting\":\"Dora Direct's desk. Caller {ANO}, {NAME}\","
        + "\"handling\":\"Put through to Dora\"}");
    lunchUntil = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    f.expect(200, admin, "PUT", "/companies/acme/contacts/lena/redirect",
        "{\"reason\":\"lunch\",\"until\":\"" + lunchUntil + "\",\"note\":\"Back at one\"}");
    f.expect(200, admin, "PUT", "/companies/acme/exceptions/party", "{\"handling\":{\"type\":\"note\","
        + "\"text\":\"Closed for the staff party: take notes\",\"faqEntry\":\"party-faq\"},\"until\":\""
        + Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS) + "\"}");

    // Globex: standard handling is a wait list; an exception only from tomorrow; a contact with
    // a direct number and a handling but no greeting of her own.
    f.expect(200, admin, "PUT", "/companies/globex/profile", """
        {"greeting":"Globex, {NAME} speaking?",
         "standardHandling":{"type":"waitList","text":"Announce, then to reception","target":"070-111 22 33",
                             "fallback":"0812000"}}""");
    f.expect(201, admin, "POST", "/companies/globex/contacts",
        "{\"id\":\"gita\",\"name\":\"Gita Goh\",\"phones\":[\"0832002\"],\"handling\":\"Gita takes her own calls\"}");
    f.expect(200, admin, "PUT", "/companies/globex/exceptions/later", "{\"handling\":{\"type\":\"note\","
        + "\"text\":\"Not yet\"},\"from\":\"" + Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS)
        + "\"}");
    // Bare: no card at all.

    // Night: a calendar with no opening hours at all, so it is always out of hours.
    f.expect(201, admin, "POST", "/calendars", """
        {"id":"never-open","name":"Never open","zone":"Europe/Stockholm","baseHours":{"days":{}},
         "closedOnPublicHolidays":true,"closedOnHolidayEves":true,"deviations":[]}""");
    f.expect(200, admin, "PUT", "/companies/night/profile", """
        {"calendar":"never-open","businessHours":"Never",
         "standardHandling":{"type":"note","text":"Take a note"},
         "outOfHoursHandling":{"type":"note","text":"Closed: offer a call back tomorrow"}}""");
  }

  /** A company with its own queue, dialled numbers and one agent answering it. */
  static void company(String id, String name, String queue, String agent, String... numbers) {
    f.expect(201, admin, "POST", "/companies",
        "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"answeringPoint\":\"nordic\"}");
    f.expect(201, admin, "POST", "/queues",
        "{\"id\":\"" + queue + "\",\"answeringPoint\":\"nordic\",\"name\":\"" + name + "\",\"wrapUp\":{\"mode\":\"NONE\"}}");
    for (String n : numbers)
      f.expect(201, admin, "POST", "/number-plan", "{\"dialledNumber\":\"" + n
          + "\",\"answeringPoint\":\"nordic\",\"company\":\"" + id + "\",\"queue\":\"" + queue + "\"}");
    f.expect(201, admin, "POST", "/agents", "{\"id\":\"" + agent + "\",\"name\":\"" + agent
        + " Agent\",\"answerGroups\":[{\"queue\":\"" + queue + "\",\"level\":1}]}");
    f.createUser(agent, PW, "agent", "nordic", agent);
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  static Socket readyAgent(String agent) {
    Socket s = f.open("/agent/ws", f.login(agent, PW));
    s.await("welcome");
    s.send("{\"type\":\"login\",\"ref\":\"l\"}");
    s.awaitAll(WAIT, AgentSocketTest.isOk("l"), AgentSocketTest.isState("READY"));
    return s;
  }

  /** A test call rings the agent: its offer, then its screen pop (checked to come after the offer). */
  static JsonNode ring(Socket s, String callId, String dialled, String caller) {
    f.expect(201, admin, "POST", "/test-calls",
        "{\"callId\":\"" + callId + "\",\"dialledNumber\":\"" + dialled + "\",\"callerNumber\":\"" + caller + "\"}");
    JsonNode offer = s.await("offer", n -> n.at("/contact/callId").asText().equals(callId), WAIT);
    String offerId = offer.at("/contact/offerId").asText();
    JsonNode pop = s.await("screenPop", n -> n.path("offerId").asText().equals(offerId), WAIT);
    List<JsonNode> seen = new ArrayList<>(s.seen);
    assertThat(indexOf(seen, offer)).as("the offer comes first").isLessThan(indexOf(seen, pop));
    assertThat(pop.get("callId").asText()).isEqualTo(callId);
    assertThat(pop.get("dialledNumber").asText()).isEqualTo(dialled);
    assertThat(pop.get("callerNumber").asText()).isEqualTo(caller);
    assertThat(pop.get("answeringPoint").asText()).isEqualTo("nordic");
    assertThat(pop.has("assembledMicros")).isTrue();
    assertThat(pop.get("assembledMicros").isIntegralNumber()).isTrue();
    assertThat(pop.get("assembledMicros").asLong()).isNotNegative();
    assertThat(pop.get("history").isArray()).isTrue();
    assertThat(pop.has("open")).isTrue();
    // Done with it: the agent takes the call and ends it.
    s.send("{\"type\":\"accept\",\"ref\":\"a-" + callId + "\",\"offerId\":\"" + offerId + "\"}");
    s.awaitAll(WAIT, AgentSocketTest.isOk("a-" + callId), AgentSocketTest.isState("BUSY"));
    s.send("{\"type\":\"end\",\"ref\":\"e-" + callId + "\",\"callId\":\"" + callId + "\"}");
    s.awaitAll(WAIT, AgentSocketTest.isOk("e-" + callId), AgentSocketTest.isState("READY"));
    return pop;
  }

  static int indexOf(List<JsonNode> frames, JsonNode frame) {
    for (int i = 0; i < frames.size(); i++) if (frames.get(i) == frame) return i;
    return -1;
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  // ---------------------------------------------------------------- a company with a card

  @Test
  void aStaffMembersCallWhileAnExceptionIsOnShowsAllTheCardHolds() {
    Socket s = readyAgent("pia");
    JsonNode pop = ring(s, "sp-carl", "0831001", "+46701234567");
    assertThat(pop.get("company").asText()).isEqualTo("acme");
    assertThat(pop.get("companyName").asText()).isEqualTo("Acme AB");
    // The caller is Carl's phone: name and company filled in.
    assertThat(pop.get("greeting").asText()).isEqualTo("Acme, good morning. Caller +46701234567, Carl Caller of Acme AB");
    assertThat(pop.at("/caller/id").asText()).isEqualTo("carl");
    assertThat(pop.get("contact").isNull()).as("the main number is nobody's").isTrue();
    assertThat(pop.get("open").isNull()).as("no calendar").isTrue();

    JsonNode instruction = pop.get("instruction");
    assertThat(instruction.get("source").asText()).isEqualTo("exception");
    assertThat(instruction.get("exceptionId").asText()).isEqualTo("party");
    assertThat(instruction.get("text").asText()).isEqualTo("Closed for the staff party: take notes");
    assertThat(instruction.at("/handling/type").asText()).isEqualTo("note");
    assertThat(instruction.at("/faq/id").asText()).isEqualTo("party-faq");
    assertThat(instruction.get("tone").asText()).isEqualTo("formal");
    assertThat(pop.at("/faq/0/id").asText()).isEqualTo("party-faq");

    JsonNode staff = pop.get("staff");
    List<String> names = new ArrayList<>();
    staff.forEach(c -> names.add(c.get("name").asText()));
    assertThat(names).containsExactly("Carl Caller", "Dora Direct", "Lena Lund");
    JsonNode lena = staff.get(2);
    assertThat(lena.at("/redirect/reason").asText()).isEqualTo("lunch");
    assertThat(Instant.parse(lena.at("/redirect/until").asText())).isEqualTo(Instant.parse(lunchUntil));
    assertThat(lena.at("/redirect/note").asText()).isEqualTo("Back at one");
    assertThat(staff.get(0).get("redirect").isNull()).isTrue();
    assertThat(pop.get("staffTotal").asInt()).isEqualTo(3);

    assertThat(texts(pop.get("ownNumbers"))).contains("0831001", "0831002", "0855512300")
        .doesNotContain("0832001", "0833001");
    assertThat(texts(pop.get("links"))).containsExactly(
        "https://crm.example.com/pop?ano=%2B46701234567&call=sp-carl&agent=pia&co=acme&cust=",
        "http://intra.example/acme");
    s.close();
  }

  @Test
  void unknownCallersGetQuestionMarksAndADirectNumberItsContactsGreeting() {
    Socket s = readyAgent("pia");
    JsonNode unknown = ring(s, "sp-unknown", "0831001", "0709999999");
    assertThat(unknown.get("greeting").asText()).isEqualTo("Acme, good morning. Caller 0709999999, ? of ?");
    assertThat(unknown.get("caller").isNull()).isTrue();
    assertThat(unknown.at("/links/0").asText()).contains("ano=0709999999&call=sp-unknown");

    JsonNode anonymous = ring(s, "sp-anon", "0831001", "anonymous");
    assertThat(anonymous.get("greeting").asText()).isEqualTo("Acme, good morning. Caller ?, ? of ?");

    // Dora's direct number: her greeting; the exception still beats her own handling.
    JsonNode dora = ring(s, "sp-dora", "0831002", "0709999999");
    assertThat(dora.get("greeting").asText()).isEqualTo("Dora Direct's desk. Caller 0709999999, ?");
    assertThat(dora.at("/contact/id").asText()).isEqualTo("dora");
    assertThat(dora.at("/contact/handling").asText()).isEqualTo("Put through to Dora");
    assertThat(dora.at("/instruction/source").asText()).isEqualTo("exception");
    s.close();
  }

  @Test
  void withoutACurrentExceptionTheContactsOrTheStandardHandlingApplies() {
    Socket s = readyAgent("gus");
    JsonNode gita = ring(s, "sp-gita", "0832002", "0701234567");
    assertThat(gita.at("/contact/id").asText()).isEqualTo("gita");
    assertThat(gita.get("greeting").asText()).as("no greeting of her own: the company's").isEqualTo("Globex, ? speaking?");
    assertThat(gita.at("/instruction/source").asText()).isEqualTo("contact");
    assertThat(gita.at("/instruction/text").asText()).isEqualTo("Gita takes her own calls");
    assertThat(gita.at("/instruction/exceptionId").isNull()).as("tomorrow's exception is not on yet").isTrue();

    JsonNode main = ring(s, "sp-globex", "0832001", "0701234567");
    assertThat(main.at("/instruction/source").asText()).isEqualTo("standard");
    assertThat(main.at("/instruction/handling/type").asText()).isEqualTo("waitList");
    assertThat(main.at("/instruction/handling/target").asText()).isEqualTo("0701112233");
    assertThat(main.at("/instruction/text").asText()).isEqualTo("Announce, then to reception");
    assertThat(main.get("staffTotal").asInt()).isEqualTo(1);
    assertThat(main.get("links").size()).isZero();
    assertThat(texts(main.get("ownNumbers"))).containsExactlyInAnyOrder("0832001", "0832002");

    // The whole company away: its redirect wins over the contact's handling.
    f.expect(200, admin, "PUT", "/companies/globex/redirect", "{\"reason\":\"off\",\"note\":\"Closed today\"}");
    try {
      JsonNode away = ring(s, "sp-globex-away", "0832002", "0701234567");
      assertThat(away.at("/instruction/source").asText()).isEqualTo("company-redirect");
      assertThat(away.at("/instruction/text").asText()).isEqualTo("Closed today");
      assertThat(away.at("/instruction/redirect/reason").asText()).isEqualTo("off");
    } finally {
      assertThat(f.call(admin, "DELETE", "/companies/globex/redirect", null).status()).isEqualTo(204);
    }
    s.close();
  }

  @Test
  void outsideTheCompanysOpeningHoursTheOutOfHoursHandlingApplies() {
    Socket s = readyAgent("nia");
    JsonNode pop = ring(s, "sp-night", "0834001", "0701234567");
    assertThat(pop.get("open").isBoolean()).as("the company's calendar was asked").isTrue();
    assertThat(pop.get("open").asBoolean()).isFalse();
    assertThat(pop.at("/instruction/source").asText()).isEqualTo("out-of-hours");
    assertThat(pop.at("/instruction/text").asText()).isEqualTo("Closed: offer a call back tomorrow");
    assertThat(pop.at("/instruction/businessHours").asText()).isEqualTo("Never");
    s.close();
  }

  // ---------------------------------------------------------------- a company without a card

  @Test
  void aCompanyWithoutACardGetsTheDefaultGreeting() {
    Socket s = readyAgent("bea");
    JsonNode pop = ring(s, "sp-bare", "0833001", "0701234567");
    assertThat(pop.get("company").asText()).isEqualTo("bare");
    assertThat(pop.get("companyName").asText()).isEqualTo("Bare Oy");
    assertThat(pop.get("greeting").asText()).isEqualTo("Good day, caller 0701234567. How may I help you?");
    assertThat(pop.at("/instruction/source").asText()).isEqualTo("none");
    assertThat(pop.get("staff").size()).isZero();
    assertThat(pop.get("staffTotal").asInt()).isZero();
    assertThat(texts(pop.get("ownNumbers"))).containsExactly("0833001");
    assertThat(pop.get("links").size()).isZero();
    assertThat(pop.get("faq").size()).isZero();
    assertThat(pop.get("contact").isNull()).isTrue();
    assertThat(pop.get("caller").isNull()).isTrue();
    s.close();
  }
}
