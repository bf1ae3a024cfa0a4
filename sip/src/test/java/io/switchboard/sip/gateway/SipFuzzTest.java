package io.switchboard.sip.gateway;

import static io.switchboard.core.testkit.EngineHarness.group;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentConfig;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.testkit.EngineHarness;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thousands of mutated SIP messages (flipped bytes, cut lines, repeated and oversized headers,
 * wrong lengths, binary junk), over UDP and TCP; then the gateway must still serve a normal call
 * from sipp and hold no state from the junk. The seed is logged so a failure can be replayed.
 */
class SipFuzzTest {

  private static final Logger LOG = LoggerFactory.getLogger(SipFuzzTest.class);
  private static final int UDP_MESSAGES = 5000;
  private static final int TCP_CONNECTIONS = 200;

  @TempDir Path dir;

  @Test
  void mutatedMessagesLeaveTheGatewayServingCalls() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    LOG.info("SIP fuzz seed {} (rerun with -Dfuzz.seed={})", seed, seed);
    Random random = new Random(seed);
    try (EngineHarness h = EngineHarness.start("sip-fuzz", EngineHarness.inMemoryConfig())) {
      int port = Sipp.freePort();
      try (SipGateway gateway = SipGateway.start(h.kit.system(), h.engine.context(), h.engine.notifications(),
          SipSettings.from(SipGatewayTest.sipConfig(port)), Clock.systemUTC())) {
        h.queue("q-fuzz", QueueConfig.named("Fuzz"));
        h.numberPlan("ap-fuzz", "co-fuzz", "4620", "q-fuzz");
        h.queue("q-after-fuzz", QueueConfig.named("After the fuzz"));
        h.numberPlan("ap-fuzz", "co-fuzz", "4621", "q-after-fuzz");

        List<String> seeds = seeds(port);
        int answers = 0;
        try (RawSip raw = new RawSip(port)) {
          for (int i = 0; i < UDP_MESSAGES; i++) {
            raw.send(mutate(seeds.get(random.nextInt(seeds.size())), random));
            // Drain what comes back now and then, so the client's socket buffer never fills.
            if (i % 50 == 0) while (raw.receive(1).isPresent()) answers++;
          }
          while (raw.receive(200).isPresent()) answers++;
        }
        for (int i = 0; i < TCP_CONNECTIONS; i++) {
          try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(200);
            OutputStream out = s.getOutputStream();
            out.write(mutate(seeds.get(random.nextInt(seeds.size())), random));
            out.flush();
          } catch (java.io.IOException closedOnUs) {
            // the gateway may close a connection that sent junk: that is what it should do
          }
        }
        LOG.info("fuzz: {} UDP messages, {} TCP connections, {} answers", UDP_MESSAGES, TCP_CONNECTIONS, answers);
        assertThat(answers).as("the gateway kept answering what it could read").isPositive();

        // A normal call still works, end to end.
        int phonePort = Sipp.freePort();
        h.agentDo("agent-fuzz", r -> new Agent.Configure(
            AgentConfig.of("agent-fuzz", group("q-after-fuzz", 1)).withDevice("sip:agent@127.0.0.1:" + phonePort), r));
        h.login("agent-fuzz", true);
        Sipp phone = Sipp.scenario("agent-phone", dir).port(phonePort, Sipp.freeMediaPort()).arg("-m", "1").start(null);
        Thread.sleep(300);
        Sipp caller = Sipp.scenario("caller", dir).port(Sipp.freePort(), Sipp.freeMediaPort())
            .arg("-s", "4621", "-m", "1", "-d", "1000").start("127.0.0.1:" + port);
        assertThat(caller.await(30)).as("caller after the fuzz: %s", caller.errors()).isZero();
        assertThat(phone.await(30)).as("phone after the fuzz: %s", phone.errors()).isZero();

        // No call state or media port left from the junk.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(90);
        Gateway.Counts counts = gateway.counts().toCompletableFuture().join();
        while ((counts.calls() > 0 || counts.mediaLegs() > 0) && System.nanoTime() < deadline) {
          Thread.sleep(500);
          counts = gateway.counts().toCompletableFuture().join();
        }
        LOG.info("fuzz: gateway after the junk: {}", counts);
        assertThat(counts.calls()).as("calls left").isZero();
        assertThat(counts.mediaLegs()).as("RTP ports left").isZero();
        assertThat(counts.pendingArrivals()).isZero();
      }
    }
  }

  /** Well-formed messages of every method the gateway takes, to mutate. */
  private static List<String> seeds(int port) {
    String sdp = "v=0\r\no=f 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 49170 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
    List<String> seeds = new ArrayList<>();
    for (String method : List.of("INVITE", "INVITE", "INVITE", "REGISTER", "OPTIONS", "BYE", "CANCEL", "ACK", "INFO",
        "MESSAGE", "INVITE-QUEUE")) {
      // Most INVITEs dial an unknown number; one seed of eleven reaches the queue, is answered
      // and never ACKed, so its call must end when the stack gives up on the ACK.
      String number = method.equals("INVITE") ? "4699" : "4620";
      method = method.equals("INVITE-QUEUE") ? "INVITE" : method;
      String body = method.equals("INVITE") ? sdp : method.equals("INFO") ? "Signal=5\r\nDuration=160\r\n" : "";
      seeds.add(method + " sip:" + number + "@127.0.0.1:" + port + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK" + method.hashCode() + "\r\n"
          + "From: <sip:4670123@127.0.0.1:5999>;tag=abc\r\n"
          + "To: <sip:" + number + "@127.0.0.1:" + port + ">\r\n"
          + "Call-ID: fuzz-" + method + "@127.0.0.1\r\n"
          + "CSeq: 1 " + method + "\r\n"
          + "Contact: <sip:4670123@127.0.0.1:5999>\r\n"
          + "Max-Forwards: 70\r\n"
          + (body.isEmpty() ? "" : "Content-Type: application/" + (method.equals("INFO") ? "dtmf-relay" : "sdp") + "\r\n")
          + "Content-Length: " + body.length() + "\r\n\r\n" + body);
    }
    return seeds;
  }

  static byte[] mutate(String seed, Random random) {
    String m = seed.replace("fuzz-", "fuzz-" + random.nextInt(1_000_000) + "-")
        .replace("z9hG4bK", "z9hG4bK" + random.nextInt(1_000_000));
    int kind = random.nextInt(12);
    return switch (kind) {
      case 0 -> flipBytes(m.getBytes(StandardCharsets.ISO_8859_1), random, 1 + random.nextInt(20));
      case 1 -> dropLine(m, random).getBytes(StandardCharsets.ISO_8859_1);
      case 2 -> repeatHeader(m, random, 2 + random.nextInt(200)).getBytes(StandardCharsets.ISO_8859_1);
      case 3 -> m.substring(0, random.nextInt(m.length())).getBytes(StandardCharsets.ISO_8859_1);
      case 4 -> m.replaceFirst("Content-Length: \\d+", "Content-Length: " + (random.nextBoolean() ? "-1"
          : Integer.toString(random.nextInt(100_000)))).getBytes(StandardCharsets.ISO_8859_1);
      case 5 -> {
        byte[] junk = new byte[1 + random.nextInt(1400)];
        random.nextBytes(junk);
        yield junk;
      }
      case 6 -> m.replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
      case 7 -> m.replace("SIP/2.0", random.nextBoolean() ? "SIP/3.0" : "SIP/2").getBytes(StandardCharsets.ISO_8859_1);
      case 8 -> m.replaceFirst("(From|To|Via|Call-ID|CSeq): [^\r]*", "$1: " + "x".repeat(random.nextInt(20_000)))
          .getBytes(StandardCharsets.ISO_8859_1);
      case 9 -> m.replaceFirst("m=audio \\d+", "m=audio " + random.nextInt(200_000))
          .replaceFirst("c=IN IP4 [^\r]*", random.nextBoolean() ? "c=IN IP4 999.1.1.1" : "c=junk")
          .getBytes(StandardCharsets.ISO_8859_1);
      case 10 -> m.replaceFirst("CSeq: 1", "CSeq: " + (random.nextBoolean() ? "-5" : "99999999999"))
          .getBytes(StandardCharsets.ISO_8859_1);
      default -> m.replace(':', random.nextBoolean() ? '\0' : ';').getBytes(StandardCharsets.ISO_8859_1);
    };
  }

  private static byte[] flipBytes(byte[] b, Random random, int n) {
    for (int i = 0; i < n; i++) b[random.nextInt(b.length)] = (byte) random.nextInt(256);
    return b;
  }

  private static String dropLine(String m, Random random) {
    String[] lines = m.split("\r\n", -1);
    int drop = random.nextInt(Math.min(lines.length, 9));
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines.length; i++) if (i != drop) b.append(lines[i]).append(i < lines.length - 1 ? "\r\n" : "");
    return b.toString();
  }

  private static String repeatHeader(String m, Random random, int times) {
    String[] headers = {"Via", "Contact", "Route", "Record-Route", "Supported", "X-Junk"};
    String h = headers[random.nextInt(headers.length)];
    String line = h + ": <sip:junk@127.0.0.1>;lr\r\n";
    int at = m.indexOf("\r\n") + 2;
    return m.substring(0, at) + line.repeat(times) + m.substring(at);
  }
}
