package io.switchboard.core.agent;

import io.switchboard.core.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * An agent as the API, desktops and wallboards see it. {@code availableSince}: when the agent
 * last became free to take a contact (what longest-idle routing counts from).
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
    AgentConfig config)
    implements CborSerializable {}
