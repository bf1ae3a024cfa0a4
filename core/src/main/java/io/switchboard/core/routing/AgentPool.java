package io.switchboard.core.routing;

import io.switchboard.core.agent.AgentId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The free agents of one queue, kept in the order its strategy prefers, so a pick costs a walk
 * past the excluded few instead of a scan of thousands. Mutable; owned by one queue actor.
 */
public final class AgentPool {

  /** A free agent as the queue sees it. {@code level} 1 is the most preferred tier. */
  public record Candidate(AgentId agentId, int level, Instant availableSince, int contactsToday) {
    public Candidate {
      if (level < 1) throw new IllegalArgumentException("level must be 1 or more, got " + level);
    }
  }

  private final Strategy strategy;
  private final NavigableSet<Candidate> ordered;
  private final Map<AgentId, Candidate> byId = new HashMap<>();
  private final TreeSet<Integer> levels = new TreeSet<>();
  private final Map<Integer, Integer> levelCounts = new HashMap<>();
  private AgentId roundRobinCursor;

  public AgentPool(Strategy strategy) {
    this(strategy, null);
  }

  public AgentPool(Strategy strategy, AgentId roundRobinCursor) {
    this.strategy = strategy;
    this.ordered = new TreeSet<>(comparatorFor(strategy));
    this.roundRobinCursor = roundRobinCursor;
  }

  static Comparator<Candidate> comparatorFor(Strategy strategy) {
    Comparator<Candidate> idle =
        Comparator.comparing(Candidate::availableSince).thenComparing(Candidate::agentId);
    return switch (strategy) {
      case LONGEST_IDLE, RING_ALL -> idle;
      case ROUND_ROBIN -> Comparator.comparing(Candidate::agentId);
      case FEWEST_CONTACTS -> Comparator.comparingInt(Candidate::contactsToday).thenComparing(idle);
      case SKILLS -> Comparator.comparingInt(Candidate::level).thenComparing(idle);
    };
  }

  public Strategy strategy() {
    return strategy;
  }

  /** Adds or replaces the agent's entry. */
  public void put(Candidate candidate) {
    remove(candidate.agentId());
    byId.put(candidate.agentId(), candidate);
    ordered.add(candidate);
    if (levelCounts.merge(candidate.level(), 1, Integer::sum) == 1) levels.add(candidate.level());
  }

  public boolean remove(AgentId agentId) {
    Candidate old = byId.remove(agentId);
    if (old == null) return false;
    ordered.remove(old);
    if (levelCounts.merge(old.level(), -1, Integer::sum) == 0) {
      levelCounts.remove(old.level());
      levels.remove(old.level());
    }
    return true;
  }

  public boolean contains(AgentId agentId) {
    return byId.containsKey(agentId);
  }

  public Optional<Candidate> get(AgentId agentId) {
    return Optional.ofNullable(byId.get(agentId));
  }

  public int size() {
    return byId.size();
  }

  public boolean isEmpty() {
    return byId.isEmpty();
  }

  /** The lowest (best) level among free agents; only meaningful when not empty. */
  public int minLevel() {
    return levels.first();
  }

  /** The lowest level among free agents not excluded, if any. */
  public Optional<Integer> lowestLevelExcept(Set<AgentId> excluded) {
    for (Integer level : levels) {
      for (Candidate c : ordered)
        if (c.level() == level && !excluded.contains(c.agentId())) return Optional.of(level);
    }
    return Optional.empty();
  }

  public AgentId roundRobinCursor() {
    return roundRobinCursor;
  }

  /** Free agents in the strategy's order (a copy). */
  public List<Candidate> inOrder() {
    return new ArrayList<>(ordered);
  }

  /**
   * Takes the best free agent whose level is at most {@code maxLevel} and who is not excluded,
   * removing it from the pool. Round-robin continues after the last agent taken.
   */
  public Optional<Candidate> take(int maxLevel, Set<AgentId> excluded) {
    Candidate chosen = null;
    if (strategy == Strategy.ROUND_ROBIN && roundRobinCursor != null) {
      Candidate probe = new Candidate(roundRobinCursor, 1, Instant.EPOCH, 0);
      chosen = firstEligible(ordered.tailSet(probe, false), maxLevel, excluded);
    }
    if (chosen == null) chosen = firstEligible(ordered, maxLevel, excluded);
    if (chosen == null) return Optional.empty();
    remove(chosen.agentId());
    if (strategy == Strategy.ROUND_ROBIN) roundRobinCursor = chosen.agentId();
    return Optional.of(chosen);
  }

  /** Takes every free agent not excluded (ring-all), in the strategy's order. */
  public List<Candidate> takeAll(Set<AgentId> excluded) {
    List<Candidate> taken = new ArrayList<>();
    for (Candidate c : ordered) if (!excluded.contains(c.agentId())) taken.add(c);
    taken.forEach(c -> remove(c.agentId()));
    return taken;
  }

  private Candidate firstEligible(Iterable<Candidate> candidates, int maxLevel, Set<AgentId> excluded) {
    for (Candidate c : candidates) {
      // Ordered by level first under SKILLS: nothing further can be eligible.
      if (c.level() > maxLevel) {
        if (strategy == Strategy.SKILLS) return null;
        continue;
      }
      if (!excluded.contains(c.agentId())) return c;
    }
    return null;
  }
}
