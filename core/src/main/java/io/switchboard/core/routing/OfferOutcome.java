package io.switchboard.core.routing;

/** How an offer ended without being accepted. */
public enum OfferOutcome {
  /** The agent declined it. */
  DECLINED,
  /** It rang for the queue's offer timeout without an answer. */
  TIMED_OUT,
  /** The contact left first: answered by another agent, abandoned, or moved to another queue. */
  WITHDRAWN,
  /** Never presented: the agent was no longer free when it arrived. */
  NOT_AVAILABLE,
  /** Never presented: the agent took an older contact offered by another queue at the same time. */
  TOOK_OTHER;

  /** Whether the agent saw it ring, i.e. whether it counts as an offer in statistics. */
  public boolean presented() {
    return this == DECLINED || this == TIMED_OUT || this == WITHDRAWN;
  }
}
