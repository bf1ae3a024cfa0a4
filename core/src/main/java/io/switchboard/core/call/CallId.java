package io.switchboard.core.call;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.Identifiers;
import java.util.UUID;

/** One call's session. */
public record CallId(@JsonValue String value) implements Comparable<CallId> {
  public CallId {
    Identifiers.require(value, "callId");
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static CallId of(String value) {
    return new CallId(value);
  }

  /** A fresh, globally unique id. */
  public static CallId random() {
    return new CallId(UUID.randomUUID().toString());
  }

  @Override
  public int compareTo(CallId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
