package io.switchboard.core.queue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.switchboard.core.CborSerializable;

/** Where a contact goes when it has waited the queue's maximum wait. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = OverflowTarget.ToQueue.class, name = "queue"),
  @JsonSubTypes.Type(value = OverflowTarget.Close.class, name = "closed")
})
public sealed interface OverflowTarget extends CborSerializable {

  /** Move to another queue, keeping the contact's seniority (virtual start). */
  record ToQueue(QueueId queue) implements OverflowTarget {
    public ToQueue {
      if (queue == null) throw new IllegalArgumentException("overflow.queue is required");
    }
  }

  /** Leave the queue with a closed action (night message, forward, voicemail). */
  record Close(ClosedAction action) implements OverflowTarget {
    public Close {
      if (action == null) throw new IllegalArgumentException("overflow.action is required");
    }
  }
}
