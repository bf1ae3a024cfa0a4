package io.switchboard.core.agent;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.Identifiers;

/** An agent (handläggare/telefonist). */
public record AgentId(@JsonValue String value) implements Comparable<AgentId> {
  public AgentId {
    Identifiers.require(value, "agentId");
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static AgentId of(String value) {
    return new AgentId(value);
  }

  @Override
  public int compareTo(AgentId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
