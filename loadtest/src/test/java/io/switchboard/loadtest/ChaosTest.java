package io.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chaos test's short form (issue 7) in {@code mvn verify}: three node processes on loopback
 * over one embedded PostgreSQL, calls and answering agents, two {@code kill -9}s of a random node
 * 30 s apart, each restarted at once. Every invariant is checked by {@link ChaosRun} against the
 * product and any violation fails here. The long form: {@code -Dchaos.kills=10} (or ChaosRun's main), on Cassandra with
 * {@code -Dchaos.journal=cassandra}.
 */
class ChaosTest {

  @Test
  void killing_random_nodes_loses_no_call_answers_none_twice_and_the_figures_add_up() throws Exception {
    runAndCheck(ChaosOptions.parse());
  }

  /** A rolling restart under the same load: each node in turn leaves gracefully and comes back. */
  @Test
  void a_rolling_restart_of_every_node_loses_no_call_and_the_figures_add_up() throws Exception {
    ChaosOptions options = ChaosOptions.parse("--rolling", "--kills", "3");
    assertThat(runAndCheck(options).kills()).extracting(ChaosReport.Kill::node).containsExactly(1, 2, 3);
  }

  static ChaosReport runAndCheck(ChaosOptions options) throws Exception {
    Path jar = options.nodeJar();
    if (!Files.isRegularFile(jar))
      fail("the node jar " + jar + " does not exist: build the cluster module first"
          + " (mvn -pl loadtest -am verify builds it), or run mvn verify from the root");

    // Bounded by the run's own length: arrivals plus start-up, drain and checks (the long form is longer).
    ChaosReport report = assertTimeoutPreemptively(Duration.ofSeconds(options.arrivalSeconds() + 390L),
        () -> new ChaosRun(options, System.out).run());

    assertThat(report.violations()).as("violations").isEmpty();
    assertThat(report.kills()).as("kills").hasSize(options.kills);
    assertThat(report.injected()).as("calls injected").isPositive();
    // every injected call ended, and nothing else: the sum of the outcomes is the injected count
    assertThat(report.outcomes().values().stream().mapToLong(Long::longValue).sum()).as("outcomes")
        .isEqualTo(report.injected());
    assertThat(report.offeredByStatistics()).as("statistics offered").isEqualTo(report.injected());
    assertThat(report.answeredByStatistics()).as("statistics answered").isEqualTo(report.completed());
    assertThat(report.completed()).as("completed").isPositive();
    return report;
  }

  @Test
  void recovery_runs_from_the_kill_to_the_first_success_after_the_last_failure_it_caused() {
    long s = 1_000_000_000L; // samples in ns: kill at 10 s, next kill at 40 s
    List<ChaosRun.Sample> samples = List.of(
        new ChaosRun.Sample(9 * s, 9 * s + 1, true),
        new ChaosRun.Sample(10 * s, 15 * s, false), // timed out: caused by the kill
        new ChaosRun.Sample(15 * s, 16 * s, false),
        new ChaosRun.Sample(14 * s, 17 * s, true), // sent before the last failure: does not count
        new ChaosRun.Sample(16 * s, 22 * s, true), // the first success after the last failure
        new ChaosRun.Sample(39 * s, 44 * s, false)); // sent before the next kill, failed by it
    assertThat(ChaosRun.recoveryMs(samples, 10 * s, 40 * s)).isEqualTo(12_000);
    assertThat(ChaosRun.recoveryMs(samples, 40 * s, 70 * s)).isEqualTo(ChaosRun.NEVER_SERVED);
    assertThat(ChaosRun.recoveryMs(samples.subList(0, 1), 10 * s, 40 * s)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void options_come_from_system_properties_and_arguments() {
    ChaosOptions o = ChaosOptions.parse("--kills", "10", "--rate", "5");
    assertThat(o.kills).isEqualTo(10);
    assertThat(o.arrivalSeconds()).isEqualTo(11 * 30);
    assertThat(ChaosReport.percentile(new long[] {1, 2, 3, 4}, 50)).isEqualTo(2);
    assertThat(ChaosReport.percentile(new long[] {7}, 50)).isEqualTo(7);
  }

  @Test
  void the_journal_is_postgres_or_cassandra_and_anything_else_names_the_option() {
    assertThat(ChaosOptions.parse("--journal", "cassandra").journal).isEqualTo(NodeCluster.Journal.CASSANDRA);
    assertThat(ChaosOptions.parse("--journal", "postgres").journal).isEqualTo(NodeCluster.Journal.POSTGRES);
    assertThatThrownBy(() -> ChaosOptions.parse("--journal", "mongo"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--journal").hasMessageContaining("mongo");
  }
}
