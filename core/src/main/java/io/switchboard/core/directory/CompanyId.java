package io.switchboard.core.directory;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.Identifiers;

/** A client company of an answering point. */
public record CompanyId(@JsonValue String value) implements Comparable<CompanyId> {
  public CompanyId {
    Identifiers.require(value, "companyId");
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static CompanyId of(String value) {
    return new CompanyId(value);
  }

  @Override
  public int compareTo(CompanyId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
