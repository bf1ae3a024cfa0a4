package io.switchboard.sip.media;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * An RTP version 2 packet (RFC 3550): marker, payload type, sequence number, timestamp, SSRC and
 * payload; CSRCs, header extensions and padding are accepted on input and skipped.
 *
 * <p>The engine's receive and send paths do not build instances: they read headers through a
 * reusable {@link Header} and write them with {@link #writeHeader}, so that thousands of legs cost
 * no garbage per packet. Instances are for tests and for code outside the hot path.
 */
public final class RtpPacket {

  public static final int HEADER_LENGTH = 12;

  private final boolean marker;
  private final int payloadType;
  private final int sequence;
  private final long timestamp;
  private final long ssrc;
  private final byte[] payload;

  public RtpPacket(boolean marker, int payloadType, int sequence, long timestamp, long ssrc, byte[] payload) {
    if (payloadType < 0 || payloadType > 127) throw new IllegalArgumentException("payload type " + payloadType + " is not 0-127");
    if (sequence < 0 || sequence > 0xFFFF) throw new IllegalArgumentException("sequence " + sequence + " is not 16 bits");
    if (timestamp < 0 || timestamp > 0xFFFF_FFFFL) throw new IllegalArgumentException("timestamp " + timestamp + " is not 32 bits");
    if (ssrc < 0 || ssrc > 0xFFFF_FFFFL) throw new IllegalArgumentException("ssrc " + ssrc + " is not 32 bits");
    this.marker = marker;
    this.payloadType = payloadType;
    this.sequence = sequence;
    this.timestamp = timestamp;
    this.ssrc = ssrc;
    this.payload = payload.clone();
  }

  public boolean marker() {
    return marker;
  }

  public int payloadType() {
    return payloadType;
  }

  /** 0-65535. */
  public int sequence() {
    return sequence;
  }

  /** Unsigned 32 bits. */
  public long timestamp() {
    return timestamp;
  }

  /** Unsigned 32 bits. */
  public long ssrc() {
    return ssrc;
  }

  public byte[] payload() {
    return payload.clone();
  }

  public int payloadLength() {
    return payload.length;
  }

  /** Empty for anything that is not a well-formed RTP v2 packet; never throws for bad input. */
  public static Optional<RtpPacket> parse(byte[] data, int offset, int length) {
    Header h = new Header();
    if (data == null || offset < 0 || length < 0 || length > data.length - offset || !h.read(data, offset, length))
      return Optional.empty();
    return Optional.of(new RtpPacket(h.marker, h.payloadType, h.sequence, h.timestamp & 0xFFFF_FFFFL,
        h.ssrc & 0xFFFF_FFFFL, Arrays.copyOfRange(data, h.payloadOffset, h.payloadOffset + h.payloadLength)));
  }

  public static Optional<RtpPacket> parse(byte[] data) {
    return parse(data, 0, data == null ? 0 : data.length);
  }

  public byte[] toBytes() {
    ByteBuffer buf = ByteBuffer.allocate(HEADER_LENGTH + payload.length);
    writeHeader(buf, marker, payloadType, sequence, (int) timestamp, (int) ssrc);
    buf.position(HEADER_LENGTH);
    buf.put(payload);
    return buf.array();
  }

  @Override
  public String toString() {
    return "RtpPacket[pt=" + payloadType + ", seq=" + sequence + ", ts=" + timestamp + ", ssrc=" + ssrc
        + (marker ? ", marker" : "") + ", " + payload.length + " bytes]";
  }

  /** Writes a 12-byte header (no CSRC, extension or padding) at absolute index 0 of {@code buf}. */
  static void writeHeader(ByteBuffer buf, boolean marker, int payloadType, int sequence, int timestamp, int ssrc) {
    buf.put(0, (byte) 0x80);
    buf.put(1, (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F)));
    buf.putShort(2, (short) sequence);
    buf.putInt(4, timestamp);
    buf.putInt(8, ssrc);
  }

  /** A reusable view of one received header; one per thread, filled by {@link #read}. */
  static final class Header {
    boolean marker;
    int payloadType;
    int sequence;
    int timestamp;
    int ssrc;
    int payloadOffset;
    int payloadLength;

    /** False (and nothing thrown) when the bytes are not RTP v2 or their lengths do not add up. */
    boolean read(byte[] b, int offset, int length) {
      if (length < HEADER_LENGTH) return false;
      int first = b[offset] & 0xFF;
      if ((first >> 6) != 2) return false;
      int headerLength = HEADER_LENGTH + 4 * (first & 0x0F);
      if (length < headerLength) return false;
      if ((first & 0x10) != 0) {
        if (length < headerLength + 4) return false;
        int words = ((b[offset + headerLength + 2] & 0xFF) << 8) | (b[offset + headerLength + 3] & 0xFF);
        headerLength += 4 + 4 * words;
        if (length < headerLength) return false;
      }
      int padding = 0;
      if ((first & 0x20) != 0) {
        padding = b[offset + length - 1] & 0xFF;
        if (padding == 0 || headerLength + padding > length) return false;
      }
      int second = b[offset + 1] & 0xFF;
      marker = (second & 0x80) != 0;
      payloadType = second & 0x7F;
      sequence = ((b[offset + 2] & 0xFF) << 8) | (b[offset + 3] & 0xFF);
      timestamp = readInt(b, offset + 4);
      ssrc = readInt(b, offset + 8);
      payloadOffset = offset + headerLength;
      payloadLength = length - headerLength - padding;
      return true;
    }

    private static int readInt(byte[] b, int i) {
      return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }
  }
}
