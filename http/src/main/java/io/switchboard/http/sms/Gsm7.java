package io.switchboard.http.sms;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The GSM 03.38 default alphabet (data_coding 0x00), one septet per octet (unpacked), as SMPP
 * carries it: the SMSC packs septets for the air interface. Characters of the extension table
 * ({@code € [ ] { } \ ^ ~ |} and form feed) take two septets, escape and code. jSMPP has no GSM
 * charset of its own, hence this table.
 */
final class Gsm7 {
  private Gsm7() {}

  static final int ESCAPE = 0x1B;

  /** Index = septet. 0x1B (escape) has no character of its own. */
  private static final String BASIC =
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
          + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

  /** Extension table: character, then the septet that follows the escape. */
  private static final char[][] EXTENSION = {
      {'\f', 0x0A}, {'^', 0x14}, {'{', 0x28}, {'}', 0x29}, {'\\', 0x2F}, {'[', 0x3C}, {'~', 0x3D}, {']', 0x3E},
      {'|', 0x40}, {'€', 0x65}};

  /** Septets of each char (below U+2100 and €): basic code, ESCAPE << 8 | extension code, or -1. */
  private static final int[] CODES = new int[0x2100];

  static {
    if (BASIC.length() != 128) throw new AssertionError("GSM basic table has " + BASIC.length() + " entries");
    Arrays.fill(CODES, -1);
    for (int i = 0; i < 128; i++) if (i != ESCAPE) CODES[BASIC.charAt(i)] = i;
    for (char[] e : EXTENSION) CODES[e[0]] = ESCAPE << 8 | e[1];
  }

  private static int code(char c) {
    return c < CODES.length ? CODES[c] : -1;
  }

  /** Whether the whole text fits the default alphabet and its extension. */
  static boolean canEncode(CharSequence text) {
    for (int i = 0; i < text.length(); i++) if (code(text.charAt(i)) < 0) return false;
    return true;
  }

  /** Septets the character takes: 1, or 2 for the extension table. */
  static int septets(char c) {
    int code = code(c);
    if (code < 0) throw new IllegalArgumentException("not in the GSM 7-bit alphabet: U+" + Integer.toHexString(c));
    return code > 0x7F ? 2 : 1;
  }

  /** Unpacked septets, one per octet. */
  static byte[] encode(CharSequence text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int code = code(c);
      if (code < 0) throw new IllegalArgumentException("not in the GSM 7-bit alphabet: U+" + Integer.toHexString(c));
      if (code > 0x7F) out.write(ESCAPE);
      out.write(code & 0x7F);
    }
    return out.toByteArray();
  }

  /** The inverse of {@link #encode}; an escape before an unknown code is read as a space, as 03.38 says. */
  static String decode(byte[] septets, int offset, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = offset; i < offset + length; i++) {
      int s = septets[i] & 0x7F;
      if (s == ESCAPE && i + 1 < offset + length) {
        int e = septets[++i] & 0x7F;
        char found = ' ';
        for (char[] x : EXTENSION) if (x[1] == e) found = x[0];
        b.append(found);
      } else {
        b.append(s == ESCAPE ? ' ' : BASIC.charAt(s));
      }
    }
    return b.toString();
  }
}
