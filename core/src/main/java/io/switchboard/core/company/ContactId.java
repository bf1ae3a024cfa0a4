package io.switchboard.core.company;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.Identifiers;

/** A contact (person or department) of a client company; unique within its company. */
public record ContactId(@JsonValue String value) implements Comparable<ContactId> {
  public ContactId {
    Identifiers.require(value, "contactId");
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ContactId of(String value) {
    return new ContactId(value);
  }

  @Override
  public int compareTo(ContactId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
