package io.switchboard.core.routing;

import io.switchboard.core.agent.AgentId;
import io.switchboard.core.call.CallId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Pairs a queue's waiting contacts with its free agents. Contacts are visited in seniority order
 * (priority, then virtual wait), so no contact is offered while an older one of equal priority
 * that the same agent could take is passed over. Pure: the only effect is taking agents out of
 * the pool it is given.
 */
public final class Matcher {

  /**
   * A waiting contact as matching needs it. {@code offered}: already ringing at some agent (only
   * ring-all adds more agents to a ringing contact). {@code excluded}: agents that must not get
   * it now (ringing with it already, or declined it a moment ago).
   */
  public record Waiting(
      CallId callId, int priority, Instant virtualStartAt, boolean offered, Set<AgentId> excluded) {}

  public record Assignment(CallId callId, AgentId agentId) {}

  /** The offers to make, and when matching should run again because a tier opens. */
  public record Result(List<Assignment> assignments, Optional<Instant> wakeUpAt) {}

  private Matcher() {}

  /**
   * @param inSeniorityOrder waiting contacts, most senior first
   * @param pool free agents; assigned agents are removed from it
   * @param tierDelay under {@link Strategy#SKILLS}: level n+1 becomes eligible after the contact
   *     has waited n tier delays (zero: all levels at once, lowest level still preferred)
   */
  public static Result match(
      Iterable<Waiting> inSeniorityOrder, AgentPool pool, Duration tierDelay, Instant now) {
    List<Assignment> assignments = new ArrayList<>();
    boolean ringAll = pool.strategy() == Strategy.RING_ALL;
    boolean tiers = pool.strategy() == Strategy.SKILLS && tierDelay != null && tierDelay.toMillis() > 0;
    // Left waiting for a tier to open: the earliest virtual start among those that exclude no
    // agent, and every one that does (rare: ringing elsewhere or just declined).
    Instant earliestUnexcluded = null;
    List<Waiting> leftWithExclusions = new ArrayList<>();
    for (Waiting w : inSeniorityOrder) {
      if (pool.isEmpty()) break;
      if (ringAll) {
        for (AgentPool.Candidate c : pool.takeAll(w.excluded()))
          assignments.add(new Assignment(w.callId(), c.agentId()));
        continue;
      }
      if (w.offered()) continue;
      int maxLevel = tiers ? eligibleLevel(w.virtualStartAt(), tierDelay, now) : Integer.MAX_VALUE;
      Optional<AgentPool.Candidate> taken = pool.take(maxLevel, w.excluded());
      if (taken.isPresent()) {
        assignments.add(new Assignment(w.callId(), taken.get().agentId()));
      } else if (tiers && w.excluded().isEmpty()) {
        if (earliestUnexcluded == null || w.virtualStartAt().isBefore(earliestUnexcluded))
          earliestUnexcluded = w.virtualStartAt();
      } else if (tiers) {
        leftWithExclusions.add(w);
      }
    }
    return new Result(assignments, tiers ? nextTierOpening(pool, tierDelay, earliestUnexcluded, leftWithExclusions)
        : Optional.empty());
  }

  /**
   * When a contact left waiting first becomes eligible for an agent still free. Computed after
   * the pass, from the agents actually left: an agent a contact excluded may have gone to a
   * later contact, leaving only higher levels for it.
   */
  private static Optional<Instant> nextTierOpening(
      AgentPool pool, Duration tierDelay, Instant earliestUnexcluded, List<Waiting> leftWithExclusions) {
    if (pool.isEmpty()) return Optional.empty();
    Instant next = earliestUnexcluded == null ? null
        : earliestUnexcluded.plus(tierDelay.multipliedBy(pool.minLevel() - 1L));
    for (Waiting w : leftWithExclusions) {
      Optional<Integer> level = pool.lowestLevelExcept(w.excluded());
      if (level.isEmpty()) continue;
      Instant opens = w.virtualStartAt().plus(tierDelay.multipliedBy(level.get() - 1L));
      if (next == null || opens.isBefore(next)) next = opens;
    }
    return Optional.ofNullable(next);
  }

  /** The highest level a contact may be offered to after waiting since {@code since}. */
  public static int eligibleLevel(Instant since, Duration tierDelay, Instant now) {
    if (tierDelay == null || tierDelay.toMillis() <= 0) return Integer.MAX_VALUE;
    long waited = Math.max(0, Duration.between(since, now).toMillis());
    long tiers = waited / tierDelay.toMillis();
    return (int) Math.min(Integer.MAX_VALUE - 1L, 1 + tiers);
  }
}
