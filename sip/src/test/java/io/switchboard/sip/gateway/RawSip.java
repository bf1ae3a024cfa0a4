package io.switchboard.sip.gateway;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A bare UDP SIP client for what sipp cannot say: wrong requests, and reading any answer. */
final class RawSip implements AutoCloseable {

  final DatagramSocket socket;
  private final int gatewayPort;
  /** Messages received while {@link #finalResponse(String, int)} looked for another: handed out first. */
  private final ArrayDeque<String> kept = new ArrayDeque<>();

  RawSip(int gatewayPort) throws IOException {
    this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    this.gatewayPort = gatewayPort;
  }

  int localPort() {
    return socket.getLocalPort();
  }

  void send(byte[] message) throws IOException {
    socket.send(new DatagramPacket(message, message.length, InetAddress.getLoopbackAddress(), gatewayPort));
  }

  void send(String message) throws IOException {
    send(message.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The next message received within {@code millis}, if any. */
  Optional<String> receive(int millis) throws IOException {
    if (!kept.isEmpty()) return Optional.of(kept.poll());
    return receiveFromSocket(millis);
  }

  private Optional<String> receiveFromSocket(int millis) throws IOException {
    byte[] buf = new byte[65536];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    socket.setSoTimeout(millis);
    try {
      socket.receive(p);
      return Optional.of(new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1));
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    }
  }

  /** The first final (or given) response within {@code millis}, skipping provisional ones. */
  Optional<String> finalResponse(int millis) throws IOException {
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      Optional<String> m = receive((int) Math.max(1, end - System.currentTimeMillis()));
      if (m.isEmpty()) return m;
      if (m.get().startsWith("SIP/2.0 1")) continue;
      return m;
    }
    return Optional.empty();
  }

  /**
   * The first final response to a {@code method} request within {@code millis}, by its CSeq:
   * {@code method} is a method ("CANCEL") or a whole CSeq ("2 INVITE"). Other messages that
   * arrive meanwhile are kept for {@link #receive}: a CANCEL's 200 and its INVITE's 487 may come
   * in either order.
   */
  Optional<String> finalResponse(String method, int millis) throws IOException {
    for (Iterator<String> it = kept.iterator(); it.hasNext(); ) {
      String m = it.next();
      if (isFinalResponseTo(m, method)) {
        it.remove();
        return Optional.of(m);
      }
    }
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      Optional<String> m = receiveFromSocket((int) Math.max(1, end - System.currentTimeMillis()));
      if (m.isEmpty()) return m;
      if (isFinalResponseTo(m.get(), method)) return m;
      kept.add(m.get());
    }
    return Optional.empty();
  }

  private static boolean isFinalResponseTo(String message, String method) {
    return message.startsWith("SIP/2.0 ") && !message.startsWith("SIP/2.0 1")
        && header(message, "CSeq").map(c -> c.equals(method) || c.endsWith(" " + method)).orElse(false);
  }

  /** An INVITE to {@code number} with the given SDP body (null: no body). */
  String invite(String number, String sdp) {
    String callId = UUID.randomUUID() + "@127.0.0.1";
    String body = sdp == null ? "" : sdp;
    return "INVITE sip:" + number + "@127.0.0.1:" + gatewayPort + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort() + ";branch=z9hG4bK" + UUID.randomUUID().toString().replace("-", "") + "\r\n"
        + "From: <sip:4670111@127.0.0.1:" + localPort() + ">;tag=" + UUID.randomUUID().toString().substring(0, 8) + "\r\n"
        + "To: <sip:" + number + "@127.0.0.1:" + gatewayPort + ">\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Contact: <sip:4670111@127.0.0.1:" + localPort() + ">\r\n"
        + "Max-Forwards: 70\r\n"
        + (sdp == null ? "" : "Content-Type: application/sdp\r\n")
        + "Content-Length: " + body.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n\r\n" + body;
  }

  static String sdp(int mediaPort, String payloadTypes, String rtpmaps) {
    return "v=0\r\no=raw 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio " + mediaPort + " RTP/AVP " + payloadTypes + "\r\n" + rtpmaps;
  }

  /**
   * A request within the dialog {@code invite} opened and {@code ok} (the gateway's 200)
   * confirmed: the 200's To (with its tag), a new branch, CSeq {@code cseq}.
   */
  static String inDialog(String invite, String ok, String method, int cseq) {
    return inDialog(invite, ok, method, cseq, null);
  }

  /**
   * {@link #inDialog(String, String, String, int)} with an SDP body (null: none): a re-INVITE
   * (hold, resume), or the ACK that carries the answer to an offer in a 200.
   */
  static String inDialog(String invite, String ok, String method, int cseq, String sdp) {
    String to = header(ok, "To").orElseThrow();
    StringBuilder b = new StringBuilder();
    for (String line : invite.split("\r\n")) {
      if (line.isEmpty()) break;
      if (line.startsWith("INVITE ")) b.append(method).append(line.substring(6));
      else if (line.startsWith("To:")) b.append("To: ").append(to);
      else if (line.startsWith("CSeq:")) b.append("CSeq: ").append(cseq).append(' ').append(method);
      else if (line.startsWith("Via:")) b.append(line, 0, line.indexOf(";branch=")).append(";branch=z9hG4bK")
          .append(UUID.randomUUID().toString().replace("-", ""));
      else if (line.startsWith("Content-")) continue;
      else b.append(line);
      b.append("\r\n");
    }
    return withBody(b, sdp);
  }

  private static String withBody(StringBuilder headers, String sdp) {
    if (sdp == null) return headers.append("Content-Length: 0\r\n\r\n").toString();
    return headers.append("Content-Type: application/sdp\r\n")
        .append("Content-Length: ").append(sdp.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n\r\n")
        .append(sdp).toString();
  }

  /**
   * The CANCEL of {@code invite} (RFC 3261 §9.1): the same Request-URI, Via (so the same branch),
   * From, To (no tag), Call-ID and CSeq number, with method CANCEL.
   */
  static String cancel(String invite) {
    return sameTransaction(invite, "CANCEL", null);
  }

  /**
   * The ACK of a final non-2xx {@code response} to {@code invite} (RFC 3261 §17.1.1.3): part of
   * the INVITE's transaction (its branch), with the response's To (and tag).
   */
  static String ackFailure(String invite, String response) {
    return sameTransaction(invite, "ACK", header(response, "To").orElseThrow());
  }

  private static String sameTransaction(String invite, String method, String to) {
    StringBuilder b = new StringBuilder();
    for (String line : invite.split("\r\n")) {
      if (line.isEmpty()) break;
      String name = line.contains(":") ? line.substring(0, line.indexOf(':')).trim() : "";
      if (line.startsWith("INVITE ")) b.append(method).append(line.substring(6));
      else if (name.equalsIgnoreCase("CSeq")) b.append("CSeq: ").append(line.replaceAll("\\D*(\\d+).*", "$1"))
          .append(' ').append(method);
      else if (name.equalsIgnoreCase("To") && to != null) b.append("To: ").append(to);
      else if (List.of("via", "from", "to", "call-id", "max-forwards").contains(name.toLowerCase(java.util.Locale.ROOT)))
        b.append(line);
      else continue;
      b.append("\r\n");
    }
    return b.append("Content-Length: 0\r\n\r\n").toString();
  }

  /**
   * A request of no call this client placed: {@code method} to {@code number} with a new Call-ID,
   * branch and From tag, and {@code toTag} on the To (null: none; a tag makes it look like a
   * request within a dialog the gateway never had).
   */
  String request(String method, String number, String toTag) {
    StringBuilder b = new StringBuilder();
    for (String line : invite(number, null).split("\r\n")) {
      if (line.isEmpty()) break;
      if (line.startsWith("INVITE ")) b.append(method).append(line.substring(6));
      else if (line.startsWith("CSeq:")) b.append("CSeq: 1 ").append(method);
      else if (line.startsWith("To:") && toTag != null) b.append(line).append(";tag=").append(toTag);
      else if (line.startsWith("Content-")) continue;
      else b.append(line);
      b.append("\r\n");
    }
    return b.append("Content-Length: 0\r\n\r\n").toString();
  }

  /** A call this client placed and the gateway answered: its INVITE and the 200 that answered it. */
  record Answered(String invite, String ok) {
    /** The gateway's RTP port from its SDP answer. */
    int mediaPort() {
      return Integer.parseInt(ok.replaceAll("(?s).*m=audio (\\d+) .*", "$1"));
    }
  }

  /** Places a call to {@code number}, requires the 200, and ACKs it. */
  Answered answered(String number, String sdp) throws IOException {
    String invite = invite(number, sdp);
    send(invite);
    String ok = finalResponse(5000).orElseThrow(() -> new AssertionError("no answer to the INVITE to " + number));
    if (status(ok) != 200) throw new AssertionError("the INVITE to " + number + " got " + ok);
    send(inDialog(invite, ok, "ACK", 1));
    return new Answered(invite, ok);
  }

  /** One RTP packet: PCMU, 20 ms (160 samples), sequence {@code seq}, the given payload. */
  static byte[] rtp(int seq, int ssrc, byte[] payload) {
    byte[] packet = new byte[12 + payload.length];
    packet[0] = (byte) 0x80;
    packet[2] = (byte) (seq >> 8);
    packet[3] = (byte) seq;
    int ts = seq * 160;
    packet[4] = (byte) (ts >> 24);
    packet[5] = (byte) (ts >> 16);
    packet[6] = (byte) (ts >> 8);
    packet[7] = (byte) ts;
    packet[8] = (byte) (ssrc >> 24);
    packet[9] = (byte) (ssrc >> 16);
    packet[10] = (byte) (ssrc >> 8);
    packet[11] = (byte) ssrc;
    System.arraycopy(payload, 0, packet, 12, payload.length);
    return packet;
  }

  /**
   * The RFC 4733 packets of one key press (payload type 101): a start, an update and the end sent
   * three times, all with the press's {@code timestamp}; {@code seq} is the first sequence number.
   */
  static java.util.List<byte[]> keyPress(char key, int seq, int timestamp, int ssrc) {
    int event = key == '*' ? 10 : key == '#' ? 11 : key - '0';
    java.util.List<byte[]> packets = new java.util.ArrayList<>();
    int[] durations = {160, 320, 480, 480, 480};
    for (int i = 0; i < durations.length; i++) {
      byte[] p = new byte[16];
      p[0] = (byte) 0x80;
      p[1] = (byte) ((i == 0 ? 0x80 : 0) | 101);
      p[2] = (byte) ((seq + i) >> 8);
      p[3] = (byte) (seq + i);
      p[4] = (byte) (timestamp >> 24);
      p[5] = (byte) (timestamp >> 16);
      p[6] = (byte) (timestamp >> 8);
      p[7] = (byte) timestamp;
      p[8] = (byte) (ssrc >> 24);
      p[9] = (byte) (ssrc >> 16);
      p[10] = (byte) (ssrc >> 8);
      p[11] = (byte) ssrc;
      p[12] = (byte) event;
      p[13] = (byte) ((i >= 2 ? 0x80 : 0) | 10);
      p[14] = (byte) (durations[i] >> 8);
      p[15] = (byte) durations[i];
      packets.add(p);
    }
    return packets;
  }

  static int status(String response) {
    return Integer.parseInt(response.substring(8, 11));
  }

  static Optional<String> header(String message, String name) {
    for (String line : message.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
        return Optional.of(line.substring(colon + 1).trim());
    }
    return Optional.empty();
  }

  /** Every value of every {@code name} header line, comma-separated values apart (e.g. Allow). */
  static List<String> headerValues(String message, String name) {
    List<String> values = new ArrayList<>();
    for (String line : message.split("\r\n")) {
      if (line.isEmpty()) break;
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
        for (String v : line.substring(colon + 1).split(",")) if (!v.isBlank()) values.add(v.trim());
    }
    return values;
  }

  @Override
  public void close() {
    socket.close();
  }
}
