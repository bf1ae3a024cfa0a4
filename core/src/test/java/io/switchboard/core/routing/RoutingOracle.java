package io.switchboard.core.routing;

import io.switchboard.core.agent.AgentId;
import io.switchboard.core.routing.AgentPool.Candidate;
import io.switchboard.core.routing.Matcher.Waiting;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Test oracle: the routing rules written out from the specification, independently of {@link
 * AgentPool} and {@link Matcher} internals (no use of their comparators or level arithmetic).
 */
final class RoutingOracle {

  private RoutingOracle() {}

  /** Strategy preference: negative when {@code a} is preferred over {@code b}. */
  static int prefer(Strategy s, Candidate a, Candidate b) {
    switch (s) {
      case ROUND_ROBIN:
        return byId(a, b);
      case FEWEST_CONTACTS:
        if (a.contactsToday() != b.contactsToday())
          return a.contactsToday() < b.contactsToday() ? -1 : 1;
        return longestIdle(a, b);
      case SKILLS:
        if (a.level() != b.level()) return a.level() < b.level() ? -1 : 1;
        return longestIdle(a, b);
      case LONGEST_IDLE:
      case RING_ALL:
      default:
        return longestIdle(a, b);
    }
  }

  static Comparator<Candidate> order(Strategy s) {
    return (a, b) -> prefer(s, a, b);
  }

  private static int longestIdle(Candidate a, Candidate b) {
    if (a.availableSince().isBefore(b.availableSince())) return -1;
    if (b.availableSince().isBefore(a.availableSince())) return 1;
    return byId(a, b);
  }

  private static int byId(Candidate a, Candidate b) {
    return a.agentId().value().compareTo(b.agentId().value());
  }

  /**
   * The agent the strategy picks among {@code eligible} (already filtered for level and
   * exclusions). Round-robin: the first id after {@code cursor} in natural order, wrapping.
   */
  static Optional<Candidate> pick(Strategy s, Collection<Candidate> eligible, AgentId cursor) {
    if (eligible.isEmpty()) return Optional.empty();
    if (s == Strategy.ROUND_ROBIN && cursor != null) {
      Optional<Candidate> after =
          eligible.stream()
              .filter(c -> c.agentId().value().compareTo(cursor.value()) > 0)
              .min(order(s));
      if (after.isPresent()) return after;
    }
    return eligible.stream().min(order(s));
  }

  /**
   * Whether an agent of {@code level} may be offered the contact under SKILLS tiers: level L opens
   * once the contact has waited (L - 1) tier delays; a zero delay opens every level.
   */
  static boolean levelOpen(int level, Instant virtualStart, Duration tierDelay, Instant now) {
    if (tierDelay.isZero() || level <= 1) return true;
    return !now.isBefore(opensAt(level, virtualStart, tierDelay));
  }

  static Instant opensAt(int level, Instant virtualStart, Duration tierDelay) {
    Instant t = virtualStart;
    for (int i = 1; i < level; i++) t = t.plus(tierDelay);
    return t;
  }

  /** Whether {@code c} may be given {@code w} by the matcher under strategy {@code s}. */
  static boolean eligible(
      Strategy s, Candidate c, Waiting w, Duration tierDelay, Instant now) {
    if (w.excluded().contains(c.agentId())) return false;
    if (s != Strategy.SKILLS) return true;
    return levelOpen(c.level(), w.virtualStartAt(), tierDelay, now);
  }

  static List<String> ids(Collection<Candidate> cs) {
    return cs.stream().map(c -> c.agentId().value()).sorted().toList();
  }
}
