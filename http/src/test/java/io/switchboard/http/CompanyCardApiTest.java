package io.switchboard.http;

import static io.switchboard.http.EdgeFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.http.EdgeFixture.Resp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client company's card over REST v1 ({@code /api/v1/companies/{id}/…}): the profile, contacts,
 * redirects, current exceptions and the contact export; who may read and change which (admin,
 * supervisor and agent of the company's answering point, the company's own client users); and
 * client users made through {@code /api/v1/users}.
 */
class CompanyCardApiTest {

  static final String PW = "card-password-1";
  static EdgeFixture f;
  static String admin;
  static String agent;
  static String supervisor;
  static String client;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.start("company-cards");
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    for (String ap : List.of("north", "south"))
      f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"" + ap + "\",\"name\":\"AP " + ap + "\"}");
    f.expect(201, admin, "POST", "/queues", "{\"id\":\"q-north\",\"answeringPoint\":\"north\",\"name\":\"North\"}");
    f.expect(201, admin, "POST", "/agents",
        "{\"id\":\"ag-north\",\"name\":\"Nils North\",\"answerGroups\":[{\"queue\":\"q-north\",\"level\":1}]}");
    company("acme", "Acme AB", "north");
    company("other", "Other AB", "north");
    company("southco", "South Oy", "south");
    f.createUser("agent-north", PW, "agent", "north", "ag-north");
    f.createUser("supervisor-north", PW, "supervisor", "north", null);
    f.createUser("client-acme", PW, "client", null, "acme", null);
    agent = f.login("agent-north", PW);
    supervisor = f.login("supervisor-north", PW);
    client = f.login("client-acme", PW);
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  static void company(String id, String name, String ap) {
    f.expect(201, admin, "POST", "/companies",
        "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"answeringPoint\":\"" + ap + "\"}");
  }

  static Resp send(String token, String method, String path, String body) {
    return f.call(token, method, path, body);
  }

  static String contact(String id, String name, String extra) {
    return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\"" + (extra == null ? "" : "," + extra) + "}";
  }

  static String inAnHour() {
    return Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static List<String> ids(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.path("id").asText()));
    return out;
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- profile

  static final String PROFILE = """
      {"greeting":"Acme, good morning. Caller {ANO}, {NAME} of {COMP}",
       "information":"  Acme sells anvils.  ",
       "standardHandling":{"type":"note","text":"Take a note for the office","faqEntry":"prices"},
       "outOfHoursHandling":{"type":"waitList","text":"Put through to the duty phone",
                             "target":"070-111 22 33","fallback":"0046 8 555 000"},
       "businessHours":"Mon-Fri 08-17",
       "tone":"informal",
       "faq":[{"id":"products","title":"Products","answer":"Anvils and rockets",
               "children":[{"id":"prices","title":"Prices","answer":"See the list"}]}],
       "ownNumbers":["08-555 123 00","(08) 555 123 01"],
       "screenPopUrls":["https://crm.example.com/pop?ano={ANO}"]}""";

  @Test
  void aProfileRoundTripsNormalised() {
    company("prof", "Profile AB", "north");
    JsonNode put = f.expect(200, admin, "PUT", "/companies/prof/profile", PROFILE);
    assertThat(put.get("greeting").asText()).isEqualTo("Acme, good morning. Caller {ANO}, {NAME} of {COMP}");
    assertThat(put.get("information").asText()).isEqualTo("Acme sells anvils.");
    assertThat(put.at("/standardHandling/type").asText()).isEqualTo("note");
    assertThat(put.at("/standardHandling/text").asText()).isEqualTo("Take a note for the office");
    assertThat(put.at("/standardHandling/faqEntry").asText()).isEqualTo("prices");
    JsonNode waitList = put.get("outOfHoursHandling");
    assertThat(waitList.get("type").asText()).isEqualTo("waitList");
    assertThat(waitList.get("text").asText()).isEqualTo("Put through to the duty phone");
    assertThat(waitList.get("target").asText()).isEqualTo("0701112233");
    assertThat(waitList.get("fallback").asText()).isEqualTo("+468555000");
    assertThat(put.get("businessHours").asText()).isEqualTo("Mon-Fri 08-17");
    assertThat(put.get("tone").asText()).isEqualTo("informal");
    assertThat(put.at("/faq/0/id").asText()).isEqualTo("products");
    assertThat(put.at("/faq/0/children/0/id").asText()).isEqualTo("prices");
    assertThat(put.at("/faq/0/children/0/answer").asText()).isEqualTo("See the list");
    assertThat(texts(put.get("ownNumbers"))).containsExactly("0855512300", "0855512301");
    assertThat(put.at("/screenPopUrls/0").asText()).isEqualTo("https://crm.example.com/pop?ano={ANO}");
    assertThat(put.get("exceptions").size()).isZero();

    assertThat(f.expect(200, admin, "GET", "/companies/prof/profile", null)).isEqualTo(put);
    JsonNode card = f.expect(200, admin, "GET", "/companies/prof/card", null);
    assertThat(card.get("id").asText()).isEqualTo("prof");
    assertThat(card.get("name").asText()).isEqualTo("Profile AB");
    assertThat(card.get("answeringPoint").asText()).isEqualTo("north");
    assertThat(card.get("profile")).isEqualTo(put);
    assertThat(card.get("contactCount").asInt()).isZero();
    assertThat(card.get("version").asLong()).isPositive();

    // The tone defaults to formal; an empty profile is fine.
    JsonNode empty = f.expect(200, admin, "PUT", "/companies/prof/profile", "{}");
    assertThat(empty.get("tone").asText()).isEqualTo("formal");
    assertThat(empty.get("greeting").isNull()).isTrue();
  }

  @Test
  void profileErrorsNameTheField() {
    company("proferr", "Profile Errors AB", "north");
    assertError(send(admin, "PUT", "/companies/proferr/profile", "{\"greeting\":\"Hello {CALLER}\"}"), 400,
        "greeting", "{CALLER}");
    assertError(send(admin, "PUT", "/companies/proferr/profile", "{\"greeting\":\"Hello\",\"colour\":\"red\"}"), 400,
        "colour", "unknown field");
    assertError(send(admin, "PUT", "/companies/proferr/profile", "{\"tone\":\"rude\"}"), 400, "tone", "tone");
    assertError(send(admin, "PUT", "/companies/proferr/profile", "{\"ownNumbers\":[\"07x1\"]}"), 400,
        "ownNumbers", "07x1");
    assertError(send(admin, "PUT", "/companies/proferr/profile",
        "{\"standardHandling\":{\"type\":\"note\",\"text\":\"x\",\"faqEntry\":\"nowhere\"}}"), 400, "faqEntry", "nowhere");
    assertError(send(admin, "PUT", "/companies/proferr/profile",
        "{\"screenPopUrls\":[\"ftp://crm.example.com\"]}"), 400, "screenPopUrls", "ftp://");
    Resp noTarget = send(admin, "PUT", "/companies/proferr/profile",
        "{\"standardHandling\":{\"type\":\"waitList\",\"text\":\"x\"}}");
    assertThat(noTarget.status()).as(noTarget.body()).isEqualTo(400);
    assertThat(noTarget.json().path("error").asText()).contains("target");
    // Nothing of the refused bodies stuck.
    assertThat(f.expect(200, admin, "GET", "/companies/proferr/profile", null).get("greeting").isNull()).isTrue();
    assertError(send(admin, "PUT", "/companies/nope/profile", "{}"), 404, null, "nope");
  }

  // ---------------------------------------------------------------- contacts

  @Test
  void contactsRoundTrip() {
    company("crud", "Crud AB", "north");
    JsonNode created = f.expect(201, admin, "POST", "/companies/crud/contacts", contact("anna", "Anna Berg",
        "\"title\":\"CEO\",\"department\":\"Management\",\"phones\":[\"08-123 45 67\",\"+46 70 000 11 22\"],"
            + "\"email\":\"anna@crud.example\",\"mobile\":\"0046 70 999 88 77\",\"greeting\":\"Anna Berg's phone, {NAME}\","
            + "\"handling\":\"Put through\""));
    assertThat(created.get("id").asText()).isEqualTo("anna");
    assertThat(created.get("kind").asText()).isEqualTo("person");
    assertThat(texts(created.get("phones"))).containsExactly("081234567", "+46700001122");
    assertThat(created.get("mobile").asText()).isEqualTo("+46709998877");
    assertThat(created.get("greeting").asText()).isEqualTo("Anna Berg's phone, {NAME}");
    assertThat(created.get("redirect").isNull()).isTrue();
    assertThat(f.expect(200, admin, "GET", "/companies/crud/contacts/anna", null)).isEqualTo(created);

    f.expect(201, admin, "POST", "/companies/crud/contacts",
        contact("sales", "Sales", "\"kind\":\"department\",\"phones\":[\"0812345\"]"));
    JsonNode all = f.expect(200, admin, "GET", "/companies/crud/contacts", null);
    assertThat(ids(all.get("contacts"))).containsExactlyInAnyOrder("anna", "sales");
    assertThat(all.get("total").asInt()).isEqualTo(2);
    assertThat(f.expect(200, admin, "GET", "/companies/crud/card", null).get("contactCount").asInt()).isEqualTo(2);

    JsonNode replaced = f.expect(200, admin, "PUT", "/companies/crud/contacts/anna",
        "{\"name\":\"Anna Berg-Lund\",\"title\":\"Chair\"}");
    assertThat(replaced.get("name").asText()).isEqualTo("Anna Berg-Lund");
    assertThat(replaced.get("phones").size()).as("PUT replaces the whole contact").isZero();
    assertThat(f.expect(200, admin, "GET", "/companies/crud/contacts/anna", null).get("title").asText()).isEqualTo("Chair");

    assertError(send(admin, "POST", "/companies/crud/contacts", contact("anna", "Again", null)), 409, null,
        "already exists");
    assertError(send(admin, "POST", "/companies/crud/contacts",
        contact("eve", "Eve", "\"redirect\":{\"reason\":\"lunch\"}")), 400, "redirect", "unknown field");
    assertError(send(admin, "PUT", "/companies/crud/contacts/anna",
        "{\"name\":\"Anna\",\"redirect\":null}"), 400, "redirect", "unknown field");
    assertError(send(admin, "POST", "/companies/crud/contacts", contact("eve", "Eve", "\"email\":\"not-an-address\"")),
        400, "email", "not-an-address");
    assertError(send(admin, "POST", "/companies/crud/contacts", contact("eve", "Eve", "\"phones\":[\"12-ab\"]")),
        400, "phones", "12-ab");
    assertError(send(admin, "POST", "/companies/crud/contacts", "{\"id\":\"eve\"}"), 400, "name", "name");
    assertError(send(admin, "POST", "/companies/crud/contacts", contact("eve", "Eve", "\"kind\":\"robot\"")), 400,
        "kind", "robot");
    assertError(send(admin, "PUT", "/companies/crud/contacts/anna", contact("bert", "Bert", null)), 400, "id",
        "differs");
    assertError(send(admin, "GET", "/companies/crud/contacts/eve", null), 404, null, "eve");
    assertError(send(admin, "GET", "/companies/crud/contacts/" + q("bad id!"), null), 400, "contactId", "");

    assertThat(send(admin, "DELETE", "/companies/crud/contacts/anna", null).status()).isEqualTo(204);
    assertError(send(admin, "GET", "/companies/crud/contacts/anna", null), 404, null, "anna");
    assertError(send(admin, "DELETE", "/companies/crud/contacts/anna", null), 404, null, "anna");
    assertThat(f.expect(200, admin, "GET", "/companies/crud/card", null).get("contactCount").asInt()).isEqualTo(1);
  }

  @Test
  void searchIgnoresAccentsAndCaseAndLimitKeepsTheTotal() {
    company("search", "Search AB", "north");
    f.expect(201, admin, "POST", "/companies/search/contacts", contact("asa", "Åsa Öström", "\"department\":\"Sales\""));
    f.expect(201, admin, "POST", "/companies/search/contacts", contact("orjan", "Örjan Ek", "\"department\":\"Support\""));
    f.expect(201, admin, "POST", "/companies/search/contacts", contact("bjorn", "Bjørn Hansen",
        "\"department\":\"Sales\",\"phones\":[\"0812399\"]"));
    f.expect(201, admin, "POST", "/companies/search/contacts", contact("rene", "René Salés", null));
    f.expect(201, admin, "POST", "/companies/search/contacts", contact("carl", "Carl Olsson", "\"email\":\"carl@search.example\""));

    JsonNode ostrom = f.expect(200, agent, "GET", "/companies/search/contacts?q=ostrom", null);
    assertThat(ids(ostrom.get("contacts"))).containsExactly("asa");
    assertThat(ostrom.get("total").asInt()).isEqualTo(1);
    assertThat(ids(f.expect(200, agent, "GET", "/companies/search/contacts?q=" + q("ÖST"), null).get("contacts")))
        .containsExactly("asa");
    assertThat(ids(f.expect(200, agent, "GET", "/companies/search/contacts?q=bjorn", null).get("contacts")))
        .containsExactly("bjorn");
    assertThat(ids(f.expect(200, agent, "GET", "/companies/search/contacts?q=" + q("asa sales"), null).get("contacts")))
        .containsExactly("asa");
    // A name match ranks before a department match.
    JsonNode sales = f.expect(200, agent, "GET", "/companies/search/contacts?q=sales", null);
    assertThat(ids(sales.get("contacts"))).containsExactly("rene", "asa", "bjorn");
    assertThat(ids(f.expect(200, agent, "GET", "/companies/search/contacts?q=12399", null).get("contacts")))
        .containsExactly("bjorn");
    assertThat(ids(f.expect(200, agent, "GET", "/companies/search/contacts?q=carl%40search", null).get("contacts")))
        .containsExactly("carl");
    assertThat(f.expect(200, agent, "GET", "/companies/search/contacts?q=nobody", null).get("total").asInt()).isZero();

    JsonNode limited = f.expect(200, agent, "GET", "/companies/search/contacts?q=&limit=2", null);
    assertThat(limited.get("contacts").size()).isEqualTo(2);
    assertThat(limited.get("total").asInt()).isEqualTo(5);
    JsonNode salesOne = f.expect(200, agent, "GET", "/companies/search/contacts?q=sales&limit=1", null);
    assertThat(ids(salesOne.get("contacts"))).containsExactly("rene");
    assertThat(salesOne.get("total").asInt()).isEqualTo(3);
    assertError(send(agent, "GET", "/companies/search/contacts?limit=0", null), 400, "limit", "limit");
    assertError(send(agent, "GET", "/companies/search/contacts?limit=many", null), 400, "limit", "many");
    assertError(send(agent, "GET", "/companies/search/contacts?limit=201", null), 400, "limit", "200");
  }

  // ---------------------------------------------------------------- redirects and export

  @Test
  void anAgentSetsAContactsRedirectItShowsInReadsAndExportsAndLapsesOnDelete() {
    company("redir", "Redirect AB", "north");
    f.expect(201, admin, "POST", "/companies/redir/contacts",
        contact("lena", "Lena Lund", "\"phones\":[\"0812300\",\"0812301\"],\"email\":\"lena@redir.example\""));
    f.expect(201, admin, "POST", "/companies/redir/contacts", contact("olle", "Olle, \\\"the boss\\\"", null));

    String until = inAnHour();
    JsonNode set = f.expect(200, agent, "PUT", "/companies/redir/contacts/lena/redirect",
        "{\"reason\":\"lunch\",\"until\":\"" + until + "\",\"note\":\"Back at one\"}");
    assertThat(set.get("reason").asText()).isEqualTo("lunch");
    assertThat(Instant.parse(set.get("until").asText())).isEqualTo(Instant.parse(until));
    assertThat(set.get("note").asText()).isEqualTo("Back at one");
    assertThat(set.get("setBy").asText()).isEqualTo("agent-north");
    assertThat(set.get("setAt").asText()).isNotBlank();

    JsonNode lena = f.expect(200, agent, "GET", "/companies/redir/contacts/lena", null);
    assertThat(lena.get("redirect")).isEqualTo(set);
    // A contact's PUT keeps its redirect.
    f.expect(200, admin, "PUT", "/companies/redir/contacts/lena",
        contact("lena", "Lena Lund", "\"phones\":[\"0812300\",\"0812301\"],\"email\":\"lena@redir.example\""));
    assertThat(f.expect(200, admin, "GET", "/companies/redir/contacts/lena", null).get("redirect")).isEqualTo(set);

    JsonNode json = f.expect(200, agent, "GET", "/companies/redir/contacts/export?format=json", null);
    assertThat(ids(json)).containsExactly("lena", "olle");
    assertThat(json.get(0).get("redirect")).isEqualTo(set);
    assertThat(json.get(1).get("redirect").isNull()).isTrue();
    assertThat(f.expect(200, agent, "GET", "/companies/redir/contacts/export", null)).as("json by default").isEqualTo(json);

    Resp csv = send(agent, "GET", "/companies/redir/contacts/export?format=csv", null);
    assertThat(csv.status()).as(csv.body()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(csv.headers().firstValue("Content-Disposition").orElse(""))
        .contains("attachment").contains("redir-contacts.csv");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo("id,name,kind,title,department,phone,email,mobile,status,until,note");
    assertThat(lines.get(1)).isEqualTo("lena,Lena Lund,person,,,0812300;0812301,lena@redir.example,,lunch,"
        + Instant.parse(until) + ",Back at one");
    assertThat(lines.get(2)).as("quoted as CSV").isEqualTo("olle,\"Olle, \"\"the boss\"\"\",person,,,,,,available,,");
    assertError(send(agent, "GET", "/companies/redir/contacts/export?format=xml", null), 400, "format", "xml");

    // Refusals name the field.
    String past = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
    assertError(send(agent, "PUT", "/companies/redir/contacts/olle/redirect",
        "{\"reason\":\"lunch\",\"until\":\"" + past + "\"}"), 400, "until", "passed");
    assertError(send(agent, "PUT", "/companies/redir/contacts/olle/redirect", "{\"reason\":\"nap\"}"), 400, "reason",
        "nap");
    assertError(send(agent, "PUT", "/companies/redir/contacts/olle/redirect", "{\"until\":\"" + until + "\"}"), 400,
        "reason", "reason");
    assertError(send(agent, "PUT", "/companies/redir/contacts/olle/redirect",
        "{\"reason\":\"lunch\",\"setBy\":\"someone-else\"}"), 400, "setBy", "unknown field");
    assertError(send(agent, "PUT", "/companies/redir/contacts/olle/redirect",
        "{\"reason\":\"lunch\",\"until\":\"after lunch\"}"), 400, "until", "");
    assertError(send(agent, "PUT", "/companies/redir/contacts/nobody/redirect", "{\"reason\":\"lunch\"}"), 404, null,
        "nobody");
    assertThat(f.expect(200, agent, "GET", "/companies/redir/contacts/olle", null).get("redirect").isNull()).isTrue();

    // An open-ended redirect; removed, it is gone from reads and the export.
    JsonNode vacation = f.expect(200, agent, "PUT", "/companies/redir/contacts/olle/redirect", "{\"reason\":\"vacation\"}");
    assertThat(vacation.get("until").isNull()).isTrue();
    assertThat(send(agent, "DELETE", "/companies/redir/contacts/lena/redirect", null).status()).isEqualTo(204);
    assertThat(send(agent, "DELETE", "/companies/redir/contacts/lena/redirect", null).status())
        .as("clearing what is clear is no error").isEqualTo(204);
    assertThat(f.expect(200, agent, "GET", "/companies/redir/contacts/lena", null).get("redirect").isNull()).isTrue();
    List<String> after = send(agent, "GET", "/companies/redir/contacts/export?format=csv", null).body().lines().toList();
    assertThat(after.get(1)).endsWith(",available,,");
    assertThat(after.get(2)).endsWith(",vacation,,");
  }

  @Test
  void aWholeCompanyRedirectShowsOnTheCardUntilRemoved() {
    company("closed", "Closed AB", "north");
    assertThat(f.expect(200, agent, "GET", "/companies/closed/card", null).get("redirect").isNull()).isTrue();
    String until = inAnHour();
    JsonNode set = f.expect(200, agent, "PUT", "/companies/closed/redirect",
        "{\"reason\":\"meeting\",\"until\":\"" + until + "\",\"note\":\"Everyone is at the kick-off\"}");
    assertThat(set.get("reason").asText()).isEqualTo("meeting");
    assertThat(set.get("setBy").asText()).isEqualTo("agent-north");
    JsonNode card = f.expect(200, agent, "GET", "/companies/closed/card", null);
    assertThat(card.get("redirect")).isEqualTo(set);
    assertError(send(agent, "PUT", "/companies/closed/redirect",
        "{\"reason\":\"meeting\",\"until\":\"2020-01-01T00:00:00Z\"}"), 400, "until", "passed");
    assertThat(send(agent, "DELETE", "/companies/closed/redirect", null).status()).isEqualTo(204);
    assertThat(f.expect(200, agent, "GET", "/companies/closed/card", null).get("redirect").isNull()).isTrue();
  }

  // ---------------------------------------------------------------- exceptions

  @Test
  void exceptionsRoundTrip() {
    company("exc", "Exception AB", "north");
    f.expect(200, admin, "PUT", "/companies/exc/profile", "{\"greeting\":\"Exception AB\",\"information\":\"kept\"}");
    String from = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String until = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    JsonNode party = f.expect(200, admin, "PUT", "/companies/exc/exceptions/party",
        "{\"handling\":{\"type\":\"note\",\"text\":\"Closed for the staff party: take notes\"},\"from\":\"" + from
            + "\",\"until\":\"" + until + "\"}");
    assertThat(party.get("id").asText()).isEqualTo("party");
    assertThat(party.at("/handling/type").asText()).isEqualTo("note");
    assertThat(Instant.parse(party.get("until").asText())).isEqualTo(Instant.parse(until));
    f.expect(200, admin, "PUT", "/companies/exc/exceptions/move",
        "{\"id\":\"move\",\"handling\":{\"type\":\"waitList\",\"text\":\"Moving: to the mobile\",\"target\":\"070 555 00 00\"}}");

    JsonNode list = f.expect(200, admin, "GET", "/companies/exc/exceptions", null);
    assertThat(ids(list)).containsExactly("party", "move");
    assertThat(list.get(1).at("/handling/target").asText()).isEqualTo("0705550000");
    // The exceptions are part of the profile; the rest of the profile stays.
    JsonNode profile = f.expect(200, admin, "GET", "/companies/exc/profile", null);
    assertThat(ids(profile.get("exceptions"))).containsExactly("party", "move");
    assertThat(profile.get("information").asText()).isEqualTo("kept");

    // Replacing one keeps its id.
    f.expect(200, admin, "PUT", "/companies/exc/exceptions/party",
        "{\"handling\":{\"type\":\"note\",\"text\":\"Party moved: take notes anyway\"}}");
    JsonNode again = f.expect(200, admin, "GET", "/companies/exc/exceptions", null);
    assertThat(again.size()).isEqualTo(2);
    assertThat(again.findValuesAsText("text")).contains("Party moved: take notes anyway");

    assertError(send(admin, "PUT", "/companies/exc/exceptions/party",
        "{\"id\":\"other\",\"handling\":{\"type\":\"note\",\"text\":\"x\"}}"), 400, "id", "differs");
    Resp noHandling = send(admin, "PUT", "/companies/exc/exceptions/x", "{}");
    assertThat(noHandling.status()).as(noHandling.body()).isEqualTo(400);
    assertThat(noHandling.json().path("error").asText()).contains("handling");
    Resp backwards = send(admin, "PUT", "/companies/exc/exceptions/x",
        "{\"handling\":{\"type\":\"note\",\"text\":\"x\"},\"from\":\"" + until + "\",\"until\":\"" + from + "\"}");
    assertThat(backwards.status()).as(backwards.body()).isEqualTo(400);
    assertThat(backwards.json().path("error").asText()).contains("from must be before until");

    assertThat(send(admin, "DELETE", "/companies/exc/exceptions/party", null).status()).isEqualTo(204);
    assertThat(ids(f.expect(200, admin, "GET", "/companies/exc/exceptions", null))).containsExactly("move");
    assertError(send(admin, "DELETE", "/companies/exc/exceptions/party", null), 404, null, "party");
  }

  // ---------------------------------------------------------------- who may do what

  @Test
  void anAgentReadsAndSetsRedirectsButChangesNothingElse() {
    company("agentco", "Agent Co", "north");
    f.expect(201, admin, "POST", "/companies/agentco/contacts", contact("kim", "Kim Kall", null));
    f.expect(200, agent, "GET", "/companies/agentco/card", null);
    f.expect(200, agent, "GET", "/companies/agentco/profile", null);
    f.expect(200, agent, "GET", "/companies/agentco/contacts", null);
    f.expect(200, agent, "GET", "/companies/agentco/contacts/kim", null);
    f.expect(200, agent, "GET", "/companies/agentco/exceptions", null);
    assertThat(send(agent, "GET", "/companies/agentco/contacts/export?format=csv", null).status()).isEqualTo(200);

    assertThat(send(agent, "PUT", "/companies/agentco/profile", "{\"greeting\":\"Hi\"}").status()).isEqualTo(403);
    assertThat(send(agent, "POST", "/companies/agentco/contacts", contact("new", "New", null)).status()).isEqualTo(403);
    assertThat(send(agent, "PUT", "/companies/agentco/contacts/kim", contact("kim", "Changed", null)).status())
        .isEqualTo(403);
    assertThat(send(agent, "DELETE", "/companies/agentco/contacts/kim", null).status()).isEqualTo(403);
    assertThat(send(agent, "PUT", "/companies/agentco/exceptions/x",
        "{\"handling\":{\"type\":\"note\",\"text\":\"x\"}}").status()).isEqualTo(403);
    assertThat(send(agent, "DELETE", "/companies/agentco/exceptions/x", null).status()).isEqualTo(403);
    JsonNode kim = f.expect(200, admin, "GET", "/companies/agentco/contacts/kim", null);
    assertThat(kim.get("name").asText()).isEqualTo("Kim Kall");
    assertThat(f.expect(200, admin, "GET", "/companies/agentco/contacts", null).get("total").asInt()).isEqualTo(1);
    assertThat(f.expect(200, admin, "GET", "/companies/agentco/profile", null).get("greeting").isNull()).isTrue();

    f.expect(200, agent, "PUT", "/companies/agentco/contacts/kim/redirect", "{\"reason\":\"sick\"}");
    f.expect(200, agent, "PUT", "/companies/agentco/redirect", "{\"reason\":\"off\"}");
    assertThat(send(agent, "DELETE", "/companies/agentco/contacts/kim/redirect", null).status()).isEqualTo(204);
    assertThat(send(agent, "DELETE", "/companies/agentco/redirect", null).status()).isEqualTo(204);

    // Another answering point's company does not exist for the agent.
    assertError(send(agent, "GET", "/companies/southco/card", null), 404, null, "southco");
    assertError(send(agent, "PUT", "/companies/southco/redirect", "{\"reason\":\"off\"}"), 404, null, "southco");
    assertThat(f.expect(200, admin, "GET", "/companies/southco/card", null).get("redirect").isNull()).isTrue();
  }

  @Test
  void aSupervisorReadsButDoesNotChangeContacts() {
    company("supco", "Sup Co", "north");
    f.expect(201, admin, "POST", "/companies/supco/contacts", contact("kim", "Kim Kall", null));
    f.expect(200, supervisor, "GET", "/companies/supco/card", null);
    f.expect(200, supervisor, "GET", "/companies/supco/contacts?q=kim", null);
    f.expect(200, supervisor, "GET", "/companies/supco/contacts/export?format=json", null);
    assertThat(send(supervisor, "POST", "/companies/supco/contacts", contact("new", "New", null)).status()).isEqualTo(403);
    assertThat(send(supervisor, "PUT", "/companies/supco/contacts/kim", contact("kim", "Changed", null)).status())
        .isEqualTo(403);
    assertThat(send(supervisor, "DELETE", "/companies/supco/contacts/kim", null).status()).isEqualTo(403);
    assertThat(send(supervisor, "PUT", "/companies/supco/profile", "{}").status()).isEqualTo(403);
    assertThat(f.expect(200, admin, "GET", "/companies/supco/contacts/kim", null).get("name").asText())
        .isEqualTo("Kim Kall");
    // Redirects: the supervisor sets them as the agents do (CompanyCardApi's rules).
    f.expect(200, supervisor, "PUT", "/companies/supco/contacts/kim/redirect", "{\"reason\":\"meeting\"}");
    assertError(send(supervisor, "GET", "/companies/southco/card", null), 404, null, "southco");
    assertThat(send(null, "GET", "/companies/supco/card", null).status()).isEqualTo(401);
  }

  @Test
  void aClientMaintainsItsOwnCompanyAndSeesNothingElse() {
    JsonNode made = f.expect(201, client, "POST", "/companies/acme/contacts",
        contact("pia", "Pia Persson", "\"phones\":[\"0811111\"]"));
    assertThat(made.get("id").asText()).isEqualTo("pia");
    f.expect(200, client, "PUT", "/companies/acme/contacts/pia", contact("pia", "Pia Persson", "\"title\":\"CFO\""));
    f.expect(200, client, "PUT", "/companies/acme/contacts/pia/redirect", "{\"reason\":\"vacation\",\"note\":\"Back Monday\"}");
    JsonNode pia = f.expect(200, client, "GET", "/companies/acme/contacts/pia", null);
    assertThat(pia.get("title").asText()).isEqualTo("CFO");
    assertThat(pia.at("/redirect/setBy").asText()).isEqualTo("client-acme");
    f.expect(200, client, "PUT", "/companies/acme/exceptions/inventory",
        "{\"handling\":{\"type\":\"note\",\"text\":\"Stocktaking: notes only\"}}");
    assertThat(ids(f.expect(200, client, "GET", "/companies/acme/exceptions", null))).containsExactly("inventory");
    f.expect(200, client, "PUT", "/companies/acme/redirect", "{\"reason\":\"off\"}");
    assertThat(send(client, "DELETE", "/companies/acme/redirect", null).status()).isEqualTo(204);
    assertThat(send(client, "DELETE", "/companies/acme/exceptions/inventory", null).status()).isEqualTo(204);
    f.expect(200, client, "GET", "/companies/acme/card", null);
    assertThat(send(client, "GET", "/companies/acme/contacts/export?format=csv", null).status()).isEqualTo(200);
    f.expect(201, client, "POST", "/companies/acme/contacts", contact("tmp", "Temp", null));
    assertThat(send(client, "DELETE", "/companies/acme/contacts/tmp", null).status()).isEqualTo(204);
    // What the client did is what staff see.
    assertThat(f.expect(200, agent, "GET", "/companies/acme/contacts/pia", null).at("/redirect/reason").asText())
        .isEqualTo("vacation");

    // Another company, even of the same answering point, does not exist for the client.
    for (String other : List.of("other", "southco")) {
      assertError(send(client, "GET", "/companies/" + other + "/card", null), 404, null, other);
      assertError(send(client, "GET", "/companies/" + other + "/contacts", null), 404, null, other);
      assertError(send(client, "POST", "/companies/" + other + "/contacts", contact("x", "X", null)), 404, null, other);
      assertError(send(client, "PUT", "/companies/" + other + "/redirect", "{\"reason\":\"off\"}"), 404, null, other);
      assertError(send(client, "PUT", "/companies/" + other + "/exceptions/x",
          "{\"handling\":{\"type\":\"note\",\"text\":\"x\"}}"), 404, null, other);
    }
    assertThat(f.expect(200, admin, "GET", "/companies/other/contacts", null).get("total").asInt()).isZero();

    // The rest of the API is not the client's.
    for (String path : List.of("/queues", "/companies", "/companies/acme", "/answering-points", "/number-plan",
        "/agents", "/users", "/calendars", "/me/agent", "/sound-files"))
      assertThat(send(client, "GET", path, null).status()).as(path).isEqualTo(403);
    assertThat(send(client, "POST", "/test-calls", "{\"dialledNumber\":\"0811\"}").status()).isEqualTo(403);
    assertThat(send(client, "PUT", "/companies/acme", "{\"name\":\"Mine now\",\"answeringPoint\":\"north\"}").status())
        .isEqualTo(403);
    assertThat(f.upgrade("/agent/ws", client, null, null).status()).isEqualTo(403);
    assertThat(f.upgrade("/wallboard/ws", client, null, null).status()).isEqualTo(403);
  }

  // ---------------------------------------------------------------- client users

  @Test
  void clientUsersAreMadeThroughTheUsersApiAndSignInToTheirCompany() {
    JsonNode made = f.expect(201, admin, "POST", "/users", "{\"username\":\"portal-acme\",\"name\":\"Acme Portal\","
        + "\"password\":\"portal-password\",\"roles\":[\"client\"],\"companies\":[\"acme\"]}");
    assertThat(made.get("roles").toString()).isEqualTo("[\"client\"]");
    assertThat(made.get("companies").toString()).isEqualTo("[\"acme\"]");
    assertThat(f.expect(200, admin, "GET", "/users/portal-acme", null)).isEqualTo(made);

    String portal = f.login("portal-acme", "portal-password");
    f.expect(200, portal, "GET", "/companies/acme/card", null);
    assertError(send(portal, "GET", "/companies/other/card", null), 404, null, "other");

    // Moved to another company, the open session follows.
    f.expect(200, admin, "PUT", "/users/portal-acme",
        "{\"name\":\"Acme Portal\",\"roles\":[\"client\"],\"companies\":[\"other\"]}");
    EdgeFixture.eventually(Duration.ofSeconds(5), () -> send(portal, "GET", "/companies/other/card", null).status(),
        s -> s == 200, "the session to see the new company");
    assertError(send(portal, "GET", "/companies/acme/card", null), 404, null, "acme");

    String pw = "\"password\":\"long-enough-pw\"";
    assertError(send(admin, "POST", "/users", "{\"username\":\"c1\",\"name\":\"C\"," + pw + ",\"roles\":[\"client\"]}"),
        400, "companies", "companies");
    assertError(send(admin, "POST", "/users",
        "{\"username\":\"c1\",\"name\":\"C\"," + pw + ",\"roles\":[\"client\"],\"companies\":[]}"), 400, "companies",
        "companies");
    assertError(send(admin, "POST", "/users", "{\"username\":\"c1\",\"name\":\"C\"," + pw
        + ",\"roles\":[\"client\",\"admin\"],\"companies\":[\"acme\"]}"), 400, "roles", "client");
    assertError(send(admin, "POST", "/users", "{\"username\":\"c1\",\"name\":\"C\"," + pw
        + ",\"roles\":[\"supervisor\"],\"companies\":[\"acme\"]}"), 400, "companies", "client");
    assertError(send(admin, "POST", "/users", "{\"username\":\"c1\",\"name\":\"C\"," + pw
        + ",\"roles\":[\"client\"],\"companies\":[\"nope\"]}"), 400, "companies", "nope");
    assertError(send(admin, "PUT", "/users/portal-acme",
        "{\"name\":\"Acme Portal\",\"roles\":[\"client\"],\"companies\":[]}"), 400, "companies", "companies");
    assertError(send(admin, "GET", "/users/c1", null), 404, null, "c1");
    // A scoped admin manages no users, client users included.
    f.createUser("admin-north", PW, "admin", "north", null);
    assertThat(send(f.login("admin-north", PW), "POST", "/users", "{\"username\":\"c2\",\"name\":\"C\"," + pw
        + ",\"roles\":[\"client\"],\"companies\":[\"acme\"]}").status()).isEqualTo(403);
  }
}
