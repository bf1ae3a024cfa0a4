package io.switchboard.core.directory;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.Identifiers;

/** An answering point: a client group, brand or department the centre answers for. */
public record AnsweringPointId(@JsonValue String value) implements Comparable<AnsweringPointId> {
  public AnsweringPointId {
    Identifiers.require(value, "answeringPointId");
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static AnsweringPointId of(String value) {
    return new AnsweringPointId(value);
  }

  @Override
  public int compareTo(AnsweringPointId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
