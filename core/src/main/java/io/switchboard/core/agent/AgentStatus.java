package io.switchboard.core.agent;

/** What supervisors see: the agent's state for voice (ACD-3). */
public enum AgentStatus {
  LOGGED_OUT,
  READY,
  RESERVED,
  BUSY,
  WRAP_UP,
  PAUSED
}
