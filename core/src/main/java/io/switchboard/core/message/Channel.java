package io.switchboard.core.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a message reaches the client's contact. */
public enum Channel {
  EMAIL, SMS;

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Channel parse(String value) {
    if (value != null) for (Channel c : values()) if (c.json().equalsIgnoreCase(value.strip())) return c;
    throw new IllegalArgumentException("channels must be email or sms; got " + value);
  }
}
