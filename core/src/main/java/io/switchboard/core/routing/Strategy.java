package io.switchboard.core.routing;

/** How a queue picks among its free agents (ACD-2). */
public enum Strategy {
  /** The agent free for the longest time gets the contact (default). */
  LONGEST_IDLE,
  /** Agents take turns in a fixed order, continuing after the last agent offered. */
  ROUND_ROBIN,
  /** The agent who has handled the fewest contacts today, then the longest idle. */
  FEWEST_CONTACTS,
  /** Every free agent is offered the head contact at once; the first to accept wins. */
  RING_ALL,
  /**
   * Tiers: level 1 agents first; level n+1 only after the contact has waited n tier delays.
   * Among eligible agents, the lowest level, then the longest idle.
   */
  SKILLS
}
