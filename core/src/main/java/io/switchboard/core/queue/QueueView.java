package io.switchboard.core.queue;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.call.CallId;
import java.time.Instant;
import java.util.List;

/**
 * A queue as the API and wallboards see it. {@code waiting} lists at most {@link #MAX_LISTED}
 * contacts, most senior first; {@code waitingCount} is the full count.
 */
public record QueueView(
    QueueId queueId,
    QueueConfig config,
    int waitingCount,
    Instant oldestEnqueuedAt,
    List<WaitingContact> waiting,
    List<Member> members,
    int freeAgents,
    int offersRinging,
    TodayFigures today)
    implements CborSerializable {

  public static final int MAX_LISTED = 200;

  public record WaitingContact(
      CallId callId, int position, int priority, Instant virtualStartAt, Instant enqueuedAt, List<AgentId> offeredTo)
      implements CborSerializable {}

  public record Member(AgentId agentId, int level, boolean free) implements CborSerializable {}
}
