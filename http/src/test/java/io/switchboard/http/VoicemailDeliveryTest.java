package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.core.call.CallId;
import io.switchboard.core.voicemail.Voicemail;
import io.switchboard.http.mail.SmtpMailer;
import io.switchboard.http.voicemail.SmtpVoicemailDelivery;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Voicemail mailed through a real SMTP server in this JVM (GreenMail): the WAV arrives intact. */
class VoicemailDeliveryTest {

  @RegisterExtension
  static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.createCopy("127.0.0.1").dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("voicemail@example.com", "vm", "s3cret"));

  static final ExecutorService blocking = Executors.newCachedThreadPool();

  @TempDir Path spool;

  @AfterAll
  static void shutdown() {
    blocking.shutdownNow();
  }

  SmtpVoicemailDelivery delivery(int port) {
    return new SmtpVoicemailDelivery(new SmtpMailer(new SmtpMailer.Settings("127.0.0.1", port,
        "Switchboard <switchboard@example.com>", "vm", "s3cret", false, Duration.ofSeconds(5))),
        Map.of("sales", "sales@example.com"), spool, ZoneId.of("Europe/Stockholm"), blocking);
  }

  static Voicemail voicemail(String callId, String mailbox) {
    byte[] wav = new byte[8044];
    for (int i = 0; i < wav.length; i++) wav[i] = (byte) (i * 31);
    return new Voicemail(new CallId(callId), mailbox, "+4685550100", "0701234567",
        Instant.parse("2026-11-24T09:15:00Z"), Duration.ofSeconds(12), wav);
  }

  @Test
  void theRecordingArrivesAsAWavAttachmentAndLeavesTheSpool() throws Exception {
    Voicemail v = voicemail("vm-1", "sales");
    delivery(smtp.getSmtp().getPort()).deliver(v).toCompletableFuture().get(10, TimeUnit.SECONDS);
    MimeMessage[] got = smtp.getReceivedMessages();
    assertThat(got).hasSize(1);
    assertThat(got[0].getAllRecipients()[0]).hasToString("sales@example.com");
    assertThat(got[0].getSubject()).isEqualTo("Voicemail from 0701234567 to +4685550100");
    MimeMultipart body = (MimeMultipart) got[0].getContent();
    assertThat(((String) body.getBodyPart(0).getContent())).contains("2026-11-24 10:15").contains("12 s");
    Part audio = body.getBodyPart(1);
    assertThat(audio.getContentType()).startsWith("audio/wav");
    assertThat(audio.getFileName()).isEqualTo("voicemail-2026-11-24.wav");
    try (InputStream in = audio.getInputStream()) {
      assertThat(in.readAllBytes()).isEqualTo(v.wav());
    }
    try (var files = Files.list(spool)) {
      assertThat(files).as("sent: nothing left in the spool").isEmpty();
    }
  }

  @Test
  void aMailboxThatIsAnAddressIsUsedAsIs() throws Exception {
    delivery(smtp.getSmtp().getPort()).deliver(voicemail("vm-2", "boss@example.org")).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(smtp.getReceivedMessages()[0].getAllRecipients()[0]).hasToString("boss@example.org");
  }

  @Test
  void whatCannotBeSentStaysInTheSpoolAndTheErrorSaysWhere() throws Exception {
    assertThatThrownBy(() -> delivery(smtp.getSmtp().getPort()).deliver(voicemail("vm-3", "nobody"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("unknown voicemail mailbox nobody")
        .hasMessageContaining("kept in");
    int closedPort;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    assertThatThrownBy(() -> delivery(closedPort).deliver(voicemail("vm-4", "sales")).toCompletableFuture()
        .get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasMessageContaining("not sent");
    assertThat(spool.resolve("voicemail-vm-3.wav")).exists();
    assertThat(Files.readAllBytes(spool.resolve("voicemail-vm-4.wav"))).isEqualTo(voicemail("vm-4", "sales").wav());
  }

  @Test
  void whatTheServerDidNotTakeIsSentAgainLaterAndThenLeavesTheSpool() throws Exception {
    int closedPort;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Voicemail v = voicemail("vm-5", "sales");
    assertThatThrownBy(() -> delivery(closedPort).deliver(v).toCompletableFuture().get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    assertThat(delivery(closedPort).resendSpooled()).as("the server is still down").isZero();
    assertThat(spool.resolve("voicemail-vm-5.wav")).exists();
    // The server is up again (a node restarted on the same spool would do the same).
    assertThat(delivery(smtp.getSmtp().getPort()).resendSpooled()).isEqualTo(1);
    MimeMessage[] got = smtp.getReceivedMessages();
    assertThat(got).hasSize(1);
    assertThat(got[0].getSubject()).isEqualTo("Voicemail from 0701234567 to +4685550100");
    assertThat(((String) ((MimeMultipart) got[0].getContent()).getBodyPart(0).getContent())).contains("12 s");
    try (InputStream in = ((MimeMultipart) got[0].getContent()).getBodyPart(1).getInputStream()) {
      assertThat(in.readAllBytes()).isEqualTo(v.wav());
    }
    try (var files = Files.list(spool)) {
      assertThat(files).as("sent: nothing left in the spool").isEmpty();
    }
    assertThat(delivery(smtp.getSmtp().getPort()).resendSpooled()).as("nothing is sent twice").isZero();
  }
}
