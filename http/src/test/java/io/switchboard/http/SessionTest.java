package io.switchboard.http;

import static io.switchboard.http.EdgeFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.http.EdgeFixture.Resp;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Logins, sessions, lockout, logout, the cookie's origin rule and what a user response shows. */
class SessionTest {

  static final String PW = "a-long-password-1";
  static EdgeFixture f;
  static String admin;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.start("sessions");
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"north\",\"name\":\"North\"}");
    f.expect(201, admin, "POST", "/queues", "{\"id\":\"q1\",\"answeringPoint\":\"north\",\"name\":\"Q1\"}");
    f.expect(201, admin, "POST", "/agents", "{\"id\":\"anna\",\"name\":\"Anna\",\"answerGroups\":[{\"queue\":\"q1\",\"level\":1}]}");
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  @Test
  void loginSetsAnHttpOnlySameSiteStrictCookieAndReturnsTheTokenAndUser() {
    f.createUser("anna.agent", PW, "agent", "north", "anna");
    Resp r = f.loginResp("anna.agent", PW);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode body = r.json();
    String token = body.get("token").asText();
    assertThat(token).hasSizeGreaterThan(20);
    assertThat(body.get("expiresAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    JsonNode user = body.get("user");
    assertThat(user.get("username").asText()).isEqualTo("anna.agent");
    assertThat(user.get("name").asText()).isNotBlank();
    assertThat(user.get("roles").toString()).isEqualTo("[\"agent\"]");
    assertThat(user.get("answeringPoints").toString()).isEqualTo("[\"north\"]");
    assertThat(user.get("agentId").asText()).isEqualTo("anna");
    assertThat(user.get("companies").toString()).as("a staff user has no client companies").isEqualTo("[]");

    List<String> cookies = r.headers().allValues("set-cookie");
    String cookie = cookies.stream().filter(c -> c.startsWith("sb_session=")).findFirst().orElseThrow(
        () -> new AssertionError("no sb_session cookie in " + cookies));
    assertThat(cookie).startsWith("sb_session=" + token + ";");
    assertThat(cookie.toLowerCase()).contains("httponly").contains("samesite=strict").contains("path=/");

    // The user names are case- and space-insensitive at login.
    assertThat(f.loginResp("  Anna.Agent ", PW).status()).isEqualTo(200);
  }

  @Test
  void bearerAndCookieBothWorkAndNothingElseDoes() {
    f.createUser("sam", PW, "supervisor", null, null);
    String token = f.login("sam", PW);
    Resp bearer = f.req("GET", "/session").bearer(token).send();
    assertThat(bearer.status()).as(bearer.body()).isEqualTo(200);
    assertThat(bearer.json().get("username").asText()).isEqualTo("sam");
    assertThat(bearer.json().get("roles").toString()).isEqualTo("[\"supervisor\"]");
    Resp cookie = f.req("GET", "/session").cookie(token).send();
    assertThat(cookie.status()).as(cookie.body()).isEqualTo(200);
    assertThat(cookie.json().get("username").asText()).isEqualTo("sam");
    assertThat(f.req("GET", "/queues").cookie(token).send().status()).isEqualTo(200);

    Resp none = f.req("GET", "/session").send();
    assertError(none, 401, null, "sign in");
    assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer");
    assertError(f.req("GET", "/session").bearer("not-a-token").send(), 401, null, "session");
    assertError(f.req("GET", "/queues").cookie("not-a-token").send(), 401, null, "session");
    assertError(f.req("GET", "/queues").header("Authorization", "Basic YWRtaW46eA==").send(), 401, null, "");
  }

  @Test
  void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
    f.createUser("wendy", PW, "supervisor", null, null);
    Resp wrong = f.loginResp("wendy", "not-the-password");
    Resp unknown = f.loginResp("nobody-here", "not-the-password");
    assertError(wrong, 401, null, "invalid username or password");
    assertError(unknown, 401, null, "invalid username or password");
    assertThat(wrong.json()).isEqualTo(unknown.json());
    assertThat(wrong.headers().allValues("set-cookie")).noneMatch(c -> c.startsWith("sb_session=") && c.length() > 40);
    // A missing password is a 400 naming it, not a failed login.
    assertError(f.req("POST", "/session").body("{\"username\":\"wendy\"}").send(), 400, "password", "password");
    // The failed attempts above count, but do not lock wendy out yet.
    assertThat(f.loginResp("wendy", PW).status()).isEqualTo(200);
  }

  /**
   * A login body that cannot be read is the API's one 400 error (rest-api.md: unknown fields
   * refused), also for a caller that has no session yet — not "sign in first".
   */
  @Test
  void anUnreadableLoginBodyIsA400EvenWithoutASession() {
    SoftAssertions soft = new SoftAssertions();
    Resp unknownField = f.req("POST", "/session").body("{\"username\":\"wendy\",\"password\":\"x\",\"remember\":true}").send();
    soft.assertThat(unknownField.brief()).as("unknown field").startsWith("400").contains("\"field\":\"remember\"");
    Resp malformed = f.req("POST", "/session").body("{\"username\":").send();
    soft.assertThat(malformed.brief()).as("malformed JSON").startsWith("400").contains("malformed JSON");
    Resp notObject = f.req("POST", "/session").body("[1]").send();
    soft.assertThat(notObject.brief()).as("not an object").startsWith("400");
    Resp text = f.req("POST", "/session").raw("text/plain", "wendy:x").send();
    soft.assertThat(text.brief()).as("not JSON").startsWith("415");
    soft.assertAll();
  }

  @Test
  void fiveFailuresLockTheAccountEvenForTheRightPassword() {
    f.createUser("locky", PW, "supervisor", null, null);
    String before = f.login("locky", PW);
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Resp r = f.loginResp("locky", "wrong-password-" + i);
      assertThat(r.status()).as(r.body()).isEqualTo(401);
      answers.add(r.json().get("error").asText());
    }
    assertThat(answers.subList(0, 4)).containsOnly("invalid username or password");
    assertThat(answers.get(4)).isIn("invalid username or password", "account locked");

    Resp locked = f.loginResp("locky", PW);
    assertError(locked, 401, null, "account locked");
    long retry = locked.json().get("retryAfterSeconds").asLong();
    assertThat(retry).isBetween(60L * 14, 60L * 15);
    assertThat(locked.headers().allValues("set-cookie")).noneMatch(c -> c.startsWith("sb_session=") && c.length() > 40);
    // The admin sees the lock; an update by the admin lifts it.
    JsonNode view = f.expect(200, admin, "GET", "/users/locky", null);
    assertThat(view.get("locked").asBoolean()).isTrue();
    f.expect(200, admin, "PUT", "/users/locky", "{\"name\":\"Locky\",\"roles\":[\"supervisor\"]}");
    assertThat(f.loginResp("locky", PW).status()).isEqualTo(200);
    assertThat(before).isNotBlank();
  }

  @Test
  void logoutEndsTheSessionForBearerAndCookie() {
    f.createUser("lou", PW, "supervisor", null, null);
    String token = f.login("lou", PW);
    String other = f.login("lou", PW);
    assertThat(f.req("GET", "/session").bearer(token).send().status()).isEqualTo(200);
    Resp out = f.req("DELETE", "/session").bearer(token).send();
    assertThat(out.status()).as(out.body()).isEqualTo(204);
    String cleared = out.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("sb_session="))
        .findFirst().orElseThrow();
    assertThat(cleared.toLowerCase()).satisfiesAnyOf(c -> assertThat(c).contains("max-age=0"),
        c -> assertThat(c).contains("expires="));
    assertError(f.req("GET", "/session").bearer(token).send(), 401, null, "session");
    assertError(f.req("GET", "/queues").cookie(token).send(), 401, null, "session");
    // Only that session ended.
    assertThat(f.req("GET", "/session").bearer(other).send().status()).isEqualTo(200);

    // The same by cookie.
    Resp byCookie = f.req("DELETE", "/session").cookie(other).send();
    assertThat(byCookie.status()).as(byCookie.body()).isEqualTo(204);
    assertError(f.req("GET", "/session").bearer(other).send(), 401, null, "session");
    // Logging out again is a 401: there is no session.
    assertThat(f.req("DELETE", "/session").bearer(token).send().status()).isEqualTo(401);
  }

  @Test
  void aCookieSignedChangeFromAForeignOriginIsRefused() {
    String body = "{\"id\":\"%s\",\"name\":\"X\"}";
    Resp evil = f.req("POST", "/answering-points").cookie(admin).origin(EdgeFixture.EVIL_ORIGIN)
        .body(body.formatted("evil-ap")).send();
    assertError(evil, 403, null, "origin");
    assertThat(f.call(admin, "GET", "/answering-points/evil-ap", null).status()).isEqualTo(404);
    // Logging a user out from another site is refused too.
    Resp evilLogout = f.req("DELETE", "/session").cookie(admin).origin(EdgeFixture.EVIL_ORIGIN).send();
    assertThat(evilLogout.status()).isEqualTo(403);
    assertThat(f.req("GET", "/session").bearer(admin).send().status()).isEqualTo(200);

    // The node's own origin, a listed one, and no Origin at all (not a browser) are fine.
    assertThat(f.req("POST", "/answering-points").cookie(admin).origin(f.origin()).body(body.formatted("own-ap")).send()
        .status()).isEqualTo(201);
    assertThat(f.req("POST", "/answering-points").cookie(admin).origin(EdgeFixture.ALLOWED_ORIGIN)
        .body(body.formatted("listed-ap")).send().status()).isEqualTo(201);
    assertThat(f.req("POST", "/answering-points").cookie(admin).body(body.formatted("plain-ap")).send().status())
        .isEqualTo(201);
    // A bearer token is not sent by the browser on its own: any origin may use one.
    assertThat(f.req("POST", "/answering-points").bearer(admin).origin(EdgeFixture.EVIL_ORIGIN)
        .body(body.formatted("bearer-ap")).send().status()).isEqualTo(201);
    // Reading with the cookie from elsewhere is not a change.
    assertThat(f.req("GET", "/answering-points").cookie(admin).origin(EdgeFixture.EVIL_ORIGIN).send().status())
        .isEqualTo(200);
  }

  @Test
  void thePasswordHashNeverAppearsInAnyUserResponse() {
    String pw = "Secret-Pass-9876";
    List<Resp> answers = new ArrayList<>();
    Resp created = f.call(admin, "POST", "/users",
        "{\"username\":\"keeper\",\"name\":\"Keeper\",\"password\":\"" + pw + "\",\"roles\":[\"supervisor\"],\"answeringPoints\":[\"north\"]}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    answers.add(created);
    answers.add(f.call(admin, "GET", "/users", null));
    answers.add(f.call(admin, "GET", "/users/keeper", null));
    Resp updated = f.call(admin, "PUT", "/users/keeper",
        "{\"name\":\"Keeper Two\",\"password\":\"" + pw + "-new\",\"roles\":[\"supervisor\"],\"answeringPoints\":[\"north\"]}");
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    answers.add(updated);
    Resp login = f.loginResp("keeper", pw + "-new");
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    answers.add(login);
    answers.add(f.req("GET", "/session").bearer(login.json().get("token").asText()).send());
    for (Resp r : answers) {
      assertThat(r.status()).as(r.body()).isBetween(200, 201);
      assertThat(r.body()).doesNotContain("$2a$").doesNotContain("$2b$").doesNotContain("$2y$")
          .doesNotContain(pw).doesNotContainIgnoringCase("hash").doesNotContainIgnoringCase("\"password");
    }
    JsonNode view = created.json();
    assertThat(view.get("username").asText()).isEqualTo("keeper");
    assertThat(view.get("answeringPoints").toString()).isEqualTo("[\"north\"]");
    // The old password no longer works.
    assertError(f.loginResp("keeper", pw), 401, null, "invalid username or password");
  }
}
