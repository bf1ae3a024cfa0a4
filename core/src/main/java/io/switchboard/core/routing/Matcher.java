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
    Instant wakeUp = null;
    boolean ringAll = pool.strategy() == Strategy.RING_ALL;
    boolean tiers = pool.strategy() == Strategy.SKILLS && tierDelay != null && !tierDelay.isZero();
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
      } else if (tiers && maxLevel < pool.minLevel()) {
        Instant opens = w.virtualStartAt().plus(tierDelay.multipliedBy(pool.minLevel() - 1L));
        if (wakeUp == null || opens.isBefore(wakeUp)) wakeUp = opens;
      }
    }
    if (pool.isEmpty()) wakeUp = null;
    return new Result(assignments, Optional.ofNullable(wakeUp));
  }

  /** The highest level a contact may be offered to after waiting since {@code since}. */
  public static int eligibleLevel(Instant since, Duration tierDelay, Instant now) {
    if (tierDelay == null || tierDelay.isZero()) return Integer.MAX_VALUE;
    long waited = Math.max(0, Duration.between(since, now).toMillis());
    long tiers = waited / tierDelay.toMillis();
    return (int) Math.min(Integer.MAX_VALUE - 1L, 1 + tiers);
  }
}
