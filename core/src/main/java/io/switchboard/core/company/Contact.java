package io.switchboard.core.company;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.CborSerializable;
import io.switchboard.core.template.GreetingTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A person or department at a client company (ANS-1, ANS-13): how to reach them, what the agent
 * does with calls for them ({@code handling}), their own greeting and their absence status.
 */
public record Contact(
    ContactId id,
    Kind kind,
    String name,
    String title,
    String department,
    List<String> phones,
    String email,
    String mobile,
    GreetingTemplate greeting,
    String handling,
    Redirect redirect)
    implements CborSerializable {

  public static final int MAX_TEXT = 200;
  public static final int MAX_HANDLING = 2000;
  public static final int MAX_PHONES = 5;

  public enum Kind {
    PERSON, DEPARTMENT;

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Kind parse(String value) {
      if (value == null || value.isBlank()) return PERSON;
      for (Kind k : values()) if (k.json().equalsIgnoreCase(value.strip())) return k;
      throw new IllegalArgumentException("kind must be person or department; got " + value);
    }
  }

  public Contact {
    if (id == null) throw new IllegalArgumentException("id is required");
    kind = kind == null ? Kind.PERSON : kind;
    name = text("name", name);
    if (name == null) throw new IllegalArgumentException("name is required");
    title = text("title", title);
    department = text("department", department);
    List<String> p = new ArrayList<>();
    for (String raw : phones == null ? List.<String>of() : phones) {
      String n = phone("phones", raw);
      if (n != null && !p.contains(n)) p.add(n);
    }
    if (p.size() > MAX_PHONES)
      throw new IllegalArgumentException("phones: at most " + MAX_PHONES + " numbers, got " + p.size());
    phones = List.copyOf(p);
    email = email == null || email.isBlank() ? null : email.strip();
    if (email != null && (email.length() > MAX_TEXT || !isEmail(email)))
      throw new IllegalArgumentException("email is not an e-mail address: " + email);
    mobile = phone("mobile", mobile);
    handling = handling == null || handling.isBlank() ? null : handling.strip();
    if (handling != null && handling.length() > MAX_HANDLING)
      throw new IllegalArgumentException("handling must be at most " + MAX_HANDLING + " characters, got " + handling.length());
  }

  /**
   * A phone number as stored: spaces, dashes, dots and parentheses dropped, a leading 00 as +.
   * Null for nothing; an error naming {@code field} for anything else that is not digits.
   */
  public static String phone(String field, String raw) {
    if (raw == null || raw.isBlank()) return null;
    // A loop, not regular expressions: every contact read back from the journal passes here, and a
    // company card of a thousand contacts is read back on the first screen pop after it slept.
    StringBuilder n = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (ch >= '0' && ch <= '9' || ch == '+') n.append(ch);
      else if (!(Character.isWhitespace(ch) || ch == '-' || ch == '(' || ch == ')' || ch == '.' || ch == '\u00a0'))
        throw notAPhone(field, raw);
    }
    if (n.length() >= 2 && n.charAt(0) == '0' && n.charAt(1) == '0') n.replace(0, 2, "+");
    int digits = n.length() > 0 && n.charAt(0) == '+' ? n.length() - 1 : n.length();
    if (digits < 2 || digits > 20 || n.indexOf("+", 1) >= 0) throw notAPhone(field, raw);
    return n.toString();
  }

  private static IllegalArgumentException notAPhone(String field, String raw) {
    return new IllegalArgumentException(field + ": '" + raw.strip() + "' is not a phone number (digits, optionally after +)");
  }

  /** Something@domain.tld without spaces: one '@', and a dot with something either side in the domain. */
  private static boolean isEmail(String s) {
    int at = s.indexOf('@');
    if (at <= 0 || at != s.lastIndexOf('@')) return false;
    for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return false;
    for (int i = at + 2; i < s.length() - 1; i++) if (s.charAt(i) == '.') return true;
    return false;
  }

  private static String text(String field, String value) {
    if (value == null || value.isBlank()) return null;
    String s = value.strip();
    if (s.length() > MAX_TEXT)
      throw new IllegalArgumentException(field + " must be at most " + MAX_TEXT + " characters, got " + s.length());
    return s;
  }

  /** The contact as it stands at {@code now}: a lapsed redirect is gone. */
  public Contact asOf(java.time.Instant now) {
    return redirect == null || redirect.activeAt(now) ? this : withRedirect(null);
  }

  public Contact withRedirect(Redirect r) {
    if (java.util.Objects.equals(r, redirect)) return this;
    return new Contact(id, kind, name, title, department, phones, email, mobile, greeting, handling, r);
  }

  /** Every number this contact is reached on, desk phones first. */
  public List<String> numbers() {
    if (mobile == null || phones.contains(mobile)) return phones;
    List<String> all = new ArrayList<>(phones);
    all.add(mobile);
    return all;
  }
}
