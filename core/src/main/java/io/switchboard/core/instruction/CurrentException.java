package io.switchboard.core.instruction;

import io.switchboard.core.CborSerializable;
import java.time.Instant;

/**
 * A temporary instruction that overrides standard handling for every caller while it lasts
 * (ANS-12): "the office is closed for the staff party, take notes". {@code from} null means now,
 * {@code until} null means until removed.
 */
public record CurrentException(String id, Handling handling, Instant from, Instant until)
    implements CborSerializable {

  public CurrentException {
    if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"))
      throw new IllegalArgumentException("exceptions: id must be 1-64 letters, digits, '.', '_' or '-', got " + id);
    if (handling == null) throw new IllegalArgumentException("exceptions: handling is required");
    if (from != null && until != null && !from.isBefore(until))
      throw new IllegalArgumentException("exceptions: from must be before until");
  }

  public boolean activeAt(Instant now) {
    return (from == null || !now.isBefore(from)) && (until == null || now.isBefore(until));
  }
}
