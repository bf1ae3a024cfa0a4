package io.switchboard.core.queue;

/** Why a contact left a queue. */
public enum LeaveReason {
  ANSWERED,
  ABANDONED,
  OVERFLOWED
}
