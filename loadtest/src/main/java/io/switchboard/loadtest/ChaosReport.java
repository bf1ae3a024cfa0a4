package io.switchboard.loadtest;

import java.util.List;
import java.util.Map;

/**
 * What a chaos run found. {@code violations} lists every broken invariant, each naming the call,
 * agent or figure at fault; an empty list is a pass.
 */
record ChaosReport(
    List<Kill> kills,
    List<Long> entityRecoveriesMs,
    long callsSent,
    long injected,
    long notInjected,
    Map<String, Long> outcomes,
    long postRetries,
    long clientMoves,
    long answeredByStatistics,
    long offeredByStatistics,
    double arrivalSeconds,
    double drainSeconds,
    double totalSeconds,
    List<String> violations,
    List<String> notes) {

  /**
   * One kill: node (1-based), pid, when (s after the first arrival), how long the node took to
   * be healthy again after its restart, the entities (agents, queues) that failed a request
   * after it and the time until the last of them served again (-1: none affected).
   */
  record Kill(int node, long pid, double atSeconds, double rejoinSeconds, int affected, long recoveryMs) {}

  long completed() {
    return outcomes.getOrDefault("COMPLETED", 0L);
  }

  long abandoned() {
    return outcomes.getOrDefault("ABANDONED", 0L);
  }

  /** Per kill: kill until every affected entity served again; p50 and max over the kills that affected any. */
  long killRecoveryP50Ms() {
    return percentile(kills.stream().mapToLong(Kill::recoveryMs).filter(x -> x >= 0).sorted().toArray(), 50);
  }

  long killRecoveryMaxMs() {
    return kills.stream().mapToLong(Kill::recoveryMs).max().orElse(-1);
  }

  long entityRecoveryP50Ms() {
    return percentile(entityRecoveriesMs.stream().mapToLong(Long::longValue).sorted().toArray(), 50);
  }

  long entityRecoveryMaxMs() {
    return entityRecoveriesMs.stream().mapToLong(Long::longValue).max().orElse(-1);
  }

  /** Nearest rank; -1 when empty. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) return -1;
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  String summary() {
    StringBuilder b = new StringBuilder();
    b.append(String.format("chaos run: %d kills or stops, %.0f s of arrivals, drain %.1f s, %.0f s in all%n", kills.size(),
        arrivalSeconds, drainSeconds, totalSeconds));
    for (Kill k : kills)
      b.append(String.format("  node %d down (pid %d) at %.1f s: healthy again after %.1f s; %d entities affected,"
          + " all serving again after %s%n", k.node(), k.pid(), k.atSeconds(), k.rejoinSeconds(), k.affected(),
          k.recoveryMs() < 0 ? "-" : k.recoveryMs() + " ms"));
    b.append(String.format("recovery per kill (kill -> last affected entity serving): p50 %d ms, max %d ms%n",
        killRecoveryP50Ms(), killRecoveryMaxMs()));
    b.append(String.format("recovery per entity (%d agent/queue outages): p50 %d ms, max %d ms%n",
        entityRecoveriesMs.size(), entityRecoveryP50Ms(), entityRecoveryMaxMs()));
    b.append(String.format("calls: %d sent, %d injected (taken by the engine), %d not injected; outcomes %s%n",
        callsSent, injected, notInjected, outcomes));
    b.append(String.format("statistics: offered %d, answered %d; POST retries %d; clients moved to another node %d%n",
        offeredByStatistics, answeredByStatistics, postRetries, clientMoves));
    notes.forEach(n -> b.append("note: ").append(n).append(System.lineSeparator()));
    if (violations.isEmpty()) b.append("invariants: all hold").append(System.lineSeparator());
    else {
      b.append("VIOLATIONS (").append(violations.size()).append("):").append(System.lineSeparator());
      violations.forEach(v -> b.append("  ").append(v).append(System.lineSeparator()));
    }
    return b.toString();
  }
}
