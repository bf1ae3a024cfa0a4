package io.switchboard.sip.media;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class G711Properties {

  /**
   * The largest error G.711 may make for a sample: one quantisation step of the segment the sample
   * falls in (the step doubles per segment), or the clipping at the top of the range.
   */
  static int maxError(Codec c, int sample) {
    int magnitude = sample < 0 ? ~sample : sample;
    int step;
    if (c == Codec.PCMU) {
      int biased = Math.min((magnitude >> 2) + 33, 0x1FFF); // 14-bit with the bias: segments start at 32 << s
      step = 8 << (31 - Integer.numberOfLeadingZeros(biased) - 5);
      return Math.max(step, magnitude - 32124);
    }
    int twelveBit = magnitude >> 4; // segments 0 and 1 step by 1, segment s >= 2 by 2^(s-1)
    step = twelveBit < 32 ? 16 : 16 << (31 - Integer.numberOfLeadingZeros(twelveBit) - 4);
    return Math.max(step, magnitude - 32256);
  }

  @Property(tries = 2000)
  void encodeThenDecodeIsWithinTheQuantisationError(@ForAll @IntRange(min = -32768, max = 32767) int sample) {
    for (Codec c : Codec.values()) {
      int decoded = G711.decode(c, G711.encode(c, sample));
      assertThat(Math.abs(decoded - sample)).as("%s of %d gave %d", c, sample, decoded).isLessThanOrEqualTo(maxError(c, sample));
      if (sample != 0 && decoded != 0) assertThat(Integer.signum(decoded)).isEqualTo(Integer.signum(sample));
    }
  }

  @Property(tries = 2000)
  void encodingIsMonotonic(@ForAll @IntRange(min = -32768, max = 32766) int sample) {
    for (Codec c : Codec.values()) {
      assertThat(G711.decode(c, G711.encode(c, sample + 1))).isGreaterThanOrEqualTo(G711.decode(c, G711.encode(c, sample)));
    }
  }

  /** PCMU -> PCMA -> PCMU settles after one round: a bridged call does not drift when relayed twice. */
  @Property
  void transcodingIsStable(@ForAll byte ulaw) {
    byte once = G711.alawToUlaw(G711.ulawToAlaw(ulaw));
    byte twice = G711.alawToUlaw(G711.ulawToAlaw(once));
    assertThat(twice).isEqualTo(once);
    int original = G711.ulawToLinear(ulaw);
    assertThat(Math.abs(G711.ulawToLinear(once) - original)).isLessThanOrEqualTo(2 * maxError(Codec.PCMA, original));
  }

  @Property
  void transcodingFromAlawIsStable(@ForAll byte alaw) {
    byte once = G711.ulawToAlaw(G711.alawToUlaw(alaw));
    assertThat(G711.ulawToAlaw(G711.alawToUlaw(once))).isEqualTo(once);
  }
}
