package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.http.EdgeFixture.Resp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route of docs/rest-api.md (plus /api/v0 and the two socket upgrades) × every kind of
 * user × north/south resource, asserting the status of each cell. A centre with two answering
 * points; the scoped users are limited to north, the client user (customer portal) to the north
 * company co-north.
 *
 * <p>Expectation tokens, one per user column: a status ({@code 200}), alternatives
 * ({@code 403|404}), or {@code LB}/{@code LN} = 200 with a list showing both north and south /
 * north but not south.
 */
class AuthorizationMatrixTest {

  static final String PW = "correct-horse-battery";
  static final List<String> USERS = List.of("none", "admin", "admin-north", "supervisor", "supervisor-north", "agent-north",
      "client-north");
  static final String CALENDAR = """
      {"id":"%s","name":"%s","zone":"Europe/Stockholm",
       "baseHours":{"days":{"MONDAY":[{"from":"08:00","to":"17:00"}]}},
       "closedOnPublicHolidays":true,"closedOnHolidayEves":true,"deviations":[]}""";

  static EdgeFixture f;
  static String admin;
  static final Map<String, String> tokens = new LinkedHashMap<>();
  static final AtomicInteger seq = new AtomicInteger();

  /** One cell's situation: who asks, about which side, and a tag unique to the cell. */
  record Ctx(String user, String token, String side, String tag, boolean allowed) {
    String other() {
      return side.equals("north") ? "south" : "north";
    }
  }

  /** One row: a route (for one side), its expectations per user and how to run a cell. */
  record Row(String route, String side, String[] expected, Function<Ctx, Resp> run, String listField,
      String northId, String southId) {}

  static final List<Row> rows = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.start("authz");
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    for (String side : List.of("north", "south")) {
      f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"" + side + "\",\"name\":\"" + cap(side) + "\"}");
      f.expect(201, admin, "POST", "/companies", company("co-" + side, side));
      f.expect(201, admin, "POST", "/queues", queue("q-" + side, side));
      f.expect(201, admin, "POST", "/number-plan", number(number(side), side));
      f.expect(201, admin, "POST", "/agents", agent("ag-" + side, side));
    }
    f.expect(201, admin, "POST", "/calendars", CALENDAR.formatted("cal-1", "Office"));
    // A second north company: staff of north see it, the client of co-north does not.
    f.expect(201, admin, "POST", "/companies", company("co-north2", "north"));
    for (String co : List.of("co-north", "co-south", "co-north2")) {
      f.expect(200, admin, "PUT", "/companies/" + co + "/profile", "{\"information\":\"Info " + co + "\"}");
      f.expect(201, admin, "POST", "/companies/" + co + "/contacts", "{\"id\":\"kim\",\"name\":\"Kim Kall\"}");
    }
    f.expect(201, admin, "POST", "/test-calls",
        "{\"callId\":\"mx-north\",\"dialledNumber\":\"" + number("north") + "\",\"callerNumber\":\"0701\"}");
    f.expect(201, admin, "POST", "/test-calls",
        "{\"callId\":\"mx-south\",\"dialledNumber\":\"" + number("south") + "\",\"callerNumber\":\"0702\"}");

    f.createUser("admin-north", PW, "admin", "north", null);
    f.createUser("supervisor", PW, "supervisor", null, null);
    f.createUser("supervisor-north", PW, "supervisor", "north", null);
    f.createUser("agent-north", PW, "agent", "north", "ag-north");
    f.createUser("client-north", PW, "client", null, "co-north", null);
    tokens.put("none", null);
    tokens.put("admin", admin);
    for (String u : USERS.subList(2, USERS.size())) tokens.put(u, f.login(u, PW));
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  // ---------------------------------------------------------------- bodies

  static String cap(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static String number(String side) {
    return side.equals("north") ? "0810001" : "0820001";
  }

  static String freshNumber() {
    return "09" + String.format("%06d", seq.incrementAndGet());
  }

  static String company(String id, String side) {
    return "{\"id\":\"" + id + "\",\"name\":\"Company " + id + "\",\"answeringPoint\":\"" + side + "\"}";
  }

  static String company(String id, String side, String name) {
    return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"answeringPoint\":\"" + side + "\"}";
  }

  static String queue(String id, String side) {
    return queue(id, side, "Queue " + id);
  }

  static String queue(String id, String side, String name) {
    return "{\"id\":\"" + id + "\",\"answeringPoint\":\"" + side + "\",\"name\":\"" + name + "\"}";
  }

  static String number(String dialled, String side) {
    return "{\"dialledNumber\":\"" + dialled + "\",\"answeringPoint\":\"" + side + "\",\"company\":\"co-" + side
        + "\",\"queue\":\"q-" + side + "\",\"priority\":0}";
  }

  static String agent(String id, String side) {
    return agent(id, side, "Agent " + id);
  }

  static String agent(String id, String side, String name) {
    return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"answerGroups\":[{\"queue\":\"q-" + side
        + "\",\"level\":1}],\"capacity\":{\"VOICE\":1}}";
  }

  static Resp as(Ctx c, String method, String path, String body) {
    return f.call(c.token(), method, path, body);
  }

  /** The name a write sends: the original when the cell may write, a marker otherwise (must never stick). */
  static String name(Ctx c, String original) {
    return c.allowed() ? original : "CHANGED by " + c.user();
  }

  // ---------------------------------------------------------------- the table

  static void single(String route, String expected, Function<Ctx, Resp> run) {
    rows.add(new Row(route, "", expected.split(" "), run, null, null, null));
  }

  static void sided(String route, String north, String south, Function<Ctx, Resp> run) {
    rows.add(new Row(route, "north", north.split(" "), run, null, null, null));
    rows.add(new Row(route, "south", south.split(" "), run, null, null, null));
  }

  static void list(String route, String path, String field, String northId, String southId, String expected) {
    rows.add(new Row(route, "", expected.split(" "), c -> as(c, "GET", path, null), field, northId, southId));
  }

  static void defineRows() {
    // columns:                                none admin adminN sup supN agentN clientN
    // ---- answering points
    list("GET /answering-points", "/answering-points", "id", "north", "south", "401 LB LN LB LN 403 403");
    single("POST /answering-points", "401 201 403 403 403 403 403",
        c -> as(c, "POST", "/answering-points", "{\"id\":\"ap-" + c.tag() + "\",\"name\":\"AP " + c.tag() + "\"}"));
    sided("GET /answering-points/{id}", "401 200 200 200 200 403 403", "401 200 404 200 404 403 403",
        c -> as(c, "GET", "/answering-points/" + c.side(), null));
    sided("PUT /answering-points/{id}", "401 200 403 403 403 403 403", "401 200 403|404 403 403 403 403",
        c -> as(c, "PUT", "/answering-points/" + c.side(),
            "{\"id\":\"" + c.side() + "\",\"name\":\"" + name(c, cap(c.side())) + "\"}"));
    single("DELETE /answering-points/{id} (unused)", "401 204 403 403 403 403 403", c -> {
      f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"apdel-" + c.tag() + "\",\"name\":\"x\"}");
      return as(c, "DELETE", "/answering-points/apdel-" + c.tag(), null);
    });

    // ---- companies
    list("GET /companies", "/companies", "id", "co-north", "co-south", "401 LB LN LB LN 403 403");
    sided("POST /companies", "401 201 201 403 403 403 403", "401 201 403 403 403 403 403",
        c -> as(c, "POST", "/companies", company("co-" + c.tag(), c.side())));
    sided("GET /companies/{id}", "401 200 200 200 200 403 403", "401 200 404 200 404 403 403",
        c -> as(c, "GET", "/companies/co-" + c.side(), null));
    sided("PUT /companies/{id}", "401 200 200 403 403 403 403", "401 200 403|404 403 403 403 403",
        c -> as(c, "PUT", "/companies/co-" + c.side(),
            company("co-" + c.side(), c.side(), name(c, "Company co-" + c.side()))));
    single("PUT /companies/{north one} → south", "401 200 403 403 403 403 403", c -> {
      f.expect(201, admin, "POST", "/companies", company("comv-" + c.tag(), "north"));
      return as(c, "PUT", "/companies/comv-" + c.tag(), company("comv-" + c.tag(), "south"));
    });
    sided("DELETE /companies/{id}", "401 204 204 403 403 403 403", "401 204 403|404 403 403 403 403", c -> {
      f.expect(201, admin, "POST", "/companies", company("codel-" + c.tag(), c.side()));
      return as(c, "DELETE", "/companies/codel-" + c.tag(), null);
    });

    // ---- company cards: staff of the answering point read and set redirects, admins and the
    // company's client users change contacts, profile and exceptions (CompanyCardApi)
    String read = "401 200 200 200 200 200 200";
    String readSouth = "401 200 404 200 404 404 404";
    sided("GET /companies/{id}/card", read, readSouth, c -> as(c, "GET", "/companies/co-" + c.side() + "/card", null));
    single("GET /companies/{north, not the client's}/card", "401 200 200 200 200 200 404",
        c -> as(c, "GET", "/companies/co-north2/card", null));
    single("PUT /companies/{north, not the client's}/contacts/{cid}", "401 200 200 403 403 403 404",
        c -> as(c, "PUT", "/companies/co-north2/contacts/kim", "{\"name\":\"" + name(c, "Kim Kall") + "\"}"));
    sided("GET /companies/{id}/profile", read, readSouth,
        c -> as(c, "GET", "/companies/co-" + c.side() + "/profile", null));
    sided("PUT /companies/{id}/profile", "401 200 200 403 403 403 200", "401 200 404 403 403 403 404",
        c -> as(c, "PUT", "/companies/co-" + c.side() + "/profile",
            "{\"information\":\"" + name(c, "Info co-" + c.side()) + "\"}"));
    sided("GET /companies/{id}/exceptions", read, readSouth,
        c -> as(c, "GET", "/companies/co-" + c.side() + "/exceptions", null));
    sided("PUT /companies/{id}/exceptions/{eid}", "401 200 200 403 403 403 200", "401 200 404 403 403 403 404",
        c -> as(c, "PUT", "/companies/co-" + c.side() + "/exceptions/ex-" + c.tag(),
            "{\"handling\":{\"type\":\"note\",\"text\":\"Notes only\"}}"));
    sided("DELETE /companies/{id}/exceptions/{eid}", "401 204 204 403 403 403 204", "401 204 404 403 403 403 404",
        c -> {
          f.expect(200, admin, "PUT", "/companies/co-" + c.side() + "/exceptions/exdel-" + c.tag(),
              "{\"handling\":{\"type\":\"note\",\"text\":\"Notes only\"}}");
          return as(c, "DELETE", "/companies/co-" + c.side() + "/exceptions/exdel-" + c.tag(), null);
        });
    sided("PUT /companies/{id}/redirect", read, readSouth,
        c -> as(c, "PUT", "/companies/co-" + c.side() + "/redirect", "{\"reason\":\"meeting\"}"));
    sided("DELETE /companies/{id}/redirect", "401 204 204 204 204 204 204", "401 204 404 204 404 404 404",
        c -> as(c, "DELETE", "/companies/co-" + c.side() + "/redirect", null));
    sided("GET /companies/{id}/contacts", read, readSouth,
        c -> as(c, "GET", "/companies/co-" + c.side() + "/contacts?q=kim", null));
    sided("POST /companies/{id}/contacts", "401 201 201 403 403 403 201", "401 201 404 403 403 403 404",
        c -> as(c, "POST", "/companies/co-" + c.side() + "/contacts", "{\"id\":\"c-" + c.tag() + "\",\"name\":\"New\"}"));
    sided("GET /companies/{id}/contacts/export", read, readSouth,
        c -> as(c, "GET", "/companies/co-" + c.side() + "/contacts/export?format=csv", null));
    sided("GET /companies/{id}/contacts/{cid}", read, readSouth,
        c -> as(c, "GET", "/companies/co-" + c.side() + "/contacts/kim", null));
    sided("PUT /companies/{id}/contacts/{cid}", "401 200 200 403 403 403 200", "401 200 404 403 403 403 404",
        c -> as(c, "PUT", "/companies/co-" + c.side() + "/contacts/kim", "{\"name\":\"" + name(c, "Kim Kall") + "\"}"));
    sided("DELETE /companies/{id}/contacts/{cid}", "401 204 204 403 403 403 204", "401 204 404 403 403 403 404",
        c -> {
          f.expect(201, admin, "POST", "/companies/co-" + c.side() + "/contacts",
              "{\"id\":\"cdel-" + c.tag() + "\",\"name\":\"Gone\"}");
          return as(c, "DELETE", "/companies/co-" + c.side() + "/contacts/cdel-" + c.tag(), null);
        });
    sided("PUT /companies/{id}/contacts/{cid}/redirect", read, readSouth,
        c -> as(c, "PUT", "/companies/co-" + c.side() + "/contacts/kim/redirect", "{\"reason\":\"lunch\"}"));
    sided("DELETE /companies/{id}/contacts/{cid}/redirect", "401 204 204 204 204 204 204", "401 204 404 204 404 404 404",
        c -> as(c, "DELETE", "/companies/co-" + c.side() + "/contacts/kim/redirect", null));

    // ---- calendars (centre-wide)
    list("GET /calendars", "/calendars", null, null, null, "401 200 200 200 200 403 403");
    single("POST /calendars", "401 201 201 403 403 403 403",
        c -> as(c, "POST", "/calendars", CALENDAR.formatted("cal-" + c.tag(), "Cal " + c.tag())));
    single("GET /calendars/{id}", "401 200 200 200 200 403 403", c -> as(c, "GET", "/calendars/cal-1", null));
    single("PUT /calendars/{id}", "401 200 200 403 403 403 403",
        c -> as(c, "PUT", "/calendars/cal-1", CALENDAR.formatted("cal-1", name(c, "Office"))));
    single("DELETE /calendars/{id}", "401 204 204 403 403 403 403", c -> {
      f.expect(201, admin, "POST", "/calendars", CALENDAR.formatted("caldel-" + c.tag(), "x"));
      return as(c, "DELETE", "/calendars/caldel-" + c.tag(), null);
    });

    // ---- queues
    list("GET /queues", "/queues", "id", "q-north", "q-south", "401 LB LN LB LN 403 403");
    sided("POST /queues", "401 201 201 403 403 403 403", "401 201 403 403 403 403 403",
        c -> as(c, "POST", "/queues", queue("q-" + c.tag(), c.side())));
    sided("GET /queues/{id}", "401 200 200 200 200 403 403", "401 200 404 200 404 403 403",
        c -> as(c, "GET", "/queues/q-" + c.side(), null));
    sided("PUT /queues/{id}", "401 200 200 403 403 403 403", "401 200 403|404 403 403 403 403",
        c -> as(c, "PUT", "/queues/q-" + c.side(), queue("q-" + c.side(), c.side(), name(c, "Queue q-" + c.side()))));
    single("PUT /queues/{north one} → south", "401 200 403 403 403 403 403", c -> {
      f.expect(201, admin, "POST", "/queues", queue("qmv-" + c.tag(), "north"));
      return as(c, "PUT", "/queues/qmv-" + c.tag(), queue("qmv-" + c.tag(), "south"));
    });
    sided("DELETE /queues/{id}", "401 204 204 403 403 403 403", "401 204 403|404 403 403 403 403", c -> {
      f.expect(201, admin, "POST", "/queues", queue("qdel-" + c.tag(), c.side()));
      return as(c, "DELETE", "/queues/qdel-" + c.tag(), null);
    });
    sided("GET /queues/{id}/live", "401 200 200 200 200 403 403", "401 200 404 200 404 403 403",
        c -> as(c, "GET", "/queues/q-" + c.side() + "/live", null));

    // ---- number plan
    list("GET /number-plan", "/number-plan", "dialledNumber", number("north"), number("south"), "401 LB LN LB LN 403 403");
    sided("POST /number-plan", "401 201 201 403 403 403 403", "401 201 403 403 403 403 403",
        c -> as(c, "POST", "/number-plan", number(freshNumber(), c.side())));
    sided("GET /number-plan/{number}", "401 200 200 200 200 403 403", "401 200 404 200 404 403 403",
        c -> as(c, "GET", "/number-plan/" + number(c.side()), null));
    sided("PUT /number-plan/{number}", "401 200 200 403 403 403 403", "401 200 403|404 403 403 403 403",
        c -> as(c, "PUT", "/number-plan/" + number(c.side()), number(number(c.side()), c.side())));
    single("PUT /number-plan/{north one} → south", "401 200 403 403 403 403 403", c -> {
      String n = freshNumber();
      f.expect(201, admin, "POST", "/number-plan", number(n, "north"));
      return as(c, "PUT", "/number-plan/" + n, number(n, "south"));
    });
    sided("DELETE /number-plan/{number}", "401 204 204 403 403 403 403", "401 204 403|404 403 403 403 403", c -> {
      String n = freshNumber();
      f.expect(201, admin, "POST", "/number-plan", number(n, c.side()));
      return as(c, "DELETE", "/number-plan/" + n, null);
    });

    // ---- agents
    list("GET /agents", "/agents", "id", "ag-north", "ag-south", "401 LB LN LB LN 403 403");
    sided("POST /agents", "401 201 201 403 403 403 403", "401 201 403 403 403 403 403",
        c -> as(c, "POST", "/agents", agent("ag-" + c.tag(), c.side())));
    sided("GET /agents/{id}", "401 200 200 200 200 403 403", "401 200 404 200 404 403 403",
        c -> as(c, "GET", "/agents/ag-" + c.side(), null));
    sided("PUT /agents/{id}", "401 200 200 403 403 403 403", "401 200 403|404 403 403 403 403",
        c -> as(c, "PUT", "/agents/ag-" + c.side(), agent("ag-" + c.side(), c.side(), name(c, "Agent ag-" + c.side()))));
    single("PUT /agents/{north one} → south groups", "401 200 403 403 403 403 403", c -> {
      f.expect(201, admin, "POST", "/agents", agent("agmv-" + c.tag(), "north"));
      return as(c, "PUT", "/agents/agmv-" + c.tag(), agent("agmv-" + c.tag(), "south"));
    });
    sided("DELETE /agents/{id}", "401 204 204 403 403 403 403", "401 204 403|404 403 403 403 403", c -> {
      f.expect(201, admin, "POST", "/agents", agent("agdel-" + c.tag(), c.side()));
      return as(c, "DELETE", "/agents/agdel-" + c.tag(), null);
    });
    sided("GET /agents/{id}/live", "401 200 200 200 200 403 403", "401 200 404 200 404 403 403",
        c -> as(c, "GET", "/agents/ag-" + c.side() + "/live", null));

    // ---- users (admin for every answering point only)
    list("GET /users", "/users", null, null, null, "401 200 403 403 403 403 403");
    single("POST /users", "401 201 403 403 403 403 403", c -> as(c, "POST", "/users",
        "{\"username\":\"u-" + c.tag() + "\",\"name\":\"U\",\"password\":\"long-enough-pw\",\"roles\":[\"supervisor\"]}"));
    single("GET /users/{username}", "401 200 403 403 403 403 403", c -> as(c, "GET", "/users/agent-north", null));
    single("PUT /users/{username}", "401 200 403 403 403 403 403", c -> {
      f.createUser("uput-" + c.tag(), PW, "supervisor", null, null);
      return as(c, "PUT", "/users/uput-" + c.tag(),
          "{\"username\":\"uput-" + c.tag() + "\",\"name\":\"" + name(c, "Put") + "\",\"roles\":[\"supervisor\"]}");
    });
    single("DELETE /users/{username}", "401 204 403 403 403 403 403", c -> {
      f.createUser("udel-" + c.tag(), PW, "supervisor", null, null);
      return as(c, "DELETE", "/users/udel-" + c.tag(), null);
    });

    // ---- live, me
    single("GET /me/agent", "401 403 403 403 403 200 403", c -> as(c, "GET", "/me/agent", null));

    // ---- test calls
    sided("POST /test-calls", "401 201 201 201 201 403 403", "401 201 403 201 403 403 403",
        c -> as(c, "POST", "/test-calls",
            "{\"callId\":\"tc-" + c.tag() + "\",\"dialledNumber\":\"" + number(c.side()) + "\",\"callerNumber\":\"0703\"}"));
    single("POST /test-calls (unknown number)", "401 404 404 404 404 403 403",
        c -> as(c, "POST", "/test-calls", "{\"dialledNumber\":\"0899999\",\"callerNumber\":\"0703\"}"));
    sided("GET /test-calls/{callId}", "401 200 200 200 200 403 403", "401 200 404 200 404 403 403",
        c -> as(c, "GET", "/test-calls/mx-" + c.side(), null));
    sided("POST /test-calls/{callId}/hangup", "401 200 200 200 200 403 403", "401 200 403|404 200 403|404 403 403", c -> {
      f.expect(201, admin, "POST", "/test-calls",
          "{\"callId\":\"hu-" + c.tag() + "\",\"dialledNumber\":\"" + number(c.side()) + "\",\"callerNumber\":\"0704\"}");
      return as(c, "POST", "/test-calls/hu-" + c.tag() + "/hangup", null);
    });

    // ---- session
    single("GET /session", "401 200 200 200 200 200 200", c -> as(c, "GET", "/session", null));
    single("DELETE /session (a fresh session)", "401 204 204 204 204 204 204", c -> {
      String fresh = c.token() == null ? null : f.login(c.user(), PW);
      return f.call(fresh, "DELETE", "/session", null);
    });
    single("GET /api/openapi.json (no login)", "200 200 200 200 200 200 200",
        c -> as(c, "GET", "/api/openapi.json", null));

    // ---- engine API v0: admin only; it cannot respect a scope, so a scoped admin must not use it
    single("GET /api/v0/health (open)", "200 200 200 200 200 200 200", c -> as(c, "GET", "/api/v0/health", null));
    single("GET /api/v0/number-plan", "401 200 403 403 403 403 403", c -> as(c, "GET", "/api/v0/number-plan", null));
    sided("GET /api/v0/queues/{id}", "401 200 200|403 403 403 403 403", "401 200 403|404 403 403 403 403",
        c -> as(c, "GET", "/api/v0/queues/q-" + c.side(), null));
    sided("PUT /api/v0/queues/{id}", "401 200 200|403 403 403 403 403", "401 200 403|404 403 403 403 403",
        c -> as(c, "PUT", "/api/v0/queues/q-" + c.side(), "{\"name\":\"" + name(c, "Queue q-" + c.side()) + "\"}"));
    sided("GET /api/v0/agents/{id}", "401 200 200|403 403 403 403 403", "401 200 403|404 403 403 403 403",
        c -> as(c, "GET", "/api/v0/agents/ag-" + c.side(), null));

    // ---- sockets
    single("GET /api/v1/agent/ws (upgrade)", "401 403 403 403 403 101 403", c -> socket(c, "/agent/ws"));
    single("GET /api/v1/wallboard/ws (upgrade)", "401 101 101 101 101 403 403", c -> socket(c, "/wallboard/ws"));
  }

  static Resp socket(Ctx c, String path) {
    EdgeFixture.Upgrade u = f.upgrade(path, c.token(), null, null);
    if (u.socket() != null) u.socket().close();
    return new Resp(u.status(), "", null, f.json);
  }

  // ---------------------------------------------------------------- running it

  @Test
  void everyRouteAnswersEveryKindOfUserAsTheDocumentSays() {
    defineRows();
    List<String[]> table = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int cells = 0;
    for (Row row : rows) {
      String[] line = new String[USERS.size() + 1];
      line[0] = row.route() + (row.side().isEmpty() ? "" : " [" + row.side() + "]");
      for (int i = 0; i < USERS.size(); i++) {
        String user = USERS.get(i);
        String expected = row.expected()[i];
        String tag = (user.replace("-north", "n").replace("supervisor", "sup") + "-" + seq.incrementAndGet());
        Ctx ctx = new Ctx(user, tokens.get(user), row.side().isEmpty() ? "north" : row.side(), tag, allows(expected));
        String got;
        String why;
        try {
          Resp r = row.run().apply(ctx);
          why = check(row, expected, r);
          got = String.valueOf(r.status());
          if (why != null) failures.add(line[0] + " as " + user + ": expected " + expected + ", got " + r.brief() + " — " + why);
        } catch (Throwable t) {
          got = "ERR";
          why = t.toString();
          failures.add(line[0] + " as " + user + ": " + t);
        }
        line[i + 1] = why == null ? got : got + "✗" + expected;
        cells++;
      }
      table.add(line);
    }
    failures.addAll(changesThatStuck());
    String matrix = render(table);
    System.out.println("authorization matrix: " + rows.size() + " rows, " + cells + " cells, " + failures.size() + " wrong");
    assertThat(failures).as("cells that answered otherwise than documented (marked ✗expected):%n%s%n", matrix).isEmpty();
  }

  static boolean allows(String expected) {
    for (String alt : expected.split("\\|")) if (alt.startsWith("2") || alt.startsWith("L") || alt.equals("101")) return true;
    return false;
  }

  /** Null when the response matches the expectation token, else why not. */
  static String check(Row row, String expected, Resp r) {
    for (String alt : expected.split("\\|")) {
      if (alt.equals("LB") || alt.equals("LN")) {
        if (r.status() != 200) continue;
        Set<String> ids = new HashSet<>();
        JsonNode body = r.json();
        if (!body.isArray()) return "not a list";
        body.forEach(n -> ids.add(n.path(row.listField()).asText()));
        if (!ids.contains(row.northId())) return "list lacks " + row.northId() + ": " + ids;
        if (alt.equals("LB") && !ids.contains(row.southId())) return "list lacks " + row.southId() + ": " + ids;
        if (alt.equals("LN") && ids.contains(row.southId())) return "list shows out-of-scope " + row.southId() + ": " + ids;
        return null;
      }
      if (String.valueOf(r.status()).equals(alt)) return null;
    }
    return "status";
  }

  static String render(List<String[]> table) {
    int first = table.stream().mapToInt(l -> l[0].length()).max().orElse(10);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-" + first + "s", "route"));
    for (String u : USERS) sb.append(" | ").append(String.format("%-17s", u));
    sb.append('\n');
    for (String[] l : table) {
      sb.append(String.format("%-" + first + "s", l[0]));
      for (int i = 1; i < l.length; i++) sb.append(" | ").append(String.format("%-17s", l[i]));
      sb.append('\n');
    }
    return sb.toString();
  }

  /** What the denied writes sent ("CHANGED by …") never took effect: the names are the originals. */
  static List<String> changesThatStuck() {
    Map<String, String> expected = new LinkedHashMap<>();
    for (String side : List.of("north", "south")) {
      expected.put("/answering-points/" + side, cap(side));
      expected.put("/companies/co-" + side, "Company co-" + side);
      expected.put("/queues/q-" + side, "Queue q-" + side);
      expected.put("/agents/ag-" + side, "Agent ag-" + side);
    }
    expected.put("/calendars/cal-1", "Office");
    List<String> stuck = new ArrayList<>();
    expected.forEach((path, name) -> {
      String now = f.expect(200, admin, "GET", path, null).path("name").asText();
      if (!now.equals(name)) stuck.add("a refused or out-of-scope write stuck: GET " + path + " shows name '" + now + "'");
    });
    for (String co : List.of("co-north", "co-south", "co-north2")) {
      String info = f.expect(200, admin, "GET", "/companies/" + co + "/profile", null).path("information").asText();
      if (!info.equals("Info " + co)) stuck.add("a refused or out-of-scope write stuck: " + co + "'s profile shows '" + info + "'");
      String kim = f.expect(200, admin, "GET", "/companies/" + co + "/contacts/kim", null).path("name").asText();
      if (!kim.equals("Kim Kall")) stuck.add("a refused or out-of-scope write stuck: " + co + "'s kim is named '" + kim + "'");
    }
    for (String side : List.of("north", "south")) {
      String ap = f.expect(200, admin, "GET", "/companies/co-" + side, null).path("answeringPoint").asText();
      if (!ap.equals(side)) stuck.add("company co-" + side + " moved to " + ap);
    }
    return stuck;
  }
}
