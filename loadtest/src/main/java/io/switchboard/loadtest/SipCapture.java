package io.switchboard.loadtest;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A packet capture on the loopback interface ({@code tshark} or {@code tcpdump}, classic pcap,
 * a capture filter on one UDP port), and the reading of it: SIP over UDP over IPv4, by hand, so
 * that a capture of a million packets is read in seconds without a dissector.
 */
final class SipCapture implements AutoCloseable {

  private final Process process;
  private final Path file;
  private final Path log;
  private final String tool;

  private final String command;

  private SipCapture(Process process, Path file, Path log, String tool, String command) {
    this.process = process;
    this.file = file;
    this.log = log;
    this.tool = tool;
    this.command = command;
  }

  /** The capture's command line, for the report. */
  String command() {
    return command;
  }

  /** The tool {@code auto} stands for here: tshark, else tcpdump, else none. */
  static String resolveTool(String wanted) {
    if (!wanted.equals("auto")) return wanted;
    if (onPath("tshark")) return "tshark";
    if (onPath("tcpdump")) return "tcpdump";
    return "none";
  }

  static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String dir : path.split(java.io.File.pathSeparator))
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) return true;
    return false;
  }

  /**
   * Starts capturing {@code udp port <port>} on {@code lo} into {@code file}; returns once the
   * tool says it listens (at most 20 s).
   */
  static SipCapture start(String tool, int port, Path file, Path log) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    String filter = "udp port " + port;
    switch (tool) {
      // -F pcap: classic pcap, which read() understands; -B: a 64 MiB kernel buffer (MiB for dumpcap)
      case "tshark" -> cmd.addAll(List.of("tshark", "-i", "lo", "-n", "-q", "-s", "0", "-B", "64", "-F", "pcap",
          "-f", filter, "-w", file.toString()));
      // -Z root: tcpdump would otherwise drop to user tcpdump before opening the file
      case "tcpdump" -> cmd.addAll(List.of("tcpdump", "-i", "lo", "-n", "-s", "0", "-B", "65536", "-Z", "root",
          "-w", file.toString(), filter));
      default -> throw new IllegalArgumentException("no capture tool '" + tool + "'");
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    SipCapture c = new SipCapture(p, file, log, tool, String.join(" ", cmd));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
      if (text.contains("Capturing on") || text.contains("listening on")) {
        Thread.sleep(200); // the filter is attached when it says so; a little margin
        return c;
      }
      if (!p.isAlive()) throw new IOException(tool + " exited at once (" + p.exitValue() + "): " + text.trim());
      Thread.sleep(50);
    }
    c.close();
    throw new IOException(tool + " did not start capturing within 20 s; its output: " + Files.readString(log));
  }

  long pid() {
    return process.pid();
  }

  String tool() {
    return tool;
  }

  Path file() {
    return file;
  }

  private static final Pattern TCPDUMP_DROPPED = Pattern.compile("(\\d+) packets dropped by kernel");
  private static final Pattern TSHARK_DROPPED = Pattern.compile("(\\d+) packets? dropped");

  /**
   * Stops the capture (SIGTERM: both tools flush and print their counts) and returns the packets
   * the kernel dropped as the tool reports them, -1 when it does not say.
   */
  long stop() throws IOException, InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    String text = Files.readString(log, StandardCharsets.ISO_8859_1);
    Matcher m = (tool.equals("tcpdump") ? TCPDUMP_DROPPED : TSHARK_DROPPED).matcher(text);
    long dropped = -1;
    while (m.find()) dropped = Math.max(dropped, 0) + Long.parseLong(m.group(1));
    if (dropped < 0 && tool.equals("tshark")) dropped = 0; // tshark only mentions drops when there are some
    return dropped;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- reading a capture

  /** One SIP message seen on the wire. */
  record Message(long nanos, int srcPort, int dstPort, String method, int status, String callId, long cseq,
      String cseqMethod, String fromUser) {
    boolean isRequest() {
      return method != null;
    }

    /** What identifies a retransmission: the same message again, same direction. */
    String identity() {
      return srcPort + ">" + dstPort + " " + (method != null ? method : Integer.toString(status)) + " " + cseq + " "
          + cseqMethod + " " + callId;
    }
  }

  /** What the capture says about the calls; latencies in microseconds. */
  static final class Analysis {
    long packets;
    long sipMessages;
    long unreadable;
    long callerInvites;
    long answered; // a 200 to the caller's INVITE
    long tried; // a 100 to the caller's INVITE
    final Map<Integer, Long> finalErrors = new TreeMap<>(); // >= 300 to the caller's INVITE
    long[] inviteTo200 = new long[0];
    long[] inviteTo100 = new long[0];
    long agentInvites;
    long agentAnswered;
    long[] callerInviteToAgentInvite = new long[0];
    long[] agentInviteTo200 = new long[0];
    long retransmissions;
    final Map<String, Long> retransmissionsByKind = new TreeMap<>();

    static double percentileMs(long[] sortedMicros, double p) {
      if (sortedMicros.length == 0) return Double.NaN;
      int i = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
      return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, i))] / 1000.0;
    }

    static double maxMs(long[] sortedMicros) {
      return sortedMicros.length == 0 ? Double.NaN : sortedMicros[sortedMicros.length - 1] / 1000.0;
    }
  }

  /**
   * Reads a capture of the traffic to and from {@code targetPort} (the gateway, or in --direct
   * mode the phone) and matches, per SIP Call-ID, the caller's first INVITE (sent from
   * {@code callerPort}) with the first 200 OK for CSeq INVITE sent back to it. In gateway mode
   * also the gateway's INVITEs to the phones (from {@code targetPort} to any port but the
   * caller's), matched to the caller by the From user the gateway copies. A message seen again
   * in the same direction (same start line, CSeq and Call-ID) is a retransmission.
   */
  static Analysis analyze(Path pcap, int targetPort, int callerPort) throws IOException {
    Analysis a = new Analysis();
    Map<String, Long> inviteAt = new HashMap<>();
    Map<String, String> inviteFrom = new HashMap<>();
    Map<String, Long> okAt = new HashMap<>();
    Map<String, Long> tryingAt = new HashMap<>();
    Map<String, Long> agentInviteAt = new HashMap<>();
    Map<String, String> agentInviteFrom = new HashMap<>();
    Map<String, Long> agentOkAt = new HashMap<>();
    Map<String, Integer> errors = new HashMap<>();
    Map<String, Integer> seen = new HashMap<>(1 << 16);
    read(pcap, (nanos, src, dst, payload, len) -> {
      a.packets++;
      Message m = parse(nanos, src, dst, payload, len);
      if (m == null) {
        a.unreadable++;
        return;
      }
      a.sipMessages++;
      if (seen.merge(m.identity(), 1, Integer::sum) > 1) {
        a.retransmissions++;
        String who = m.srcPort() == callerPort ? "caller" : m.srcPort() == targetPort ? (m.dstPort() == callerPort
            ? "to caller" : "to phone") : "phone";
        a.retransmissionsByKind.merge(who + " " + (m.isRequest() ? m.method() : m.status() + "/" + m.cseqMethod()), 1L,
            Long::sum);
        return;
      }
      boolean invite = "INVITE".equals(m.cseqMethod());
      if (m.srcPort() == callerPort && m.dstPort() == targetPort) {
        if ("INVITE".equals(m.method())) {
          inviteAt.putIfAbsent(m.callId(), nanos);
          if (m.fromUser() != null) inviteFrom.putIfAbsent(m.fromUser(), m.callId());
        }
      } else if (m.srcPort() == targetPort && m.dstPort() == callerPort) {
        if (!m.isRequest() && invite) {
          if (m.status() == 100) tryingAt.putIfAbsent(m.callId(), nanos);
          else if (m.status() == 200) okAt.putIfAbsent(m.callId(), nanos);
          else if (m.status() >= 300) errors.putIfAbsent(m.callId(), m.status());
        }
      } else if (m.srcPort() == targetPort) {
        if ("INVITE".equals(m.method())) {
          agentInviteAt.putIfAbsent(m.callId(), nanos);
          if (m.fromUser() != null) agentInviteFrom.putIfAbsent(m.callId(), m.fromUser());
        }
      } else if (m.dstPort() == targetPort) {
        if (!m.isRequest() && invite && m.status() == 200) agentOkAt.putIfAbsent(m.callId(), nanos);
      }
    });
    a.callerInvites = inviteAt.size();
    a.answered = okAt.size();
    a.tried = tryingAt.size();
    errors.values().forEach(code -> a.finalErrors.merge(code, 1L, Long::sum));
    a.inviteTo200 = deltas(inviteAt, okAt);
    a.inviteTo100 = deltas(inviteAt, tryingAt);
    a.agentInvites = agentInviteAt.size();
    a.agentAnswered = agentOkAt.keySet().stream().filter(agentInviteAt::containsKey).count();
    a.agentInviteTo200 = deltas(agentInviteAt, agentOkAt);
    // caller INVITE -> the gateway's INVITE to a phone, matched through the caller's number
    List<Long> ring = new ArrayList<>();
    for (Map.Entry<String, Long> e : agentInviteAt.entrySet()) {
      String from = agentInviteFrom.get(e.getKey());
      String callerCallId = from == null ? null : inviteFrom.get(from);
      Long t0 = callerCallId == null ? null : inviteAt.get(callerCallId);
      if (t0 != null) ring.add(Math.max(0, (e.getValue() - t0) / 1000));
    }
    a.callerInviteToAgentInvite = ring.stream().mapToLong(Long::longValue).sorted().toArray();
    return a;
  }

  private static long[] deltas(Map<String, Long> from, Map<String, Long> to) {
    long[] out = new long[to.size()];
    int n = 0;
    for (Map.Entry<String, Long> e : to.entrySet()) {
      Long t0 = from.get(e.getKey());
      if (t0 != null) out[n++] = Math.max(0, (e.getValue() - t0) / 1000);
    }
    long[] r = Arrays.copyOf(out, n);
    Arrays.sort(r);
    return r;
  }

  // ---------------------------------------------------------------- SIP

  private static final Pattern FROM_USER = Pattern.compile("sips?:([^@;>\\s]+)@", Pattern.CASE_INSENSITIVE);

  /** The start line, Call-ID, CSeq and From user of a SIP message; null if it is not one. */
  static Message parse(long nanos, int src, int dst, byte[] payload, int len) {
    int end = headerEnd(payload, len);
    String head = new String(payload, 0, end, StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r?\n");
    if (lines.length == 0) return null;
    String first = lines[0].trim();
    String method = null;
    int status = 0;
    if (first.startsWith("SIP/2.0 ")) {
      String[] parts = first.split(" ", 3);
      if (parts.length < 2) return null;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        return null;
      }
    } else if (first.endsWith(" SIP/2.0")) {
      method = first.substring(0, first.indexOf(' '));
    } else {
      return null;
    }
    String callId = null;
    String cseqMethod = null;
    long cseq = -1;
    String fromUser = null;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0) continue;
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "call-id", "i" -> callId = value;
        case "cseq" -> {
          String[] parts = value.split("\\s+");
          if (parts.length == 2) {
            try {
              cseq = Long.parseLong(parts[0]);
            } catch (NumberFormatException e) {
              return null;
            }
            cseqMethod = parts[1].toUpperCase(Locale.ROOT);
          }
        }
        case "from", "f" -> {
          Matcher m = FROM_USER.matcher(value);
          if (m.find()) fromUser = m.group(1);
        }
        default -> { }
      }
    }
    if (callId == null || cseqMethod == null) return null;
    return new Message(nanos, src, dst, method, status, callId, cseq, cseqMethod, fromUser);
  }

  private static int headerEnd(byte[] b, int len) {
    for (int i = 0; i + 3 < len; i++)
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i;
    for (int i = 0; i + 1 < len; i++) if (b[i] == '\n' && b[i + 1] == '\n') return i;
    return len;
  }

  // ---------------------------------------------------------------- pcap

  interface UdpSink {
    void accept(long epochNanos, int srcPort, int dstPort, byte[] payload, int length);
  }

  /**
   * Reads a classic pcap file (micro- or nanosecond, either byte order) of link type Ethernet,
   * Linux cooked (v1, v2), BSD loopback or raw IP, and hands every IPv4 UDP payload to the sink.
   */
  static void read(Path pcap, UdpSink sink) throws IOException {
    try (InputStream raw = Files.newInputStream(pcap);
         DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
      byte[] global = new byte[24];
      try {
        in.readFully(global);
      } catch (EOFException empty) {
        return; // the tool wrote nothing (no packet, or stopped before the header)
      }
      ByteBuffer g = ByteBuffer.wrap(global);
      int magic = g.order(ByteOrder.BIG_ENDIAN).getInt(0);
      ByteOrder order;
      boolean nanos;
      switch (magic) {
        case 0xa1b2c3d4 -> { order = ByteOrder.BIG_ENDIAN; nanos = false; }
        case 0xd4c3b2a1 -> { order = ByteOrder.LITTLE_ENDIAN; nanos = false; }
        case 0xa1b23c4d -> { order = ByteOrder.BIG_ENDIAN; nanos = true; }
        case 0x4d3cb2a1 -> { order = ByteOrder.LITTLE_ENDIAN; nanos = true; }
        case 0x0a0d0d0a -> throw new IOException(pcap + " is pcapng; capture with -F pcap (classic pcap)");
        default -> throw new IOException(pcap + " is not a pcap file (magic " + Integer.toHexString(magic) + ")");
      }
      g.order(order);
      int linkType = g.getInt(20);
      byte[] rec = new byte[16];
      ByteBuffer r = ByteBuffer.wrap(rec).order(order);
      byte[] data = new byte[1 << 16];
      while (true) {
        try {
          in.readFully(rec);
        } catch (EOFException end) {
          return;
        }
        long sec = r.getInt(0) & 0xffffffffL;
        long frac = r.getInt(4) & 0xffffffffL;
        int incl = r.getInt(8);
        if (incl < 0 || incl > (1 << 24)) throw new IOException(pcap + ": bad record length " + incl);
        if (incl > data.length) data = new byte[incl];
        try {
          in.readFully(data, 0, incl);
        } catch (EOFException truncated) {
          return; // the tool was stopped in the middle of a record
        }
        long epochNanos = sec * 1_000_000_000L + (nanos ? frac : frac * 1000);
        udp(linkType, data, incl, epochNanos, sink);
      }
    }
  }

  private static void udp(int linkType, byte[] d, int len, long nanos, UdpSink sink) {
    int ip;
    switch (linkType) {
      case 1 -> { // Ethernet
        int type = u16(d, 12);
        ip = 14;
        if (type == 0x8100 && len >= 18) {
          type = u16(d, 16);
          ip = 18;
        }
        if (type != 0x0800) return;
      }
      case 113 -> { // Linux cooked v1
        if (u16(d, 14) != 0x0800) return;
        ip = 16;
      }
      case 276 -> { // Linux cooked v2
        if (u16(d, 0) != 0x0800) return;
        ip = 20;
      }
      case 0 -> ip = 4; // BSD loopback: a 4-byte family
      case 101, 12, 228 -> ip = 0; // raw IP / raw IPv4
      default -> {
        return;
      }
    }
    if (len < ip + 20 || (d[ip] >> 4 & 0xf) != 4) return;
    int ihl = (d[ip] & 0xf) * 4;
    if (d[ip + 9] != 17) return; // UDP
    int fragment = u16(d, ip + 6) & 0x3fff; // more-fragments flag or an offset: not a whole datagram
    if (fragment != 0) return;
    int udp = ip + ihl;
    if (len < udp + 8) return;
    int src = u16(d, udp);
    int dst = u16(d, udp + 2);
    int udpLen = Math.min(u16(d, udp + 4) - 8, len - udp - 8);
    if (udpLen <= 0) return;
    byte[] payload = Arrays.copyOfRange(d, udp + 8, udp + 8 + udpLen);
    sink.accept(nanos, src, dst, payload, udpLen);
  }

  private static int u16(byte[] d, int at) {
    return (d[at] & 0xff) << 8 | (d[at + 1] & 0xff);
  }

  /** For a summary: the retransmissions by kind, largest first, at most {@code n}. */
  static String topKinds(Map<String, Long> byKind, int n) {
    Map<String, Long> out = new LinkedHashMap<>();
    byKind.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out.toString();
  }
}
