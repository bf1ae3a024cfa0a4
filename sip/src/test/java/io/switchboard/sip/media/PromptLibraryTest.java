package io.switchboard.sip.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptLibraryTest {

  static final List<String> GATEWAY_PROMPTS = standardNames();

  @TempDir Path dir;

  static List<String> standardNames() {
    List<String> names = new ArrayList<>(List.of("welcome", "position-intro", "position-outro", "wait-intro",
        "wait-less-than-minute", "wait-more-than-ten-minutes", "hold-music", "closed", "goodbye", "menu-example", "invalid-choice", "voicemail",
        "beep", "connecting", "enter-customer-number", "transfer-failed"));
    for (int i = 1; i <= 20; i++) names.add("position-" + i);
    for (int i = 1; i <= 10; i++) names.add("minutes-" + i);
    return names;
  }

  @Test
  void bundledPromptsAreAllThere() throws IOException {
    PromptLibrary library = PromptLibrary.fromClasspath();
    assertThat(library.names()).containsExactlyInAnyOrderElementsOf(GATEWAY_PROMPTS);
    long bytes = 0;
    for (String name : GATEWAY_PROMPTS) {
      Prompt p = library.get(name);
      assertThat(p.frames()).as(name).isPositive();
      assertThat(p.length()).as(name).isBetween(Duration.ofMillis(200), Duration.ofSeconds(12));
      try (InputStream in = PromptLibrary.class.getResourceAsStream("/prompts/" + name + ".wav")) {
        bytes += in.readAllBytes().length;
      }
    }
    assertThat(bytes).as("bundled prompt bytes").isLessThan(1_500_000);
    assertThat(library.get("beep").frames()).isEqualTo(20);
    assertThat(library.get("hold-music").length()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(11));
    assertThat(library.get("welcome").length()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
  }

  @Test
  void beepIsA1kHzTone() {
    Prompt beep = PromptLibrary.fromClasspath().get("beep");
    byte[] frame = beep.frame(Codec.PCMU, 10);
    assertThat(frame).hasSize(160);
    // 1 kHz at 8 kHz: the waveform repeats every 8 samples.
    for (int i = 0; i + 8 < 160; i++)
      assertThat(Math.abs(G711.ulawToLinear(frame[i]) - G711.ulawToLinear(frame[i + 8]))).isLessThan(1500);
    int peak = 0;
    for (byte b : frame) peak = Math.max(peak, Math.abs(G711.ulawToLinear(b)));
    assertThat(peak).isGreaterThan(8000);
  }

  @Test
  void wavAtAnotherRateAndInStereoIsResampled() throws Exception {
    writeTone(dir.resolve("greeting.wav"), 22050, 2, 1.0, AudioFileFormat.Type.WAVE);
    PromptLibrary library = PromptLibrary.fromDirectory(dir);
    Prompt p = library.get("greeting");
    assertThat(p.frames()).isBetween(49, 51);
    // 400 Hz at amplitude 10000 survives resampling with its level.
    int peak = 0;
    for (int i = 10; i < 40; i++) for (byte b : p.frame(Codec.PCMA, i)) peak = Math.max(peak, Math.abs(G711.alawToLinear(b)));
    assertThat(peak).isBetween(9000, 11000);
    assertThat(p.frame(Codec.PCMU, p.frames() - 1)).hasSize(160);
  }

  @Test
  void auFileInUlaw() throws Exception {
    writeTone(dir.resolve("outage.au"), 8000, 1, 0.5, AudioFileFormat.Type.AU);
    PromptLibrary library = PromptLibrary.fromDirectory(dir);
    assertThat(library.get("outage").frames()).isEqualTo(25);
  }

  @Test
  void gsmIsRefusedWithAClearMessage() throws Exception {
    Path gsm = Files.write(dir.resolve("old.gsm"), new byte[330]);
    PromptLibrary library = PromptLibrary.fromDirectory(dir);
    assertThat(library.has("old")).isFalse();
    assertThatThrownBy(() -> library.with("old", gsm)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("old").hasMessageContaining("GSM 06.10").hasMessageContaining("not supported");
  }

  @Test
  void filesThatAreNotAudioAreSkippedOrRefused() throws Exception {
    Path bad = Files.writeString(dir.resolve("broken.wav"), "not really a wave file");
    writeTone(dir.resolve("good.wav"), 8000, 1, 0.2, AudioFileFormat.Type.WAVE);
    PromptLibrary library = PromptLibrary.fromDirectory(dir);
    assertThat(library.names()).containsExactly("good");
    assertThatThrownBy(() -> library.with("broken", bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prompt 'broken'").hasMessageContaining("not a WAV or AU file");
    assertThatThrownBy(() -> library.with("../evil", dir.resolve("good.wav"))).hasMessageContaining("not a usable prompt name");
  }

  @Test
  void hotPromptsAddedAndReplacedWhileRunning() throws Exception {
    PromptLibrary library = PromptLibrary.fromClasspath().withDirectory(dir);
    assertThat(library.has("outage")).isFalse();
    assertThatThrownBy(() -> library.get("outage")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown prompt 'outage'");

    // Dropped into the directory later: found on first use.
    writeTone(dir.resolve("outage.wav"), 8000, 1, 0.4, AudioFileFormat.Type.WAVE);
    assertThat(library.get("outage").frames()).isEqualTo(20);

    // Changed on disk: refresh picks it up.
    writeTone(dir.resolve("outage.wav"), 8000, 1, 0.8, AudioFileFormat.Type.WAVE);
    Files.setLastModifiedTime(dir.resolve("outage.wav"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
    assertThat(library.refresh().get("outage").frames()).isEqualTo(40);

    // A hot prompt replaces a bundled one of the same name.
    Path welcome = writeTone(dir.resolve("other.wav"), 8000, 1, 0.6, AudioFileFormat.Type.WAVE);
    assertThat(library.with("welcome", welcome).get("welcome").frames()).isEqualTo(30);
  }

  @Test
  void unknownDirectoryIsRefused() {
    assertThatThrownBy(() -> PromptLibrary.fromDirectory(dir.resolve("missing"))).hasMessageContaining("does not exist");
  }

  /** A 400 Hz tone of amplitude 10000: 16-bit PCM for WAV, µ-law for AU. */
  static Path writeTone(Path file, int rate, int channels, double seconds, AudioFileFormat.Type type) throws Exception {
    int frames = (int) (rate * seconds);
    byte[] pcm = new byte[frames * channels * 2];
    for (int i = 0; i < frames; i++) {
      short s = (short) Math.round(10000 * Math.sin(2 * Math.PI * 400 * i / rate));
      for (int c = 0; c < channels; c++) {
        int at = (i * channels + c) * 2;
        pcm[at] = (byte) s;
        pcm[at + 1] = (byte) (s >> 8);
      }
    }
    AudioFormat format = new AudioFormat(rate, 16, channels, true, false);
    AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format, frames);
    if (type == AudioFileFormat.Type.AU) {
      in = AudioSystem.getAudioInputStream(new AudioFormat(AudioFormat.Encoding.ULAW, rate, 8, channels, channels, rate, true), in);
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    AudioSystem.write(in, type, tmp.toFile());
    return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
