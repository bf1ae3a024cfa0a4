package io.switchboard.sip.gateway;

import static io.switchboard.core.testkit.EngineHarness.group;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentConfig;
import io.switchboard.core.agent.AgentStatus;
import io.switchboard.core.call.CallPhase;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.call.CallView;
import io.switchboard.core.call.Consultation;
import io.switchboard.core.call.EndedBy;
import io.switchboard.core.call.TransferTarget;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.testkit.EngineHarness;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Announce transfer (ANS-4) through the gateway, against real SIP peers: a caller (sipp, or a raw
 * client listening to its RTP), the agent's phone (sipp) and the consulted number behind the
 * trunk (a sipp UAS on the trunk's address, as a provider's gateway would be). The engine drives;
 * the gateway dials, bridges and reports.
 */
class ConsultGatewayTest {

  static EngineHarness h;
  static PersistenceTestKit journal;
  static SipGateway gateway;
  static int sipPort;
  static int trunkPort;
  static final List<Notification> seen = new CopyOnWriteArrayList<>();

  Path dir;

  @BeforeAll
  static void start() throws Exception {
    h = EngineHarness.start("sip-consult", EngineHarness.inMemoryConfig());
    journal = PersistenceTestKit.create(h.kit.system());
    sipPort = Sipp.freePort();
    trunkPort = Sipp.freePort();
    Config config = ConfigFactory.parseMap(Map.of(
            "switchboard.sip.port", sipPort,
            "switchboard.sip.trunk", "sip:127.0.0.1:" + trunkPort,
            "switchboard.sound-files.directory", Files.createTempDirectory("sound-files").toString(),
            "switchboard.sip.rtp-port-min", 46000,
            "switchboard.sip.rtp-port-max", 46998))
        .withFallback(ConfigFactory.parseFile(Path.of("../conf/sip.conf").toFile()))
        .resolve();
    gateway = SipGateway.start(h.kit.system(), h.engine.context(), h.engine.notifications(), SipSettings.from(config),
        Clock.systemUTC());
    GatewayTests.collectNotifications(h, seen);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) gateway.close();
    if (h != null) h.close();
  }

  @BeforeEach
  void logs(TestInfo test) throws java.io.IOException {
    dir = Files.createDirectories(Path.of("target/sipp", test.getTestMethod().orElseThrow().getName()));
  }

  @AfterEach
  void nothingLeaks() {
    GatewayTests.awaitNothingHeld(h, gateway);
  }

  // ---------------------------------------------------------------- helpers

  /** Queue {@code queue} on {@code number}, and agent {@code agent} whose phone is a sipp UAS on {@code phonePort}. */
  static void setUp(String queue, String number, String agent, int phonePort) {
    h.queue(queue, QueueConfig.named(queue));
    h.numberPlan("ap-sip", "co-sip", number, queue);
    h.agentDo(agent, r -> new Agent.Configure(AgentConfig.of(agent, group(queue, 1))
        .withDevice("sip:agent@127.0.0.1:" + phonePort), r));
    h.login(agent, true);
  }

  Sipp uas(String scenario, int port, String... more) throws Exception {
    return Sipp.scenario(scenario, dir).port(port, Sipp.freeMediaPort()).arg("-m", "1").arg(more).start(null);
  }

  Sipp caller(String number, int pauseMs) throws Exception {
    return Sipp.scenario("caller", dir).port(Sipp.freePort(), Sipp.freeMediaPort())
        .arg("-s", number, "-m", "1", "-d", Integer.toString(pauseMs)).start("127.0.0.1:" + sipPort);
  }

  static void assertPassed(Sipp sipp, int seconds) throws InterruptedException {
    assertThat(sipp.await(seconds)).as("sipp exit code; errors: %s", sipp.errors()).isZero();
  }

  static CallView awaitCall(String dialled, Predicate<CallView> condition) {
    return GatewayTests.awaitCall(h, seen, dialled, condition);
  }

  static Predicate<CallView> consulting(Consultation.State state) {
    return v -> v.phase() == CallPhase.TALKING && v.consultation() != null && v.consultation().state() == state;
  }

  static void agentDoes(String agent, java.util.function.Function<String, java.util.function.Function<
      org.apache.pekko.actor.typed.ActorRef<Agent.Reply>, Agent.Command>> command) {
    EngineHarness.expect(h.agentAsk(agent, command.apply("login-" + agent)), Agent.Done.class);
  }

  static void consult(String agent, String number) {
    GatewayTests.awaitAgentTalking(h, agent);
    agentDoes(agent, login -> r -> new Agent.Consult(login, null, number, r));
  }

  static void toggle(String agent) {
    agentDoes(agent, login -> r -> new Agent.Toggle(login, null, r));
  }

  static List<String> consultEvents(CallView call) {
    return journal.persistedInStorage("CallSession|" + call.callId().value()).stream()
        .filter(e -> e.getClass().getSimpleName().startsWith("Consult"))
        .map(e -> e instanceof CallSession.ConsultEnded x ? "ConsultEnded(" + x.ending() + ")"
            : e instanceof CallSession.ConsultFailed x ? "ConsultFailed(" + x.reason() + ")"
            : e.getClass().getSimpleName())
        .toList();
  }

  /**
   * Sends 1.5 s of caller audio (each packet one µ-law code throughout) to the gateway and counts
   * the codes that come back: an echoing phone bridged with the caller sends them back.
   */
  static int echoed(DatagramSocket rtp, int gatewayRtp, int seq0) throws Exception {
    Set<Integer> sent = new java.util.HashSet<>();
    Set<Integer> heard = ConcurrentHashMap.newKeySet();
    Thread listener = new Thread(() -> {
      byte[] buf = new byte[2048];
      try {
        rtp.setSoTimeout(100);
        while (!Thread.currentThread().isInterrupted()) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          try {
            rtp.receive(p);
          } catch (java.net.SocketTimeoutException idle) {
            continue;
          }
          boolean uniform = p.getLength() == 172;
          for (int b = 13; uniform && b < 172; b++) uniform = buf[b] == buf[12];
          if (uniform) heard.add(buf[12] & 0xFF);
        }
      } catch (java.io.IOException closed) {
        // done
      }
    });
    listener.start();
    for (int i = 0; i < 75; i++) {
      int code = 0x20 + (i % 0x50);
      sent.add(code);
      byte[] frame = new byte[160];
      java.util.Arrays.fill(frame, (byte) code);
      byte[] packet = RawSip.rtp(seq0 + i, 0x4b, frame);
      rtp.send(new DatagramPacket(packet, packet.length, InetAddress.getLoopbackAddress(), gatewayRtp));
      Thread.sleep(20);
    }
    Thread.sleep(400);
    listener.interrupt();
    listener.join(2000);
    heard.retainAll(sent);
    return heard.size();
  }

  /** Frames of the hold music heard by the caller within {@code millis}. */
  static int holdMusicHeard(DatagramSocket rtp, long millis) throws Exception {
    var audio = gateway.prompts().get("hold-music");
    Set<String> frames = new java.util.HashSet<>();
    for (int i = 0; i < audio.frames(); i++)
      frames.add(java.util.HexFormat.of().formatHex(audio.frame(io.switchboard.sip.media.Codec.PCMU, i)));
    int matched = 0;
    byte[] buf = new byte[2048];
    rtp.setSoTimeout(100);
    long until = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < until) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        rtp.receive(p);
      } catch (java.net.SocketTimeoutException idle) {
        continue;
      }
      if (p.getLength() == 172 && frames.contains(java.util.HexFormat.of().formatHex(buf, 12, 172))) matched++;
    }
    return matched;
  }

  // ---------------------------------------------------------------- tests

  @Test
  void theContactAnswersAndTheAgentConnectsTheCallerToIt() throws Exception {
    int phone = Sipp.freePort();
    setUp("q-consult-done", "4651", "cons-a", phone);
    Sipp agentPhone = uas("agent-phone", phone);
    Sipp contact = uas("agent-phone", trunkPort, "-rtp_echo");
    Thread.sleep(300);
    try (RawSip raw = new RawSip(sipPort); DatagramSocket rtp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      RawSip.Answered call = raw.answered("4651", RawSip.sdp(rtp.getLocalPort(), "0", "a=rtpmap:0 PCMU/8000\r\n"));
      CallView talking = awaitCall("4651", v -> v.phase() == CallPhase.TALKING);
      consult("cons-a", "4670888");
      awaitCall("4651", consulting(Consultation.State.CONNECTED));
      assertThat(echoed(rtp, call.mediaPort(), 0)).as("the caller, held, is not bridged to the contact yet").isZero();
      toggle("cons-a");
      awaitCall("4651", v -> consulting(Consultation.State.CONNECTED).test(v)
          && v.consultation().talkingTo() == Consultation.Party.CALLER);
      agentDoes("cons-a", login -> r -> new Agent.CompleteConsult(login, null, r));
      assertPassed(agentPhone, 30); // the agent's phone got its BYE when the agent left
      // The caller talks to the contact now: the echoing contact sends the caller's audio back.
      assertThat(echoed(rtp, call.mediaPort(), 100)).as("caller audio back from the contact").isGreaterThan(20);
      raw.send(RawSip.inDialog(call.invite(), call.ok(), "BYE", 2));
      assertPassed(contact, 30); // answered through the trunk, then the caller's BYE through the gateway
      CallView v = h.call(talking.callId().value());
      assertThat(v.endedBy()).isEqualTo(EndedBy.TRANSFER);
      assertThat(v.transferredTo()).isEqualTo(new TransferTarget.ToNumber("4670888"));
      assertThat(consultEvents(v)).containsExactly("ConsultStarted", "ConsultAnswered", "ConsultToggled",
          "ConsultEnded(COMPLETED)");
      assertThat(h.agentView("cons-a").status()).isIn(AgentStatus.WRAP_UP, AgentStatus.READY);
    }
  }

  @Test
  void theAgentTogglesBetweenContactAndCallerThenCancelsAndIsBackWithTheCaller() throws Exception {
    int phone = Sipp.freePort();
    setUp("q-consult-cancel", "4652", "cons-b", phone);
    Sipp agentPhone = uas("agent-phone", phone, "-rtp_echo");
    Sipp contact = uas("agent-phone", trunkPort);
    Thread.sleep(300);
    try (RawSip raw = new RawSip(sipPort); DatagramSocket rtp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      RawSip.Answered call = raw.answered("4652", RawSip.sdp(rtp.getLocalPort(), "0", "a=rtpmap:0 PCMU/8000\r\n"));
      CallView talking = awaitCall("4652", v -> v.phase() == CallPhase.TALKING);
      assertThat(echoed(rtp, call.mediaPort(), 0)).as("caller bridged to the echoing agent").isGreaterThan(20);

      consult("cons-b", "4670777");
      awaitCall("4652", consulting(Consultation.State.CONNECTED));
      // The agent talks to the contact: the caller hears hold music, and nothing of its own.
      assertThat(holdMusicHeard(rtp, 1500)).as("hold-music frames the caller heard").isGreaterThan(25);
      assertThat(echoed(rtp, call.mediaPort(), 100)).as("the caller is not bridged to the agent").isZero();

      toggle("cons-b");
      awaitCall("4652", v -> consulting(Consultation.State.CONNECTED).test(v)
          && v.consultation().talkingTo() == Consultation.Party.CALLER);
      assertThat(echoed(rtp, call.mediaPort(), 200)).as("toggled: caller and agent again").isGreaterThan(20);
      toggle("cons-b");
      awaitCall("4652", v -> consulting(Consultation.State.CONNECTED).test(v)
          && v.consultation().talkingTo() == Consultation.Party.CONTACT);

      agentDoes("cons-b", login -> r -> new Agent.CancelConsult(login, null, r));
      assertPassed(contact, 30); // the contact's leg got its BYE
      awaitCall("4652", v -> v.phase() == CallPhase.TALKING && v.consultation() == null);
      assertThat(echoed(rtp, call.mediaPort(), 300)).as("cancelled: the agent is back with the caller")
          .isGreaterThan(20);
      raw.send(RawSip.inDialog(call.invite(), call.ok(), "BYE", 2));
      assertPassed(agentPhone, 30);
      CallView v = h.awaitCall(talking.callId().value(), x -> x.phase() != CallPhase.TALKING);
      assertThat(v.endedBy()).isEqualTo(EndedBy.CALLER);
      assertThat(consultEvents(v)).containsExactly("ConsultStarted", "ConsultAnswered", "ConsultToggled",
          "ConsultToggled", "ConsultEnded(CANCELLED)");
    }
  }

  @Test
  void aBusyNumberFailsTheConsultationAndTheAgentStaysWithTheCaller() throws Exception {
    int phone = Sipp.freePort();
    setUp("q-consult-busy", "4653", "cons-c", phone);
    Sipp agentPhone = uas("agent-phone", phone, "-rtp_echo");
    Sipp contact = uas("agent-phone-busy", trunkPort);
    Thread.sleep(300);
    try (RawSip raw = new RawSip(sipPort); DatagramSocket rtp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      RawSip.Answered call = raw.answered("4653", RawSip.sdp(rtp.getLocalPort(), "0", "a=rtpmap:0 PCMU/8000\r\n"));
      CallView talking = awaitCall("4653", v -> v.phase() == CallPhase.TALKING);
      consult("cons-c", "4670666");
      CallView failed = awaitCall("4653", consulting(Consultation.State.FAILED));
      assertThat(failed.consultation().reason()).isEqualTo("busy");
      assertThat(failed.consultation().talkingTo()).isEqualTo(Consultation.Party.CALLER);
      assertPassed(contact, 30); // 486, then our ACK
      assertThat(echoed(rtp, call.mediaPort(), 0)).as("the agent is back with the caller").isGreaterThan(20);
      raw.send(RawSip.inDialog(call.invite(), call.ok(), "BYE", 2));
      assertPassed(agentPhone, 30);
      CallView v = h.awaitCall(talking.callId().value(), x -> x.phase() != CallPhase.TALKING);
      assertThat(v.endedBy()).isEqualTo(EndedBy.CALLER);
      assertThat(consultEvents(v)).containsExactly("ConsultStarted", "ConsultFailed(busy)");
    }
  }

  @Test
  void theCallerHangingUpDuringAConsultationHangsUpTheContactAndTheAgent() throws Exception {
    int phone = Sipp.freePort();
    setUp("q-consult-gone", "4654", "cons-d", phone);
    Sipp agentPhone = uas("agent-phone", phone);
    Sipp contact = uas("agent-phone", trunkPort);
    Thread.sleep(300);
    Sipp caller = caller("4654", 3000);
    CallView talking = awaitCall("4654", v -> v.phase() == CallPhase.TALKING);
    consult("cons-d", "4670555");
    awaitCall("4654", consulting(Consultation.State.CONNECTED));
    assertPassed(caller, 30); // hung up while held
    assertPassed(contact, 30); // the contact's leg got its BYE
    assertPassed(agentPhone, 30); // so did the agent's phone
    CallView v = h.awaitCall(talking.callId().value(), x -> x.phase() != CallPhase.TALKING);
    assertThat(v.endedBy()).isEqualTo(EndedBy.CALLER);
    assertThat(consultEvents(v)).containsExactly("ConsultStarted", "ConsultAnswered", "ConsultEnded(CALL_ENDED)");
  }
}
