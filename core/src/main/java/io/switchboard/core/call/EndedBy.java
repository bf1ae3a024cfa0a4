package io.switchboard.core.call;

/** Who ended the conversation. */
public enum EndedBy {
  CALLER,
  AGENT
}
