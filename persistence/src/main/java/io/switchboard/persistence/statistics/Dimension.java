package io.switchboard.persistence.statistics;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What an interval row is about. */
public enum Dimension {
  QUEUE("queue"),
  AGENT("agent"),
  COMPANY("company"),
  ANSWERING_POINT("answering-point");

  private final String wire;

  Dimension(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Dimension parse(String s) {
    for (Dimension d : values()) if (d.wire.equals(s.toLowerCase(Locale.ROOT))) return d;
    throw new IllegalArgumentException("dimension must be one of "
        + Arrays.stream(values()).map(Dimension::wire).collect(Collectors.joining(", ")) + " (got '" + s + "')");
  }
}
