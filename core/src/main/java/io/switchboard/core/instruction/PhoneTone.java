package io.switchboard.core.instruction;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How the client wants its callers spoken to (ANS-15). */
public enum PhoneTone {
  /** Spell names, repeat the number back. */
  FORMAL,
  INFORMAL;

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static PhoneTone parse(String value) {
    if (value == null || value.isBlank()) return FORMAL;
    for (PhoneTone t : values()) if (t.json().equalsIgnoreCase(value.strip())) return t;
    throw new IllegalArgumentException("tone must be formal or informal; got " + value);
  }
}
