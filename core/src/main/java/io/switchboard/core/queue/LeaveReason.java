package io.switchboard.core.queue;

/** Why a contact left a queue. */
public enum LeaveReason {
  ANSWERED,
  ABANDONED,
  OVERFLOWED,
  /** Its call session never wrote it (it gave up, or died first) or it no longer waits here. */
  ORPHANED
}
