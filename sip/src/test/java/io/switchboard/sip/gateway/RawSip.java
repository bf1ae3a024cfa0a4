package io.switchboard.sip.gateway;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/** A bare UDP SIP client for what sipp cannot say: wrong requests, and reading any answer. */
final class RawSip implements AutoCloseable {

  final DatagramSocket socket;
  private final int gatewayPort;

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

  @Override
  public void close() {
    socket.close();
  }
}
