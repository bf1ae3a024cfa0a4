package io.switchboard.core.call;

/** Who ended the conversation. */
public enum EndedBy {
  CALLER,
  AGENT,
  /** The agent sent the call on (blind transfer): its part ended there. */
  TRANSFER
}
