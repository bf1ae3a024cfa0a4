package io.switchboard.core.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.CborSerializable;
import io.switchboard.core.company.Contact;
import java.util.Locale;

/**
 * The call note an agent writes for a client (ANS-6): who called, how to reach them, what they
 * want and whether they expect a call back. The caller's number is the call-back number.
 */
public record CallNote(String callerName, String callerNumber, String callerCompany, String text, CallBack callBack)
    implements CborSerializable {

  public static final int MAX_TEXT = 4000;
  public static final int MAX_FIELD = 200;

  public enum CallBack {
    /** The caller asks to be called back. */
    CALL_BACK,
    /** The caller will call again. */
    WILL_CALL_AGAIN,
    /** Nothing to do but read it. */
    FOR_INFORMATION;

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static CallBack parse(String value) {
      if (value == null || value.isBlank()) return FOR_INFORMATION;
      for (CallBack c : values()) if (c.json().equalsIgnoreCase(value.strip())) return c;
      throw new IllegalArgumentException("callBack must be call-back, will-call-again or for-information; got " + value);
    }
  }

  public CallNote {
    callerName = field("callerName", callerName);
    callerCompany = field("callerCompany", callerCompany);
    callerNumber = Contact.phone("callerNumber", callerNumber);
    text = text == null || text.isBlank() ? null : text.strip();
    if (text == null) throw new IllegalArgumentException("text is required: what the caller wants");
    if (text.length() > MAX_TEXT)
      throw new IllegalArgumentException("text must be at most " + MAX_TEXT + " characters, got " + text.length());
    callBack = callBack == null ? CallBack.FOR_INFORMATION : callBack;
    if (callBack == CallBack.CALL_BACK && callerNumber == null)
      throw new IllegalArgumentException("callerNumber is required when the caller wants a call back");
  }

  private static String field(String name, String value) {
    if (value == null || value.isBlank()) return null;
    String s = value.strip();
    if (s.length() > MAX_FIELD) throw new IllegalArgumentException(name + " must be at most " + MAX_FIELD + " characters");
    return s;
  }
}
