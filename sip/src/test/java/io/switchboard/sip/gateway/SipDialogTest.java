package io.switchboard.sip.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.switchboard.core.call.CallOutcome;
import io.switchboard.core.call.CallPhase;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.call.CallView;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.numberplan.SipAccountTarget;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.testkit.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The caller's dialog with the gateway beyond the plain call: CANCEL before the answer (while a
 * SIP account's phone rings, and while the engine still routes the call), hold and resume
 * re-INVITEs and a re-INVITE without SDP, requests of no dialog (481), OPTIONS, methods the
 * gateway does not take (405), and the 503 when {@code max-pending-arrivals} calls already wait
 * for the engine. The whole engine runs behind the gateway, as in {@link SipGatewayTest}; where
 * the engine must not answer at once, its write of the call's arrival is held in the journal.
 */
class SipDialogTest {

  static EngineHarness h;
  static SipGateway gateway;
  static int sipPort;
  static PersistenceTestKit journal;
  static final List<Notification> seen = new CopyOnWriteArrayList<>();
  static final List<String> ALLOWED = List.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS");

  /** sipp's screens and error logs stay in target/sipp for a failure to be read. */
  Path dir;

  @BeforeEach
  void logs(TestInfo test) throws java.io.IOException {
    dir = Files.createDirectories(Path.of("target/sipp", test.getTestMethod().orElseThrow().getName()));
  }

  static Config sipConfig(int port) {
    return ConfigFactory.parseMap(Map.of(
            "switchboard.sip.port", port,
            "switchboard.sip.rtp-port-min", 41000,
            "switchboard.sip.rtp-port-max", 41998,
            "switchboard.sip.registrar.accounts", List.of(Map.of("user", "henry", "password", "henry-pass"))))
        .withFallback(ConfigFactory.parseFile(Path.of("../conf/sip.conf").toFile()))
        .resolve();
  }

  @BeforeAll
  static void start() throws Exception {
    h = EngineHarness.start("sip-dialog", EngineHarness.inMemoryConfig());
    journal = PersistenceTestKit.create(h.kit.system());
    sipPort = Sipp.freePort();
    gateway = SipGateway.start(h.kit.system(), h.engine.context(), h.engine.notifications(),
        SipSettings.from(sipConfig(sipPort)), Clock.systemUTC());
    GatewayTests.collectNotifications(h, seen);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) gateway.close();
    if (h != null) h.close();
  }

  @AfterEach
  void nothingLeaks() {
    journal.resetPolicy();
    GatewayTests.awaitNothingHeld(h, gateway);
  }

  // ---------------------------------------------------------------- helpers

  static void queue(String id, String... numbers) {
    h.queue(id, QueueConfig.named(id));
    for (String n : numbers) h.numberPlan("ap-dialog", "co-dialog", n, id);
  }

  static CallView awaitCall(String dialled, Predicate<CallView> condition) {
    return GatewayTests.awaitCall(h, seen, dialled, condition);
  }

  static boolean everSeen(String dialled, Predicate<CallView> condition) {
    return GatewayTests.everSeen(seen, dialled, condition);
  }

  static Gateway.Counts counts(SipGateway g) {
    return g.counts().toCompletableFuture().join();
  }

  static String sdp(int port, String... attributes) {
    return RawSip.sdp(port, "0", "a=rtpmap:0 PCMU/8000\r\n" + String.join("", attributes));
  }

  static String expect(Optional<String> message, int status, String what) {
    String m = message.orElseThrow(() -> new AssertionError("no answer to " + what));
    assertThat(RawSip.status(m)).as("%s: %s", what, m).isEqualTo(status);
    return m;
  }

  /** Every SIP message that arrives within {@code millis}. */
  static List<String> drain(RawSip raw, int millis) throws java.io.IOException {
    List<String> all = new java.util.ArrayList<>();
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      raw.receive((int) Math.max(1, end - System.currentTimeMillis())).ifPresent(all::add);
    }
    return all;
  }

  private static String sdpGroup(String message, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(message);
    if (!m.find()) throw new AssertionError("no " + regex + " in " + message);
    return m.group(1);
  }

  /** The RTP port of the message's SDP. */
  static int mediaPort(String message) {
    return Integer.parseInt(sdpGroup(message, "^m=audio (\\d+) "));
  }

  /** The session version of the SDP's origin line. */
  static long sdpVersion(String message) {
    return Long.parseLong(sdpGroup(message, "^o=\\S+ \\S+ (\\d+) "));
  }

  /** The SDP's origin line without its version: user, session id, address. */
  static String origin(String message) {
    return sdpGroup(message, "^(o=.*)$").replaceFirst("^(o=\\S+ \\S+) \\d+ ", "$1 ");
  }

  /** The SDP's direction attribute (the gateway always writes one). */
  static String direction(String message) {
    return sdpGroup(message, "^a=(sendrecv|sendonly|recvonly|inactive)\\s*$");
  }

  String gw() {
    return "127.0.0.1:" + sipPort;
  }

  static void assertPassed(Sipp sipp, int seconds) throws InterruptedException {
    int code = sipp.await(seconds);
    assertThat(code).as("sipp exit code; errors: %s", sipp.errors()).isZero();
  }

  /**
   * Holds the engine's write of the arrival of a call to {@code dialled} in the journal until
   * {@link #release()}: until then the call session has not answered the gateway, however fast
   * the node is. Held at most 2 s, below the gateway's 3 s wait for the engine.
   */
  static final class HeldArrival implements AutoCloseable {
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    HeldArrival(String dialled) {
      journal.withPolicy((persistenceId, operation) -> {
        if (persistenceId.startsWith("CallSession|") && operation instanceof WriteEvents w && held.getCount() > 0
            && w.getBatch().stream().anyMatch(e -> arrivalOf(e, dialled))) {
          held.countDown();
          try {
            release.await(2, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return ProcessingSuccess$.MODULE$;
      });
    }

    private static boolean arrivalOf(Object event, String dialled) {
      Object e = event instanceof org.apache.pekko.persistence.journal.Tagged t ? t.payload() : event;
      return e instanceof CallSession.CallArrived a && a.dialledNumber().equals(dialled);
    }

    void awaitHeld() throws InterruptedException {
      assertThat(held.await(5, TimeUnit.SECONDS)).as("the arrival's write held in the journal").isTrue();
    }

    void release() {
      release.countDown();
    }

    @Override
    public void close() {
      release.countDown();
      journal.resetPolicy();
    }
  }

  // ---------------------------------------------------------------- CANCEL before the answer

  @Test
  void aCallerCancellingWhileTheAccountsPhoneRingsGets487AndThePhoneIsCancelled() throws Exception {
    int phonePort = Sipp.freePort();
    Sipp register = Sipp.scenario("register", dir).port(phonePort, Sipp.freeMediaPort())
        .arg("-s", "henry", "-au", "henry", "-ap", "henry-pass", "-m", "1").start(gw());
    assertPassed(register, 30);
    // Not answered, the call would be refused 480 after 30 s (no forward, no voicemail).
    h.numberPlan("ap-dialog", "co-dialog", "4701", new SipAccountTarget("henry", 30, null, null));
    Sipp phone = Sipp.scenario("agent-phone-unanswered", dir).port(phonePort, Sipp.freeMediaPort())
        .arg("-m", "1").start(null);
    Thread.sleep(300);
    try (RawSip raw = new RawSip(sipPort)) {
      String invite = raw.invite("4701", sdp(50010));
      raw.send(invite);
      String ringing = null;
      for (long end = System.currentTimeMillis() + 5000; ringing == null && System.currentTimeMillis() < end; ) {
        String m = raw.receive(500).orElse("");
        assertThat(m).as("no final answer before the CANCEL").doesNotStartWith("SIP/2.0 2");
        if (m.startsWith("SIP/2.0 180")) ringing = m;
      }
      assertThat(ringing).as("180 Ringing while the phone rings").isNotNull();

      raw.send(RawSip.cancel(invite));
      expect(raw.finalResponse("CANCEL", 5000), 200, "the CANCEL");
      String terminated = expect(raw.finalResponse("INVITE", 5000), 487, "the cancelled INVITE");
      assertThat(RawSip.header(terminated, "To")).as("the 487 ends the early dialog the 180 began")
          .isEqualTo(RawSip.header(ringing, "To"));
      raw.send(RawSip.ackFailure(invite, terminated));
      assertThat(drain(raw, 1000)).as("nothing more after the ACKed 487").isEmpty();
    }
    // The phone got the gateway's CANCEL at once, not after the account's 30 s, and ended with 487.
    assertPassed(phone, 15);
    assertThat(everSeen("4701", v -> true)).as("a call between two people is not written").isFalse();
  }

  @Test
  void aCallerCancellingWhileTheEngineStillRoutesTheCallIsAbandonedNotLeftQueued() throws Exception {
    queue("q-cancel-routing", "4702");
    try (RawSip raw = new RawSip(sipPort); HeldArrival arrival = new HeldArrival("4702")) {
      String invite = raw.invite("4702", sdp(50012));
      raw.send(invite);
      arrival.awaitHeld();
      assertThat(counts(gateway).pendingArrivals()).as("the call waits for the engine's answer").isEqualTo(1);

      raw.send(RawSip.cancel(invite));
      expect(raw.finalResponse("CANCEL", 1500), 200, "the CANCEL");
      String terminated = expect(raw.finalResponse("INVITE", 1500), 487, "the cancelled INVITE");
      raw.send(RawSip.ackFailure(invite, terminated));
      // Only now does the engine answer the arrival (queued): the caller must not be answered.
      arrival.release();
      assertThat(drain(raw, 1500)).as("no answer after the 487").noneMatch(m -> m.startsWith("SIP/2.0 2"));
    }
    CallView v = awaitCall("4702", x -> x.phase() == CallPhase.FINISHED);
    assertThat(v.outcome()).isEqualTo(CallOutcome.ABANDONED);
    assertThat(everSeen("4702", x -> x.phase() == CallPhase.OFFERED || x.phase() == CallPhase.TALKING)).isFalse();
  }

  // ---------------------------------------------------------------- re-INVITE

  @Test
  void aCallerHoldingAndResumingGetsRfc3264AnswersOnTheSamePort() throws Exception {
    queue("q-hold", "4703");
    try (RawSip raw = new RawSip(sipPort)) {
      RawSip.Answered call = raw.answered("4703", sdp(50014));
      String invite = call.invite(), ok = call.ok();
      assertThat(direction(ok)).isEqualTo("sendrecv");

      raw.send(RawSip.inDialog(invite, ok, "INVITE", 2, sdp(50014, "a=sendonly\r\n")));
      String hold = expect(raw.finalResponse("2 INVITE", 5000), 200, "the hold re-INVITE");
      raw.send(RawSip.inDialog(invite, ok, "ACK", 2));
      assertThat(direction(hold)).as("the answer to sendonly").isEqualTo("recvonly");
      assertThat(mediaPort(hold)).isEqualTo(call.mediaPort());
      // RFC 3264 section 8: the same origin, its version one more for a changed SDP.
      assertThat(origin(hold)).isEqualTo(origin(ok));
      assertThat(sdpVersion(hold)).isEqualTo(sdpVersion(ok) + 1);

      raw.send(RawSip.inDialog(invite, ok, "INVITE", 3, sdp(50014, "a=sendrecv\r\n")));
      String resume = expect(raw.finalResponse("3 INVITE", 5000), 200, "the resuming re-INVITE");
      raw.send(RawSip.inDialog(invite, ok, "ACK", 3));
      assertThat(direction(resume)).isEqualTo("sendrecv");
      assertThat(mediaPort(resume)).isEqualTo(call.mediaPort());
      assertThat(origin(resume)).isEqualTo(origin(ok));
      assertThat(sdpVersion(resume)).isEqualTo(sdpVersion(hold) + 1);

      raw.send(RawSip.inDialog(invite, ok, "BYE", 4));
      expect(raw.finalResponse("BYE", 5000), 200, "the BYE");
    }
    assertThat(awaitCall("4703", v -> v.phase() == CallPhase.FINISHED).outcome()).isEqualTo(CallOutcome.ABANDONED);
  }

  @Test
  void aReInviteWithoutSdpGetsTheGatewaysOfferOnTheSamePort() throws Exception {
    queue("q-refresh", "4704");
    try (RawSip raw = new RawSip(sipPort)) {
      RawSip.Answered call = raw.answered("4704", sdp(50016));
      String invite = call.invite(), ok = call.ok();

      raw.send(RawSip.inDialog(invite, ok, "INVITE", 2, null));
      String offer = expect(raw.finalResponse("2 INVITE", 5000), 200, "the re-INVITE without SDP");
      assertThat(RawSip.header(offer, "Content-Type")).hasValue("application/sdp");
      assertThat(mediaPort(offer)).isEqualTo(call.mediaPort());
      assertThat(List.of(sdpGroup(offer, "^m=audio \\d+ RTP/AVP ([\\d ]+?)\\s*$").split(" ")))
          .as("an offer of both G.711 codecs").contains("0", "8");
      assertThat(direction(offer)).isEqualTo("sendrecv");
      assertThat(origin(offer)).isEqualTo(origin(ok));
      assertThat(sdpVersion(offer)).as("a changed SDP: its version one more").isEqualTo(sdpVersion(ok) + 1);
      raw.send(RawSip.inDialog(invite, ok, "ACK", 2, sdp(50016))); // our answer

      raw.send(RawSip.inDialog(invite, ok, "BYE", 3));
      expect(raw.finalResponse("BYE", 5000), 200, "the BYE");
    }
    assertThat(awaitCall("4704", v -> v.phase() == CallPhase.FINISHED).outcome()).isEqualTo(CallOutcome.ABANDONED);
  }

  @Test
  void anInviteWithATagOfNoDialogGets481AndTheCallGoesOn() throws Exception {
    queue("q-not-dialog", "4705");
    int before = counts(gateway).calls(); // calls a failed test before may have left
    try (RawSip raw = new RawSip(sipPort)) {
      RawSip.Answered call = raw.answered("4705", sdp(50018));
      String invite = call.invite(), ok = call.ok();

      // The call's Call-ID, but a To tag the gateway never gave.
      String wrongTag = ok.replaceFirst("(?m)^(To:.*;tag=)[^;\\r\\n]+", "$1not-ours");
      raw.send(RawSip.inDialog(invite, wrongTag, "INVITE", 2, sdp(50018, "a=sendonly\r\n")));
      expect(raw.finalResponse("2 INVITE", 5000), 481, "a re-INVITE with the call's Call-ID and another tag");

      // A Call-ID the gateway never saw, with a To tag: a re-INVITE of a dialog it never had.
      String stranger = raw.request("INVITE", "4705", "not-ours").replace("Content-Length: 0\r\n\r\n", "");
      String body = sdp(50020);
      raw.send(stranger + "Content-Type: application/sdp\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
      expect(raw.finalResponse("1 INVITE", 5000), 481, "a re-INVITE of no dialog");
      assertThat(counts(gateway).calls()).as("no new call").isEqualTo(before + 1);

      // The call itself goes on.
      raw.send(RawSip.inDialog(invite, ok, "INVITE", 3, sdp(50018, "a=sendonly\r\n")));
      assertThat(direction(expect(raw.finalResponse("3 INVITE", 5000), 200, "the real re-INVITE"))).isEqualTo("recvonly");
      raw.send(RawSip.inDialog(invite, ok, "ACK", 3));
      raw.send(RawSip.inDialog(invite, ok, "BYE", 4));
      expect(raw.finalResponse("BYE", 5000), 200, "the BYE");
    }
    assertThat(awaitCall("4705", v -> v.phase() == CallPhase.FINISHED).outcome()).isEqualTo(CallOutcome.ABANDONED);
  }

  // ---------------------------------------------------------------- OPTIONS, 405, 481

  @Test
  void optionsOutOfAndInADialogGet200WithAllow() throws Exception {
    queue("q-options", "4706");
    int before = counts(gateway).calls(); // calls a failed test before may have left
    try (RawSip raw = new RawSip(sipPort)) {
      raw.send(raw.request("OPTIONS", "4706", null));
      String keepalive = expect(raw.finalResponse("OPTIONS", 5000), 200, "OPTIONS out of a dialog");
      assertThat(RawSip.headerValues(keepalive, "Allow")).containsAll(ALLOWED);
      assertThat(counts(gateway).calls()).as("OPTIONS starts no call").isEqualTo(before);

      RawSip.Answered call = raw.answered("4706", sdp(50022));
      raw.send(RawSip.inDialog(call.invite(), call.ok(), "OPTIONS", 2));
      String inDialog = expect(raw.finalResponse("2 OPTIONS", 5000), 200, "OPTIONS in the call's dialog");
      assertThat(RawSip.headerValues(inDialog, "Allow")).containsAll(ALLOWED);

      raw.send(RawSip.inDialog(call.invite(), call.ok(), "BYE", 3));
      expect(raw.finalResponse("BYE", 5000), 200, "the BYE");
    }
    assertThat(awaitCall("4706", v -> v.phase() == CallPhase.FINISHED).outcome()).isEqualTo(CallOutcome.ABANDONED);
  }

  @Test
  void aMethodTheGatewayDoesNotTakeGets405WithAllowInAndOutOfADialog() throws Exception {
    queue("q-405", "4707");
    int before = counts(gateway).calls(); // calls a failed test before may have left
    try (RawSip raw = new RawSip(sipPort)) {
      raw.send(raw.request("MESSAGE", "4707", null));
      String message = expect(raw.finalResponse("MESSAGE", 5000), 405, "MESSAGE out of a dialog");
      assertThat(RawSip.headerValues(message, "Allow")).containsAll(ALLOWED).doesNotContain("MESSAGE");

      raw.send(raw.request("SUBSCRIBE", "4707", null)
          .replace("Content-Length: 0\r\n", "Event: presence\r\nExpires: 60\r\nContent-Length: 0\r\n"));
      String subscribe = expect(raw.finalResponse("SUBSCRIBE", 5000), 405, "SUBSCRIBE out of a dialog");
      assertThat(RawSip.headerValues(subscribe, "Allow")).containsAll(ALLOWED).doesNotContain("SUBSCRIBE");
      assertThat(counts(gateway).calls()).as("no call started").isEqualTo(before);

      RawSip.Answered call = raw.answered("4707", sdp(50024));
      raw.send(RawSip.inDialog(call.invite(), call.ok(), "MESSAGE", 2));
      String inDialog = expect(raw.finalResponse("2 MESSAGE", 5000), 405, "MESSAGE in the call's dialog");
      assertThat(RawSip.headerValues(inDialog, "Allow")).containsAll(ALLOWED);
      assertThat(counts(gateway).calls()).as("the call goes on").isEqualTo(before + 1);

      raw.send(RawSip.inDialog(call.invite(), call.ok(), "BYE", 3));
      expect(raw.finalResponse("BYE", 5000), 200, "the BYE");
    }
    assertThat(awaitCall("4707", v -> v.phase() == CallPhase.FINISHED).outcome()).isEqualTo(CallOutcome.ABANDONED);
  }

  @Test
  void aByeOfNoDialogGets481AndOneWithAWrongTagLeavesTheCall() throws Exception {
    queue("q-481", "4708");
    int before = counts(gateway).calls(); // calls a failed test before may have left
    try (RawSip raw = new RawSip(sipPort)) {
      raw.send(raw.request("BYE", "4708", "no-such-dialog"));
      expect(raw.finalResponse("BYE", 5000), 481, "a BYE of no dialog");
      raw.send(raw.request("INFO", "4708", "no-such-dialog"));
      expect(raw.finalResponse("INFO", 5000), 481, "an INFO of no dialog");

      RawSip.Answered call = raw.answered("4708", sdp(50026));
      String wrongTag = call.ok().replaceFirst("(?m)^(To:.*;tag=)[^;\\r\\n]+", "$1not-ours");
      raw.send(RawSip.inDialog(call.invite(), wrongTag, "BYE", 2));
      expect(raw.finalResponse("2 BYE", 5000), 481, "a BYE with the call's Call-ID and another tag");
      Thread.sleep(300);
      assertThat(counts(gateway).calls()).as("the call goes on").isEqualTo(before + 1);
      assertThat(awaitCall("4708", v -> true).phase()).isEqualTo(CallPhase.QUEUED);

      raw.send(RawSip.inDialog(call.invite(), call.ok(), "BYE", 3));
      expect(raw.finalResponse("3 BYE", 5000), 200, "the real BYE");
    }
    assertThat(awaitCall("4708", v -> v.phase() == CallPhase.FINISHED).outcome()).isEqualTo(CallOutcome.ABANDONED);
  }

  // ---------------------------------------------------------------- overload

  @Test
  void beyondItsPendingArrivalsTheGatewayAnswers503WithRetryAfter() throws Exception {
    int port = Sipp.freePort();
    Config small = ConfigFactory.parseMap(Map.of("switchboard.sip.max-pending-arrivals", 1,
            "switchboard.sip.retry-after", "7s",
            "switchboard.sip.rtp-port-min", 39000, "switchboard.sip.rtp-port-max", 39998))
        .withFallback(sipConfig(port));
    queue("q-pending", "4709", "4710", "4711");
    try (SipGateway busy = SipGateway.start(h.kit.system(), h.engine.context(), h.engine.notifications(),
            SipSettings.from(small), Clock.systemUTC());
        RawSip first = new RawSip(port); RawSip second = new RawSip(port);
        HeldArrival arrival = new HeldArrival("4709")) {
      String waiting = first.invite("4709", sdp(50028));
      first.send(waiting);
      arrival.awaitHeld();
      h.await(() -> counts(busy), c -> c.pendingArrivals() == 1, "the first call to wait for the engine");

      second.send(second.invite("4710", sdp(50030)));
      String refused = expect(second.finalResponse("INVITE", 1500), 503, "an INVITE beyond max-pending-arrivals");
      assertThat(RawSip.header(refused, "Retry-After")).hasValue("7");
      assertThat(first.finalResponse("INVITE", 100)).as("the first still waits for the engine").isEmpty();

      arrival.release();
      String ok = expect(first.finalResponse("INVITE", 5000), 200, "the first INVITE once the engine answered");
      first.send(RawSip.inDialog(waiting, ok, "ACK", 1));
      // Settled, it no longer counts: the next caller is taken.
      RawSip.Answered next = second.answered("4711", sdp(50032));

      first.send(RawSip.inDialog(waiting, ok, "BYE", 2));
      expect(first.finalResponse("BYE", 5000), 200, "the first caller's BYE");
      second.send(RawSip.inDialog(next.invite(), next.ok(), "BYE", 2));
      expect(second.finalResponse("BYE", 5000), 200, "the next caller's BYE");
      h.await(() -> counts(busy), c -> c.calls() == 0 && c.mediaLegs() == 0 && c.pendingArrivals() == 0,
          "the small gateway to hold no call");
    }
    assertThat(everSeen("4710", v -> true)).as("the refused call never reached the engine").isFalse();
    assertThat(awaitCall("4709", v -> v.phase() == CallPhase.FINISHED).outcome()).isEqualTo(CallOutcome.ABANDONED);
    assertThat(awaitCall("4711", v -> v.phase() == CallPhase.FINISHED).outcome()).isEqualTo(CallOutcome.ABANDONED);
  }
}
