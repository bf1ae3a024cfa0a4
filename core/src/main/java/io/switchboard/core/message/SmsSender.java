package io.switchboard.core.message;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends one SMS (ANS-6). The port the domain talks to; adapters for SMPP and HTTP providers live in
 * the http module, so the core never depends on a provider.
 *
 * <p>{@link #send} never blocks the caller's thread (callers are actors). The stage completes with
 * the provider's message id once the provider accepted the message, and fails with an
 * {@link SmsException} when it surely did not (refused, unreachable, not configured), or when no
 * answer came in time, which the exception's message says: then the message may or may not go out.
 */
@FunctionalInterface
public interface SmsSender extends AutoCloseable {

  /** The config key that picks the provider; {@code none} gives {@link #none()}. */
  String PROVIDER_KEY = "switchboard.sms.provider";

  /** The provider's id of the accepted message; several comma-separated when it went as several parts. */
  CompletionStage<String> send(SmsMessage sms);

  /** Releases connections and threads; sending afterwards fails. Nothing to release by default. */
  @Override
  default void close() {}

  /** The sender of a node without an SMS provider: every send fails, saying how to configure one. */
  static SmsSender none() {
    return NotConfigured.INSTANCE;
  }

  /** An enum, so the one instance has a readable toString in logs. */
  enum NotConfigured implements SmsSender {
    INSTANCE;

    @Override
    public CompletionStage<String> send(SmsMessage sms) {
      return CompletableFuture.failedFuture(new SmsException("SMS is not configured: " + PROVIDER_KEY
          + " is none; set it to smpp or http (see docs/sms.md)"));
    }

    @Override
    public String toString() {
      return "SmsSender.none";
    }
  }
}
