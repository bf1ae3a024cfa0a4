package io.switchboard.core.call;

/** Where a call is in its life, as shown to people. */
public enum CallPhase {
  ROUTING,
  QUEUED,
  OFFERED,
  TALKING,
  WRAP_UP,
  FINISHED
}
