package io.switchboard.sip.media;

/**
 * G.711 µ-law and A-law for 16-bit linear samples, following the bit layout of ITU-T G.711 and the
 * G.191 reference (µ-law on a 14-bit magnitude with bias 33, A-law on a 12-bit magnitude, both
 * with the one's complement of negative samples so that -32768 needs no special case).
 *
 * <p>Why not the JDK's converters for encoding: on JDK 17 its µ-law encoder wraps near full scale
 * (+32767 becomes 0xFF, i.e. silence) and its A-law encoder turns -1..-7 into -248; decoding by the
 * JDK agrees with the tables here and is still used to read µ-law/A-law files.
 */
final class G711 {

  private static final short[] ULAW_TO_LINEAR = new short[256];
  private static final short[] ALAW_TO_LINEAR = new short[256];
  private static final byte[] ULAW_TO_ALAW = new byte[256];
  private static final byte[] ALAW_TO_ULAW = new byte[256];

  static {
    for (int code = 0; code < 256; code++) {
      ULAW_TO_LINEAR[code] = (short) expandUlaw(code);
      ALAW_TO_LINEAR[code] = (short) expandAlaw(code);
    }
    // Transcoding through the linear value: the result is within one quantisation step.
    for (int code = 0; code < 256; code++) {
      ULAW_TO_ALAW[code] = alaw(ULAW_TO_LINEAR[code]);
      ALAW_TO_ULAW[code] = ulaw(ALAW_TO_LINEAR[code]);
    }
  }

  private G711() {}

  static byte ulaw(int pcm) {
    int mask = pcm < 0 ? 0x7F : 0xFF;
    int magnitude = ((pcm < 0 ? ~pcm : pcm) >> 2) + 33;
    if (magnitude > 0x1FFF) magnitude = 0x1FFF;
    // magnitude is at least 33, so its highest bit is 5..12: segments 0..7
    int segment = (31 - Integer.numberOfLeadingZeros(magnitude)) - 5;
    int mantissa = (magnitude >> (segment + 1)) & 0x0F;
    return (byte) (((segment << 4) | mantissa) ^ mask);
  }

  static byte alaw(int pcm) {
    int magnitude = (pcm < 0 ? ~pcm : pcm) >> 4;
    int code;
    if (magnitude < 16) {
      code = magnitude;
    } else {
      int segment = (31 - Integer.numberOfLeadingZeros(magnitude)) - 3;
      code = (segment << 4) | ((magnitude >> (segment - 1)) & 0x0F);
    }
    if (pcm >= 0) code |= 0x80;
    return (byte) (code ^ 0x55);
  }

  static short ulawToLinear(byte code) {
    return ULAW_TO_LINEAR[code & 0xFF];
  }

  static short alawToLinear(byte code) {
    return ALAW_TO_LINEAR[code & 0xFF];
  }

  static byte ulawToAlaw(byte code) {
    return ULAW_TO_ALAW[code & 0xFF];
  }

  static byte alawToUlaw(byte code) {
    return ALAW_TO_ULAW[code & 0xFF];
  }

  static byte encode(Codec codec, int pcm) {
    return codec == Codec.PCMU ? ulaw(pcm) : alaw(pcm);
  }

  static short decode(Codec codec, byte code) {
    return codec == Codec.PCMU ? ulawToLinear(code) : alawToLinear(code);
  }

  /** One code of {@code from} as the nearest code of {@code to}. */
  static byte transcode(Codec from, Codec to, byte code) {
    if (from == to) return code;
    return from == Codec.PCMU ? ulawToAlaw(code) : alawToUlaw(code);
  }

  private static int expandUlaw(int code) {
    int u = ~code & 0xFF;
    int segment = (u >> 4) & 0x07;
    int magnitude = ((((u & 0x0F) << 3) | 0x84) << segment) - 0x84;
    return (u & 0x80) != 0 ? -magnitude : magnitude;
  }

  private static int expandAlaw(int code) {
    int a = (code ^ 0x55) & 0xFF;
    int segment = (a >> 4) & 0x07;
    int mantissa = a & 0x0F;
    if (segment > 0) mantissa += 16;
    int magnitude = (mantissa << 4) + 8;
    if (segment > 1) magnitude <<= segment - 1;
    return (a & 0x80) != 0 ? magnitude : -magnitude;
  }
}
