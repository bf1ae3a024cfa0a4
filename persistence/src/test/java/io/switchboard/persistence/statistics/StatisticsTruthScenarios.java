package io.switchboard.persistence.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.statistics.IntervalCounts;
import io.switchboard.core.statistics.Intervals.Granularity;
import io.switchboard.core.statistics.Metrics;
import io.switchboard.core.testkit.EngineHarness;
import io.switchboard.core.testkit.TestClock;
import io.switchboard.persistence.testkit.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;

/**
 * The truth test of issue 4: a randomized day of traffic through the engine, then every
 * projected figure against the test's own recount of the raw journal, and a rebuild that must
 * give identical tables. Run against each real database by a subclass.
 */
abstract class StatisticsTruthScenarios {
  static final ZoneId ZONE = ZoneId.of("Europe/Stockholm");
  static final int SLICES = 4;

  abstract Config database(String name);

  /** The plugin id of the read journal over the subclass's journal. */
  String readJournal() {
    return JdbcReadJournal.Identifier();
  }

  @Test
  void everyProjectedFigureEqualsARecountOfTheJournalAndARebuildGivesTheSameTables() {
    long seed = Long.getLong("truth.seed", System.nanoTime());
    int steps = Integer.getInteger("truth.steps", 400);
    System.out.println("statistics truth test: seed " + seed + ", " + steps + " steps (-Dtruth.seed to repeat)");
    Config config = TestDatabases.engineOn(database("truth"), EngineHarness.baseConfig()
        .withFallback(ConfigFactory.parseString("switchboard.time-zone = \"Europe/Stockholm\"")));
    // A day of the centre, starting at its midnight.
    Instant dayStart = LocalDate.of(2026, 11, 23).atStartOfDay(ZONE).toInstant();
    TestClock clock = new TestClock(dayStart.plus(Duration.ofHours(6)));
    try (EngineHarness h = EngineHarness.start("truth", config, clock);
        ReadSide readSide = ReadSide.open(config)) {
      StatisticsProjections projections =
          StatisticsProjections.start(h.kit.system(), readSide, ZONE, clock, SLICES, new SimpleMeterRegistry());
      StatisticsReader reader = projections.reader();
      TrafficDay day = new TrafficDay(h, clock, seed);
      day.setUp();
      day.run(steps);
      day.finish();
      Instant end = clock.instant().plus(Duration.ofDays(1));

      Recount recount = recount(h, readJournal());
      awaitCaughtUp(reader, projections);
      // A transferred call goes on as a new call in its target queue: one more call each.
      int calls = day.calls() + day.transfers();
      assertThat(recount.outcomes).as("calls with an outcome").hasSize(calls);
      Map<String, Long> how = recount.visits.stream()
          .collect(Collectors.groupingBy(v -> String.valueOf(v.how()), TreeMap::new, Collectors.counting()));
      System.out.println("truth test traffic: " + day.calls() + " calls, " + day.transfers() + " transfers, "
          + day.consultations() + " consultation steps, queue visits by outcome " + how
          + ", call outcomes " + recount.outcomes.values().stream()
              .collect(Collectors.groupingBy(o -> o, TreeMap::new, Collectors.counting()))
          + ", " + recount.rows.size() + " interval rows, " + recount.pauses.size() + " pause rows");
      // The day must exercise what it claims to, or the comparison proves little.
      assertThat(how).containsKeys("answered", "abandoned", "flow-out");
      assertThat(recount.pauses).isNotEmpty();
      assertThat(day.transfers()).as("transfers in the day").isPositive();
      assertThat(day.consultations()).as("consultation steps in the day").isPositive();

      compareRows(reader, recount, dayStart, end);
      compareCallLog(reader, recount, dayStart, end);
      compareMetrics(reader, recount, dayStart, end);

      Map<String, List<List<Object>>> before = reader.dump();
      assertThat(before.get("stat_call_log")).hasSize(calls);
      // Damage the read side first, so only a real replay can give the tables back.
      damage(readSide);
      assertThat(reader.dump()).isNotEqualTo(before);
      projections.rebuild().toCompletableFuture().join();
      awaitCaughtUp(reader, projections);
      assertThat(reader.dump()).as("the read side rebuilt from the journal").isEqualTo(before);
    }
  }

  private static void damage(ReadSide readSide) {
    try (var c = readSide.dataSource().getConnection(); var st = c.createStatement()) {
      st.executeUpdate("DELETE FROM stat_call_log WHERE call_id LIKE 'call-1%'");
      st.executeUpdate("UPDATE stat_interval SET answered = answered + 7");
      st.executeUpdate("DELETE FROM stat_agent_state");
      c.commit();
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Reads every event of every call and agent back from the journal, as stored: entity by
   * entity, not through the tags the projections read (on Cassandra, a by-tag read would also
   * hold back the last seconds of events for its eventual-consistency delay).
   */
  private static Recount recount(EngineHarness h, String readJournalId) {
    var query = PersistenceQuery.get(h.kit.system());
    CurrentPersistenceIdsQuery ids = query.getReadJournalFor(CurrentPersistenceIdsQuery.class, readJournalId);
    CurrentEventsByPersistenceIdQuery events = query.getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, readJournalId);
    Map<String, List<Object>> byPid = new TreeMap<>();
    for (String pid : ids.currentPersistenceIds().runWith(Sink.seq(), h.kit.system()).toCompletableFuture().join()) {
      if (!pid.startsWith("CallSession|") && !pid.startsWith("Agent|")) continue;
      for (EventEnvelope e : events.currentEventsByPersistenceId(pid, 0, Long.MAX_VALUE)
          .runWith(Sink.seq(), h.kit.system()).toCompletableFuture().join())
        byPid.computeIfAbsent(pid, k -> new ArrayList<>()).add(e.event());
    }
    Recount r = new Recount(ZONE);
    byPid.forEach((pid, evs) -> {
      String id = pid.substring(pid.indexOf('|') + 1);
      if (pid.startsWith("CallSession|"))
        r.call(id, evs.stream().map(CallSession.Event.class::cast).toList());
      else
        r.agent(id, evs.stream().map(Agent.Event.class::cast).toList());
    });
    r.countVisits();
    return r;
  }

  private static void awaitCaughtUp(StatisticsReader reader, StatisticsProjections projections) {
    List<String> keys = projections.projectionIds().stream().map(p -> p.key()).toList();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      var status = reader.status(keys, projections.lastLagMillis());
      if (status.stream().allMatch(s -> s.pendingEvents() == 0)) return;
      if (System.nanoTime() > deadline) throw new AssertionError("projections did not catch up: " + status);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static void compareRows(StatisticsReader reader, Recount recount, Instant from, Instant to) {
    Map<String, String> projected = new TreeMap<>();
    for (Dimension d : Dimension.values())
      for (StatisticsReader.IntervalRow r : reader.intervals(d, null, from, to, Granularity.INTERVAL))
        if (!r.counts().isZero())
          projected.put(Recount.rowKey(d.wire(), r.key(), r.periodStart()), describe(r.counts().values()));
    Map<String, String> expected = new TreeMap<>();
    recount.rows.forEach((k, v) -> {
      if (!IntervalCounts.of(v).isZero()) expected.put(k, describe(v));
    });
    assertThat(expected).as("interval rows recounted from the journal").isNotEmpty();
    assertThat(projected).as("every interval row of every dimension").isEqualTo(expected);

    Map<String, Long> pauses = new TreeMap<>();
    for (StatisticsReader.PauseRow p : reader.pauses(null, from, to, Granularity.INTERVAL))
      pauses.put(p.agent() + "/" + p.periodStart().toEpochMilli() + "/" + p.reason(), p.millis());
    assertThat(pauses).as("paused time by reason").isEqualTo(recount.pauses);

    Map<String, Long> billing = new TreeMap<>();
    for (StatisticsReader.BillingRow b : reader.billing(null, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 12, 1), false))
      billing.put(b.answeringPoint() + "/" + b.periodStart(), b.answeredVoice());
    assertThat(billing).as("answered calls per answering point and day").isEqualTo(recount.billing);
    Map<String, Long> transferred = new TreeMap<>();
    for (StatisticsReader.BillingRow b : reader.billing(null, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 12, 1), false))
      if (b.transferredCalls() > 0) transferred.put(b.answeringPoint() + "/" + b.periodStart(), b.transferredCalls());
    assertThat(transferred).as("transferred calls per answering point and day").isEqualTo(recount.transferred);
    long monthTotal = reader.billing(null, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 12, 1), true).stream()
        .mapToLong(StatisticsReader.BillingRow::answeredVoice).sum();
    assertThat(monthTotal).isEqualTo(recount.billing.values().stream().mapToLong(Long::longValue).sum());
  }

  private static String describe(long[] values) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < values.length; i++) if (values[i] != 0) parts.add(IntervalCounts.FIELDS.get(i) + "=" + values[i]);
    return String.join(" ", parts);
  }

  private static void compareCallLog(StatisticsReader reader, Recount recount, Instant from, Instant to) {
    var calls = reader.calls(new StatisticsReader.CallFilter(from, to, null, null, null, null, null, 100_000));
    assertThat(calls.stream().collect(Collectors.toMap(StatisticsReader.CallLogEntry::callId,
        StatisticsReader.CallLogEntry::outcome))).as("outcome of every call").isEqualTo(recount.outcomes);
    Map<String, String> agents = new TreeMap<>();
    calls.stream().filter(c -> c.agent() != null).forEach(c -> agents.put(c.callId(), c.agent()));
    assertThat(agents).as("who answered each call").isEqualTo(new TreeMap<>(recount.answeredBy));
    long perQueueVisits = recount.visits.size();
    assertThat(calls.stream().mapToLong(c -> c.queues() == null ? 0 : c.queues().split(",").length).sum())
        .as("queue visits in the call log").isEqualTo(perQueueVisits);
  }

  /** Every metric and variant for each queue's day, straight from the visits. */
  private static void compareMetrics(StatisticsReader reader, Recount recount, Instant from, Instant to) {
    for (String queue : List.of("sales", "support", "billing")) {
      List<Recount.Visit> v = recount.visits.stream().filter(x -> x.queue().equals(queue) && x.left() != null).toList();
      long offered = recount.visits.stream().filter(x -> x.queue().equals(queue)).count();
      List<Recount.Visit> answered = v.stream().filter(x -> x.how().equals("answered")).toList();
      List<Recount.Visit> abandoned = v.stream().filter(x -> x.how().equals("abandoned")).toList();
      long flowOuts = v.stream().filter(x -> x.how().equals("flow-out")).count();
      long answeredInT = answered.stream().filter(x -> x.waitMillis() <= x.threshold().toMillis()).count();
      long abandonedInT = abandoned.stream().filter(x -> x.waitMillis() <= x.threshold().toMillis()).count();
      long shortAb = abandoned.stream().filter(x -> x.waitMillis() < x.shortAbandon().toMillis()).count();
      long answerWait = answered.stream().mapToLong(Recount.Visit::waitMillis).sum();
      long allWait = v.stream().mapToLong(Recount.Visit::waitMillis).sum();

      IntervalCounts day = StatisticsReader.total(
          reader.intervals(Dimension.QUEUE, List.of(queue), from, to, Granularity.DAY));
      Metrics m = Metrics.of(day);
      assertThat(day.offered()).as(queue + " offered").isEqualTo(offered);
      assertThat(m.serviceLevel()).as(queue + " SL default")
          .isEqualTo(ratio(answeredInT, answered.size() + abandoned.size() - shortAb));
      assertThat(m.serviceLevelWithFlowOuts()).as(queue + " SL with flow-outs")
          .isEqualTo(ratio(answeredInT, answered.size() + abandoned.size() - shortAb + flowOuts));
      assertThat(m.serviceLevelAnswered()).as(queue + " SL answered").isEqualTo(ratio(answeredInT, answered.size()));
      assertThat(m.serviceLevelWithAbandons()).as(queue + " SL with abandons")
          .isEqualTo(ratio(answeredInT + abandonedInT, answered.size() + abandoned.size()));
      assertThat(m.serviceLevelRemoved()).as(queue + " SL removed").isEqualTo(ratio(answeredInT + abandonedInT, offered));
      assertThat(m.asaSeconds()).as(queue + " ASA")
          .isEqualTo(answered.isEmpty() ? null : answerWait / 1000.0 / answered.size());
      assertThat(m.abandonRate()).as(queue + " abandon rate").isEqualTo(ratio(abandoned.size(), offered));
      assertThat(m.abandonRateShortAdjusted()).as(queue + " abandon rate, short-adjusted")
          .isEqualTo(ratio(abandoned.size() - shortAb, offered - shortAb));
      assertThat(m.averageWaitSeconds()).as(queue + " average wait")
          .isEqualTo(v.isEmpty() ? null : allWait / 1000.0 / v.size());
      for (int s : IntervalCounts.ABANDON_BUCKETS)
        assertThat(day.values()[IntervalCounts.FIELDS.indexOf("abandonedWithin" + s + "s")])
            .as(queue + " abandoned within " + s + " s")
            .isEqualTo(abandoned.stream().filter(x -> x.waitMillis() <= s * 1000L).count());
      assertThat(day.maxWaitMillis()).as(queue + " max queued time")
          .isEqualTo(v.stream().mapToLong(Recount.Visit::waitMillis).max().orElse(0));
    }
  }

  private static Double ratio(long part, long whole) {
    return whole <= 0 ? null : 100.0 * part / whole;
  }
}
