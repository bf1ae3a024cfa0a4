package io.switchboard.core.template;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.CborSerializable;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A greeting or instruction text shown to the agent when a call arrives (ANS-3), with codes
 * filled in from the call: {@code {ANO}} the caller's number, {@code {NAME}} the caller's name and
 * {@code {COMP}} the caller's company, each {@code ?} when unknown. Templates stand at the default
 * (answering point), company and contact level; the most specific one there is wins.
 */
public record GreetingTemplate(@JsonValue String text) implements CborSerializable {

  public static final int MAX_LENGTH = 2000;

  public static final String CALLER_NUMBER = "{ANO}";
  public static final String CALLER_NAME = "{NAME}";
  public static final String CALLER_COMPANY = "{COMP}";

  private static final Set<String> CODES = Set.of(CALLER_NUMBER, CALLER_NAME, CALLER_COMPANY);
  /** Something written like a code: braces around capitals, as the codes are. */
  private static final Pattern CODE_LIKE = Pattern.compile("\\{[A-Z_]+}");
  private static final String UNKNOWN = "?";

  public GreetingTemplate {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("greeting is required");
    if (text.length() > MAX_LENGTH)
      throw new IllegalArgumentException("greeting must be at most " + MAX_LENGTH + " characters, got "
          + text.length());
    Matcher m = CODE_LIKE.matcher(text);
    while (m.find())
      if (!CODES.contains(m.group()))
        throw new IllegalArgumentException("greeting: unknown code " + m.group() + " at " + m.start()
            + " (known: {ANO} caller number, {NAME} caller name, {COMP} caller company)");
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static GreetingTemplate of(String text) {
    return new GreetingTemplate(text);
  }

  /** What is known of the caller: any of the three may be null (unknown). */
  public record Caller(String number, String name, String company) {}

  /** The text with the codes filled in; an unknown (or anonymous) value is {@code ?}. */
  public String render(Caller caller) {
    // One pass, so a value that itself looks like a code is never filled in again.
    Matcher m = CODE_LIKE.matcher(text);
    StringBuilder out = new StringBuilder(text.length() + 32);
    while (m.find()) {
      String value = switch (m.group()) {
        case CALLER_NUMBER -> known(caller.number() == null || "anonymous".equalsIgnoreCase(caller.number())
            ? null : caller.number());
        case CALLER_NAME -> known(caller.name());
        case CALLER_COMPANY -> known(caller.company());
        default -> m.group();
      };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String known(String value) {
    return value == null || value.isBlank() ? UNKNOWN : value.strip();
  }

  /**
   * The template for a call: the contact's, else the company's, else the default (the order of
   * the arguments); empty when none is set.
   */
  public static Optional<GreetingTemplate> mostSpecific(GreetingTemplate contact, GreetingTemplate company,
      GreetingTemplate fallback) {
    if (contact != null) return Optional.of(contact);
    if (company != null) return Optional.of(company);
    return Optional.ofNullable(fallback);
  }
}
