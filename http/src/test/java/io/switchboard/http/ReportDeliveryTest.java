package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.core.report.ReportDelivery;
import io.switchboard.core.report.ReportKind;
import io.switchboard.core.report.ReportPeriod;
import io.switchboard.core.report.ReportSchedule;
import io.switchboard.core.report.ReportScheduler;
import io.switchboard.core.report.ReportSubscription;
import io.switchboard.core.testkit.EngineHarness;
import io.switchboard.core.testkit.TestClock;
import io.switchboard.http.report.RenderedReport;
import io.switchboard.http.report.ReportRenderer;
import io.switchboard.http.report.SmtpReportDelivery;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Report mails through a real SMTP server in this JVM (GreenMail on a free loopback port): what
 * arrives, byte for byte, and what a refused or unreachable server does to the delivery.
 */
class ReportDeliveryTest {

  @RegisterExtension
  static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.createCopy("127.0.0.1").dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("reports@example.com", "reports", "s3cret"));

  static final ExecutorService blocking = Executors.newCachedThreadPool();
  static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
  static final String CSV = "queue;offered;answered;sl\r\nsales;120;114;0.92\r\nKöping \"väst\";7;7;1.00\r\n";

  @AfterAll
  static void shutdown() {
    blocking.shutdownNow();
  }

  /** A renderer that writes what it was asked for, so the test knows every byte. */
  static final ReportRenderer RENDERER = (s, p) -> new RenderedReport(
      "Köstatistik " + s.kind().wire() + " " + p.label(),
      "Hej!\r\nBifogat: " + s.kind().wire() + " för " + p.label() + ".\r\n",
      s.kind().wire() + "-" + p.label() + ".csv",
      CSV);

  static io.switchboard.http.mail.SmtpMailer.Settings settings(int port, String username, String password) {
    return new io.switchboard.http.mail.SmtpMailer.Settings("127.0.0.1", port, "Switchboard <switchboard@example.com>", username, password,
        false, Duration.ofSeconds(5));
  }

  static ReportSubscription subscription() {
    return new ReportSubscription("rs-42", "sara", ReportKind.QUEUE_SUMMARY, ReportSchedule.DAILY,
        Map.of("queue", "sales"), List.of("sara@example.com", "olle@example.se"), Instant.parse("2026-11-23T09:00:00Z"));
  }

  static final ReportPeriod DAY = ReportSchedule.DAILY.containing(Instant.parse("2026-11-23T09:00:00Z"), STOCKHOLM);

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String read(Part part) throws Exception {
    try (InputStream in = part.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theReportArrivesWithItsRecipientsSubjectStableIdAndExactCsv() throws Exception {
    var delivery = new SmtpReportDelivery(settings(smtp.getSmtp().getPort(), "reports", "s3cret"), RENDERER, blocking);
    delivery.deliver(subscription(), DAY).toCompletableFuture().get(10, TimeUnit.SECONDS);

    // The stage completed, so the server has taken it: one copy per recipient's mailbox.
    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(2);
    for (MimeMessage m : received) {
      assertThat(Arrays.stream(m.getRecipients(Message.RecipientType.TO)).map(a -> ((InternetAddress) a).getAddress()))
          .containsExactly("sara@example.com", "olle@example.se");
      assertThat(((InternetAddress) m.getFrom()[0]).getAddress()).isEqualTo("switchboard@example.com");
      assertThat(m.getSubject()).isEqualTo("Köstatistik queue-summary 2026-11-23");
      assertThat(m.getMessageID()).isEqualTo("<report.rs-42.2026-11-23@example.com>");
      assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");

      MimeMultipart parts = (MimeMultipart) m.getContent();
      assertThat(parts.getCount()).isEqualTo(2);
      MimeBodyPart text = (MimeBodyPart) parts.getBodyPart(0);
      assertThat(text.isMimeType("text/plain")).isTrue();
      assertThat(read(text)).isEqualTo("Hej!\r\nBifogat: queue-summary för 2026-11-23.\r\n");
      MimeBodyPart csv = (MimeBodyPart) parts.getBodyPart(1);
      assertThat(csv.getDisposition()).isEqualTo(Part.ATTACHMENT);
      assertThat(csv.getFileName()).isEqualTo("queue-summary-2026-11-23.csv");
      assertThat(csv.isMimeType("text/csv")).isTrue();
      assertThat(csv.getContentType()).containsIgnoringCase("charset=UTF-8");
      assertThat(read(csv)).isEqualTo(CSV);
    }

    // Another attempt at the same period carries the same Message-ID.
    delivery.deliver(subscription(), DAY).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(smtp.getReceivedMessages()).hasSize(4);
    assertThat(Arrays.stream(smtp.getReceivedMessages()).map(m -> {
      try {
        return m.getMessageID();
      } catch (MessagingException e) {
        throw new AssertionError(e);
      }
    }).distinct()).containsExactly("<report.rs-42.2026-11-23@example.com>");
  }

  @Test
  void anUnreachableServerFailsTheStageWithTheSmtpError() throws Exception {
    var delivery = new SmtpReportDelivery(settings(freePort(), "", ""), RENDERER, blocking);
    assertThatThrownBy(() -> delivery.deliver(subscription(), DAY).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(MessagingException.class).hasMessageContaining("127.0.0.1");
  }

  @Test
  void aRefusedLoginFailsTheStage() throws Exception {
    var delivery = new SmtpReportDelivery(settings(smtp.getSmtp().getPort(), "reports", "wrong"), RENDERER, blocking);
    assertThatThrownBy(() -> delivery.deliver(subscription(), DAY).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(MessagingException.class);
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }

  @Test
  void theSchedulerMailsADuePeriodOnceAndRetriesWhenTheServerWasDown() throws Exception {
    ActorTestKit kit = ActorTestKit.create("report-mail", EngineHarness.inMemoryConfig());
    try {
      TestClock clock = new TestClock(Instant.parse("2026-11-23T09:00:00Z"));
      // The first attempt goes to a closed port, the later ones to GreenMail.
      var down = new SmtpReportDelivery(settings(freePort(), "", ""), RENDERER, blocking);
      var up = new SmtpReportDelivery(settings(smtp.getSmtp().getPort(), "reports", "s3cret"), RENDERER, blocking);
      var attempts = new AtomicInteger();
      ReportDelivery flaky = (s, p) ->
          (attempts.getAndIncrement() == 0 ? down : up).deliver(s, p);
      var scheduler = kit.spawn(ReportScheduler.create("mail-test", clock, STOCKHOLM, Duration.ofMinutes(10),
          Duration.ofHours(1), flaky));
      TestProbe<ReportScheduler.Reply> probe = kit.createTestProbe();
      scheduler.tell(new ReportScheduler.Subscribe(subscription(), probe.ref()));
      probe.expectMessageClass(ReportScheduler.Accepted.class);

      clock.set(Instant.parse("2026-11-23T23:10:00Z"));
      scheduler.tell(new ReportScheduler.Tick());
      probe.awaitAssert(Duration.ofSeconds(10), () -> {
        scheduler.tell(new ReportScheduler.ListSubscriptions(probe.ref()));
        var v = ((ReportScheduler.Listed) probe.receiveMessage()).subscriptions().get(0);
        assertThat(v.failures()).isEqualTo(1);
        assertThat(v.lastError()).contains("MailConnectException");
        return null;
      });
      assertThat(smtp.getReceivedMessages()).isEmpty();

      clock.advance(Duration.ofHours(1));
      scheduler.tell(new ReportScheduler.Tick());
      probe.awaitAssert(Duration.ofSeconds(10), () -> {
        scheduler.tell(new ReportScheduler.ListSubscriptions(probe.ref()));
        var v = ((ReportScheduler.Listed) probe.receiveMessage()).subscriptions().get(0);
        assertThat(v.lastDelivered()).isEqualTo(DAY);
        return null;
      });
      // Delivered means the server took it: one copy per recipient's mailbox.
      assertThat(smtp.getReceivedMessages()).hasSize(2);
      scheduler.tell(new ReportScheduler.Tick());
      scheduler.tell(new ReportScheduler.ListSubscriptions(probe.ref()));
      probe.expectMessageClass(ReportScheduler.Listed.class);
      assertThat(attempts.get()).isEqualTo(2);
      assertThat(smtp.getReceivedMessages()).hasSize(2);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
