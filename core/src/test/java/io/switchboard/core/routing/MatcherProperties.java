package io.switchboard.core.routing;

import static io.switchboard.core.routing.RoutingOracle.eligible;
import static io.switchboard.core.routing.RoutingOracle.opensAt;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

class MatcherProperties {

  static final Instant NOW = Instant.parse("2024-03-01T12:00:00Z");

  record Scenario(
      Strategy strategy,
      Duration tierDelay,
      AgentId cursor,
      List<Candidate> agents,
      List<Waiting> waiting) {

    AgentPool pool() {
      AgentPool p = new AgentPool(strategy, cursor);
      agents.forEach(p::put);
      return p;
    }
  }

  // ---------------------------------------------------------------- generators

  /** A contact before the pool is known: exclusions are raw indices, mapped onto the agents. */
  record ContactSpec(
      int priority, Instant virtualStart, boolean offered, Set<Integer> excluded, boolean allBut) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    return scenarios(Arbitraries.of(Strategy.class));
  }

  @Provide
  Arbitrary<Scenario> skillsScenarios() {
    return scenarios(Arbitraries.just(Strategy.SKILLS));
  }

  // No flatMap: the pool size is not known to the contact generators, so exclusions and the
  // cursor are raw numbers mapped onto the agents afterwards. Keeps shrinking fast.
  Arbitrary<Scenario> scenarios(Arbitrary<Strategy> strategy) {
    Arbitrary<Duration> tierDelay =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(Duration.ZERO)),
            Tuple.of(3, Arbitraries.integers().between(10, 120).map(Duration::ofSeconds)));
    return Combinators.combine(
            strategy,
            tierDelay,
            Arbitraries.integers().between(-1, 32),
            agents(),
            contacts().list().ofMaxSize(40))
        .as(
            (st, td, cursor, agents, contacts) ->
                new Scenario(
                    st,
                    td,
                    cursor(cursor, agents.size()),
                    agents,
                    seniority(contacts, agents.size())));
  }

  /** A round-robin cursor: none, one of the agents, or an id no longer in the pool. */
  static AgentId cursor(int raw, int n) {
    if (raw < 0) return null;
    return AgentId.of(raw < n ? "a" + raw : "gone" + raw);
  }

  /** Ids a0..a(n-1): their natural (string) order differs from the index order past a9. */
  static Arbitrary<List<Candidate>> agents() {
    Arbitrary<int[]> spec =
        Combinators.combine(
                Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 120), // idle seconds: ties happen
                Arbitraries.integers().between(0, 4))
            .as((level, idle, contacts) -> new int[] {level, idle, contacts});
    return spec.list()
        .ofMaxSize(30)
        .map(
            specs -> {
              List<Candidate> cs = new ArrayList<>();
              for (int i = 0; i < specs.size(); i++) {
                int[] s = specs.get(i);
                cs.add(
                    new Candidate(AgentId.of("a" + i), s[0], NOW.minusSeconds(s[1]), s[2]));
              }
              return cs;
            });
  }

  static Arbitrary<ContactSpec> contacts() {
    Arbitrary<Set<Integer>> excluded =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(Set.<Integer>of())),
            Tuple.of(2, Arbitraries.integers().between(0, 1000).set().ofMaxSize(30)));
    return Combinators.combine(
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(-20, 400), // waited seconds; a few starts in the future
            Arbitraries.integers().between(0, 999), // extra millis, to land near tier boundaries
            Arbitraries.of(false, false, false, false, true),
            excluded,
            Arbitraries.of(false, false, false, false, false, true)) // exclude all but a few
        .as(
            (prio, waitS, ms, offered, ex, allBut) ->
                new ContactSpec(
                    prio,
                    NOW.minusSeconds(waitS).plusMillis(ms % 4 == 0 ? 0 : ms),
                    offered,
                    ex,
                    allBut));
  }

  /**
   * Assigns call ids, maps raw exclusions onto the n agents (index n: an agent not in the pool;
   * {@code allBut}: every agent except those), and sorts by the SENIORITY rule: priority desc,
   * virtual start, call id.
   */
  static List<Waiting> seniority(List<ContactSpec> specs, int n) {
    List<Waiting> ws = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      ContactSpec c = specs.get(i);
      Set<AgentId> ex = new HashSet<>();
      for (int raw : c.excluded()) ex.add(AgentId.of("a" + raw % (n + 1)));
      if (c.allBut()) {
        Set<AgentId> spared = ex;
        ex = new HashSet<>();
        for (int j = 0; j < n; j++) {
          AgentId id = AgentId.of("a" + j);
          if (!spared.contains(id)) ex.add(id);
        }
      }
      ws.add(new Waiting(CallId.of("c" + i), c.priority(), c.virtualStart(), c.offered(), ex));
    }
    ws.sort(
        Comparator.comparingInt((Waiting w) -> -w.priority())
            .thenComparing(Waiting::virtualStartAt)
            .thenComparing(w -> w.callId().value()));
    return ws;
  }

  // ---------------------------------------------------------------- properties

  @Property(tries = 1000)
  void matchKeepsEveryInvariant(@ForAll("scenarios") Scenario s) {
    AgentPool pool = s.pool();
    int before = pool.size();
    Result r = Matcher.match(s.waiting(), pool, s.tierDelay(), NOW);
    List<Assignment> as = r.assignments();

    Map<AgentId, Candidate> initial = new LinkedHashMap<>();
    s.agents().forEach(c -> initial.put(c.agentId(), c));
    Map<CallId, Waiting> byCall = new LinkedHashMap<>();
    s.waiting().forEach(w -> byCall.put(w.callId(), w));

    // Only known contacts and pool agents; no agent twice; exclusions respected.
    Set<AgentId> assignedAgents = new HashSet<>();
    for (Assignment a : as) {
      assertThat(byCall).containsKey(a.callId());
      assertThat(initial).containsKey(a.agentId());
      assertThat(assignedAgents.add(a.agentId())).as("agent assigned twice: %s", a).isTrue();
      assertThat(byCall.get(a.callId()).excluded()).as("excluded agent assigned: %s", a)
          .doesNotContain(a.agentId());
    }

    // Assigned agents leave the pool; the others stay, unchanged.
    assertThat(pool.size()).isEqualTo(before - assignedAgents.size());
    for (Candidate c : s.agents()) {
      if (assignedAgents.contains(c.agentId())) assertThat(pool.contains(c.agentId())).isFalse();
      else assertThat(pool.get(c.agentId())).contains(c);
    }

    if (s.strategy() == Strategy.RING_ALL) {
      checkRingAll(s, as);
      assertThat(r.wakeUpAt()).isEmpty();
      return;
    }

    Map<CallId, AgentId> agentOf = new LinkedHashMap<>();
    for (Assignment a : as) {
      assertThat(agentOf.put(a.callId(), a.agentId())).as("contact assigned twice: %s", a).isNull();
      assertThat(byCall.get(a.callId()).offered()).as("offered contact got an agent: %s", a)
          .isFalse();
      // SKILLS: the agent's level is open for the contact (other strategies ignore levels).
      assertThat(
              eligible(s.strategy(), initial.get(a.agentId()), byCall.get(a.callId()),
                  s.tierDelay(), NOW))
          .as("ineligible agent assigned: %s", a)
          .isTrue();
    }

    // Maximality: no unassigned, non-offered contact has an eligible agent left in the pool.
    List<Candidate> leftOver = pool.inOrder();
    for (Waiting w : s.waiting()) {
      if (w.offered() || agentOf.containsKey(w.callId())) continue;
      for (Candidate c : leftOver)
        assertThat(eligible(s.strategy(), c, w, s.tierDelay(), NOW))
            .as("not maximal: %s left waiting while %s is free", w.callId(), c.agentId())
            .isFalse();
    }

    // Seniority: an agent is never given to a contact while an earlier one it could take waits.
    List<Waiting> ws = s.waiting();
    for (int j = 0; j < ws.size(); j++) {
      AgentId x = agentOf.get(ws.get(j).callId());
      if (x == null) continue;
      for (int i = 0; i < j; i++) {
        Waiting earlier = ws.get(i);
        if (earlier.offered() || agentOf.containsKey(earlier.callId())) continue;
        assertThat(eligible(s.strategy(), initial.get(x), earlier, s.tierDelay(), NOW))
            .as("%s got %s while senior %s waits", ws.get(j).callId(), x, earlier.callId())
            .isFalse();
      }
    }

    // Strategy choice: replaying contacts in order, each assignment is the strategy's pick
    // among the agents still free at that point (the first one against the whole pool).
    List<Candidate> remaining = new ArrayList<>(s.agents());
    AgentId cursor = s.cursor();
    for (Waiting w : ws) {
      if (w.offered()) continue;
      List<Candidate> eligibleNow =
          remaining.stream()
              .filter(c -> eligible(s.strategy(), c, w, s.tierDelay(), NOW))
              .toList();
      Optional<Candidate> expected = RoutingOracle.pick(s.strategy(), eligibleNow, cursor);
      AgentId actual = agentOf.get(w.callId());
      assertThat(Optional.ofNullable(actual))
          .as("strategy %s pick for %s", s.strategy(), w.callId())
          .isEqualTo(expected.map(Candidate::agentId));
      if (actual != null) {
        remaining.removeIf(c -> c.agentId().equals(actual));
        cursor = actual;
      }
    }
    if (s.strategy() == Strategy.ROUND_ROBIN) assertThat(pool.roundRobinCursor()).isEqualTo(cursor);
    else assertThat(pool.roundRobinCursor()).isEqualTo(s.cursor());

    checkWakeUp(s, r, agentOf, pool);
  }

  /**
   * Ring-all: the free agents not excluded by the first contact all go to it (offered or not),
   * the ones it excludes to the next contact that does not exclude them, and so on.
   */
  static void checkRingAll(Scenario s, List<Assignment> as) {
    Set<AgentId> free = new TreeSet<>();
    s.agents().forEach(c -> free.add(c.agentId()));
    Set<Assignment> expected = new HashSet<>();
    for (Waiting w : s.waiting()) {
      for (AgentId a : new ArrayList<>(free))
        if (!w.excluded().contains(a)) {
          expected.add(new Assignment(w.callId(), a));
          free.remove(a);
        }
    }
    assertThat(new HashSet<>(as)).isEqualTo(expected);
    assertThat(as).hasSameSizeAs(expected);
  }

  /**
   * Tier wake-up, SKILLS only: when an unassigned contact is left only because levels are not
   * yet open, a wake-up comes at or before the moment one of them reaches the pool's lowest level.
   */
  static void checkWakeUp(
      Scenario s, Result r, Map<CallId, AgentId> agentOf, AgentPool pool) {
    boolean tiers = s.strategy() == Strategy.SKILLS && !s.tierDelay().isZero();
    if (!tiers || pool.isEmpty()) {
      assertThat(r.wakeUpAt()).isEmpty();
      return;
    }
    List<Waiting> unassigned =
        s.waiting().stream()
            .filter(w -> !w.offered() && !agentOf.containsKey(w.callId()))
            .toList();
    // The lowest level a contact could still take, among the agents left free and not excluded.
    java.util.function.Function<Waiting, java.util.OptionalInt> lowestFor = w -> pool.inOrder().stream()
        .filter(c -> !w.excluded().contains(c.agentId())).mapToInt(Candidate::level).min();
    r.wakeUpAt()
        .ifPresent(
            t -> {
              assertThat(t).isAfterOrEqualTo(NOW);
              Instant latest =
                  unassigned.stream()
                      .filter(w -> lowestFor.apply(w).isPresent())
                      .map(w -> opensAt(lowestFor.apply(w).getAsInt(), w.virtualStartAt(), s.tierDelay()))
                      .max(Comparator.naturalOrder())
                      .orElseThrow(() -> new AssertionError("wake-up with nobody waiting"));
              assertThat(t).isBeforeOrEqualTo(latest);
            });
    // Every contact kept waiting only by tiers is covered by the wake-up, also one whose
    // preferred agent it excluded went to a later contact.
    for (Waiting w : unassigned) {
      java.util.OptionalInt lowest = lowestFor.apply(w);
      if (lowest.isEmpty()) continue;
      if (RoutingOracle.levelOpen(lowest.getAsInt(), w.virtualStartAt(), s.tierDelay(), NOW))
        continue; // already open: maximality covers it
      Instant opens = opensAt(lowest.getAsInt(), w.virtualStartAt(), s.tierDelay());
      assertThat(r.wakeUpAt()).as("wake-up for %s (opens %s)", w.callId(), opens).isPresent();
      assertThat(r.wakeUpAt().get()).isBeforeOrEqualTo(opens);
    }
  }

  /** SKILLS alone gets more tries at tier boundaries and wake-ups. */
  @Property(tries = 500)
  void skillsTiers(@ForAll("skillsScenarios") Scenario s) {
    matchKeepsEveryInvariant(s);
  }

  /** Matching again right away changes nothing for non-ring-all strategies: it was maximal. */
  @Property(tries = 300)
  void secondMatchFindsNothingNew(@ForAll("scenarios") Scenario s) {
    if (s.strategy() == Strategy.RING_ALL) return;
    AgentPool pool = s.pool();
    Result first = Matcher.match(s.waiting(), pool, s.tierDelay(), NOW);
    Set<CallId> assigned =
        first.assignments().stream().map(Assignment::callId).collect(Collectors.toSet());
    List<Waiting> stillWaiting =
        s.waiting().stream().filter(w -> !assigned.contains(w.callId())).toList();
    int left = pool.size();
    Result second = Matcher.match(stillWaiting, pool, s.tierDelay(), NOW);
    assertThat(second.assignments()).isEmpty();
    assertThat(pool.size()).isEqualTo(left);
  }
}
