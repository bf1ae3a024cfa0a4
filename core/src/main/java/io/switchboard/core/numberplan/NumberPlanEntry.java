package io.switchboard.core.numberplan;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.queue.QueueId;

/**
 * A dialled number routed to a control queue, for a company of an answering point (ACD-1,
 * ANS-1). Higher {@code priority} contacts are served first in the queue.
 */
public record NumberPlanEntry(
    String dialledNumber, AnsweringPointId answeringPoint, CompanyId company, QueueId queue, int priority)
    implements CborSerializable {

  public NumberPlanEntry {
    if (dialledNumber == null || !dialledNumber.matches("\\+?[0-9]{2,20}"))
      throw new IllegalArgumentException(
          "dialledNumber must be 2-20 digits, optionally starting with +, got " + dialledNumber);
    if (answeringPoint == null) throw new IllegalArgumentException("answeringPoint is required");
    if (company == null) throw new IllegalArgumentException("company is required");
    if (queue == null) throw new IllegalArgumentException("queue is required");
    if (priority < 0 || priority > 9) throw new IllegalArgumentException("priority must be 0-9, got " + priority);
  }
}
