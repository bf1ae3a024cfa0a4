package io.switchboard.core.message;

import java.util.concurrent.CompletionStage;

/**
 * The port that sends a taken message on one channel (e-mail through SMTP, SMS through SMPP or
 * an HTTP provider). The stage completes with the provider's id for the message when it took
 * it, and fails when it surely did not; the {@link Message} entity tries again.
 */
public interface MessageDelivery {
  CompletionStage<String> send(Channel channel, TakenMessage message);
}
