package io.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The memory runner in-process with small numbers, against the node jar the cluster module built. */
class MemoryBenchmarkSmokeTest {

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void a_small_run_reads_the_heap_after_each_step_and_every_call_waits() throws Exception {
    MemoryBenchmark.Settings s = MemoryBenchmark.Settings.parse("--queues", "500", "--agents", "500", "--waiting", "500",
        "--wait-queues", "5", "--passivation-wait", "0", "--db", "h2", "--node-heap", "512m");
    NodeStart.requireJar(s.nodeJar());
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    MemoryBenchmark run = new MemoryBenchmark(s, out);
    List<MemoryBenchmark.Step> steps;
    try {
      // it fails by itself when the queues do not hold every call it placed
      steps = run.run();
    } finally {
      System.out.print(buffer.toString(StandardCharsets.UTF_8));
    }
    assertThat(steps).extracting(MemoryBenchmark.Step::count).containsExactly(0L, 500L, 500L, 500L, 500L);
    assertThat(steps).allSatisfy(st -> assertThat(st.heapAfterGc()).isPositive());
    // queues, configured agents and waiting calls each hold at least a kilobyte apiece
    for (int i : new int[] {1, 2, 4})
      assertThat(steps.get(i).heapAfterGc() - steps.get(i - 1).heapAfterGc()).as(steps.get(i).what()).isGreaterThan(500 * 1024L);
    assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("calls waiting in the queues: 500").contains(run.table());
  }

  @Test
  void bad_options_are_named() {
    assertThatThrownBy(() -> MemoryBenchmark.Settings.parse("--agents", "10", "--queues", "0"))
        .hasMessageContaining("--agents").hasMessageContaining("--queues");
    assertThatThrownBy(() -> MemoryBenchmark.Settings.parse("--wait-queues", "0")).hasMessageContaining("--wait-queues");
    assertThatThrownBy(() -> MemoryBenchmark.Settings.parse("--node-heap", "lots")).hasMessageContaining("--node-heap");
  }
}
