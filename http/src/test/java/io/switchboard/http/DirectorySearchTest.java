package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Contacts found across the companies one may see (ANS-1, ANS-13), from the read side's contact directory. */
class DirectorySearchTest {
  static final String PW = "directory-password-1";
  static final Duration WAIT = Duration.ofSeconds(15);
  static EdgeFixture f;
  static String admin;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.startWithStatistics("directory-search");
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"shops\",\"name\":\"Shops\"}");
    f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"south\",\"name\":\"South\"}");
    company("shop-a", "Shop A", "shops");
    company("shop-b", "Shop B", "shops");
    company("other", "Other AB", "south");
    contact("shop-a", "eva", "Eva Öberg", "Butikschef", "eva@shop-a.example");
    contact("shop-b", "eva2", "Eva Lund", "Kassa", "eva@shop-b.example");
    contact("shop-b", "bo", "Bo Ek", "Lager", null);
    contact("other", "evert", "Evert Söder", "VD", null);
    f.createUser("agent-shops", PW, "supervisor", "shops", null);
    f.createUser("shop-b-admin", PW, "client", null, "shop-b", null);
  }

  static void company(String id, String name, String ap) {
    f.expect(201, admin, "POST", "/companies", "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"answeringPoint\":\"" + ap + "\"}");
  }

  static void contact(String company, String id, String name, String title, String email) {
    f.expect(201, admin, "POST", "/companies/" + company + "/contacts", "{\"id\":\"" + id + "\",\"name\":\"" + name
        + "\",\"title\":\"" + title + "\"" + (email == null ? "" : ",\"email\":\"" + email + "\"") + "}");
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  static JsonNode search(String token, String query, int expected) {
    return EdgeFixture.eventually(WAIT, () -> f.expect(200, token, "GET", "/contacts?" + query, null),
        r -> r.size() == expected, "search " + query);
  }

  @Test
  void aSearchSpansTheAnsweringPointsOneMaySeeAndShowsRedirects() {
    String shops = f.login("agent-shops", PW);
    JsonNode evas = search(shops, "q=eva", 2);
    assertThat(evas.findValuesAsText("name")).containsExactly("Eva Lund", "Eva Öberg");
    assertThat(evas.findValuesAsText("companyName")).containsExactly("Shop B", "Shop A");
    // Accents and word starts, as in a company's own staff list; the admin sees every answering point.
    assertThat(search(admin, "q=ev", 3).findValuesAsText("name")).containsExactly("Eva Lund", "Eva Öberg", "Evert Söder");
    assertThat(search(admin, "q=oberg", 1).findValuesAsText("contactId")).containsExactly("eva");
    assertThat(search(admin, "q=eva%20kassa", 1).findValuesAsText("contactId")).containsExactly("eva2");
    search(admin, "q=berg", 0);

    String until = Instant.now().plus(Duration.ofHours(2)).toString();
    f.expect(200, shops, "PUT", "/companies/shop-a/contacts/eva/redirect",
        "{\"reason\":\"lunch\",\"until\":\"" + until + "\",\"note\":\"Back at one\"}");
    JsonNode onLunch = EdgeFixture.eventually(WAIT, () -> f.expect(200, shops, "GET", "/contacts?q=oberg", null),
        r -> r.size() == 1 && r.get(0).path("redirectReason").asText().equals("lunch"), "the redirect in the directory");
    assertThat(onLunch.get(0).get("redirectNote").asText()).isEqualTo("Back at one");

    // A client finds only its own company's staff; removed contacts go.
    String client = f.login("shop-b-admin", PW);
    assertThat(search(client, "q=eva", 1).findValuesAsText("company")).containsExactly("shop-b");
    f.expect(204, admin, "DELETE", "/companies/shop-b/contacts/eva2", null);
    search(client, "q=eva", 0);
    EdgeFixture.assertError(f.call(shops, "GET", "/contacts?q=e", null), 400, "q", "two letters");
  }
}
