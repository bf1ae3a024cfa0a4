package io.switchboard.sip.media;

import java.util.Optional;

/** The audio codecs the media engine speaks: the two G.711 laws, static RTP payload types (RFC 3551). */
public enum Codec {
  PCMU(0, "PCMU"),
  PCMA(8, "PCMA");

  /** Both laws sample at 8 kHz; the engine sends 20 ms packets. */
  public static final int CLOCK_RATE = 8000;
  public static final int SAMPLES_PER_FRAME = 160;

  private final int payloadType;
  private final String encodingName;

  Codec(int payloadType, String encodingName) {
    this.payloadType = payloadType;
    this.encodingName = encodingName;
  }

  public int payloadType() {
    return payloadType;
  }

  public String encodingName() {
    return encodingName;
  }

  /** The code of a zero sample, used to pad the last frame of a prompt. */
  public byte silence() {
    return this == PCMU ? (byte) 0xFF : (byte) 0xD5;
  }

  public static Optional<Codec> forPayloadType(int payloadType) {
    return switch (payloadType) {
      case 0 -> Optional.of(PCMU);
      case 8 -> Optional.of(PCMA);
      default -> Optional.empty();
    };
  }

  /** By SDP encoding name (case-insensitive, as in a=rtpmap). */
  public static Optional<Codec> forEncodingName(String name) {
    for (Codec c : values()) if (c.encodingName.equalsIgnoreCase(name)) return Optional.of(c);
    return Optional.empty();
  }
}
