package io.switchboard.core.call;

/** The one terminal outcome every call ends with. */
public enum CallOutcome {
  /** Answered by an agent, conversation and wrap-up done. */
  COMPLETED,
  /** The caller hung up before an agent answered (while routed, queued or ringing). */
  ABANDONED,
  /** Arrived while its queue was closed: the queue's closed action was carried out. */
  CLOSED,
  /** Waited the queue's maximum wait and left with the overflow's closed action. */
  OVERFLOWED,
  /** The company blocks the caller's number (ANS-15): handled by its block action, never queued. */
  BLOCKED
}
