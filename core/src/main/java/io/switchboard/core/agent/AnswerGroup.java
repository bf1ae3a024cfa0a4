package io.switchboard.core.agent;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.queue.QueueId;

/** Membership of an agent in a queue's answer group, with its tier (1 = first choice). */
public record AnswerGroup(QueueId queue, int level) implements CborSerializable {
  public AnswerGroup {
    if (queue == null) throw new IllegalArgumentException("answerGroups[].queue is required");
    if (level < 1 || level > 99)
      throw new IllegalArgumentException("answerGroups[].level must be 1-99, got " + level);
  }
}
