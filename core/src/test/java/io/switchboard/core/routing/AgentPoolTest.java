package io.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.agent.AgentId;
import io.switchboard.core.routing.AgentPool.Candidate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AgentPoolTest {

  static final Instant T0 = Instant.parse("2024-03-01T08:00:00Z");
  static final int ANY = Integer.MAX_VALUE;

  static AgentId id(String v) {
    return AgentId.of(v);
  }

  static Candidate cand(String id, int level, int idleSinceSec, int contactsToday) {
    return new Candidate(id(id), level, T0.plusSeconds(idleSinceSec), contactsToday);
  }

  static List<String> ids(List<Candidate> cs) {
    return cs.stream().map(c -> c.agentId().value()).toList();
  }

  static String taken(Optional<Candidate> c) {
    return c.map(x -> x.agentId().value()).orElse(null);
  }

  static AgentPool pool(Strategy s, Candidate... cs) {
    AgentPool p = new AgentPool(s);
    for (Candidate c : cs) p.put(c);
    return p;
  }

  @Nested
  class Ordering {
    @Test
    void longestIdleOrdersByAvailableSinceThenId() {
      AgentPool p =
          pool(
              Strategy.LONGEST_IDLE,
              cand("b", 1, 30, 0),
              cand("c", 3, 10, 9),
              cand("a", 2, 30, 1),
              cand("d", 1, 5, 4));
      assertThat(ids(p.inOrder())).containsExactly("d", "c", "a", "b");
    }

    @Test
    void ringAllUsesLongestIdleOrder() {
      AgentPool p =
          pool(Strategy.RING_ALL, cand("b", 1, 30, 0), cand("a", 1, 30, 0), cand("z", 1, 1, 0));
      assertThat(ids(p.inOrder())).containsExactly("z", "a", "b");
    }

    @Test
    void roundRobinOrdersByIdNaturalStringOrder() {
      AgentPool p =
          pool(
              Strategy.ROUND_ROBIN,
              cand("a10", 1, 0, 0),
              cand("a2", 1, 50, 0),
              cand("a1", 3, 99, 9),
              cand("B", 1, 1, 1));
      // String order: upper case before lower case, "a10" before "a2".
      assertThat(ids(p.inOrder())).containsExactly("B", "a1", "a10", "a2");
    }

    @Test
    void fewestContactsThenLongestIdleThenId() {
      AgentPool p =
          pool(
              Strategy.FEWEST_CONTACTS,
              cand("a", 1, 0, 5),
              cand("b", 1, 20, 2),
              cand("c", 1, 10, 2),
              cand("e", 1, 10, 2),
              cand("d", 1, 10, 2),
              cand("f", 1, 99, 0));
      assertThat(ids(p.inOrder())).containsExactly("f", "c", "d", "e", "b", "a");
    }

    @Test
    void skillsLowestLevelThenLongestIdleThenId() {
      AgentPool p =
          pool(
              Strategy.SKILLS,
              cand("a", 2, 0, 0),
              cand("b", 1, 50, 0),
              cand("c", 1, 10, 0),
              cand("d", 3, 0, 0),
              cand("e", 1, 10, 0),
              cand("f", 2, 5, 0));
      assertThat(ids(p.inOrder())).containsExactly("c", "e", "b", "a", "f", "d");
    }

    @Test
    void inOrderIsACopy() {
      AgentPool p = pool(Strategy.LONGEST_IDLE, cand("a", 1, 0, 0));
      p.inOrder().clear();
      assertThat(p.size()).isEqualTo(1);
      assertThat(p.strategy()).isEqualTo(Strategy.LONGEST_IDLE);
    }
  }

  @Nested
  class PutAndRemove {
    @Test
    void putReplacesAnAgentsEntry() {
      AgentPool p = pool(Strategy.LONGEST_IDLE, cand("a", 1, 0, 0), cand("b", 1, 10, 0));
      p.put(cand("a", 2, 20, 3));
      assertThat(p.size()).isEqualTo(2);
      assertThat(ids(p.inOrder())).containsExactly("b", "a");
      assertThat(p.get(id("a"))).contains(cand("a", 2, 20, 3));
      assertThat(p.minLevel()).isEqualTo(1);
    }

    @Test
    void putSameEntryTwiceKeepsOne() {
      AgentPool p = pool(Strategy.SKILLS, cand("a", 2, 0, 0), cand("a", 2, 0, 0));
      assertThat(p.size()).isEqualTo(1);
      assertThat(p.inOrder()).hasSize(1);
      p.remove(id("a"));
      assertThat(p.isEmpty()).isTrue();
      assertThat(p.inOrder()).isEmpty();
    }

    @Test
    void removeAndContains() {
      AgentPool p = pool(Strategy.LONGEST_IDLE, cand("a", 1, 0, 0), cand("b", 1, 10, 0));
      assertThat(p.contains(id("a"))).isTrue();
      assertThat(p.remove(id("a"))).isTrue();
      assertThat(p.remove(id("a"))).isFalse();
      assertThat(p.remove(id("zzz"))).isFalse();
      assertThat(p.contains(id("a"))).isFalse();
      assertThat(p.get(id("a"))).isEmpty();
      assertThat(p.size()).isEqualTo(1);
      assertThat(ids(p.inOrder())).containsExactly("b");
    }

    @Test
    void emptyPool() {
      AgentPool p = new AgentPool(Strategy.SKILLS);
      assertThat(p.isEmpty()).isTrue();
      assertThat(p.size()).isZero();
      assertThat(p.take(ANY, Set.of())).isEmpty();
      assertThat(p.takeAll(Set.of())).isEmpty();
    }

    @Test
    void levelBelowOneIsRejected() {
      assertThatThrownBy(() -> cand("a", 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class MinLevel {
    @Test
    void tracksLowestLevelThroughRemovalsAndReplacements() {
      AgentPool p =
          pool(
              Strategy.SKILLS,
              cand("a", 1, 0, 0),
              cand("b", 1, 1, 0),
              cand("c", 2, 2, 0),
              cand("d", 3, 3, 0));
      assertThat(p.minLevel()).isEqualTo(1);
      p.remove(id("a"));
      assertThat(p.minLevel()).isEqualTo(1); // b still at level 1
      p.remove(id("b"));
      assertThat(p.minLevel()).isEqualTo(2);
      p.put(cand("c", 3, 2, 0)); // c moves from level 2 to 3: level 2 is gone
      assertThat(p.minLevel()).isEqualTo(3);
      p.put(cand("d", 1, 3, 0)); // d moves from level 3 to 1
      assertThat(p.minLevel()).isEqualTo(1);
      p.remove(id("d"));
      assertThat(p.minLevel()).isEqualTo(3);
    }

    @Test
    void followsTakes() {
      AgentPool p = pool(Strategy.SKILLS, cand("a", 1, 0, 0), cand("b", 2, 0, 0));
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("a");
      assertThat(p.minLevel()).isEqualTo(2);
      p.takeAll(Set.of());
      assertThat(p.isEmpty()).isTrue();
      p.put(cand("c", 3, 0, 0));
      assertThat(p.minLevel()).isEqualTo(3);
    }
  }

  @Nested
  class Take {
    @Test
    void takesBestAndRemovesIt() {
      AgentPool p =
          pool(
              Strategy.LONGEST_IDLE, cand("a", 1, 20, 0), cand("b", 1, 10, 0), cand("c", 1, 30, 0));
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("b");
      assertThat(p.contains(id("b"))).isFalse();
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("a");
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("c");
      assertThat(p.take(ANY, Set.of())).isEmpty();
    }

    @Test
    void skipsExcluded() {
      AgentPool p =
          pool(
              Strategy.LONGEST_IDLE, cand("a", 1, 20, 0), cand("b", 1, 10, 0), cand("c", 1, 30, 0));
      assertThat(taken(p.take(ANY, Set.of(id("b"), id("a"))))).isEqualTo("c");
      assertThat(p.take(ANY, Set.of(id("a"), id("b")))).isEmpty();
      assertThat(p.size()).isEqualTo(2);
    }

    @Test
    void fewestContactsPrefersFewestThenIdle() {
      AgentPool p =
          pool(
              Strategy.FEWEST_CONTACTS,
              cand("a", 1, 0, 3),
              cand("b", 1, 30, 1),
              cand("c", 1, 20, 1));
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("c");
      assertThat(taken(p.take(ANY, Set.of(id("b"))))).isEqualTo("a");
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("b");
    }

    @Test
    void skillsRespectsMaxLevel() {
      AgentPool p =
          pool(Strategy.SKILLS, cand("a", 2, 0, 0), cand("b", 3, 0, 0), cand("c", 1, 50, 0));
      assertThat(taken(p.take(1, Set.of()))).isEqualTo("c");
      assertThat(p.take(1, Set.of())).isEmpty();
      assertThat(taken(p.take(3, Set.of(id("a"))))).isEqualTo("b");
      assertThat(p.take(1, Set.of())).isEmpty();
      assertThat(taken(p.take(2, Set.of()))).isEqualTo("a");
    }

    @Test
    void skillsWithLevelOneExcludedFallsToEligibleHigherLevel() {
      AgentPool p = pool(Strategy.SKILLS, cand("a", 1, 0, 0), cand("b", 2, 0, 0));
      assertThat(p.take(1, Set.of(id("a")))).isEmpty();
      assertThat(taken(p.take(2, Set.of(id("a"))))).isEqualTo("b");
    }

    @Test
    void maxLevelAlsoFiltersOtherStrategies() {
      AgentPool p =
          pool(Strategy.LONGEST_IDLE, cand("a", 3, 0, 0), cand("b", 1, 50, 0), cand("c", 2, 10, 0));
      assertThat(taken(p.take(2, Set.of()))).isEqualTo("c");
      assertThat(taken(p.take(1, Set.of()))).isEqualTo("b");
      assertThat(p.take(2, Set.of())).isEmpty();
      assertThat(p.size()).isEqualTo(1);
    }
  }

  @Nested
  class RoundRobin {
    AgentPool fourAgents(AgentId cursor) {
      AgentPool p = new AgentPool(Strategy.ROUND_ROBIN, cursor);
      for (String a : List.of("d", "b", "a", "c")) p.put(cand(a, 1, 100 - a.charAt(0), 0));
      return p;
    }

    @Test
    void noCursorStartsAtFirstId() {
      AgentPool p = fourAgents(null);
      assertThat(p.roundRobinCursor()).isNull();
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("a");
      assertThat(p.roundRobinCursor()).isEqualTo(id("a"));
    }

    @Test
    void continuesAfterCursorAndWrapsAround() {
      AgentPool p = fourAgents(id("b"));
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("c");
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("d");
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("a"); // wrapped
      assertThat(p.roundRobinCursor()).isEqualTo(id("a"));
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("b");
      assertThat(p.take(ANY, Set.of())).isEmpty();
      assertThat(p.roundRobinCursor()).isEqualTo(id("b"));
    }

    @Test
    void cursorNeedNotBeInPool() {
      AgentPool p = fourAgents(id("bb"));
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("c");
      AgentPool q = fourAgents(id("zz"));
      assertThat(taken(q.take(ANY, Set.of()))).isEqualTo("a");
    }

    @Test
    void continuesAcrossCallsWhenAgentsComeBack() {
      AgentPool p = fourAgents(null);
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("a");
      p.put(cand("a", 1, 500, 0)); // a is free again: the turn still passes to b
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("b");
      p.put(cand("b", 1, 600, 0));
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("c");
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("d");
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("a");
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("b");
    }

    @Test
    void onlyAgentLeftIsTheCursorItself() {
      AgentPool p = new AgentPool(Strategy.ROUND_ROBIN, id("a"));
      p.put(cand("a", 1, 0, 0));
      assertThat(taken(p.take(ANY, Set.of()))).isEqualTo("a");
    }

    @Test
    void exclusionsSkipWithinTheTurnAndWrap() {
      AgentPool p = fourAgents(id("b"));
      assertThat(taken(p.take(ANY, Set.of(id("c"), id("d"))))).isEqualTo("a");
      assertThat(p.roundRobinCursor()).isEqualTo(id("a"));
      assertThat(taken(p.take(ANY, Set.of(id("b"))))).isEqualTo("c");
      // Nothing eligible: the cursor stays put.
      assertThat(p.take(ANY, Set.of(id("b"), id("d")))).isEmpty();
      assertThat(p.roundRobinCursor()).isEqualTo(id("c"));
    }

    @Test
    void takeAllDoesNotMoveCursor() {
      AgentPool p = fourAgents(id("b"));
      assertThat(ids(p.takeAll(Set.of(id("c"))))).containsExactly("a", "b", "d");
      assertThat(p.roundRobinCursor()).isEqualTo(id("b"));
      assertThat(ids(p.inOrder())).containsExactly("c");
    }
  }

  @Nested
  class TakeAll {
    @Test
    void takesEveryNonExcludedInStrategyOrder() {
      AgentPool p =
          pool(
              Strategy.RING_ALL,
              cand("a", 1, 20, 0),
              cand("b", 2, 10, 0),
              cand("c", 3, 30, 0),
              cand("d", 1, 5, 0));
      List<Candidate> all = p.takeAll(Set.of(id("a")));
      assertThat(ids(all)).containsExactly("d", "b", "c");
      assertThat(ids(p.inOrder())).containsExactly("a");
      assertThat(p.minLevel()).isEqualTo(1);
      assertThat(p.takeAll(Set.of(id("a")))).isEmpty();
      assertThat(ids(p.takeAll(Set.of()))).containsExactly("a");
      assertThat(p.isEmpty()).isTrue();
    }

    @Test
    void ignoresLevelsAndUpdatesMinLevel() {
      AgentPool p = pool(Strategy.SKILLS, cand("a", 1, 0, 0), cand("b", 3, 0, 0));
      assertThat(ids(p.takeAll(Set.of(id("b"))))).containsExactly("a");
      assertThat(p.minLevel()).isEqualTo(3);
    }
  }
}
