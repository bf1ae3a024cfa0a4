package io.switchboard.core.numberplan;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.queue.QueueId;

/**
 * A dialled number, for a company of an answering point (ACD-1, ANS-1), routed either to a
 * control queue ({@code queue}; higher {@code priority} contacts are served first there) or to a
 * person's SIP account ({@code account}): exactly one of the two.
 */
public record NumberPlanEntry(
    String dialledNumber, AnsweringPointId answeringPoint, CompanyId company, QueueId queue, int priority,
    SipAccountTarget account)
    implements CborSerializable {

  /** A number to a control queue. */
  public NumberPlanEntry(String dialledNumber, AnsweringPointId answeringPoint, CompanyId company, QueueId queue,
      int priority) {
    this(dialledNumber, answeringPoint, company, queue, priority, null);
  }

  public NumberPlanEntry {
    if (dialledNumber == null || !dialledNumber.matches("\\+?[0-9]{2,20}"))
      throw new IllegalArgumentException(
          "dialledNumber must be 2-20 digits, optionally starting with +, got " + dialledNumber);
    if (answeringPoint == null) throw new IllegalArgumentException("answeringPoint is required");
    if (company == null) throw new IllegalArgumentException("company is required");
    if (queue == null && account == null) throw new IllegalArgumentException("queue (or account) is required");
    if (queue != null && account != null)
      throw new IllegalArgumentException("queue and account: a dialled number goes to one of them, not both");
    if (priority < 0 || priority > 9) throw new IllegalArgumentException("priority must be 0-9, got " + priority);
  }

  /** Whether calls to this number ring a SIP account rather than enter a queue. */
  public boolean toAccount() {
    return account != null;
  }
}
