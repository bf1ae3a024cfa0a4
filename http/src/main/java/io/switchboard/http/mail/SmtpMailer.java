package io.switchboard.http.mail;

import com.typesafe.config.Config;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Properties;

/**
 * One SMTP server (Angus Mail) as reports and voicemail use it: the session, the sender, and a
 * send that fails only when the server did not take the message. Sending blocks: callers run it
 * on the blocking dispatcher.
 */
public final class SmtpMailer {

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
  private final Session session;
  private final InternetAddress from;
  private final String idDomain;

  public SmtpMailer(Settings settings) {
    this.settings = settings;
    try {
      this.from = new InternetAddress(settings.from(), true);
    } catch (AddressException e) {
      throw new IllegalArgumentException("switchboard.mail.from is not an e-mail address: " + settings.from(), e);
    }
    String address = from.getAddress();
    this.idDomain = address.substring(address.indexOf('@') + 1);
    this.session = Session.getInstance(properties(settings, address));
  }

  public Session session() {
    return session;
  }

  public InternetAddress from() {
    return from;
  }

  /** The sender's domain, which names Message-IDs. */
  public String idDomain() {
    return idDomain;
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

  public void send(MimeMessage m) throws MessagingException {
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

}
