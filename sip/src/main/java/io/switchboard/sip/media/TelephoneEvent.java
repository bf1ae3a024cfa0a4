package io.switchboard.sip.media;

import java.util.Optional;

/**
 * The payload of an RFC 4733 telephone-event packet: event code, end bit, volume (0-63, in -dBm0)
 * and duration in timestamp units. One key press is a series of packets with the same RTP
 * timestamp, the last ones (usually three) with the end bit set.
 */
public record TelephoneEvent(int event, boolean end, int volume, int duration) {

  public static final int LENGTH = 4;
  private static final String DIGITS = "0123456789*#ABCD";

  public TelephoneEvent {
    if (event < 0 || event > 255) throw new IllegalArgumentException("event " + event + " is not 0-255");
    if (volume < 0 || volume > 63) throw new IllegalArgumentException("volume " + volume + " is not 0-63");
    if (duration < 0 || duration > 0xFFFF) throw new IllegalArgumentException("duration " + duration + " is not 16 bits");
  }

  /** Empty when fewer than four bytes are given. */
  public static Optional<TelephoneEvent> parse(byte[] data, int offset, int length) {
    if (data == null || offset < 0 || length < LENGTH || length > data.length - offset) return Optional.empty();
    return Optional.of(new TelephoneEvent(data[offset] & 0xFF, (data[offset + 1] & 0x80) != 0,
        data[offset + 1] & 0x3F, ((data[offset + 2] & 0xFF) << 8) | (data[offset + 3] & 0xFF)));
  }

  public byte[] toBytes() {
    return new byte[] {(byte) event, (byte) ((end ? 0x80 : 0) | volume), (byte) (duration >> 8), (byte) duration};
  }

  /** The key for events 0-15 (0-9, *, #, A-D); empty for flash (16) and the rest. */
  public Optional<Character> digit() {
    char c = digitOf(event);
    return c == 0 ? Optional.empty() : Optional.of(c);
  }

  /** The event code of a DTMF key. */
  public static int eventOf(char digit) {
    int i = DIGITS.indexOf(Character.toUpperCase(digit));
    if (i < 0) throw new IllegalArgumentException("'" + digit + "' is not a DTMF key");
    return i;
  }

  /** The key of an event code, or 0 when the event is not a key. */
  static char digitOf(int event) {
    return event >= 0 && event < DIGITS.length() ? DIGITS.charAt(event) : 0;
  }
}
