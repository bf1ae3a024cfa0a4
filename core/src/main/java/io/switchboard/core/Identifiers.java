package io.switchboard.core;

import java.util.regex.Pattern;

/** The one rule for every typed id: it becomes part of an entity id and a persistence id. */
public final class Identifiers {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private Identifiers() {}

  public static String require(String value, String kind) {
    if (value == null || !VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          kind + " must be 1-64 characters of letters, digits, '.', '_' or '-' (starting with a"
              + " letter or digit), got " + (value == null ? "nothing" : "'" + value + "'"));
    }
    return value;
  }

  public static boolean isValid(String value) {
    return value != null && VALID.matcher(value).matches();
  }
}
