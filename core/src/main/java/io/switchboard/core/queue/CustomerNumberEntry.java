package io.switchboard.core.queue;

import io.switchboard.core.CborSerializable;
import java.time.Duration;

/**
 * Customer-number entry of a queue (ACD-10): before the call is queued the caller hears {@code
 * prompt} and keys in a number of {@code minDigits}-{@code maxDigits} digits, ended by '#' (or by
 * the last digit allowed, or by {@code timeout} without a key). The number travels with the call
 * to the agent's offer; none entered, the call is queued without one.
 */
public record CustomerNumberEntry(String prompt, Integer minDigits, Integer maxDigits, Duration timeout)
    implements CborSerializable {

  public CustomerNumberEntry {
    if (prompt == null || prompt.isBlank()) prompt = "enter-customer-number";
    if (minDigits == null) minDigits = 1;
    if (maxDigits == null) maxDigits = 12;
    if (minDigits < 1 || minDigits > 20)
      throw new IllegalArgumentException("customerNumberEntry.minDigits must be 1-20, got " + minDigits);
    if (maxDigits < minDigits || maxDigits > 20)
      throw new IllegalArgumentException("customerNumberEntry.maxDigits must be minDigits-20, got " + maxDigits);
    if (timeout == null) timeout = Duration.ofSeconds(5);
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofSeconds(60)) > 0)
      throw new IllegalArgumentException("customerNumberEntry.timeout must be 1-60 seconds, got " + timeout);
  }

  /** Whether {@code number} is one this entry takes: "" (none entered) or the allowed digits. */
  public boolean accepts(String number) {
    return number.isEmpty() || number.matches("[0-9]{" + minDigits + "," + maxDigits + "}");
  }
}
