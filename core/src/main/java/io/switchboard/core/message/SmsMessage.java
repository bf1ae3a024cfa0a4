package io.switchboard.core.message;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One SMS to send (ANS-6: a message taken for a client's contact goes out by e-mail and/or SMS).
 * Checked here, once, so every provider gets the same guarantees: {@code to} is an international
 * number ({@code +}, country code, subscriber number: 6 to 15 digits, E.164), {@code text} has 1 to
 * {@value #MAX_TEXT_LENGTH} characters. The limit matches what providers take (10 concatenated GSM
 * parts); splitting into parts is the provider adapter's business, since it depends on the alphabet.
 *
 * <p>Numbers typed by people ({@code 0046 70-123 45 67}, {@code +1 (555) 010-0199}) go through
 * {@link #normalize(String)} first; the constructor itself does not guess.
 */
public record SmsMessage(String to, String text) {

  public static final int MAX_TEXT_LENGTH = 1600;

  /** E.164: a country code never starts with 0, and the whole number has at most 15 digits. */
  private static final Pattern INTERNATIONAL = Pattern.compile("\\+[1-9][0-9]{5,14}");

  public SmsMessage {
    if (to == null || to.isEmpty()) throw new IllegalArgumentException("to is required");
    if (!INTERNATIONAL.matcher(to).matches())
      throw new IllegalArgumentException("to must be an international number, + and 6 to 15 digits (normalize it "
          + "first), got \"" + to + "\"");
    if (text == null || text.isBlank()) throw new IllegalArgumentException("text is required");
    if (text.length() > MAX_TEXT_LENGTH)
      throw new IllegalArgumentException("text must be at most " + MAX_TEXT_LENGTH + " characters, got "
          + text.length());
  }

  /**
   * A number as people write it, in the form the constructor takes: spaces, dashes and
   * parentheses removed, a leading {@code 00} (the international prefix of most countries) turned
   * into {@code +}. Anything else is left as it is, so a wrong number still fails in the constructor
   * with what was given.
   */
  public static String normalize(String number) {
    Objects.requireNonNull(number, "number");
    StringBuilder b = new StringBuilder(number.length());
    for (int i = 0; i < number.length(); i++) {
      char c = number.charAt(i);
      boolean space = Character.isWhitespace(c) || Character.isSpaceChar(c);
      boolean dash = c == '-' || Character.getType(c) == Character.DASH_PUNCTUATION;
      if (!space && !dash && c != '(' && c != ')') b.append(c);
    }
    if (b.length() > 2 && b.charAt(0) == '0' && b.charAt(1) == '0') b.replace(0, 2, "+");
    return b.toString();
  }
}
