package io.switchboard.core.call;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.queue.QueueId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What is known of a call from its arrival on. {@code virtualStartAt} is set when it first
 * enters a queue and kept through overflows; {@code visited} lists the queues it has been in,
 * so overflow never loops. {@code customerNumber}: what the caller keyed in (ACD-10), if asked.
 * {@code transferredTo}: where its agent sent it on (ANS-4), with {@code transferCallId}, the
 * call it became in a queue.
 */
public record CallFacts(
    CallId callId,
    String dialledNumber,
    String callerNumber,
    Instant arrivedAt,
    AnsweringPointId answeringPoint,
    CompanyId company,
    int priority,
    Instant virtualStartAt,
    List<QueueId> visited,
    String customerNumber,
    TransferTarget transferredTo,
    CallId transferCallId)
    implements CborSerializable {

  public CallFacts(CallId callId, String dialledNumber, String callerNumber, Instant arrivedAt,
      AnsweringPointId answeringPoint, CompanyId company, int priority, Instant virtualStartAt, List<QueueId> visited,
      String customerNumber) {
    this(callId, dialledNumber, callerNumber, arrivedAt, answeringPoint, company, priority, virtualStartAt, visited,
        customerNumber, null, null);
  }

  public CallFacts(CallId callId, String dialledNumber, String callerNumber, Instant arrivedAt,
      AnsweringPointId answeringPoint, CompanyId company, int priority, Instant virtualStartAt, List<QueueId> visited) {
    this(callId, dialledNumber, callerNumber, arrivedAt, answeringPoint, company, priority, virtualStartAt, visited,
        null);
  }

  CallFacts queuedIn(QueueId queue, Instant virtualStart) {
    List<QueueId> v = new ArrayList<>(visited);
    if (!v.contains(queue)) v.add(queue);
    return new CallFacts(callId, dialledNumber, callerNumber, arrivedAt, answeringPoint, company, priority,
        virtualStartAt == null ? virtualStart : virtualStartAt, List.copyOf(v), customerNumber, transferredTo,
        transferCallId);
  }

  /** Sent on by its agent: to {@code target}; {@code newCall} is the call it became there (a queue). */
  CallFacts transferred(TransferTarget target, CallId newCall) {
    return new CallFacts(callId, dialledNumber, callerNumber, arrivedAt, answeringPoint, company, priority,
        virtualStartAt, visited, customerNumber, target, newCall);
  }
}
