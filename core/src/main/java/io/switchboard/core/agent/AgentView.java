package io.switchboard.core.agent;

import io.switchboard.core.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * An agent as the API, desktops and wallboards see it. {@code availableSince}: when the agent
 * last became free to take a contact (what longest-idle routing counts from). {@code version}
 * grows with every change, so an observer can drop a view older than one it has shown.
 */
public record AgentView(
    AgentId agentId,
    String name,
    AgentStatus status,
    String pauseReason,
    Instant statusSince,
    Instant availableSince,
    String loginId,
    List<AnswerGroup> groups,
    List<AgentContact> contacts,
    int handledToday,
    AgentConfig config,
    long version)
    implements CborSerializable {}
