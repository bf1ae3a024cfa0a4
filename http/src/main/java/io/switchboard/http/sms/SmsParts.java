package io.switchboard.http.sms;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A text as the short_message octets of one or more submit_sm: GSM 7-bit (data_coding 0x00) when
 * every character is in the GSM alphabet, else UCS2 (0x08, UTF-16BE). A text too long for one SMS
 * (160 septets, or 70 UCS2 units) goes as concatenated parts, each starting with a user data header
 * (esm_class UDHI) that names the message (reference), the number of parts and the part's number:
 * 153 septets or 67 UCS2 units per part, the UDH taking the rest.
 *
 * <p>Why UDH and not the message_payload TLV: message_payload in submit_sm is optional in SMPP 3.4
 * and many SMSCs and aggregators refuse or truncate it, while UDH concatenation passes through every
 * SMSC unchanged (it is what handsets reassemble). Splitting here also means each part is accepted or
 * refused on its own, so a refusal says how far the message got.
 */
record SmsParts(byte dataCoding, boolean udh, List<byte[]> parts) {

  static final byte GSM7 = 0x00;
  static final byte UCS2 = 0x08;

  static final int GSM_SINGLE = 160;
  static final int GSM_PART = 153;
  static final int UCS2_SINGLE = 70;
  static final int UCS2_PART = 67;

  /** {@code reference} (0-255) tells this message's parts from another's on the handset. */
  static SmsParts of(String text, int reference) {
    if (Gsm7.canEncode(text)) {
      int septets = 0;
      for (int i = 0; i < text.length(); i++) septets += Gsm7.septets(text.charAt(i));
      if (septets <= GSM_SINGLE) return new SmsParts(GSM7, false, List.of(Gsm7.encode(text)));
      List<String> chunks = new ArrayList<>();
      int start = 0;
      int used = 0;
      for (int i = 0; i < text.length(); i++) {
        int n = Gsm7.septets(text.charAt(i));
        // An escape and its code stay in one part.
        if (used + n > GSM_PART) {
          chunks.add(text.substring(start, i));
          start = i;
          used = 0;
        }
        used += n;
      }
      chunks.add(text.substring(start));
      return withHeaders(GSM7, chunks, Gsm7::encode, reference);
    }
    if (text.length() <= UCS2_SINGLE) return new SmsParts(UCS2, false, List.of(text.getBytes(StandardCharsets.UTF_16BE)));
    List<String> chunks = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = Math.min(start + UCS2_PART, text.length());
      // A surrogate pair (emoji...) stays in one part.
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) end--;
      chunks.add(text.substring(start, end));
      start = end;
    }
    return withHeaders(UCS2, chunks, s -> s.getBytes(StandardCharsets.UTF_16BE), reference);
  }

  private static SmsParts withHeaders(byte dataCoding, List<String> chunks,
      java.util.function.Function<String, byte[]> encoder, int reference) {
    if (chunks.size() > 255) throw new IllegalArgumentException("text needs " + chunks.size() + " parts, at most 255");
    List<byte[]> parts = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      byte[] body = encoder.apply(chunks.get(i));
      byte[] part = new byte[6 + body.length];
      // IEI 0x00: concatenated short message, 8-bit reference; length 3: reference, total, number (from 1).
      part[0] = 0x05;
      part[1] = 0x00;
      part[2] = 0x03;
      part[3] = (byte) reference;
      part[4] = (byte) chunks.size();
      part[5] = (byte) (i + 1);
      System.arraycopy(body, 0, part, 6, body.length);
      parts.add(part);
    }
    return new SmsParts(dataCoding, true, List.copyOf(parts));
  }
}
