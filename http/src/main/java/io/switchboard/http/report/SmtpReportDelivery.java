package io.switchboard.http.report;

import io.switchboard.core.report.ReportDelivery;
import io.switchboard.core.report.ReportPeriod;
import io.switchboard.core.report.ReportSubscription;
import io.switchboard.http.mail.SmtpMailer;
import io.switchboard.http.mail.SmtpMailer.Settings;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * Mails report subscriptions over SMTP: a plain-text part and the CSV attachment. Rendering and
 * sending block, so both run on the blocking dispatcher, never on an actor's thread. The stage
 * fails with the SMTP error (a {@link MessagingException} as the cause) when the server did not
 * take the message, and the scheduler retries. The Message-ID is the same for every attempt of
 * one period, so a mail client can tell a rare duplicate for what it is.
 */
public final class SmtpReportDelivery implements ReportDelivery {

  private final SmtpMailer mailer;
  private final ReportRenderer renderer;
  private final Executor executor;

  /** Settings from the system's config ({@code switchboard.mail}); sends on the blocking dispatcher. */
  public SmtpReportDelivery(ActorSystem<?> system, ReportRenderer renderer) {
    this(Settings.from(system.settings().config()), renderer, system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  public SmtpReportDelivery(Settings settings, ReportRenderer renderer, Executor executor) {
    this.mailer = new SmtpMailer(settings);
    this.renderer = renderer;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Void> deliver(ReportSubscription subscription, ReportPeriod period) {
    return CompletableFuture.runAsync(() -> {
      try {
        mailer.send(message(subscription, period, renderer.render(subscription, period)));
      } catch (MessagingException e) {
        throw new CompletionException(e);
      }
    }, executor);
  }

  /** The Message-ID of a subscription's mail for a period: the same on every attempt. */
  public String messageId(ReportSubscription subscription, ReportPeriod period) {
    return "<report." + token(subscription.id()) + "." + token(period.label()) + "@" + mailer.idDomain() + ">";
  }

  MimeMessage message(ReportSubscription s, ReportPeriod p, RenderedReport r) throws MessagingException {
    if (r == null) throw new MessagingException("the renderer produced no report for " + s.id() + " " + p.label());
    MimeMessage m = new StableIdMessage(mailer.session(), messageId(s, p));
    m.setFrom(mailer.from());
    InternetAddress[] to = new InternetAddress[s.recipients().size()];
    for (int i = 0; i < to.length; i++) to[i] = new InternetAddress(s.recipients().get(i), true);
    m.setRecipients(Message.RecipientType.TO, to);
    m.setSubject(oneLine(r.subject()), "UTF-8");
    m.setSentDate(new Date());
    // RFC 3834: no out-of-office replies to a machine's mail.
    m.setHeader("Auto-Submitted", "auto-generated");

    MimeBodyPart text = new MimeBodyPart();
    text.setText(r.text(), "UTF-8");
    MimeBodyPart csv = new MimeBodyPart();
    csv.setDataHandler(new DataHandler(new ByteArrayDataSource(r.csv().getBytes(StandardCharsets.UTF_8),
        "text/csv; charset=UTF-8")));
    csv.setFileName(fileName(r.attachmentName()));
    csv.setDisposition(Part.ATTACHMENT);
    // Base64 keeps the attachment's bytes exact, line ends included (quoted-printable may not).
    csv.setHeader("Content-Transfer-Encoding", "base64");
    MimeMultipart body = new MimeMultipart("mixed");
    body.addBodyPart(text);
    body.addBodyPart(csv);
    m.setContent(body);
    m.saveChanges();
    return m;
  }

  /** Keeps a Message-ID a valid dot-atom whatever the id holds. */
  private static String token(String s) {
    return s.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  private static String oneLine(String s) {
    return s.replaceAll("[\\r\\n]+", " ").strip();
  }

  private static String fileName(String name) {
    String n = oneLine(name).replaceAll("[\\\\/\"]", "_");
    return n.isEmpty() ? "report.csv" : n;
  }

  /** A message whose Message-ID is ours, not the random one saveChanges() would make. */
  private static final class StableIdMessage extends MimeMessage {
    private final String id;

    StableIdMessage(Session session, String id) {
      super(session);
      this.id = id;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }
  }
}
