package io.switchboard.sip.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;

class G711Test {

  @Test
  void ulawKnownValues() {
    assertThat(G711.ulaw(0)).isEqualTo((byte) 0xFF);
    assertThat(G711.ulaw(-1)).isEqualTo((byte) 0x7F);
    assertThat(G711.ulaw(32767)).isEqualTo((byte) 0x80);
    assertThat(G711.ulaw(-32768)).isEqualTo((byte) 0x00);
    assertThat(G711.ulaw(1000)).isEqualTo((byte) 0xCE);
    assertThat(G711.ulawToLinear((byte) 0xFF)).isEqualTo((short) 0);
    assertThat(G711.ulawToLinear((byte) 0x7F)).isEqualTo((short) 0);
    assertThat(G711.ulawToLinear((byte) 0x80)).isEqualTo((short) 32124);
    assertThat(G711.ulawToLinear((byte) 0x00)).isEqualTo((short) -32124);
    assertThat(G711.ulawToLinear((byte) 0xCE)).isEqualTo((short) 988);
  }

  @Test
  void alawKnownValues() {
    assertThat(G711.alaw(0)).isEqualTo((byte) 0xD5);
    assertThat(G711.alaw(-1)).isEqualTo((byte) 0x55);
    assertThat(G711.alaw(32767)).isEqualTo((byte) 0xAA);
    assertThat(G711.alaw(-32768)).isEqualTo((byte) 0x2A);
    assertThat(G711.alaw(1000)).isEqualTo((byte) 0xFA);
    assertThat(G711.alawToLinear((byte) 0xD5)).isEqualTo((short) 8);
    assertThat(G711.alawToLinear((byte) 0x55)).isEqualTo((short) -8);
    assertThat(G711.alawToLinear((byte) 0xAA)).isEqualTo((short) 32256);
    assertThat(G711.alawToLinear((byte) 0x2A)).isEqualTo((short) -32256);
    assertThat(G711.alawToLinear((byte) 0xFA)).isEqualTo((short) 1008);
  }

  @Test
  void silenceCodes() {
    assertThat(G711.ulaw(0)).isEqualTo(Codec.PCMU.silence());
    assertThat(G711.alaw(0)).isEqualTo(Codec.PCMA.silence());
  }

  /** An independent implementation: the JDK's decoders must agree on every code. */
  @Test
  void decodingAgreesWithTheJdk() throws Exception {
    for (Codec c : Codec.values()) {
      byte[] codes = new byte[256];
      for (int i = 0; i < 256; i++) codes[i] = (byte) i;
      AudioFormat.Encoding enc = c == Codec.PCMU ? AudioFormat.Encoding.ULAW : AudioFormat.Encoding.ALAW;
      AudioFormat law = new AudioFormat(enc, 8000, 8, 1, 1, 8000, false);
      AudioFormat pcm = new AudioFormat(8000, 16, 1, true, false);
      byte[] decoded = AudioSystem.getAudioInputStream(pcm,
          new AudioInputStream(new ByteArrayInputStream(codes), law, 256)).readAllBytes();
      for (int i = 0; i < 256; i++) {
        short jdk = (short) ((decoded[2 * i] & 0xFF) | (decoded[2 * i + 1] << 8));
        assertThat(G711.decode(c, (byte) i)).as("%s code %02x", c, i).isEqualTo(jdk);
      }
    }
  }

  @Test
  void decodeThenEncodeGivesTheSameCode() {
    for (Codec c : Codec.values()) {
      for (int i = 0; i < 256; i++) {
        byte code = (byte) i;
        short linear = G711.decode(c, code);
        // µ-law has two zeros (0x7F and 0xFF); both decode to 0, which encodes as +0.
        byte expected = c == Codec.PCMU && i == 0x7F ? (byte) 0xFF : code;
        assertThat(G711.encode(c, linear)).as("%s code %02x", c, i).isEqualTo(expected);
      }
    }
  }

  @Test
  void transcodingTablesKeepTheSign() {
    assertThat(G711.ulawToAlaw(G711.ulaw(1000))).isEqualTo(G711.alaw(988));
    assertThat(G711.alawToUlaw(Codec.PCMA.silence())).isEqualTo(G711.ulaw(8));
    for (int i = 0; i < 256; i++) {
      short u = G711.ulawToLinear((byte) i);
      short a = G711.alawToLinear(G711.ulawToAlaw((byte) i));
      assertThat(Integer.signum(u) * Integer.signum(a)).isGreaterThanOrEqualTo(0);
    }
  }
}
