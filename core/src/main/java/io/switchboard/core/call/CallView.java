package io.switchboard.core.call;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.queue.ClosedAction;
import io.switchboard.core.queue.QueueId;
import java.time.Instant;
import java.util.List;

/**
 * A call as the API and observers see it. {@code consultation}: the announced transfer its agent
 * is making (ANS-4), while it talks; null otherwise.
 */
public record CallView(
    CallId callId,
    CallPhase phase,
    String dialledNumber,
    String callerNumber,
    AnsweringPointId answeringPoint,
    CompanyId company,
    QueueId queue,
    int priority,
    Instant arrivedAt,
    Instant enqueuedAt,
    Instant virtualStartAt,
    List<OfferRecord> ringing,
    AgentId agent,
    Instant answeredAt,
    Instant endedAt,
    EndedBy endedBy,
    CallOutcome outcome,
    ClosedAction closedAction,
    String prompt,
    String customerNumber,
    TransferTarget transferredTo,
    CallId transferCallId,
    Consultation consultation)
    implements CborSerializable {}
