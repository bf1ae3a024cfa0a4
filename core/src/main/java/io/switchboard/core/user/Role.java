package io.switchboard.core.user;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a user may do. Customer-portal users come later. */
public enum Role {
  ADMIN,
  SUPERVISOR,
  AGENT;

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Role parse(String value) {
    if (value != null)
      for (Role r : values()) if (r.json().equalsIgnoreCase(value.strip())) return r;
    throw new IllegalArgumentException("roles must be admin, supervisor or agent; got " + value);
  }
}
