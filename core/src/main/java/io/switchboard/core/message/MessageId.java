package io.switchboard.core.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.Identifiers;

/** A message taken for a client; chosen by whoever takes it, so a retried request is not a second message. */
public record MessageId(@JsonValue String value) {
  public MessageId {
    Identifiers.require(value, "messageId");
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static MessageId of(String value) {
    return new MessageId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
