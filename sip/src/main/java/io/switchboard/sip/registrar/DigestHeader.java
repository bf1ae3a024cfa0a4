package io.switchboard.sip.registrar;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Parses and formats the value of an Authorization / WWW-Authenticate style header:
 * {@code scheme param=value, param="quoted \"value\", with commas"}.
 *
 * <p>Written by hand rather than borrowed from the SIP stack so the registrar stays independent
 * of JAIN-SIP, and so a malformed header from a phone is a value ({@link Malformed}) and never
 * an exception. It is lenient where phones are sloppy: an unquoted value may hold any visible
 * character but a comma or a quote ({@code uri=sip:a@b}), empty list elements are skipped,
 * folded lines count as whitespace, and a leading {@code Authorization:} (what JAIN-SIP's
 * {@code Header.toString()} gives) is ignored. Parameter names are case-insensitive and come
 * back in lower case; a repeated name is malformed (which of the two would the digest cover?).
 */
public final class DigestHeader {

  private DigestHeader() {}

  public sealed interface Parsed permits Credentials, Malformed {}

  /** The scheme as sent and the parameters in order, names in lower case, values unquoted. */
  public record Credentials(String scheme, Map<String, String> params) implements Parsed {
    public Credentials {
      Objects.requireNonNull(scheme, "scheme");
      params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public Optional<String> param(String name) {
      return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
    }
  }

  /** What is wrong with the header, for the Rejected verdict and the log. */
  public record Malformed(String why) implements Parsed {}

  /** One parameter for {@link #format}; {@code quoted} false writes the value bare (a token). */
  public record Param(String name, String value, boolean quoted) {
    public Param {
      if (name == null || name.isEmpty() || !name.chars().allMatch(DigestHeader::isTokenChar)) {
        throw new IllegalArgumentException("parameter name must be a token: " + name);
      }
      Objects.requireNonNull(value, "value");
      if (!quoted && (value.isEmpty() || !value.chars().allMatch(DigestHeader::isBareChar))) {
        throw new IllegalArgumentException("value of " + name + " cannot be sent unquoted");
      }
    }

    public static Param quoted(String name, String value) {
      return new Param(name, value, true);
    }

    public static Param token(String name, String value) {
      return new Param(name, value, false);
    }
  }

  /** {@code scheme name="value", name=token, ...}, quotes and backslashes escaped. */
  public static String format(String scheme, List<Param> params) {
    if (scheme == null || scheme.isEmpty() || !scheme.chars().allMatch(DigestHeader::isTokenChar)) {
      throw new IllegalArgumentException("scheme must be a token: " + scheme);
    }
    StringBuilder out = new StringBuilder(scheme);
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      out.append(i == 0 ? " " : ", ").append(p.name()).append('=');
      if (p.quoted()) out.append(quote(p.value()));
      else out.append(p.value());
    }
    return out.toString();
  }

  /** {@code "value"} with {@code "} and {@code \} escaped. */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') out.append('\\');
      out.append(c);
    }
    return out.append('"').toString();
  }

  /** The scheme (first token) of a header value, if it has one. */
  public static Optional<String> schemeOf(String header) {
    if (header == null) return Optional.empty();
    Cursor in = new Cursor(withoutHeaderName(header));
    in.skipWhitespace();
    String scheme = in.token();
    return scheme.isEmpty() ? Optional.empty() : Optional.of(scheme);
  }

  /** Never throws: anything that is not a scheme and a parameter list is {@link Malformed}. */
  public static Parsed parse(String header) {
    if (header == null) return new Malformed("no header value");
    Cursor in = new Cursor(withoutHeaderName(header));
    in.skipWhitespace();
    String scheme = in.token();
    if (scheme.isEmpty()) return new Malformed("no authentication scheme");
    Map<String, String> params = new LinkedHashMap<>();
    if (in.atEnd()) return new Credentials(scheme, params);
    if (!in.skipWhitespace()) return new Malformed("expected a space after the scheme at offset " + in.pos);
    boolean first = true;
    while (true) {
      // Empty elements (", ,") are allowed by the list syntax of RFC 7230 §7.
      boolean comma = false;
      while (true) {
        in.skipWhitespace();
        if (in.peek() == ',') {
          in.pos++;
          comma = true;
        } else {
          break;
        }
      }
      if (in.atEnd()) return new Credentials(scheme, params);
      if (!first && !comma) return new Malformed("expected ',' between parameters at offset " + in.pos);
      first = false;
      int at = in.pos;
      String name = in.token();
      if (name.isEmpty()) return new Malformed("expected a parameter name at offset " + at);
      in.skipWhitespace();
      if (in.peek() != '=') return new Malformed("expected '=' after parameter " + name);
      in.pos++;
      in.skipWhitespace();
      String value;
      if (in.peek() == '"') {
        value = in.quotedString();
        if (value == null) return new Malformed("unterminated quoted value of parameter " + name);
      } else {
        value = in.bareValue();
        if (value.isEmpty()) return new Malformed("missing value of parameter " + name);
      }
      String key = name.toLowerCase(Locale.ROOT);
      if (params.putIfAbsent(key, value) != null) return new Malformed("parameter " + key + " given twice");
    }
  }

  private static String withoutHeaderName(String header) {
    String trimmed = header.stripLeading();
    for (String name : List.of("authorization:", "proxy-authorization:")) {
      if (trimmed.regionMatches(true, 0, name, 0, name.length())) return trimmed.substring(name.length());
    }
    return header;
  }

  /** RFC 7230 tchar. */
  static boolean isTokenChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /** What an unquoted value may hold here: more than a token, because phones send URIs bare. */
  static boolean isBareChar(int c) {
    return c > ' ' && c != 0x7f && c != ',' && c != '"';
  }

  private static boolean isWhitespace(int c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  /** A position in the input; every read is bounds-checked so no input can throw. */
  private static final class Cursor {
    final String s;
    int pos;

    Cursor(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return pos >= s.length();
    }

    int peek() {
      return atEnd() ? -1 : s.charAt(pos);
    }

    boolean skipWhitespace() {
      int start = pos;
      while (!atEnd() && isWhitespace(s.charAt(pos))) pos++;
      return pos > start;
    }

    String token() {
      int start = pos;
      while (!atEnd() && isTokenChar(s.charAt(pos))) pos++;
      return s.substring(start, pos);
    }

    String bareValue() {
      int start = pos;
      while (!atEnd() && isBareChar(s.charAt(pos))) pos++;
      return s.substring(start, pos);
    }

    /** The unescaped content of a quoted string starting at the quote, or null if unterminated. */
    String quotedString() {
      StringBuilder out = new StringBuilder();
      pos++;
      while (!atEnd()) {
        char c = s.charAt(pos++);
        if (c == '"') return out.toString();
        if (c == '\\') {
          if (atEnd()) return null;
          c = s.charAt(pos++);
        }
        out.append(c);
      }
      return null;
    }
  }
}
