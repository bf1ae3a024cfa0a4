package io.switchboard.core.queue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.Identifiers;

/** A queue: where contacts wait for agents of its answer group. */
public record QueueId(@JsonValue String value) implements Comparable<QueueId> {
  public QueueId {
    Identifiers.require(value, "queueId");
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static QueueId of(String value) {
    return new QueueId(value);
  }

  @Override
  public int compareTo(QueueId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
