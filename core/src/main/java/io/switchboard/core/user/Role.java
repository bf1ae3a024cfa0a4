package io.switchboard.core.user;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a user may do. {@code CLIENT} is a client company's own administrator in the customer
 * portal (ANS-8): it sees and changes only its companies' contacts, redirects and exceptions.
 */
public enum Role {
  ADMIN,
  SUPERVISOR,
  AGENT,
  CLIENT;

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Role parse(String value) {
    if (value != null)
      for (Role r : values()) if (r.json().equalsIgnoreCase(value.strip())) return r;
    throw new IllegalArgumentException("roles must be admin, supervisor, agent or client; got " + value);
  }
}
