package io.switchboard.http.soundfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * GSM 06.10 uploads (ACD-9) to WAV with SoX, the tool telephony systems convert prompts with: the
 * JDK has no GSM decoder, and the Java ones are GPL. A node without SoX refuses GSM uploads and
 * says so.
 */
final class GsmConverter {

  /** A GSM 06.10 frame: 20 ms of audio. */
  private static final int FRAME = 33;

  private final String sox;

  GsmConverter(String sox) {
    this.sox = sox;
  }

  boolean available() {
    return sox != null && !sox.isBlank();
  }

  /** 8 kHz mono 16-bit WAV of the GSM frames in {@code gsm}. */
  byte[] toWav(byte[] gsm) throws IOException {
    if (!available()) throw new IllegalArgumentException("GSM files cannot be converted on this node (no SoX "
        + "configured in switchboard.sound-files.sox); upload WAV or AU");
    if (gsm.length < FRAME || gsm.length % FRAME != 0)
      throw new IllegalArgumentException("not a GSM 06.10 file: " + gsm.length + " bytes is not a whole number of "
          + FRAME + "-byte frames");
    Path dir = Files.createTempDirectory("gsm-upload");
    Path in = dir.resolve("in.gsm");
    Path out = dir.resolve("out.wav");
    try {
      Files.write(in, gsm);
      Process p;
      try {
        p = new ProcessBuilder(List.of(sox, "-q", "-t", "gsm", in.toString(), "-t", "wav", "-e", "signed-integer",
            "-b", "16", "-r", "8000", "-c", "1", out.toString())).redirectErrorStream(true).start();
      } catch (IOException ex) {
        throw new IllegalArgumentException("GSM files cannot be converted on this node (" + sox + " did not start: "
            + ex.getMessage() + "); upload WAV or AU");
      }
      byte[] messages = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalArgumentException("the GSM file took too long to convert");
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(out))
        throw new IllegalArgumentException("not a GSM 06.10 file SoX can read: "
            + new String(messages, java.nio.charset.StandardCharsets.UTF_8).strip());
      return Files.readAllBytes(out);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while converting a GSM file", ex);
    } finally {
      Files.deleteIfExists(in);
      Files.deleteIfExists(out);
      Files.deleteIfExists(dir);
    }
  }
}
