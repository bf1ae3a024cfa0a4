package io.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.agent.AgentId;
import io.switchboard.core.call.CallId;
import io.switchboard.core.routing.AgentPool.Candidate;
import io.switchboard.core.routing.Matcher.Assignment;
import io.switchboard.core.routing.Matcher.Result;
import io.switchboard.core.routing.Matcher.Waiting;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MatcherTest {

  static final Instant NOW = Instant.parse("2024-03-01T12:00:00Z");
  static final Duration TIER = Duration.ofSeconds(30);

  static Candidate agent(String id, int level, int idleForSec, int contactsToday) {
    return new Candidate(AgentId.of(id), level, NOW.minusSeconds(idleForSec), contactsToday);
  }

  static Waiting waiting(String call, int priority, int waitedSec, String... excluded) {
    return new Waiting(CallId.of(call), priority, NOW.minusSeconds(waitedSec), false, ex(excluded));
  }

  static Waiting offered(String call, int priority, int waitedSec, String... excluded) {
    return new Waiting(CallId.of(call), priority, NOW.minusSeconds(waitedSec), true, ex(excluded));
  }

  static Set<AgentId> ex(String... ids) {
    return Arrays.stream(ids).map(AgentId::of).collect(Collectors.toSet());
  }

  static AgentPool pool(Strategy s, Candidate... cs) {
    AgentPool p = new AgentPool(s);
    for (Candidate c : cs) p.put(c);
    return p;
  }

  static Assignment a(String call, String agent) {
    return new Assignment(CallId.of(call), AgentId.of(agent));
  }

  static List<String> left(AgentPool p) {
    return p.inOrder().stream().map(c -> c.agentId().value()).sorted().toList();
  }

  /** Seniority as the queue computes it: priority desc, then longest virtual wait, then id. */
  static List<Waiting> senior(Waiting... ws) {
    List<Waiting> l = new ArrayList<>(List.of(ws));
    l.sort(
        Comparator.comparingInt((Waiting w) -> -w.priority())
            .thenComparing(Waiting::virtualStartAt)
            .thenComparing(Waiting::callId));
    return l;
  }

  @Test
  void nothingWaitingOrNoAgents() {
    AgentPool p = pool(Strategy.LONGEST_IDLE, agent("x", 1, 10, 0));
    Result r = Matcher.match(List.of(), p, Duration.ZERO, NOW);
    assertThat(r.assignments()).isEmpty();
    assertThat(r.wakeUpAt()).isEmpty();
    assertThat(p.size()).isEqualTo(1);

    Result r2 =
        Matcher.match(List.of(waiting("c1", 0, 5)), new AgentPool(Strategy.SKILLS), TIER, NOW);
    assertThat(r2.assignments()).isEmpty();
    assertThat(r2.wakeUpAt()).isEmpty();
  }

  @Nested
  class LongestIdle {
    @Test
    void mostSeniorGetsLongestIdle() {
      AgentPool p =
          pool(
              Strategy.LONGEST_IDLE,
              agent("x", 1, 10, 0),
              agent("y", 1, 50, 0),
              agent("z", 1, 30, 0));
      List<Waiting> ws = senior(waiting("c1", 0, 5), waiting("c2", 0, 100));
      Result r = Matcher.match(ws, p, Duration.ZERO, NOW);
      assertThat(r.assignments()).containsExactly(a("c2", "y"), a("c1", "z"));
      assertThat(left(p)).containsExactly("x");
      assertThat(r.wakeUpAt()).isEmpty();
    }

    @Test
    void tiesBrokenByAgentId() {
      AgentPool p = pool(Strategy.LONGEST_IDLE, agent("k", 1, 10, 0), agent("j", 1, 10, 0));
      Result r = Matcher.match(List.of(waiting("c1", 0, 5)), p, Duration.ZERO, NOW);
      assertThat(r.assignments()).containsExactly(a("c1", "j"));
    }

    @Test
    void exclusionsPassTheAgentToTheNextContact() {
      AgentPool p = pool(Strategy.LONGEST_IDLE, agent("x", 1, 50, 0), agent("y", 1, 10, 0));
      List<Waiting> ws =
          senior(waiting("c1", 0, 100, "x"), waiting("c2", 0, 50), waiting("c3", 0, 10));
      Result r = Matcher.match(ws, p, Duration.ZERO, NOW);
      assertThat(r.assignments()).containsExactly(a("c1", "y"), a("c2", "x"));
      assertThat(p.isEmpty()).isTrue();
    }

    @Test
    void contactExcludingEveryoneIsSkipped() {
      AgentPool p = pool(Strategy.LONGEST_IDLE, agent("x", 1, 50, 0), agent("y", 1, 10, 0));
      List<Waiting> ws = senior(waiting("c1", 0, 100, "x", "y"), waiting("c2", 0, 50));
      Result r = Matcher.match(ws, p, Duration.ZERO, NOW);
      assertThat(r.assignments()).containsExactly(a("c2", "x"));
      assertThat(left(p)).containsExactly("y");
    }
  }

  @Nested
  class Seniority {
    @Test
    void higherPriorityBeatsLongerWait() {
      AgentPool p = pool(Strategy.LONGEST_IDLE, agent("x", 1, 50, 0));
      List<Waiting> ws = senior(waiting("old", 0, 900), waiting("vip", 2, 1), waiting("mid", 1, 5));
      assertThat(ws.stream().map(w -> w.callId().value())).containsExactly("vip", "mid", "old");
      Result r = Matcher.match(ws, p, Duration.ZERO, NOW);
      assertThat(r.assignments()).containsExactly(a("vip", "x"));
    }

    @Test
    void equalPriorityLongestVirtualWaitThenCallId() {
      AgentPool p = pool(Strategy.LONGEST_IDLE, agent("x", 1, 50, 0), agent("y", 1, 40, 0));
      List<Waiting> ws = senior(waiting("cb", 1, 60), waiting("ca", 1, 60), waiting("cc", 1, 70));
      Result r = Matcher.match(ws, p, Duration.ZERO, NOW);
      assertThat(r.assignments()).containsExactly(a("cc", "x"), a("ca", "y"));
    }

    @Test
    void givenOrderIsFollowedAsIs() {
      // The matcher trusts the caller's order, even when it is not seniority.
      AgentPool p = pool(Strategy.LONGEST_IDLE, agent("x", 1, 50, 0));
      List<Waiting> ws = List.of(waiting("young", 0, 1), waiting("old", 0, 900));
      Result r = Matcher.match(ws, p, Duration.ZERO, NOW);
      assertThat(r.assignments()).containsExactly(a("young", "x"));
    }
  }

  @Nested
  class Offered {
    @Test
    void offeredContactsAreSkipped() {
      AgentPool p = pool(Strategy.LONGEST_IDLE, agent("x", 1, 50, 0), agent("y", 1, 10, 0));
      List<Waiting> ws = senior(offered("c1", 2, 100), waiting("c2", 0, 50), offered("c3", 0, 10));
      Result r = Matcher.match(ws, p, Duration.ZERO, NOW);
      assertThat(r.assignments()).containsExactly(a("c2", "x"));
      assertThat(left(p)).containsExactly("y");
    }

    @Test
    void offeredContactsAreSkippedUnderSkills() {
      AgentPool p = pool(Strategy.SKILLS, agent("x", 1, 50, 0));
      List<Waiting> ws = senior(offered("c1", 0, 100), waiting("c2", 0, 5));
      Result r = Matcher.match(ws, p, TIER, NOW);
      assertThat(r.assignments()).containsExactly(a("c2", "x"));
    }

    @Test
    void offeredContactsDoNotScheduleAWakeUp() {
      AgentPool p = pool(Strategy.SKILLS, agent("x", 2, 50, 0));
      Result r = Matcher.match(List.of(offered("c1", 0, 5)), p, TIER, NOW);
      assertThat(r.assignments()).isEmpty();
      assertThat(r.wakeUpAt()).isEmpty();
    }
  }

  @Nested
  class RoundRobin {
    @Test
    void agentsTakeTurnsAcrossMatches() {
      AgentPool p = new AgentPool(Strategy.ROUND_ROBIN, AgentId.of("b"));
      for (String id : List.of("a", "b", "c")) p.put(agent(id, 1, 10, 0));
      Result r = Matcher.match(senior(waiting("c1", 0, 30), waiting("c2", 0, 20)), p, TIER, NOW);
      assertThat(r.assignments()).containsExactly(a("c1", "c"), a("c2", "a"));
      assertThat(p.roundRobinCursor()).isEqualTo(AgentId.of("a"));
      // c and a come back: next match continues after a.
      p.put(agent("a", 1, 0, 1));
      p.put(agent("c", 1, 0, 1));
      Result r2 =
          Matcher.match(
              senior(waiting("c3", 0, 30), waiting("c4", 0, 20), waiting("c5", 0, 10)),
              p,
              TIER,
              NOW);
      assertThat(r2.assignments()).containsExactly(a("c3", "b"), a("c4", "c"), a("c5", "a"));
    }

    @Test
    void exclusionSkipsToNextInTurn() {
      AgentPool p = new AgentPool(Strategy.ROUND_ROBIN, AgentId.of("a"));
      for (String id : List.of("a", "b", "c")) p.put(agent(id, 1, 10, 0));
      Result r =
          Matcher.match(senior(waiting("c1", 0, 30, "b"), waiting("c2", 0, 20)), p, TIER, NOW);
      assertThat(r.assignments()).containsExactly(a("c1", "c"), a("c2", "a"));
    }

    @Test
    void levelsAreIgnored() {
      AgentPool p = new AgentPool(Strategy.ROUND_ROBIN);
      p.put(agent("a", 3, 10, 0));
      Result r = Matcher.match(List.of(waiting("c1", 0, 0)), p, TIER, NOW);
      assertThat(r.assignments()).containsExactly(a("c1", "a"));
    }
  }

  @Nested
  class FewestContacts {
    @Test
    void fewestContactsThenLongestIdle() {
      AgentPool p =
          pool(
              Strategy.FEWEST_CONTACTS,
              agent("x", 1, 500, 7),
              agent("y", 1, 10, 2),
              agent("z", 1, 60, 2),
              agent("w", 1, 5, 3));
      List<Waiting> ws =
          senior(waiting("c1", 0, 40), waiting("c2", 0, 30), waiting("c3", 0, 20, "w"));
      Result r = Matcher.match(ws, p, Duration.ZERO, NOW);
      assertThat(r.assignments()).containsExactly(a("c1", "z"), a("c2", "y"), a("c3", "x"));
      assertThat(left(p)).containsExactly("w");
    }
  }

  @Nested
  class RingAll {
    @Test
    void everyFreeAgentRingsTheHeadContact() {
      AgentPool p =
          pool(Strategy.RING_ALL, agent("x", 1, 50, 0), agent("y", 2, 10, 0), agent("z", 3, 5, 0));
      List<Waiting> ws = senior(waiting("c1", 0, 100), waiting("c2", 0, 50));
      Result r = Matcher.match(ws, p, TIER, NOW);
      assertThat(r.assignments())
          .containsExactlyInAnyOrder(a("c1", "x"), a("c1", "y"), a("c1", "z"));
      assertThat(p.isEmpty()).isTrue();
      assertThat(r.wakeUpAt()).isEmpty();
    }

    @Test
    void newlyFreeAgentJoinsAnAlreadyRingingContact() {
      AgentPool p = pool(Strategy.RING_ALL, agent("w", 1, 5, 0));
      List<Waiting> ws = senior(offered("c1", 0, 100, "x", "y"), waiting("c2", 0, 50));
      Result r = Matcher.match(ws, p, Duration.ZERO, NOW);
      assertThat(r.assignments()).containsExactly(a("c1", "w"));
    }

    @Test
    void excludedAgentsGoToTheNextContact() {
      AgentPool p =
          pool(Strategy.RING_ALL, agent("x", 1, 50, 0), agent("y", 1, 10, 0), agent("z", 1, 5, 0));
      List<Waiting> ws =
          senior(
              offered("c1", 1, 10, "x", "y"),
              waiting("c2", 0, 100, "x"),
              waiting("c3", 0, 50),
              waiting("c4", 0, 40));
      Result r = Matcher.match(ws, p, Duration.ZERO, NOW);
      assertThat(r.assignments())
          .containsExactlyInAnyOrder(a("c1", "z"), a("c2", "y"), a("c3", "x"));
      assertThat(p.isEmpty()).isTrue();
    }

    @Test
    void agentExcludedByEveryoneStaysFree() {
      AgentPool p = pool(Strategy.RING_ALL, agent("x", 1, 50, 0), agent("y", 1, 10, 0));
      List<Waiting> ws = senior(waiting("c1", 0, 100, "x"), waiting("c2", 0, 50, "x"));
      Result r = Matcher.match(ws, p, Duration.ZERO, NOW);
      assertThat(r.assignments()).containsExactly(a("c1", "y"));
      assertThat(left(p)).containsExactly("x");
    }
  }

  @Nested
  class Skills {
    @Test
    void eligibleLevel() {
      Instant since = NOW.minusSeconds(65);
      assertThat(Matcher.eligibleLevel(since, TIER, NOW)).isEqualTo(3);
      assertThat(Matcher.eligibleLevel(NOW.minusSeconds(60), TIER, NOW)).isEqualTo(3);
      assertThat(Matcher.eligibleLevel(NOW.minusMillis(59_999), TIER, NOW)).isEqualTo(2);
      assertThat(Matcher.eligibleLevel(NOW.minusMillis(29_999), TIER, NOW)).isEqualTo(1);
      assertThat(Matcher.eligibleLevel(NOW, TIER, NOW)).isEqualTo(1);
      // A start in the future counts as no wait at all.
      assertThat(Matcher.eligibleLevel(NOW.plusSeconds(100), TIER, NOW)).isEqualTo(1);
      assertThat(Matcher.eligibleLevel(since, Duration.ZERO, NOW)).isEqualTo(Integer.MAX_VALUE);
      assertThat(Matcher.eligibleLevel(since, null, NOW)).isEqualTo(Integer.MAX_VALUE);
      // Very long waits do not overflow.
      assertThat(Matcher.eligibleLevel(Instant.EPOCH, Duration.ofMillis(1), NOW))
          .isPositive()
          .isLessThan(Integer.MAX_VALUE);
    }

    @Test
    void lowestEligibleLevelFirstThenLongestIdle() {
      AgentPool p =
          pool(
              Strategy.SKILLS,
              agent("l1a", 1, 10, 0),
              agent("l1b", 1, 20, 0),
              agent("l2", 2, 900, 0),
              agent("l3", 3, 900, 0));
      List<Waiting> ws =
          senior(waiting("c1", 0, 100), waiting("c2", 0, 90), waiting("c3", 0, 80));
      Result r = Matcher.match(ws, p, TIER, NOW);
      assertThat(r.assignments()).containsExactly(a("c1", "l1b"), a("c2", "l1a"), a("c3", "l2"));
      assertThat(left(p)).containsExactly("l3");
    }

    @Test
    void higherLevelOnlyAfterTierDelays() {
      AgentPool p = pool(Strategy.SKILLS, agent("l2", 2, 10, 0), agent("l3", 3, 10, 0));
      // c1 waited 65 s (levels 1-3), c2 45 s (levels 1-2), c3 10 s (level 1 only).
      List<Waiting> ws = senior(waiting("c3", 0, 10), waiting("c2", 0, 45), waiting("c1", 0, 65));
      Result r = Matcher.match(ws, p, TIER, NOW);
      // c1 takes the lowest level it may (2), c2 would need level 2, level 3 is too high for it.
      assertThat(r.assignments()).containsExactly(a("c1", "l2"));
      assertThat(left(p)).containsExactly("l3");
      // c2 reaches level 3 at 60 s (15 s from now), c3 at 60 s too (50 s from now).
      assertThat(r.wakeUpAt()).contains(NOW.plusSeconds(15));
    }

    @Test
    void juniorContactMayGetAnAgentTheSeniorCannotYetHave() {
      AgentPool p = pool(Strategy.SKILLS, agent("l1", 1, 10, 0), agent("l2", 2, 10, 0));
      // vip (priority 1) waited 5 s: level 1 only; c2 waited 40 s: levels 1-2.
      List<Waiting> ws = senior(waiting("c2", 0, 40), waiting("vip", 1, 5));
      Result r = Matcher.match(ws, p, TIER, NOW);
      assertThat(r.assignments()).containsExactly(a("vip", "l1"), a("c2", "l2"));
      assertThat(r.wakeUpAt()).isEmpty();
    }

    @Test
    void wakeUpWhenTheLowestLevelOpens() {
      AgentPool p = pool(Strategy.SKILLS, agent("l3", 3, 10, 0), agent("l2", 2, 10, 0));
      Result r = Matcher.match(List.of(waiting("c1", 0, 10)), p, TIER, NOW);
      assertThat(r.assignments()).isEmpty();
      // Level 2 opens after one tier delay: 30 s after the start, 10 s ago.
      assertThat(r.wakeUpAt()).contains(NOW.plusSeconds(20));
      assertThat(p.size()).isEqualTo(2);
    }

    @Test
    void wakeUpIsTheEarliestAmongWaitingContacts() {
      AgentPool p = pool(Strategy.SKILLS, agent("l3", 3, 10, 0));
      List<Waiting> ws = senior(waiting("hi", 2, 1), waiting("lo", 0, 50));
      Result r = Matcher.match(ws, p, TIER, NOW);
      assertThat(r.assignments()).isEmpty();
      // lo reaches level 3 at 60 s (10 s from now); hi at 60 s (59 s from now).
      assertThat(r.wakeUpAt()).contains(NOW.plusSeconds(10));
    }

    @Test
    void exactlyAtTheTierBoundaryTheLevelIsEligible() {
      AgentPool p = pool(Strategy.SKILLS, agent("l2", 2, 10, 0));
      Result r = Matcher.match(List.of(waiting("c1", 0, 30)), p, TIER, NOW);
      assertThat(r.assignments()).containsExactly(a("c1", "l2"));
      assertThat(r.wakeUpAt()).isEmpty();
    }

    @Test
    void zeroTierDelayMakesEveryLevelEligibleButPrefersLowest() {
      AgentPool p =
          pool(
              Strategy.SKILLS, agent("l3", 3, 900, 0), agent("l2", 2, 10, 0), agent("l1", 1, 1, 0));
      List<Waiting> ws = senior(waiting("c1", 0, 0), waiting("c2", 0, 0), waiting("c3", 0, 0));
      Result r = Matcher.match(ws, p, Duration.ZERO, NOW);
      assertThat(r.assignments()).containsExactly(a("c1", "l1"), a("c2", "l2"), a("c3", "l3"));
      assertThat(r.wakeUpAt()).isEmpty();
    }

    @Test
    void noWakeUpWhenPoolEndsEmpty() {
      AgentPool p = pool(Strategy.SKILLS, agent("l2", 2, 10, 0));
      // c1 cannot have l2 yet, c2 can: nothing is left to wake up for.
      List<Waiting> ws = senior(waiting("c1", 1, 5), waiting("c2", 0, 40));
      Result r = Matcher.match(ws, p, TIER, NOW);
      assertThat(r.assignments()).containsExactly(a("c2", "l2"));
      assertThat(p.isEmpty()).isTrue();
      assertThat(r.wakeUpAt()).isEmpty();
    }

    @Test
    void noWakeUpForOtherStrategies() {
      AgentPool p = pool(Strategy.LONGEST_IDLE, agent("l3", 3, 10, 0));
      List<Waiting> ws = List.of(waiting("c1", 0, 0, "l3"));
      Result r = Matcher.match(ws, p, TIER, NOW);
      assertThat(r.assignments()).isEmpty();
      assertThat(r.wakeUpAt()).isEmpty();
    }
  }

  @Test
  void aTierWakeUpCoversAContactWhoseAgentWentToALaterContact() {
    // c1 excludes A (it just declined), so c2 takes A; c1 is left with only B, whose level
    // opens for c1 twenty seconds from now: matching must come back then.
    AgentPool p = pool(Strategy.SKILLS, agent("A", 1, 100, 0), agent("B", 2, 100, 0));
    Matcher.Result r = Matcher.match(senior(waiting("c1", 0, 10, "A"), waiting("c2", 0, 5)), p, TIER, NOW);
    assertThat(r.assignments()).containsExactly(a("c2", "A"));
    assertThat(r.wakeUpAt()).contains(NOW.plusSeconds(20));
  }

  @Test
  void aSubMillisecondTierDelayCountsAsNoTiers() {
    AgentPool p = pool(Strategy.SKILLS, agent("B", 2, 100, 0));
    Matcher.Result r = Matcher.match(senior(waiting("c1", 0, 0)), p, Duration.ofNanos(500_000), NOW);
    assertThat(r.assignments()).containsExactly(a("c1", "B"));
  }
}
