package io.switchboard.sip.media;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/** The far end of a leg in tests: a plain UDP socket on 127.0.0.1 that sends and collects RTP. */
final class Phone implements AutoCloseable {

  final DatagramSocket socket;
  int sequence;
  private long timestamp = 1000;
  final long ssrc;

  Phone(long ssrc) throws IOException {
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.ssrc = ssrc;
    this.sequence = (int) (ssrc % 60000);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  void send(MediaLeg leg, byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), leg.localPort()));
  }

  void send(MediaLeg leg, RtpPacket packet) throws IOException {
    send(leg, packet.toBytes());
  }

  /** One 20 ms audio packet of this phone's stream. */
  RtpPacket audio(int payloadType, byte[] payload) {
    RtpPacket p = new RtpPacket(false, payloadType, sequence, timestamp, ssrc, payload);
    sequence = (sequence + 1) & 0xFFFF;
    timestamp += payload.length;
    return p;
  }

  /** One packet of an RFC 4733 event at {@code eventTimestamp}. */
  RtpPacket event(int payloadType, long eventTimestamp, TelephoneEvent e, boolean marker) {
    RtpPacket p = new RtpPacket(marker, payloadType, sequence, eventTimestamp, ssrc, e.toBytes());
    sequence = (sequence + 1) & 0xFFFF;
    return p;
  }

  /** Packets until {@code count} arrived or nothing came for {@code quietMillis}. */
  List<RtpPacket> receive(int count, int quietMillis) throws IOException {
    List<RtpPacket> packets = new ArrayList<>();
    byte[] buf = new byte[2048];
    socket.setSoTimeout(quietMillis);
    while (packets.size() < count) {
      DatagramPacket d = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(d);
      } catch (SocketTimeoutException ex) {
        break;
      }
      RtpPacket.parse(d.getData(), d.getOffset(), d.getLength()).ifPresent(packets::add);
    }
    return packets;
  }

  @Override
  public void close() {
    socket.close();
  }
}
