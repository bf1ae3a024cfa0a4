package io.switchboard.http;

import static io.switchboard.http.EdgeFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sound files (ACD-9) through REST v1: WAV, AU and GSM (converted by SoX) uploads land in the
 * gateway's prompt directory, with their description; bad files, sizes and names are refused
 * naming what is wrong; a file a queue uses is not removed.
 */
class SoundFileApiTest {

  static final String PW = "admin-password-1";
  static Path dir;
  static EdgeFixture f;
  static String admin;

  @BeforeAll
  static void setUp() throws Exception {
    dir = Files.createTempDirectory("sound-files");
    f = EdgeFixture.start("sound-files", "switchboard.sound-files.directory = \"" + dir.toString().replace("\\", "/") + "\"");
    f.createUser("admin", PW, "admin", null, null);
    f.createUser("sara", PW, "supervisor", null, null);
    f.createUser("scoped", PW, "admin", "ap1", null);
    admin = f.login("admin", PW);
    f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"ap1\",\"name\":\"One\"}");
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (f != null) f.close();
    if (dir != null) try (var files = Files.list(dir)) {
      for (Path p : files.toList()) Files.deleteIfExists(p);
      Files.deleteIfExists(dir);
    }
  }

  /** {@code seconds} of a 440 Hz tone, 8 kHz mono, as a file of {@code type} with {@code encoding}. */
  static byte[] tone(double seconds, AudioFileFormat.Type type, AudioFormat.Encoding encoding) throws Exception {
    int n = (int) (seconds * 8000);
    byte[] pcm = new byte[n * 2];
    for (int i = 0; i < n; i++) {
      short v = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000.0));
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    AudioFormat linear = new AudioFormat(8000, 16, 1, true, false);
    AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), linear, n);
    if (!encoding.equals(AudioFormat.Encoding.PCM_SIGNED)) in = AudioSystem.getAudioInputStream(encoding, in);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AudioSystem.write(in, type, out);
    return out.toByteArray();
  }

  static EdgeFixture.Resp upload(String token, String name, String contentType, byte[] bytes) {
    return f.req("PUT", "/sound-files/" + name).bearer(token).bytes(contentType, bytes).send();
  }

  @Test
  void aWavUploadIsStoredDescribedListedAndReplaced() throws Exception {
    byte[] wav = tone(6, AudioFileFormat.Type.WAVE, AudioFormat.Encoding.PCM_SIGNED);
    assertThat(wav.length).as("more than the 64 KB of a JSON body").isGreaterThan(64 * 1024);
    EdgeFixture.Resp created = f.req("PUT", "/sound-files/outage-2026?description=Network%20outage")
        .bearer(admin).bytes("audio/wav", wav).send();
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode file = created.json();
    assertThat(file.get("format").asText()).isEqualTo("wav");
    assertThat(file.get("seconds").asDouble()).isEqualTo(6.0);
    assertThat(file.get("description").asText()).isEqualTo("Network outage");
    assertThat(file.get("uploadedBy").asText()).isEqualTo("admin");
    assertThat(Files.readAllBytes(dir.resolve("outage-2026.wav"))).isEqualTo(wav);
    assertThat(f.expect(200, admin, "GET", "/sound-files/outage-2026", null).get("seconds").asDouble()).isEqualTo(6.0);
    List<String> names = new ArrayList<>();
    f.expect(200, admin, "GET", "/sound-files", null).forEach(n -> names.add(n.get("name").asText()));
    assertThat(names).contains("outage-2026");
    // Readers may listen to it.
    String sara = f.login("sara", PW);
    EdgeFixture.Resp audio = f.req("GET", "/sound-files/outage-2026/audio").bearer(sara).send();
    assertThat(audio.status()).isEqualTo(200);
    assertThat(audio.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("audio/wav"));
    // Replaced by a shorter AU file: 200, the WAV is gone.
    EdgeFixture.Resp replaced = upload(admin, "outage-2026", "audio/basic",
        tone(0.5, AudioFileFormat.Type.AU, AudioFormat.Encoding.ULAW));
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    assertThat(replaced.json().get("format").asText()).isEqualTo("au");
    assertThat(Files.exists(dir.resolve("outage-2026.au"))).isTrue();
    assertThat(Files.exists(dir.resolve("outage-2026.wav"))).isFalse();
    assertThat(f.call(admin, "DELETE", "/sound-files/outage-2026", null).status()).isEqualTo(204);
    assertThat(Files.exists(dir.resolve("outage-2026.au"))).isFalse();
    assertError(f.call(admin, "GET", "/sound-files/outage-2026", null), 404, null, "outage-2026");
  }

  @Test
  void aGsmUploadIsConvertedByTheNodesSox() throws Exception {
    Path gsm = Files.createTempFile("tone", ".gsm");
    try {
      Process sox = new ProcessBuilder("sox", "-n", "-r", "8000", "-c", "1", gsm.toString(), "synth", "2", "sine", "440")
          .redirectErrorStream(true).start();
      assertThat(sox.waitFor()).as("sox made a GSM file: %s", new String(sox.getInputStream().readAllBytes())).isZero();
      EdgeFixture.Resp r = upload(admin, "gsm-tone", "audio/gsm", Files.readAllBytes(gsm));
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      assertThat(r.json().get("uploadedFormat").asText()).isEqualTo("gsm");
      assertThat(r.json().get("format").asText()).isEqualTo("wav");
      assertThat(r.json().get("seconds").asDouble()).isBetween(1.9, 2.1);
      AudioInputStream stored = AudioSystem.getAudioInputStream(dir.resolve("gsm-tone.wav").toFile());
      assertThat(stored.getFormat().getSampleRate()).isEqualTo(8000f);
      assertThat(f.call(admin, "DELETE", "/sound-files/gsm-tone", null).status()).isEqualTo(204);
    } finally {
      Files.deleteIfExists(gsm);
    }
  }

  @Test
  void badFilesSizesAndNamesAreRefusedNamingWhatIsWrong() throws Exception {
    byte[] wav = tone(0.2, AudioFileFormat.Type.WAVE, AudioFormat.Encoding.PCM_SIGNED);
    assertError(upload(admin, "junk", "audio/wav", "this is not audio at all".getBytes()), 415, "body", "WAV, AU or GSM");
    byte[] broken = wav.clone();
    for (int i = 20; i < 36; i++) broken[i] = (byte) 0xEE; // the fmt chunk
    assertError(upload(admin, "broken", "audio/wav", broken), 415, "body", "sound file 'broken'");
    assertError(upload(admin, "junk-gsm", "audio/gsm", new byte[] {1, 2, 3}), 415, "body", "GSM");
    assertError(upload(admin, "empty", "audio/wav", new byte[0]), 400, "body", "sound file");
    assertError(upload(admin, "-bad-name", "audio/wav", wav), 400, "name", "name");
    assertError(upload(admin, "too-big", "audio/wav", new byte[5 * 1024 * 1024 + 1]), 413, "body", "5 MB");
    EdgeFixture.Resp longDescription = f.req("PUT", "/sound-files/described?description=" + "x".repeat(201))
        .bearer(admin).bytes("audio/wav", wav).send();
    assertError(longDescription, 400, "description", "200");
    assertError(upload(f.login("sara", PW), "by-supervisor", "audio/wav", wav), 403, null, "admin");
    assertError(upload(f.login("scoped", PW), "by-scoped", "audio/wav", wav), 403, null, "every answering point");
    assertError(f.call(admin, "DELETE", "/sound-files/never-there", null), 404, null, "never-there");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("outage") && !n.startsWith("gsm")
          && !n.startsWith("hot"))).as("nothing stored of a refused upload").isEmpty();
    }
  }

  @Test
  void aTooBigUploadIsAnsweredAfterTheWholeBodySoASlowSenderGetsThe413() throws Exception {
    int size = 5 * 1024 * 1024 + 1;
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", f.port)) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      out.write(("PUT /api/v1/sound-files/slow-and-big HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin
          + "\r\nContent-Type: audio/wav\r\nContent-Length: " + size + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      int sent = 0;
      out.write(chunk);
      sent += chunk.length;
      // A server that answered early has closed by now, and the writes below would fail.
      Thread.sleep(500);
      while (sent < size) {
        int n = Math.min(chunk.length, size - sent);
        out.write(chunk, 0, n);
        sent += n;
      }
      out.flush();
      String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(head).isEqualTo("HTTP/1.1 413");
    }
    assertThat(Files.exists(dir.resolve("slow-and-big.wav"))).isFalse();
  }

  @Test
  void aSoundFileAQueueUsesAsHotPromptIsNotRemoved() throws Exception {
    assertThat(upload(admin, "hot-news", "audio/wav", tone(0.3, AudioFileFormat.Type.WAVE,
        AudioFormat.Encoding.PCM_SIGNED)).status()).isEqualTo(201);
    f.expect(201, admin, "POST", "/queues", "{\"id\":\"q-hot\",\"answeringPoint\":\"ap1\",\"name\":\"Hot\","
        + "\"hotPrompt\":\"hot-news\"}");
    assertError(f.call(admin, "DELETE", "/sound-files/hot-news", null), 409, null, "q-hot");
    f.expect(200, admin, "PUT", "/queues/q-hot", "{\"answeringPoint\":\"ap1\",\"name\":\"Hot\"}");
    assertThat(f.call(admin, "DELETE", "/sound-files/hot-news", null).status()).isEqualTo(204);
    assertError(f.call(admin, "PUT", "/queues/q-hot", "{\"answeringPoint\":\"ap1\",\"name\":\"Hot\",\"hotPrompt\":\"../etc\"}"),
        400, "hotPrompt", "hotPrompt");
  }
}
