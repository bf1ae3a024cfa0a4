package io.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole runner in-process with tiny numbers, against the node jar the cluster module built. */
class EngineBenchmarkSmokeTest {

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void a_tiny_run_completes_calls_loses_none_and_reports_offer_latency() throws Exception {
    Options options = Options.parse("--agents", "20", "--queues", "2", "--rate", "20", "--duration", "5",
        "--warmup", "1", "--talk", "200", "--wrapup", "0", "--node-heap", "512m");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Report report = runWithoutLoss(options, buffer);
    String printed = buffer.toString(StandardCharsets.UTF_8);
    assertThat(report.completedPerSecond()).as("completed/s").isPositive();
    assertThat(report.offersMeasured()).as("offers measured").isPositive();
    assertThat(report.offerP50Ms()).as("offer p50").isNotNaN().isGreaterThanOrEqualTo(0);
    assertThat(report.offerP99Ms()).as("offer p99").isNotNaN().isGreaterThanOrEqualTo(report.offerP50Ms());
    assertThat(printed).contains("offer        latency p50").contains(report.markdownRow());
    // the engine API needs the admin role: the runner opened a session and sent its token
    assertThat(printed).contains("logged in as admin");
  }

  /** Two cluster nodes on one embedded PostgreSQL: calls and agents' actions go to both, none is lost. */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void a_tiny_run_on_two_nodes_spreads_the_work_and_loses_no_call() throws Exception {
    Options options = Options.parse("--nodes", "2", "--db", "postgres", "--agents", "20", "--queues", "2", "--rate", "20",
        "--duration", "5", "--warmup", "1", "--talk", "200", "--node-heap", "512m");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Report report = runWithoutLoss(options, buffer);
    // both nodes worked: each served half the calls and agents over HTTP
    assertThat(report.nodeCpuPerNode).hasSize(2).allSatisfy(cores -> assertThat(cores).isPositive());
    assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("2 nodes up after").contains(report.markdownRow());
  }

  /** Runs the benchmark, printing what it printed; its 100 calls were all taken and none was lost. */
  static Report runWithoutLoss(Options options, ByteArrayOutputStream buffer) throws Exception {
    Path jar = options.nodeJar();
    if (!Files.isRegularFile(jar))
      fail("the node jar " + jar + " does not exist: build the cluster module first"
          + " (cd " + Options.repoRoot() + " && mvn -q -DskipTests install), or run mvn verify from the root");
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    Report report;
    try {
      report = new EngineBenchmark(options, out).run();
    } finally {
      System.out.print(buffer.toString(StandardCharsets.UTF_8));
    }
    assertThat(report.eventStreamError()).as("event stream error").isNull();
    assertThat(report.injected()).as("calls injected").isEqualTo(100);
    assertThat(report.lost()).as("lost calls").isZero();
    assertThat(report.completed()).as("completed calls").isGreaterThanOrEqualTo(report.injected());
    return report;
  }

  @Test
  void a_bad_option_is_named() {
    assertThatThrownBy(() -> Options.parse("--rate", "fast"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rate").hasMessageContaining("fast");
    assertThatThrownBy(() -> Options.parse("--rtae", "5"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rtae");
    assertThatThrownBy(() -> Options.parse("--db", "oracle"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--db");
    assertThatThrownBy(() -> Options.parse("--duration", "5", "--warmup", "5"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--warmup");
    assertThatThrownBy(() -> Options.parse("--nodes", "3"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--nodes").hasMessageContaining("--db postgres");
    assertThatThrownBy(() -> Options.parse("--admin-user", " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--admin-user");
  }

  @Test
  void heap_info_of_g1_and_parallel_is_read() {
    String g1 = """
        12345:
         garbage-first heap   total 262144K, used 18373K [0x00000000c0000000, 0x0000000100000000)
          region size 1024K, 3 young (3072K), 0 survivors (0K)
         Metaspace       used 43071K, committed 43520K, reserved 1114112K
          class space    used 5391K, committed 5632K, reserved 1048576K
        """;
    assertThat(NodeProcess.parseHeapUsed(g1)).isEqualTo(18373L * 1024);
    String parallel = """
         PSYoungGen      total 76288K, used 1310K [0x, 0x, 0x)
          eden space 65536K, 2% used [0x,0x,0x)
         ParOldGen       total 175104K, used 20000K [0x, 0x, 0x)
         Metaspace       used 3000K, committed 3200K, reserved 1056768K
        """;
    assertThat(NodeProcess.parseHeapUsed(parallel)).isEqualTo(21310L * 1024);
  }
}
