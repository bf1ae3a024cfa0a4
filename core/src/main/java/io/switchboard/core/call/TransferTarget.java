package io.switchboard.core.call;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.switchboard.core.CborSerializable;
import io.switchboard.core.queue.QueueId;

/**
 * Where an agent sends a call on (blind transfer, ANS-4): the caller is held and the agent
 * leaves before anyone answers there.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = TransferTarget.ToQueue.class, name = "queue"),
  @JsonSubTypes.Type(value = TransferTarget.ToNumber.class, name = "number")
})
public sealed interface TransferTarget extends CborSerializable {

  /** Into another queue (or the same one): a new contact there, keeping the caller's seniority. */
  record ToQueue(QueueId queue) implements TransferTarget {
    public ToQueue {
      if (queue == null) throw new IllegalArgumentException("target.queue is required");
    }
  }

  /** To a phone number, through the SIP gateway's trunk. */
  record ToNumber(String number) implements TransferTarget {
    public ToNumber {
      if (number == null || !number.matches("\\+?[0-9]{2,20}"))
        throw new IllegalArgumentException("target.number must be 2-20 digits, optionally starting with +, got "
            + number);
    }
  }
}
