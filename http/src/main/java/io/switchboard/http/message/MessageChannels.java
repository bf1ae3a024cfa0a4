package io.switchboard.http.message;

import io.switchboard.core.message.Channel;
import io.switchboard.core.message.MessageDelivery;
import io.switchboard.core.message.MessageText;
import io.switchboard.core.message.SmsMessage;
import io.switchboard.core.message.SmsSender;
import io.switchboard.core.message.TakenMessage;
import io.switchboard.http.mail.SmtpMailer;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.ZoneId;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Sends taken messages (ANS-6): e-mail through the centre's SMTP server (Angus Mail), SMS through
 * the configured provider (SMPP or HTTP, docs/sms.md). A national mobile number (leading 0) is
 * made international with {@code switchboard.sms.country-code}, as SMS providers want it.
 */
public final class MessageChannels implements MessageDelivery {

  private final SmtpMailer mailer;
  private final SmsSender sms;
  private final ZoneId zone;
  private final String countryCode;
  private final Executor blocking;

  public MessageChannels(SmtpMailer mailer, SmsSender sms, ZoneId zone, String countryCode, Executor blocking) {
    this.mailer = mailer;
    this.sms = sms;
    this.zone = zone;
    this.countryCode = countryCode;
    this.blocking = blocking;
  }

  /** From {@code switchboard.mail} and {@code switchboard.sms}; blocking sends run on the blocking dispatcher. */
  public static MessageChannels fromConfig(org.apache.pekko.actor.typed.ActorSystem<?> system,
      com.typesafe.config.Config config, ZoneId zone) {
    return new MessageChannels(new SmtpMailer(SmtpMailer.Settings.from(config)),
        io.switchboard.http.sms.SmsSenders.fromConfig(config), zone, config.getString("switchboard.sms.country-code"),
        system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
  }

  @Override
  public CompletionStage<String> send(Channel channel, TakenMessage message) {
    return switch (channel) {
      case EMAIL -> CompletableFuture.supplyAsync(() -> mail(message), blocking);
      case SMS -> {
        SmsMessage text;
        try {
          text = new SmsMessage(international(message.mobile()), MessageText.sms(message, zone));
        } catch (IllegalArgumentException e) {
          yield CompletableFuture.failedFuture(e);
        }
        yield sms.send(text);
      }
    };
  }

  private String mail(TakenMessage m) {
    try {
      // The same Message-ID on every attempt: a mail system that got an earlier one can tell.
      String messageId = "<message." + m.id().value() + "@" + mailer.idDomain() + ">";
      MimeMessage mime = new MimeMessage(mailer.session()) {
        @Override
        protected void updateMessageID() throws MessagingException {
          setHeader("Message-ID", messageId);
        }
      };
      mime.setFrom(mailer.from());
      mime.setRecipient(RecipientType.TO, new InternetAddress(m.email(), true));
      mime.setSubject(MessageText.subject(m), "UTF-8");
      mime.setSentDate(Date.from(m.takenAt()));
      mime.setText(MessageText.email(m, zone), "UTF-8");
      mailer.send(mime);
      return messageId;
    } catch (MessagingException e) {
      throw new CompletionException("the mail server did not take the message: " + e.getMessage(), e);
    }
  }

  String international(String number) {
    if (number == null) throw new IllegalArgumentException("no mobile number");
    if (number.startsWith("+")) return number;
    if (number.startsWith("0")) return "+" + countryCode + number.substring(1);
    return "+" + number;
  }
}
