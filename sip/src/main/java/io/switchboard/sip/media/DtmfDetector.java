package io.switchboard.sip.media;

/**
 * Turns the RFC 4733 telephone-event packets of one leg into key presses. All packets of one press
 * share the RTP timestamp: the first one seen (start, update or end) is the press, later ones of
 * the same timestamp and event are ignored, including the retransmitted end packets and late
 * ones that arrive after the next press began (the last few presses are remembered).
 *
 * <p>Not "ignore older timestamps": sipp's dtmf_2833_N.pcap captures share one SSRC with unrelated
 * timestamps (0 after 9 goes backwards) and sipp replays them unchanged, so the same key twice is
 * the very same packets twice. A start or update packet after the press's end is therefore a new
 * press, an end packet never is.
 *
 * <p>Used by the selector thread only; no allocation per packet.
 */
final class DtmfDetector {

  private static final int REMEMBERED = 4;

  private final int[] ssrc = new int[REMEMBERED];
  private final int[] timestamp = new int[REMEMBERED];
  private final int[] event = new int[REMEMBERED];
  private final boolean[] used = new boolean[REMEMBERED];
  private final boolean[] ended = new boolean[REMEMBERED];
  private int next;

  /** The key of a press this packet begins, or 0 (a packet of a known press, or not a key). */
  char packet(int packetSsrc, int packetTimestamp, byte[] payload, int offset, int length) {
    if (length < TelephoneEvent.LENGTH) return 0;
    int e = payload[offset] & 0xFF;
    boolean end = (payload[offset + 1] & 0x80) != 0;
    int i = find(packetSsrc, packetTimestamp, e);
    if (i >= 0) {
      if (end) {
        ended[i] = true;
        return 0;
      }
      if (!ended[i]) return 0; // an update of the press in progress
      ended[i] = false; // the press's packets again after its end: pressed again (a replay)
    } else {
      i = next;
      next = (next + 1) % REMEMBERED;
      used[i] = true;
      ssrc[i] = packetSsrc;
      timestamp[i] = packetTimestamp;
      event[i] = e;
      ended[i] = end;
    }
    return TelephoneEvent.digitOf(e);
  }

  private int find(int packetSsrc, int packetTimestamp, int e) {
    for (int i = 0; i < REMEMBERED; i++) {
      if (used[i] && ssrc[i] == packetSsrc && timestamp[i] == packetTimestamp && event[i] == e) return i;
    }
    return -1;
  }
}
