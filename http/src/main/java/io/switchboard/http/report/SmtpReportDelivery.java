package io.switchboard.http.report;

import com.typesafe.config.Config;
import io.switchboard.core.report.ReportDelivery;
import io.switchboard.core.report.ReportPeriod;
import io.switchboard.core.report.ReportSubscription;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;
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

  /** {@code switchboard.mail}; an empty username means no authentication. */
  public record Settings(String host, int port, String from, String username, String password, boolean starttls,
      Duration timeout) {

    public static Settings from(Config config) {
      Config m = config.getConfig("switchboard.mail");
      return new Settings(m.getString("host"), m.getInt("port"), m.getString("from"), m.getString("username"),
          m.getString("password"), m.getBoolean("starttls"), m.getDuration("timeout"));
    }

    @Override
    public String toString() {
      // Never log the password.
      return "Settings[" + host + ":" + port + ", from " + from + (username.isEmpty() ? "" : ", user " + username)
          + (starttls ? ", starttls" : "") + ", timeout " + timeout + "]";
    }
  }

  private final Settings settings;
  private final ReportRenderer renderer;
  private final Executor executor;
  private final Session session;
  private final InternetAddress from;
  private final String idDomain;

  /** Settings from the system's config ({@code switchboard.mail}); sends on the blocking dispatcher. */
  public SmtpReportDelivery(ActorSystem<?> system, ReportRenderer renderer) {
    this(Settings.from(system.settings().config()), renderer, system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  public SmtpReportDelivery(Settings settings, ReportRenderer renderer, Executor executor) {
    this.settings = settings;
    this.renderer = renderer;
    this.executor = executor;
    try {
      this.from = new InternetAddress(settings.from(), true);
    } catch (AddressException e) {
      throw new IllegalArgumentException("switchboard.mail.from is not an e-mail address: " + settings.from(), e);
    }
    String address = from.getAddress();
    this.idDomain = address.substring(address.indexOf('@') + 1);
    this.session = Session.getInstance(properties(settings, address));
  }

  private static Properties properties(Settings s, String envelopeFrom) {
    String ms = Long.toString(s.timeout().toMillis());
    Properties p = new Properties();
    p.setProperty("mail.transport.protocol", "smtp");
    p.setProperty("mail.smtp.host", s.host());
    p.setProperty("mail.smtp.port", Integer.toString(s.port()));
    // The envelope sender is the bare address, even when From has a display name.
    p.setProperty("mail.smtp.from", envelopeFrom);
    p.setProperty("mail.smtp.connectiontimeout", ms);
    p.setProperty("mail.smtp.timeout", ms);
    p.setProperty("mail.smtp.writetimeout", ms);
    p.setProperty("mail.smtp.auth", Boolean.toString(!s.username().isEmpty()));
    if (s.starttls()) {
      p.setProperty("mail.smtp.starttls.enable", "true");
      p.setProperty("mail.smtp.starttls.required", "true");
      // Angus does not check the certificate's host name unless told to.
      p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
    }
    return p;
  }

  @Override
  public CompletionStage<Void> deliver(ReportSubscription subscription, ReportPeriod period) {
    return CompletableFuture.runAsync(() -> {
      try {
        send(message(subscription, period, renderer.render(subscription, period)));
      } catch (MessagingException e) {
        throw new CompletionException(e);
      }
    }, executor);
  }

  /** The Message-ID of a subscription's mail for a period: the same on every attempt. */
  public String messageId(ReportSubscription subscription, ReportPeriod period) {
    return "<report." + token(subscription.id()) + "." + token(period.label()) + "@" + idDomain + ">";
  }

  MimeMessage message(ReportSubscription s, ReportPeriod p, RenderedReport r) throws MessagingException {
    if (r == null) throw new MessagingException("the renderer produced no report for " + s.id() + " " + p.label());
    MimeMessage m = new StableIdMessage(session, messageId(s, p));
    m.setFrom(from);
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

  private void send(MimeMessage m) throws MessagingException {
    Transport t = session.getTransport("smtp");
    try {
      if (settings.username().isEmpty()) t.connect();
      else t.connect(settings.host(), settings.port(), settings.username(), settings.password());
      t.sendMessage(m, m.getAllRecipients());
    } finally {
      try {
        t.close();
      } catch (MessagingException e) {
        // Once the server has taken the message, a failed QUIT must not fail the delivery: a retry would send it twice.
      }
    }
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
