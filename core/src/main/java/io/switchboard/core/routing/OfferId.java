package io.switchboard.core.routing;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.Identifiers;
import java.util.UUID;

/** One offer of one contact to one agent. */
public record OfferId(@JsonValue String value) implements Comparable<OfferId> {
  public OfferId {
    Identifiers.require(value, "offerId");
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static OfferId of(String value) {
    return new OfferId(value);
  }

  /** A fresh, globally unique id. */
  public static OfferId random() {
    return new OfferId(UUID.randomUUID().toString());
  }

  @Override
  public int compareTo(OfferId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
