package io.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.agent.AgentId;
import io.switchboard.core.routing.AgentPool.Candidate;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** AgentPool against a plain map model, over random sequences of put/remove/take/takeAll. */
class AgentPoolProperties {

  static final Instant T0 = Instant.parse("2024-03-01T08:00:00Z");
  static final int IDS = 12; // a0..a11: string order differs from numeric order

  sealed interface Op permits Put, Remove, Take, TakeAll {}

  record Put(Candidate candidate) implements Op {}

  record Remove(AgentId agentId) implements Op {}

  record Take(int maxLevel, Set<AgentId> excluded) implements Op {}

  record TakeAll(Set<AgentId> excluded) implements Op {}

  static Arbitrary<AgentId> ids() {
    return Arbitraries.integers().between(0, IDS - 1).map(i -> AgentId.of("a" + i));
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> put =
        Combinators.combine(
                ids(),
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(0, 30),
                Arbitraries.integers().between(0, 3))
            .as((id, lvl, idle, n) -> new Put(new Candidate(id, lvl, T0.plusSeconds(idle), n)));
    Arbitrary<Op> remove = ids().map(Remove::new);
    Arbitrary<Set<AgentId>> excluded = ids().set().ofMaxSize(4);
    Arbitrary<Op> take =
        Combinators.combine(
                Arbitraries.of(1, 2, 3, Integer.MAX_VALUE, Integer.MAX_VALUE), excluded)
            .as(Take::new);
    Arbitrary<Op> takeAll = excluded.map(TakeAll::new);
    return Arbitraries.frequencyOf(
            Tuple.of(6, put),
            Tuple.of(2, remove),
            Tuple.of(4, take),
            Tuple.of(1, takeAll))
        .list()
        .ofMaxSize(60);
  }

  @Provide
  Arbitrary<AgentId> cursors() {
    return Arbitraries.oneOf(ids(), Arbitraries.just(null), Arbitraries.just(AgentId.of("a55")));
  }

  @Property(tries = 300)
  void behavesLikeTheModel(
      @ForAll Strategy strategy, @ForAll("cursors") AgentId cursor, @ForAll("ops") List<Op> ops) {
    AgentPool pool = new AgentPool(strategy, cursor);
    Map<AgentId, Candidate> model = new HashMap<>();
    AgentId modelCursor = cursor;
    for (Op op : ops) {
      if (op instanceof Put p) {
        pool.put(p.candidate());
        model.put(p.candidate().agentId(), p.candidate());
      } else if (op instanceof Remove r) {
        assertThat(pool.remove(r.agentId())).isEqualTo(model.remove(r.agentId()) != null);
      } else if (op instanceof Take t) {
        List<Candidate> eligible =
            model.values().stream()
                .filter(c -> c.level() <= t.maxLevel() && !t.excluded().contains(c.agentId()))
                .toList();
        Optional<Candidate> expected = RoutingOracle.pick(strategy, eligible, modelCursor);
        assertThat(pool.take(t.maxLevel(), t.excluded())).as("%s", op).isEqualTo(expected);
        expected.ifPresent(c -> model.remove(c.agentId()));
        if (strategy == Strategy.ROUND_ROBIN && expected.isPresent())
          modelCursor = expected.get().agentId();
      } else if (op instanceof TakeAll t) {
        List<Candidate> expected =
            model.values().stream()
                .filter(c -> !t.excluded().contains(c.agentId()))
                .sorted(RoutingOracle.order(strategy))
                .toList();
        assertThat(pool.takeAll(t.excluded())).isEqualTo(expected);
        expected.forEach(c -> model.remove(c.agentId()));
      }
      assertThat(pool.size()).isEqualTo(model.size());
      assertThat(pool.isEmpty()).isEqualTo(model.isEmpty());
      assertThat(pool.inOrder())
          .isEqualTo(model.values().stream().sorted(RoutingOracle.order(strategy)).toList());
      if (!model.isEmpty())
        assertThat(pool.minLevel())
            .isEqualTo(model.values().stream().mapToInt(Candidate::level).min().orElseThrow());
      assertThat(pool.roundRobinCursor()).isEqualTo(modelCursor);
      for (int i = 0; i < IDS; i++) {
        AgentId id = AgentId.of("a" + i);
        assertThat(pool.get(id)).isEqualTo(Optional.ofNullable(model.get(id)));
      }
    }
  }
}
