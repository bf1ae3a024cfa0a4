package io.switchboard.sip.registrar;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One place an account's phone can be reached: the Contact URI it registered, until when, and
 * where the REGISTER came from ({@code sourceAddress} as host:port, {@code transport} as UDP,
 * TCP, TLS...), so the gateway can send requests back through the phone's NAT binding.
 */
public record Binding(String contactUri, String callId, long cseq, Instant expiresAt, float q,
                      String sourceAddress, String transport) {

  public Binding {
    Objects.requireNonNull(contactUri, "contactUri");
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** Seconds left, for the {@code expires} parameter of each Contact in the 200 OK. */
  public long secondsLeft(Instant now) {
    return Math.max(0, Duration.between(now, expiresAt).toSeconds());
  }
}
