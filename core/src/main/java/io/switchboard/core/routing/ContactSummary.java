package io.switchboard.core.routing;

import io.switchboard.core.call.CallId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.queue.QueueId;
import java.time.Instant;

/**
 * What a queue knows of a waiting contact and tells the agent it offers it to ({@code
 * customerNumber}: what the caller keyed in, ACD-10; null if not asked). {@code
 * virtualStartAt} is the contact's original enqueue time, kept through overflows, so seniority
 * survives a move between queues; {@code enqueuedAt} is when it entered this queue.
 */
public record ContactSummary(
    CallId callId,
    Channel channel,
    QueueId queueId,
    String dialledNumber,
    String callerNumber,
    AnsweringPointId answeringPoint,
    CompanyId company,
    int priority,
    Instant virtualStartAt,
    Instant enqueuedAt,
    String customerNumber) {

  /** A contact without a customer number keyed in. */
  public ContactSummary(CallId callId, Channel channel, QueueId queueId, String dialledNumber, String callerNumber,
      AnsweringPointId answeringPoint, CompanyId company, int priority, Instant virtualStartAt, Instant enqueuedAt) {
    this(callId, channel, queueId, dialledNumber, callerNumber, answeringPoint, company, priority, virtualStartAt,
        enqueuedAt, null);
  }

  /** Higher priority first, then the longest virtual wait, then arrival in this queue. */
  public static final java.util.Comparator<ContactSummary> SENIORITY =
      java.util.Comparator.comparingInt((ContactSummary c) -> -c.priority())
          .thenComparing(ContactSummary::virtualStartAt)
          .thenComparing(ContactSummary::enqueuedAt)
          .thenComparing(ContactSummary::callId);

  public ContactSummary inQueue(QueueId queue, Instant enqueued, Instant virtualStart) {
    return new ContactSummary(
        callId, channel, queue, dialledNumber, callerNumber, answeringPoint, company, priority,
        virtualStart, enqueued, customerNumber);
  }
}
