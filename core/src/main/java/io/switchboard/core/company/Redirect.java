package io.switchboard.core.company;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.CborSerializable;
import java.time.Instant;
import java.util.Locale;

/**
 * An absence status (ANS-5) on a contact or a whole company: why, until when (open-ended when
 * null) and a free text for the agent to read out. It lapses by itself at {@code until}, so a
 * stale "lunch" never outlives the lunch.
 */
public record Redirect(Reason reason, Instant until, String note, String setBy, Instant setAt)
    implements CborSerializable {

  public static final int MAX_NOTE = 500;

  public enum Reason {
    LUNCH, MEETING, VACATION, SICK, OFF, OTHER;

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Reason parse(String value) {
      if (value != null)
        for (Reason r : values()) if (r.json().equalsIgnoreCase(value.strip())) return r;
      throw new IllegalArgumentException(
          "reason must be lunch, meeting, vacation, sick, off or other; got " + value);
    }
  }

  public Redirect {
    if (reason == null) throw new IllegalArgumentException("reason is required (lunch, meeting, vacation, sick, off or other)");
    note = note == null || note.isBlank() ? null : note.strip();
    if (note != null && note.length() > MAX_NOTE)
      throw new IllegalArgumentException("note must be at most " + MAX_NOTE + " characters, got " + note.length());
  }

  /** Whether the redirect still stands at {@code now}. */
  public boolean activeAt(Instant now) {
    return until == null || now.isBefore(until);
  }
}
