package io.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SIP benchmark in-process with tiny numbers (20 agents, 5 calls/s for 5 s, no warm-up)
 * against the node jar the cluster module built: sipp callers through the node's SIP gateway to
 * a sipp phone, every call successful and every one answered by an agent's phone.
 */
class SipBenchmarkSmokeTest {

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void a_tiny_run_through_the_gateway_completes_every_call(@TempDir Path out) throws Exception {
    Assumptions.assumeTrue(SipCapture.onPath("sipp"),
        "sipp is not installed (apt-get install -y --no-install-recommends sip-tester): SIP benchmark smoke test skipped");
    SipOptions options = SipOptions.parse("--rate", "5", "--duration", "5", "--warmup", "0", "--agents", "20",
        "--node-heap", "512m", "--out", out.toString());
    Path jar = options.nodeJar();
    if (!Files.isRegularFile(jar))
      fail("the node jar " + jar + " does not exist: build the cluster module first"
          + " (cd " + Options.repoRoot() + " && mvn -q -DskipTests install), or run mvn verify from the root");

    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    List<SipReport> reports;
    try {
      reports = new SipBenchmark(options, print).run();
    } finally {
      System.out.print(buffer.toString(StandardCharsets.UTF_8));
    }

    assertThat(reports).hasSize(1);
    SipReport r = reports.get(0);
    assertThat(r.error()).as("run error").isNull();
    assertThat(r.attempted()).as("calls attempted").isEqualTo(25);
    assertThat(r.successful()).as("successful calls").isEqualTo(25);
    assertThat(r.failed()).as("failed calls").isZero();
    assertThat(r.callerExit()).as("sipp caller exit code").isZero();
    assertThat(r.phoneSuccessful()).as("calls answered by the agents' sipp phone").isEqualTo(25);
    if (!SipCapture.resolveTool("auto").equals("none")) {
      assertThat(r.captured200()).as("INVITEs answered 200 in the capture").isEqualTo(25);
      assertThat(r.inviteTo200P50()).as("INVITE->200 p50").isNotNaN().isPositive();
    }
    String printed = buffer.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("VERDICT").contains(r.markdownRow());
    try (var files = Files.list(out)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("sip-gateway-")).count())
          .as("report file under --out").isEqualTo(1);
    }
  }

  @Test
  void a_bad_option_is_named() {
    assertThatThrownBy(() -> SipOptions.parse("--rate", "fast"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rate").hasMessageContaining("fast");
    assertThatThrownBy(() -> SipOptions.parse("--rates", "50,x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rates");
    assertThatThrownBy(() -> SipOptions.parse("--capture", "wireshark"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--capture");
    assertThatThrownBy(() -> SipOptions.parse("--direct", "--db", "postgres"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--db");
    assertThat(SipOptions.parse("--rates", "50,100,200").rates).containsExactly(50, 100, 200);
  }

  @Test
  void the_capture_reader_matches_invites_to_their_200_and_counts_retransmissions(@TempDir Path dir) throws IOException {
    // a classic pcap (Ethernet, microseconds) written by hand: caller 5001 -> gateway 5060
    PcapWriter w = new PcapWriter();
    w.udp(1_000_000, 5001, 5060, invite("c1", "46701"));
    w.udp(1_000_500, 5060, 5001, response(100, "c1", 1, "INVITE"));
    w.udp(1_012_000, 5060, 5001, response(200, "c1", 1, "INVITE"));
    w.udp(1_012_100, 5001, 5060, request("ACK", "c1", 1, "ACK"));
    w.udp(1_512_000, 5060, 5001, response(200, "c1", 1, "INVITE")); // retransmitted 200
    w.udp(1_005_000, 5060, 7000, invite("g1", "46701")); // the gateway rings the phone for c1
    w.udp(1_006_000, 7000, 5060, response(200, "g1", 1, "INVITE"));
    w.udp(2_000_000, 5001, 5060, invite("c2", "46702"));
    w.udp(2_030_000, 5060, 5001, response(503, "c2", 1, "INVITE"));
    Path pcap = dir.resolve("t.pcap");
    Files.write(pcap, w.bytes());

    SipCapture.Analysis a = SipCapture.analyze(pcap, 5060, 5001);
    assertThat(a.callerInvites).isEqualTo(2);
    assertThat(a.answered).isEqualTo(1);
    assertThat(a.inviteTo200).containsExactly(12_000);
    assertThat(a.inviteTo100).containsExactly(500);
    assertThat(a.finalErrors).containsEntry(503, 1L);
    assertThat(a.retransmissions).isEqualTo(1);
    assertThat(a.retransmissionsByKind).containsEntry("to caller 200/INVITE", 1L);
    assertThat(a.agentInvites).isEqualTo(1);
    assertThat(a.agentAnswered).isEqualTo(1);
    assertThat(a.callerInviteToAgentInvite).containsExactly(5_000);
    assertThat(SipCapture.Analysis.percentileMs(a.inviteTo200, 99)).isEqualTo(12.0);
  }

  @Test
  void sipp_statistics_are_read_by_column() throws IOException {
    Path csv = Files.createTempFile("stat", ".csv");
    Files.writeString(csv, "StartTime;ElapsedTime(C);SuccessfulCall(C);FailedCall(C);FailedMaxUDPRetrans(C);ResponseTime1(C);\n"
        + "2026-11-24\t01:54:48.185803\t1795485288.185803;00:00:07;10;0;0;00:00:00:034000;\n"
        + "2026-11-24\t01:54:49.185803\t1795485289.185803;00:01:02;19;1;1;00:00:00:012500;\n");
    var last = SippProcess.lastLine(csv);
    assertThat(SippProcess.counter(last, "SuccessfulCall(C)")).isEqualTo(19);
    assertThat(SippProcess.counter(last, "FailedMaxUDPRetrans(C)")).isEqualTo(1);
    assertThat(SippProcess.durationMs(last, "ResponseTime1(C)")).isEqualTo(12.5);
    assertThat(SippProcess.durationMs(last, "ElapsedTime(C)")).isEqualTo(62_000.0);
    Files.delete(csv);
  }

  private static String invite(String callId, String from) {
    return "INVITE sip:4699000001@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\n"
        + "From: <sip:" + from + "@127.0.0.1:5001>;tag=1\r\nTo: <sip:4699000001@127.0.0.1>\r\nCall-ID: " + callId
        + "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
  }

  private static String request(String method, String callId, int cseq, String cseqMethod) {
    return method + " sip:x@127.0.0.1 SIP/2.0\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq + " " + cseqMethod
        + "\r\nContent-Length: 0\r\n\r\n";
  }

  private static String response(int code, String callId, int cseq, String cseqMethod) {
    return "SIP/2.0 " + code + " Whatever\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq + " " + cseqMethod
        + "\r\nContent-Length: 0\r\n\r\n";
  }

  /** Classic pcap, little-endian, microseconds, Ethernet; IPv4 UDP on 127.0.0.1. */
  private static final class PcapWriter {
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

    PcapWriter() {
      java.nio.ByteBuffer g = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      g.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
      out.writeBytes(g.array());
    }

    void udp(long micros, int src, int dst, String sip) {
      byte[] payload = sip.getBytes(StandardCharsets.ISO_8859_1);
      int len = 14 + 20 + 8 + payload.length;
      java.nio.ByteBuffer p = java.nio.ByteBuffer.allocate(16 + len);
      p.order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000))
          .putInt(len).putInt(len);
      p.order(java.nio.ByteOrder.BIG_ENDIAN);
      p.put(new byte[12]).putShort((short) 0x0800); // Ethernet: zero MACs, IPv4
      p.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + payload.length)).putShort((short) 0)
          .putShort((short) 0x4000).put((byte) 64).put((byte) 17).putShort((short) 0)
          .put(new byte[] {127, 0, 0, 1}).put(new byte[] {127, 0, 0, 1});
      p.putShort((short) src).putShort((short) dst).putShort((short) (8 + payload.length)).putShort((short) 0);
      p.put(payload);
      out.writeBytes(p.array());
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
