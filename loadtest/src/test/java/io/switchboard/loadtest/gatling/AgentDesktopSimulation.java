package io.switchboard.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;
import static io.gatling.javaapi.http.HttpDsl.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.WsFrameCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Agent desktops, callers and wallboards against one running node, as a black box over the wire
 * (docs/agent-protocol.md, docs/wallboard-protocol.md, docs/rest-api.md).
 *
 * <ul>
 *   <li><b>before</b>: an admin session and the centre ({@link CentreSetup}): queue {@code lt-q},
 *       number {@code +4699000000}, agents and users {@code lt-a1..N}, viewers {@code lt-w1..V}.
 *   <li><b>agents</b> (N, ramped over {@code ramp} s): log in over HTTP, open
 *       {@code /api/v1/agent/ws} with the bearer token, send {@code login}, then until the end of
 *       the run: wait for an {@code offer} (pinging every heartbeat), {@code accept}, wait for
 *       BUSY, talk T, {@code end}, wait until no longer BUSY ({@code wrapUpDone} if in WRAP_UP);
 *       finally {@code logout} and close.
 *   <li><b>callers</b>: open model, R test calls/s for D s ({@code POST /api/v1/test-calls}),
 *       starting {@code ramp + settle} s after the first agent.
 *   <li><b>viewers</b> (V): a supervisor session each on {@code /api/v1/wallboard/ws}: the
 *       snapshot, a first update, then every frame with its receive time.
 * </ul>
 *
 * <p>Figures Gatling cannot hold are kept here in HdrHistograms and printed (and appended to
 * {@code summaryFile}) after the run: the offer latency as the agent sees it, receive time minus
 * the later of the contact's {@code enqueuedAt} and the moment the agent became READY (its
 * {@code statusSince}), split into the node's part (ringing start {@code since} minus the same) and
 * the delivery (receive minus {@code since}); and the wallboard update latency, receive time of an
 * {@code agent} frame minus the {@code statusSince} it reports. Both compare the node's clock with
 * this JVM's: valid because the node runs on the same machine (one wall clock); from another
 * machine they would include the clock offset.
 */
public class AgentDesktopSimulation extends Simulation {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PING = "{\"type\":\"ping\"}";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
  /** Offers and wallboard updates in the first seconds of the calls are kept apart (JIT warm-up). */
  private static final int WARMUP_SECONDS = Integer.getInteger("warmup", 5);

  /** A text frame and when it arrived here. */
  record Received(Instant at, String raw) {
    JsonNode json() {
      return parse(raw);
    }
  }

  /** A viewer's memory of each agent's statusSince, to time only frames that report a change. */
  static final class ViewerState {
    final Map<String, Instant> statusSince = new HashMap<>();
    Instant connectedAt = Instant.now();
    long frames;
    long agentFrames;
    long queueFrames;
    long lastPingMillis = System.currentTimeMillis();
  }

  private final LoadSettings s = LoadSettings.fromSystemProperties();
  private volatile String adminToken;
  private volatile long runStartMillis;

  // figures, in microseconds
  private final ConcurrentHistogram offerSeen = new ConcurrentHistogram(3);
  private final ConcurrentHistogram offerNode = new ConcurrentHistogram(3);
  private final ConcurrentHistogram offerDelivery = new ConcurrentHistogram(3);
  private final ConcurrentHistogram offerSeenWarmup = new ConcurrentHistogram(3);
  private final ConcurrentHistogram wallboardUpdate = new ConcurrentHistogram(3);
  private final ConcurrentHistogram wallboardUpdateWarmup = new ConcurrentHistogram(3);
  private final java.util.concurrent.atomic.LongAdder offers = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder offersFromBuffer = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder offersUnreadable = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder negativeOffer = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder wallboardFrames = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder wallboardAgentFrames = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder wallboardQueueFrames = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder negativeWallboard = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> errorFrames =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentLinkedQueue<Long> framesPerViewer = new java.util.concurrent.ConcurrentLinkedQueue<>();

  {
    HttpProtocolBuilder protocol = http
        .baseUrl(s.baseUrl)
        .wsBaseUrl(s.wsBaseUrl)
        .disableWarmUp() // the default warm-up calls a public site: loopback only
        .shareConnections() // one pool: 10,000 users would otherwise hold 10,000 idle HTTP connections
        .acceptHeader("application/json")
        .userAgentHeader("switchboard-loadtest/gatling")
        // frames that arrive while no check waits are kept (bounded) for processUnmatchedMessages
        .wsUnmatchedInboundMessageBufferSize(100_000);

    List<PopulationBuilder> populations = new ArrayList<>();
    populations.add(agents().injectOpen(rampUsers(s.agents).during(Duration.ofSeconds(s.rampSeconds))));
    populations.add(callers().injectOpen(
        nothingFor(Duration.ofSeconds(s.rampSeconds + s.settleSeconds)),
        constantUsersPerSec(s.rate).during(Duration.ofSeconds(s.durationSeconds))));
    if (s.viewers > 0) populations.add(viewers().injectOpen(atOnceUsers(s.viewers)));

    long calls = s.expectedCalls();
    List<Assertion> assertions = new ArrayList<>(List.of(
        global().failedRequests().count().is(0L),
        // requests that cannot be built are errors, not failed requests: count what must have happened
        details("agent login").successfulRequests().count().is((long) s.agents),
        details("agent socket").successfulRequests().count().is((long) s.agents),
        details("welcome").successfulRequests().count().is((long) s.agents),
        details("logged in").successfulRequests().count().is((long) s.agents),
        details("test call").successfulRequests().count().is(calls),
        details("accepted").successfulRequests().count().is(calls),
        details("ended").successfulRequests().count().is(calls),
        details("logged out").successfulRequests().count().is((long) s.agents)));
    if (s.viewers > 0) {
      assertions.add(details("viewer login").successfulRequests().count().is((long) s.viewers));
      assertions.add(details("wallboard socket").successfulRequests().count().is((long) s.viewers));
      assertions.add(details("snapshot").successfulRequests().count().is((long) s.viewers));
      assertions.add(details("wallboard update").successfulRequests().count().is((long) s.viewers));
    }
    setUp(populations)
        .protocols(protocol)
        .assertions(assertions)
        // bounded whatever the node does: the run plus time to log out, close and report
        .maxDuration(s.runLength().plusSeconds(60));
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void before() {
    System.out.println("AgentDesktopSimulation: " + s.describe());
    try {
      adminToken = new CentreSetup(s, System.out).run();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("setup failed: " + e, e);
    }
  }

  @Override
  public void after() {
    String summary = summary();
    System.out.println(summary);
    try {
      Path file = Path.of(s.summaryFile);
      if (file.getParent() != null) Files.createDirectories(file.getParent());
      Files.writeString(file, summary + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      System.out.println("(appended to " + file.toAbsolutePath() + ")");
    } catch (IOException e) {
      System.out.println("could not write " + s.summaryFile + ": " + e);
    }
  }

  /** The moment the first user started; everything else is timed from it. */
  private Session markStart(Session session) {
    if (runStartMillis == 0) {
      synchronized (this) {
        if (runStartMillis == 0) runStartMillis = System.currentTimeMillis();
      }
    }
    return session;
  }

  private long endOfRunMillis() {
    return runStartMillis + s.runLength().toMillis();
  }

  private boolean running() {
    return System.currentTimeMillis() < endOfRunMillis();
  }

  private long warmupEndMillis() {
    return runStartMillis + (s.rampSeconds + s.settleSeconds + WARMUP_SECONDS) * 1000L;
  }

  // ---------------------------------------------------------------- agents

  private ScenarioBuilder agents() {
    Iterator<Map<String, Object>> feeder = IntStream.rangeClosed(1, s.agents)
        .mapToObj(i -> Map.<String, Object>of("username", s.agentId(i)))
        .iterator();

    ChainBuilder waitForOffer = exec(ws("ping").sendText(PING)
            .await(session -> Duration.ofSeconds(session.getInt("pollSeconds")))
            .on(ws.checkTextMessage("offer")
                .matching(jmesPath("type").is("offer"))
                .check(received())
                .silent())) // no offer within a heartbeat is normal: not a failure, not a figure
        .exec(this::afterFrame);

    ChainBuilder talk;
    long talkMillis = s.talk.toMillis();
    long pingEvery = s.maxHeartbeatSeconds * 1000L;
    if (talkMillis <= pingEvery) {
      talk = exec(pause(s.talk));
    } else {
      int parts = (int) ((talkMillis + pingEvery - 1) / pingEvery);
      talk = repeat(parts).on(pause(Duration.ofMillis(talkMillis / parts)).exec(ws("ping").sendText(PING)));
    }

    ChainBuilder answer = exec(this::takeOffer)
        .exec(ws("accept")
            .sendText(session -> command("accept", "offerId", session.getString("offerId"), "ref", ref(session)))
            .await(COMMAND_TIMEOUT)
            .on(until("accepted", false, f -> isState(f) && "BUSY".equals(statusOf(f)))))
        .exec(this::afterFrame)
        .doIf(session -> "BUSY".equals(session.getString("status"))).then(
            exec(talk)
                .exec(session -> session.set("ref", "end:" + session.getString("callId")))
                .exec(ws("end")
                    .sendText(session -> command("end", "callId", session.getString("callId"), "ref", ref(session)))
                    .await(COMMAND_TIMEOUT)
                    .on(until("ended", true, f -> isState(f) && !"BUSY".equals(statusOf(f)))))
                .exec(this::afterFrame)
                .doIf(session -> "WRAP_UP".equals(session.getString("status"))).then(
                    exec(session -> session.set("ref", "wrapUpDone:" + session.getString("callId")))
                        .exec(ws("wrap-up done")
                            .sendText(session -> command("wrapUpDone", "ref", ref(session)))
                            .await(COMMAND_TIMEOUT)
                            .on(until("wrapped up", true, f -> isState(f) && "READY".equals(statusOf(f)))))
                        .exec(this::afterFrame)));

    ChainBuilder cycle = exec(ws.processUnmatchedMessages(this::scanAgentBuffer))
        .doIf(session -> !session.contains("offer")).then(waitForOffer)
        .doIf(session -> session.contains("offer")).then(answer);

    return scenario("agents")
        .exec(this::markStart)
        .feed(feeder)
        .exec(http("agent login").post("/api/v1/session")
            .body(StringBody(session -> json(Map.of("username", session.getString("username"), "password", s.agentPassword))))
            .asJson()
            .check(status().is(200), jmesPath("token").saveAs("token")))
        .exitHereIfFailed()
        .exec(ws("agent socket").connect("/api/v1/agent/ws")
            .header("Authorization", "Bearer #{token}")
            .await(Duration.ofSeconds(15))
            .on(ws.checkTextMessage("welcome").check(
                jmesPath("type").is("welcome"),
                jmesPath("heartbeatSeconds").ofInt().saveAs("heartbeatSeconds"))))
        .exitHereIfFailed()
        .exec(session -> session
            .set("pollSeconds", Math.max(1, Math.min(s.maxHeartbeatSeconds, session.getInt("heartbeatSeconds"))))
            .set("ref", "login"))
        .exec(ws("login")
            .sendText(session -> command("login", "groups", List.of(s.queue), "ref", "login"))
            .await(COMMAND_TIMEOUT)
            .on(until("logged in", true, f -> isState(f) && f.path("yourLogin").asBoolean(false))))
        .exec(this::afterFrame)
        .asLongAs(session -> running()).on(cycle)
        .exec(ws.processUnmatchedMessages((messages, session) -> session))
        .exec(session -> session.set("ref", "logout"))
        .exec(ws("logout")
            .sendText(command("logout", "ref", "logout"))
            .await(COMMAND_TIMEOUT)
            .on(reply("logged out")))
        .exec(ws("close agent socket").close());
  }

  private static String ref(Session session) {
    String r = session.getString("ref");
    return r == null ? "" : r;
  }

  /** The frame and its arrival time, saved as "frame" (the check runs when the frame arrives). */
  private static io.gatling.javaapi.core.CheckBuilder received() {
    return bodyString().transform(raw -> new Received(Instant.now(), raw)).saveAs("frame");
  }

  /**
   * Waits for a frame meeting {@code goal}, or an {@code error} answering this command (its
   * {@code ref}), or, with {@code offers}, an {@code offer} (kept for the next cycle rather than
   * lost: frames that match no waiting check are dropped). An error fails the check showing the
   * frame.
   */
  private static WsFrameCheck.Text until(String name, boolean offers, Predicate<JsonNode> goal) {
    return ws.checkTextMessage(name)
        .matching(bodyString().transformWithSession((raw, session) -> {
          JsonNode f = parse(raw);
          return goal.test(f) || (offers && "offer".equals(f.path("type").asText()))
              || ("error".equals(f.path("type").asText()) && ref(session).equals(f.path("ref").asText()));
        }).is(true))
        // saved first: a failed check stops the ones after it
        .check(received(),
            bodyString().transform(raw -> "error".equals(parse(raw).path("type").asText()) ? raw : "no error").is("no error"));
  }

  /** Waits for the {@code ok} or {@code error} carrying this command's ref; an error fails. */
  private static WsFrameCheck.Text reply(String name) {
    return ws.checkTextMessage(name)
        .matching(bodyString().transformWithSession((raw, session) -> {
          JsonNode f = parse(raw);
          String type = f.path("type").asText();
          return ("ok".equals(type) || "error".equals(type)) && ref(session).equals(f.path("ref").asText());
        }).is(true))
        .check(bodyString().transform(raw -> "ok".equals(parse(raw).path("type").asText()) ? "ok" : raw).is("ok"));
  }

  /** Applies the frame a check saved: an offer is kept, a state sets status and READY time. */
  private Session afterFrame(Session session) {
    Received r = session.get("frame");
    if (r == null) return session;
    session = session.remove("frame");
    return apply(session, r, false);
  }

  private Session apply(Session session, Received r, boolean fromBuffer) {
    JsonNode f = r.json();
    switch (f.path("type").asText()) {
      case "offer" -> {
        if (fromBuffer) offersFromBuffer.increment();
        return session.set("offer", r).set("status", "RESERVED");
      }
      case "offerWithdrawn" -> {
        Received pending = session.get("offer");
        if (pending != null && pending.json().path("contact").path("offerId").asText()
            .equals(f.path("offerId").asText()))
          return session.remove("offer");
        return session;
      }
      case "state" -> {
        String status = statusOf(f);
        session = session.set("status", status);
        if ("READY".equals(status)) {
          Instant since = instant(f.path("agent").path("statusSince"));
          if (since != null) session = session.set("readyAt", since);
        }
        return session;
      }
      case "error" -> {
        // grouped by command, code and message with ids left out
        String key = (ref(session).replaceAll(":.*", "") + " -> " + f.path("code").asText("?") + ": "
            + f.path("message").asText(""))
            .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
            .replaceAll("lt-a[0-9]+", "<agent>");
        errorFrames.computeIfAbsent(key.length() > 160 ? key.substring(0, 160) : key,
            k -> new java.util.concurrent.atomic.LongAdder()).increment();
        return session.set("status", "error");
      }
      default -> {
        return session;
      }
    }
  }

  /** Frames that came while no check waited (after the last one, before this cycle): offers first of all. */
  private Session scanAgentBuffer(List<WsInboundMessage> messages, Session session) {
    for (WsInboundMessage m : messages) {
      if (m instanceof WsInboundMessage.Text t)
        session = apply(session, new Received(Instant.ofEpochMilli(t.timestamp()), t.message()), true);
    }
    return session;
  }

  /** Records the offer's latency and sets what accept and end need. */
  private Session takeOffer(Session session) {
    Received r = session.get("offer");
    session = session.remove("offer");
    JsonNode contact = r.json().path("contact");
    String offerId = contact.path("offerId").asText("");
    String callId = contact.path("callId").asText("");
    offers.increment();
    Instant enqueued = instant(contact.path("enqueuedAt"));
    Instant since = instant(contact.path("since"));
    Instant readyAt = session.get("readyAt");
    if (enqueued == null || since == null) {
      offersUnreadable.increment();
    } else {
      Instant from = readyAt != null && readyAt.isAfter(enqueued) ? readyAt : enqueued;
      long seen = micros(from, r.at());
      if (seen < 0) negativeOffer.increment();
      if (r.at().toEpochMilli() < warmupEndMillis()) {
        offerSeenWarmup.recordValue(Math.max(0, seen));
      } else {
        offerSeen.recordValue(Math.max(0, seen));
        offerNode.recordValue(Math.max(0, micros(from, since)));
        offerDelivery.recordValue(Math.max(0, micros(since, r.at())));
      }
    }
    return session.set("offerId", offerId).set("callId", callId).set("ref", "accept:" + offerId).remove("readyAt");
  }

  // ---------------------------------------------------------------- callers

  private ScenarioBuilder callers() {
    String body = json(Map.of("dialledNumber", s.dialledNumber, "callerNumber", s.callerNumber));
    return scenario("callers")
        .exec(http("test call").post("/api/v1/test-calls")
            .header("Authorization", session -> "Bearer " + adminToken)
            .body(StringBody(body))
            .asJson()
            .check(status().is(201), jmesPath("callId").exists()));
  }

  // ---------------------------------------------------------------- wallboard viewers

  private ScenarioBuilder viewers() {
    Iterator<Map<String, Object>> feeder = IntStream.rangeClosed(1, s.viewers)
        .mapToObj(v -> Map.<String, Object>of("username", s.viewerUser(v)))
        .iterator();
    Duration firstUpdate = Duration.ofSeconds(s.rampSeconds + s.settleSeconds + 30L);
    return scenario("wallboard viewers")
        .exec(this::markStart)
        .feed(feeder)
        .exec(http("viewer login").post("/api/v1/session")
            .body(StringBody(session -> json(Map.of("username", session.getString("username"), "password", s.viewerPassword))))
            .asJson()
            .check(status().is(200), jmesPath("token").saveAs("token")))
        .exitHereIfFailed()
        .exec(session -> session.set("viewer", new ViewerState()))
        .exec(ws("wallboard socket").connect("/api/v1/wallboard/ws")
            .header("Authorization", "Bearer #{token}")
            .await(Duration.ofSeconds(15))
            .on(ws.checkTextMessage("snapshot").check(jmesPath("type").is("snapshot"), bodyString().saveAs("snapshot")))
            // the agents logging in must show: the feed pushes
            .await(firstUpdate)
            .on(ws.checkTextMessage("wallboard update")
                .matching(jmesPath("type").in("agent", "queue"))
                .check(jmesPath("type").in("agent", "queue"))))
        .exitHereIfFailed()
        .exec(this::readSnapshot)
        .asLongAs(session -> running()).on(
            pause(Duration.ofSeconds(1))
                .exec(ws.processUnmatchedMessages(this::scanWallboard))
                .doIf(session -> {
                  ViewerState v = session.get("viewer");
                  return System.currentTimeMillis() - v.lastPingMillis >= 10_000;
                }).then(exec(session -> {
                  ViewerState v = session.get("viewer");
                  v.lastPingMillis = System.currentTimeMillis();
                  return session;
                }).exec(ws("wallboard ping").sendText(PING))))
        .exec(ws.processUnmatchedMessages(this::scanWallboard))
        .exec(session -> {
          ViewerState v = session.get("viewer");
          framesPerViewer.add(v.agentFrames + v.queueFrames);
          return session;
        })
        .exec(ws("close wallboard").close());
  }

  private Session readSnapshot(Session session) {
    ViewerState v = session.get("viewer");
    String raw = session.getString("snapshot");
    v.connectedAt = Instant.now();
    if (raw != null) {
      for (JsonNode a : parse(raw).path("agents")) {
        Instant since = instant(a.path("statusSince"));
        if (since != null) v.statusSince.put(a.path("agentId").asText(), since);
      }
    }
    return session.remove("snapshot");
  }

  /** Every frame since the last look, with its receive time: agent frames that report a new statusSince are timed. */
  private Session scanWallboard(List<WsInboundMessage> messages, Session session) {
    ViewerState v = session.get("viewer");
    for (WsInboundMessage m : messages) {
      if (!(m instanceof WsInboundMessage.Text t)) continue;
      v.frames++;
      wallboardFrames.increment();
      JsonNode f = parse(t.message());
      switch (f.path("type").asText()) {
        case "agent" -> {
          v.agentFrames++;
          wallboardAgentFrames.increment();
          JsonNode a = f.path("agent");
          Instant since = instant(a.path("statusSince"));
          if (since == null) continue;
          Instant before = v.statusSince.put(a.path("agentId").asText(), since);
          boolean changed = before == null ? since.isAfter(v.connectedAt) : !before.equals(since);
          if (!changed) continue;
          long micros = (t.timestamp() - since.toEpochMilli()) * 1000;
          if (micros < 0) negativeWallboard.increment();
          if (t.timestamp() < warmupEndMillis()) wallboardUpdateWarmup.recordValue(Math.max(0, micros));
          else wallboardUpdate.recordValue(Math.max(0, micros));
        }
        case "queue" -> {
          v.queueFrames++;
          wallboardQueueFrames.increment();
        }
        default -> { }
      }
    }
    return session;
  }

  // ---------------------------------------------------------------- figures

  private String summary() {
    StringBuilder b = new StringBuilder();
    b.append("==== AgentDesktopSimulation ").append(Instant.now()).append(" ====\n");
    b.append(s.describe()).append(", warm-up ").append(WARMUP_SECONDS).append(" s of calls kept apart\n");
    b.append("expected calls ").append(s.expectedCalls()).append(", offers taken by agents ").append(offers.sum())
        .append(" (found in the frame buffer between checks: ").append(offersFromBuffer.sum())
        .append(", without enqueuedAt/since: ").append(offersUnreadable.sum()).append(")\n");
    line(b, "offer latency seen by the agent (receive - max(enqueuedAt, READY since))", offerSeen);
    line(b, "  node: ringing start (since) - max(enqueuedAt, READY since)", offerNode);
    line(b, "  delivery: receive - ringing start (since)", offerDelivery);
    line(b, "offer latency seen by the agent, warm-up", offerSeenWarmup);
    b.append("  offers with receive before the node's timestamp (clamped to 0): ").append(negativeOffer.sum()).append('\n');
    if (s.viewers > 0) {
      line(b, "wallboard agent update latency (receive - agent.statusSince)", wallboardUpdate);
      line(b, "wallboard agent update latency, warm-up", wallboardUpdateWarmup);
      long min = framesPerViewer.stream().mapToLong(Long::longValue).min().orElse(0);
      b.append("wallboard frames after the snapshot: ").append(wallboardFrames.sum()).append(" (agent ")
          .append(wallboardAgentFrames.sum()).append(", queue ").append(wallboardQueueFrames.sum())
          .append("), fewest agent+queue frames of one viewer: ").append(min).append(" over ")
          .append(framesPerViewer.size()).append(" viewers; negative (clamped): ").append(negativeWallboard.sum()).append('\n');
    }
    if (!errorFrames.isEmpty()) {
      b.append("error frames answering the agents' commands (command -> code: message):\n");
      errorFrames.forEach((k, v) -> b.append("  ").append(v.sum()).append(" x ").append(k).append('\n'));
    }
    double offerP99 = p(offerSeen, 99);
    b.append(String.format("target offer p99 <= 50 ms: %s (%.2f ms)%n",
        offerSeen.getTotalCount() == 0 ? "NOT MEASURED" : offerP99 <= 50 ? "MET" : "NOT MET", offerP99));
    if (s.viewers > 0) {
      double wbP99 = p(wallboardUpdate, 99);
      b.append(String.format("target wallboard update p99 <= 500 ms: %s (%.2f ms)%n",
          wallboardUpdate.getTotalCount() == 0 ? "NOT MEASURED" : wbP99 <= 500 ? "MET" : "NOT MET", wbP99));
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String what, Histogram h) {
    if (h.getTotalCount() == 0) {
      b.append(what).append(": none\n");
      return;
    }
    b.append(String.format("%s ms: p50 %.2f / p95 %.2f / p99 %.2f / max %.2f (n=%d)%n", what,
        p(h, 50), p(h, 95), p(h, 99), h.getMaxValue() / 1000.0, h.getTotalCount()));
  }

  private static double p(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  // ---------------------------------------------------------------- JSON

  /** A command frame from alternating keys and values, after its type. */
  private static String command(String type, Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return json(m);
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static JsonNode parse(String raw) {
    try {
      JsonNode n = JSON.readTree(raw);
      return n == null ? MissingNode.getInstance() : n;
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  private static boolean isState(JsonNode f) {
    return "state".equals(f.path("type").asText());
  }

  private static String statusOf(JsonNode f) {
    return f.path("agent").path("status").asText();
  }

  private static Instant instant(JsonNode n) {
    if (n == null || !n.isTextual()) return null;
    try {
      return Instant.parse(n.asText());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static long micros(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1000;
  }
}
