package io.switchboard.sip.media;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * One prompt, kept pre-encoded in both G.711 laws as 20 ms frames of 160 bytes so that playing it
 * costs a copy per packet and no encoding. The last frame is padded with silence.
 */
public final class Prompt {

  private final String name;
  private final int frames;
  private final byte[] pcmu;
  private final byte[] pcma;

  /** From 8 kHz mono 16-bit samples. */
  Prompt(String name, short[] samples) {
    this.name = Objects.requireNonNull(name, "name");
    if (samples.length == 0) throw new IllegalArgumentException("prompt '" + name + "' has no audio");
    this.frames = (samples.length + Codec.SAMPLES_PER_FRAME - 1) / Codec.SAMPLES_PER_FRAME;
    this.pcmu = encode(Codec.PCMU, samples, frames);
    this.pcma = encode(Codec.PCMA, samples, frames);
  }

  public String name() {
    return name;
  }

  public int frames() {
    return frames;
  }

  /** A copy of frame {@code i} (0-based) in {@code codec}: 160 bytes. */
  public byte[] frame(Codec codec, int i) {
    Objects.checkIndex(i, frames);
    int from = i * Codec.SAMPLES_PER_FRAME;
    return Arrays.copyOfRange(data(codec), from, from + Codec.SAMPLES_PER_FRAME);
  }

  public Duration length() {
    return Duration.ofMillis(frames * 20L);
  }

  /** All frames back to back; shared, not to be modified. */
  byte[] data(Codec codec) {
    return codec == Codec.PCMU ? pcmu : pcma;
  }

  @Override
  public String toString() {
    return "Prompt[" + name + ", " + frames + " frames]";
  }

  private static byte[] encode(Codec codec, short[] samples, int frames) {
    byte[] out = new byte[frames * Codec.SAMPLES_PER_FRAME];
    for (int i = 0; i < samples.length; i++) out[i] = G711.encode(codec, samples[i]);
    Arrays.fill(out, samples.length, out.length, codec.silence());
    return out;
  }
}
