package io.switchboard.sip.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtpPacketTest {

  @Test
  void buildAndParseRoundTrip() {
    byte[] payload = new byte[160];
    Arrays.fill(payload, (byte) 0x55);
    RtpPacket p = new RtpPacket(true, 8, 65535, 0xFFFF_FFF0L, 0xDEAD_BEEFL, payload);
    byte[] bytes = p.toBytes();
    assertThat(bytes).hasSize(172);
    assertThat(bytes[0]).isEqualTo((byte) 0x80);
    assertThat(bytes[1]).isEqualTo((byte) 0x88);
    RtpPacket back = RtpPacket.parse(bytes).orElseThrow();
    assertThat(back.marker()).isTrue();
    assertThat(back.payloadType()).isEqualTo(8);
    assertThat(back.sequence()).isEqualTo(65535);
    assertThat(back.timestamp()).isEqualTo(0xFFFF_FFF0L);
    assertThat(back.ssrc()).isEqualTo(0xDEAD_BEEFL);
    assertThat(back.payload()).isEqualTo(payload);
  }

  @Test
  void csrcsExtensionAndPaddingAreSkipped() {
    byte[] b = {
        (byte) 0xB1, 0x00, 0x00, 0x01, 0, 0, 0, 2, 0, 0, 0, 3, // V=2, P, X, CC=1
        9, 9, 9, 9, // CSRC
        0x12, 0x34, 0x00, 0x01, 7, 7, 7, 7, // extension: one word
        1, 2, 3, // payload
        0, 0, 3 // padding, its count last
    };
    RtpPacket p = RtpPacket.parse(b).orElseThrow();
    assertThat(p.payload()).containsExactly(1, 2, 3);
    assertThat(p.sequence()).isEqualTo(1);
  }

  @Test
  void garbageIsRejectedWithoutExceptions() {
    assertThat(RtpPacket.parse(new byte[0])).isEmpty();
    assertThat(RtpPacket.parse(new byte[11])).isEmpty();
    assertThat(RtpPacket.parse(null)).isEmpty();
    byte[] v1 = new RtpPacket(false, 0, 1, 1, 1, new byte[4]).toBytes();
    v1[0] = 0x40;
    assertThat(RtpPacket.parse(v1)).isEmpty();
    byte[] tooManyCsrcs = new RtpPacket(false, 0, 1, 1, 1, new byte[4]).toBytes();
    tooManyCsrcs[0] = (byte) 0x8F;
    assertThat(RtpPacket.parse(tooManyCsrcs)).isEmpty();
    byte[] paddingTooLong = new RtpPacket(false, 0, 1, 1, 1, new byte[4]).toBytes();
    paddingTooLong[0] = (byte) 0xA0;
    paddingTooLong[paddingTooLong.length - 1] = 100;
    assertThat(RtpPacket.parse(paddingTooLong)).isEmpty();
    byte[] extensionTooLong = new RtpPacket(false, 0, 1, 1, 1, new byte[4]).toBytes();
    extensionTooLong[0] = (byte) 0x90;
    extensionTooLong[14] = 0x7F;
    assertThat(RtpPacket.parse(extensionTooLong)).isEmpty();
    assertThat(RtpPacket.parse(new byte[20], 15, 10)).isEmpty();
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      byte[] junk = new byte[random.nextInt(64)];
      random.nextBytes(junk);
      RtpPacket.parse(junk); // must not throw
    }
  }

  @Test
  void outOfRangeFieldsAreRefused() {
    assertThatThrownBy(() -> new RtpPacket(false, 128, 0, 0, 0, new byte[0])).hasMessageContaining("payload type");
    assertThatThrownBy(() -> new RtpPacket(false, 0, 65536, 0, 0, new byte[0])).hasMessageContaining("sequence");
  }

  @Test
  void telephoneEventRoundTrip() {
    TelephoneEvent e = new TelephoneEvent(11, true, 10, 1600);
    byte[] b = e.toBytes();
    assertThat(b).containsExactly(11, (byte) 0x8A, 0x06, 0x40);
    assertThat(TelephoneEvent.parse(b, 0, 4)).contains(e);
    assertThat(e.digit()).contains('#');
    assertThat(new TelephoneEvent(16, false, 0, 0).digit()).isEmpty();
    assertThat(TelephoneEvent.eventOf('*')).isEqualTo(10);
    assertThat(TelephoneEvent.eventOf('d')).isEqualTo(15);
    assertThat(TelephoneEvent.parse(b, 1, 3)).isEmpty();
    assertThatThrownBy(() -> TelephoneEvent.eventOf('x')).hasMessageContaining("not a DTMF key");
  }
}
