package io.switchboard.sip.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DtmfDetectorTest {

  final DtmfDetector detector = new DtmfDetector();
  final List<Character> keys = new ArrayList<>();

  void packet(int ssrc, int ts, char key, boolean end) {
    byte[] payload = new TelephoneEvent(TelephoneEvent.eventOf(key), end, 10, 400).toBytes();
    char c = detector.packet(ssrc, ts, payload, 0, payload.length);
    if (c != 0) keys.add(c);
  }

  /** Start, two updates, then {@code ends} end packets. */
  void press(int ssrc, int ts, char key, int ends) {
    packet(ssrc, ts, key, false);
    packet(ssrc, ts, key, false);
    packet(ssrc, ts, key, false);
    for (int i = 0; i < ends; i++) packet(ssrc, ts, key, true);
  }

  @Test
  void onePressOneKeyWhateverTheRetransmissions() {
    press(1, 1000, '5', 3);
    press(1, 2000, '*', 1);
    assertThat(keys).containsExactly('5', '*');
  }

  @Test
  void aLateEndOfTheEarlierPressIsIgnored() {
    press(1, 1000, '1', 1);
    press(1, 2000, '2', 1);
    packet(1, 1000, '1', true);
    assertThat(keys).containsExactly('1', '2');
  }

  @Test
  void onlyEndPacketsStillMakeOnePress() {
    packet(1, 1000, '3', true);
    packet(1, 1000, '3', true);
    packet(1, 1000, '3', true);
    assertThat(keys).containsExactly('3');
  }

  /** sipp replays its captures unchanged: the same key twice is the same packets twice. */
  @Test
  void theSamePacketsAgainAfterTheEndAreANewPress() {
    press(7, 13280, '1', 3);
    press(7, 13280, '1', 3);
    assertThat(keys).containsExactly('1', '1');
  }

  /** ...and its captures of different keys share an SSRC with unrelated timestamps. */
  @Test
  void timestampsMayGoBackwards() {
    press(7, 67840, '9', 3);
    press(7, 17632, '0', 3);
    assertThat(keys).containsExactly('9', '0');
  }

  @Test
  void flashAndShortPayloadsAreNoKeys() {
    byte[] flash = new TelephoneEvent(16, false, 10, 160).toBytes();
    assertThat(detector.packet(1, 1, flash, 0, 4)).isEqualTo((char) 0);
    assertThat(detector.packet(1, 2, new byte[3], 0, 3)).isEqualTo((char) 0);
  }
}
