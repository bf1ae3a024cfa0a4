package io.switchboard.core.soundfile;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioFormat.Encoding;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * The sound-file rules of ACD-9, shared by the upload (http) and the player (the SIP gateway): reads
 * a WAV or AU file (PCM, µ-law or A-law, any rate and channel count) into 8 kHz mono 16-bit
 * samples with the JDK's javax.sound.sampled converters. Rate and channel conversion use the
 * JDK's windowed-sinc resampler (its default linear one lets speech above 4 kHz alias back into
 * the band).
 *
 * <p>Known gap: GSM 06.10 (.gsm files, or WAV files holding GSM) cannot be read, the JDK has no
 * decoder for it; such files are refused with a message that says how to convert them.
 */
public final class SoundFileAudio {

  /** Telephone audio: what every file becomes. */
  public static final int SAMPLE_RATE = 8000;

  public static final Set<String> EXTENSIONS = Set.of("wav", "au");
  /** Longer prompts are refused: 30 minutes of hold music is already 14 MB in two laws. */
  public static final int MAX_SECONDS = 30 * 60;

  private static final Set<Encoding> READABLE = Set.of(Encoding.PCM_SIGNED, Encoding.PCM_UNSIGNED,
      Encoding.PCM_FLOAT, Encoding.ULAW, Encoding.ALAW);
  private static final AudioFormat TARGET = new AudioFormat(Encoding.PCM_SIGNED, SAMPLE_RATE, 16, 1, 2,
      SAMPLE_RATE, false, Map.of("interpolation", "sinc"));

  private SoundFileAudio() {}

  /** The extension of a file name, lower case, or "" when it has none. */
  public static String extension(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /**
   * Refuses names the loader cannot read, before opening them.
   *
   * @throws IllegalArgumentException naming {@code what} and the reason
   */
  public static void checkExtension(String what, String fileName) {
    String ext = extension(fileName);
    if (ext.equals("gsm"))
      throw new IllegalArgumentException(what + ": GSM 06.10 (.gsm) is not supported (the JDK has no GSM decoder);"
          + " convert it, e.g. sox in.gsm -r 8000 -c 1 -e u-law out.wav");
    if (!EXTENSIONS.contains(ext))
      throw new IllegalArgumentException(what + ": only .wav and .au prompt files are supported, not '" + fileName + "'");
  }

  /**
   * The samples of one file as 8 kHz mono 16-bit.
   *
   * @throws IllegalArgumentException naming {@code what} when the content is not usable audio
   */
  public static short[] read(String what, InputStream in) throws IOException {
    AudioInputStream source;
    try {
      source = AudioSystem.getAudioInputStream(in.markSupported() ? in : new BufferedInputStream(in));
    } catch (UnsupportedAudioFileException ex) {
      throw new IllegalArgumentException(what + ": not a WAV or AU file in an encoding the JDK reads"
          + " (PCM, µ-law, A-law; GSM 06.10 is not supported)", ex);
    }
    try (AudioInputStream s = source) {
      AudioFormat format = s.getFormat();
      if (!READABLE.contains(format.getEncoding()))
        throw new IllegalArgumentException(what + ": encoding " + format.getEncoding() + " is not supported"
            + " (use PCM, µ-law or A-law)");
      if (format.getSampleRate() <= 0 || format.getChannels() <= 0)
        throw new IllegalArgumentException(what + ": no sample rate or channel count in " + format);
      long frames = s.getFrameLength();
      if (frames != AudioSystem.NOT_SPECIFIED && frames / format.getSampleRate() > MAX_SECONDS)
        throw new IllegalArgumentException(what + ": longer than " + MAX_SECONDS / 60 + " minutes");
      byte[] pcm;
      try (AudioInputStream converted = toTarget(what, s)) {
        pcm = converted.readNBytes(MAX_SECONDS * SAMPLE_RATE * 2 + 2);
      }
      if (pcm.length > MAX_SECONDS * SAMPLE_RATE * 2)
        throw new IllegalArgumentException(what + ": longer than " + MAX_SECONDS / 60 + " minutes");
      short[] samples = new short[pcm.length / 2];
      for (int i = 0; i < samples.length; i++) samples[i] = (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
      if (samples.length == 0) throw new IllegalArgumentException(what + ": contains no audio");
      return samples;
    }
  }

  private static AudioInputStream toTarget(String what, AudioInputStream s) {
    AudioFormat f = s.getFormat();
    if (isTarget(f)) return s;
    // First to 16-bit signed at the file's own rate and channels (decodes µ-law/A-law/8-bit/float),
    // then rate and channels in one step.
    AudioFormat linear = new AudioFormat(Encoding.PCM_SIGNED, f.getSampleRate(), 16, f.getChannels(),
        2 * f.getChannels(), f.getSampleRate(), false);
    AudioInputStream step = s;
    if (!sameLayout(f, linear)) {
      if (!AudioSystem.isConversionSupported(linear, f))
        throw new IllegalArgumentException(what + ": cannot convert " + f + " to 16-bit PCM");
      step = AudioSystem.getAudioInputStream(linear, s);
    }
    if (isTarget(step.getFormat())) return step;
    if (!AudioSystem.isConversionSupported(TARGET, step.getFormat()))
      throw new IllegalArgumentException(what + ": cannot convert " + f + " to 8 kHz mono");
    return AudioSystem.getAudioInputStream(TARGET, step);
  }

  private static boolean isTarget(AudioFormat f) {
    return f.getSampleRate() == SAMPLE_RATE && f.getChannels() == 1 && sameLayout(f, TARGET);
  }

  private static boolean sameLayout(AudioFormat f, AudioFormat linear) {
    return f.getEncoding().equals(Encoding.PCM_SIGNED) && f.getSampleSizeInBits() == 16 && !f.isBigEndian()
        && f.getChannels() == linear.getChannels();
  }
}
