package io.switchboard.http.voicemail;

import com.typesafe.config.Config;
import io.switchboard.core.voicemail.Voicemail;
import io.switchboard.core.voicemail.VoicemailDelivery;
import io.switchboard.http.mail.SmtpMailer;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * Mails voicemail (ACD-1) as a WAV attachment. The recording is first written to the spool
 * folder (with what the mail says of it beside it, {@code .properties}) and removed only once
 * the SMTP server has taken the mail; {@link #resendSpooled} sends again what is still there (the
 * node does so every {@code switchboard.voicemail.resend-every} and at start), so a message is
 * not lost to a mail server that was down or a node that stopped.
 *
 * <p>A mailbox is an e-mail address, or a name in {@code switchboard.voicemail.mailboxes}.
 */
public final class SmtpVoicemailDelivery implements VoicemailDelivery {

  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SmtpVoicemailDelivery.class);

  private final SmtpMailer mailer;
  private final Map<String, String> mailboxes;
  private final Path spool;
  private final ZoneId zone;
  private final Executor executor;

  public SmtpVoicemailDelivery(ActorSystem<?> system, ZoneId zone) {
    this(new SmtpMailer(SmtpMailer.Settings.from(system.settings().config())),
        mailboxes(system.settings().config()),
        Path.of(system.settings().config().getString("switchboard.voicemail.spool")), zone,
        system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  public SmtpVoicemailDelivery(SmtpMailer mailer, Map<String, String> mailboxes, Path spool, ZoneId zone,
      Executor executor) {
    this.mailer = mailer;
    this.mailboxes = Map.copyOf(mailboxes);
    this.spool = spool;
    this.zone = zone;
    this.executor = executor;
  }

  private static Map<String, String> mailboxes(Config config) {
    Config c = config.getConfig("switchboard.voicemail.mailboxes");
    Map<String, String> m = new HashMap<>();
    for (var e : c.entrySet()) m.put(e.getKey(), c.getString(e.getKey()));
    return m;
  }

  @Override
  public CompletionStage<Void> deliver(Voicemail v) {
    return CompletableFuture.runAsync(() -> {
      Path file = spool.resolve("voicemail-" + v.callId().value().replaceAll("[^A-Za-z0-9_-]", "_") + ".wav");
      try {
        Files.createDirectories(spool);
        Files.write(file, v.wav());
        writeFacts(v, facts(file));
      } catch (IOException e) {
        throw new UncheckedIOException("voicemail of call " + v.callId() + " could not be spooled", e);
      }
      send(v, file);
    }, executor);
  }

  /**
   * Sends every voicemail still in the spool; one that fails again stays for the next time.
   * Returns how many were sent.
   */
  public synchronized int resendSpooled() {
    if (!Files.isDirectory(spool)) return 0;
    int sent = 0;
    try (var files = Files.newDirectoryStream(spool, "voicemail-*.properties")) {
      for (Path facts : files) {
        Path wav = facts.resolveSibling(facts.getFileName().toString().replaceFirst("\\.properties$", ".wav"));
        try {
          if (!Files.isRegularFile(wav)) continue;
          send(readFacts(facts, Files.readAllBytes(wav)), wav);
          sent++;
        } catch (RuntimeException | IOException e) {
          log.warn("spooled voicemail {} not sent again: {}", wav.getFileName(), rootMessage(e));
        }
      }
    } catch (IOException e) {
      log.warn("cannot read the voicemail spool {}: {}", spool, e.toString());
    }
    return sent;
  }

  private void send(Voicemail v, Path file) {
    try {
      mailer.send(message(v));
    } catch (MessagingException | IllegalArgumentException e) {
      throw new CompletionException(new MessagingException(
          "voicemail of call " + v.callId() + " for " + v.mailbox() + " not sent; it is kept in " + file, e));
    }
    try {
      Files.deleteIfExists(facts(file));
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Sent: a spool file left behind is only a file.
    }
  }

  private static Path facts(Path wav) {
    return wav.resolveSibling(wav.getFileName().toString().replaceFirst("\\.wav$", ".properties"));
  }

  private static void writeFacts(Voicemail v, Path file) throws IOException {
    Properties p = new Properties();
    p.setProperty("callId", v.callId().value());
    p.setProperty("mailbox", v.mailbox());
    p.setProperty("dialledNumber", v.dialledNumber());
    p.setProperty("callerNumber", v.callerNumber());
    p.setProperty("at", v.at().toString());
    p.setProperty("length", v.length().toString());
    try (var out = Files.newOutputStream(file)) {
      p.store(out, "voicemail waiting to be mailed");
    }
  }

  private static Voicemail readFacts(Path file, byte[] wav) throws IOException {
    Properties p = new Properties();
    try (var in = Files.newInputStream(file)) {
      p.load(in);
    }
    return new Voicemail(new io.switchboard.core.call.CallId(p.getProperty("callId")), p.getProperty("mailbox"),
        p.getProperty("dialledNumber"), p.getProperty("callerNumber"), java.time.Instant.parse(p.getProperty("at")),
        java.time.Duration.parse(p.getProperty("length")), wav);
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) c = c.getCause();
    return t.getMessage() + (c != t ? " (" + c.getMessage() + ")" : "");
  }

  /** The address of a mailbox; throws naming the mailbox when it is neither an address nor known. */
  String address(String mailbox) {
    String address = mailbox.contains("@") ? mailbox : mailboxes.get(mailbox);
    if (address == null)
      throw new IllegalArgumentException("unknown voicemail mailbox " + mailbox
          + " (an e-mail address, or a name in switchboard.voicemail.mailboxes)");
    return address;
  }

  MimeMessage message(Voicemail v) throws MessagingException {
    MimeMessage m = new MimeMessage(mailer.session());
    m.setFrom(mailer.from());
    m.setRecipients(Message.RecipientType.TO, new InternetAddress[] {new InternetAddress(address(v.mailbox()), true)});
    String caller = "anonymous".equals(v.callerNumber()) ? "an anonymous caller" : v.callerNumber();
    m.setSubject("Voicemail from " + caller + " to " + v.dialledNumber(), "UTF-8");
    m.setSentDate(new Date());
    m.setHeader("Auto-Submitted", "auto-generated");
    MimeBodyPart text = new MimeBodyPart();
    text.setText("A message from " + caller + " for " + v.dialledNumber() + ", left "
        + WHEN.format(v.at().atZone(zone)) + " (" + v.length().toSeconds() + " s). The recording is attached.\n",
        "UTF-8");
    MimeBodyPart audio = new MimeBodyPart();
    audio.setDataHandler(new DataHandler(new ByteArrayDataSource(v.wav(), "audio/wav")));
    audio.setFileName("voicemail-" + v.at().atZone(zone).toLocalDate() + ".wav");
    audio.setDisposition(Part.ATTACHMENT);
    audio.setHeader("Content-Transfer-Encoding", "base64");
    MimeMultipart body = new MimeMultipart("mixed");
    body.addBodyPart(text);
    body.addBodyPart(audio);
    m.setContent(body);
    m.saveChanges();
    return m;
  }
}
