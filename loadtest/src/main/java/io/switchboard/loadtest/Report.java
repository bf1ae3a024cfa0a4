package io.switchboard.loadtest;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What one benchmark run measured; filled in by {@link EngineBenchmark}, printed at the end. */
public final class Report {
  // the run
  LocalDate date = LocalDate.now();
  String db;
  int agents;
  int queues;
  int rate;
  int durationSeconds;
  int warmupSeconds;
  int talkMs;
  String wrapUp;
  String nodeHeap;
  int nodes = 1;
  String nodeLog;
  String host; // cpus and load average before the arrivals: other load on the machine skews every figure

  // calls
  long scheduled;
  long injected; // 201 Created
  long notInjected; // over the in-flight bound: never sent
  long postRejected; // an answer other than 201
  long postFailed; // no answer (connection error, timeout)
  long takenDespiteError; // answered 503 or not at all, yet the engine took the call
  final List<String> postErrorSamples = new ArrayList<>();
  double scheduleLagMaxMs;
  final Map<String, Long> outcomes = new TreeMap<>();
  long completedInWindow;
  double steadySeconds;
  double completedPerSecond;
  long outcomeByGetOnly; // terminal outcome seen only by GET /calls/{id}, not on the event stream
  long lost;
  final List<String> lostSamples = new ArrayList<>();
  double drainSeconds;
  double projectionLagP50Ms = Double.NaN;
  double projectionLagP99Ms = Double.NaN;
  double projectionCatchUpSeconds = Double.NaN;
  double sampledLagP50Ms = Double.NaN;
  double sampledLagP99Ms = Double.NaN;
  double sampledLagMaxMs = Double.NaN;
  long sampledPendingMax;
  int lagSamples;

  // agents
  long offers;
  long offersMeasured;
  long offersWithoutArrival;
  double offerP50Ms = Double.NaN;
  double offerP95Ms = Double.NaN;
  double offerP99Ms = Double.NaN;
  double offerMaxMs = Double.NaN;
  long acceptFailed;
  final Map<String, Long> acceptFailures = new TreeMap<>();
  long acceptNotBusy;
  long endCallFailed;
  long offersMissed;
  long offersWithdrawn;

  // client side
  long postMeasured;
  double postP50Ms = Double.NaN;
  double postP99Ms = Double.NaN;
  double postMaxMs = Double.NaN;
  long events;
  String eventStreamError;

  // the node
  long heapAfterGcBytes = -1;
  double nodeCpuCores = Double.NaN; // all nodes together
  List<Double> nodeCpuPerNode = new ArrayList<>();
  double runnerCpuCores = Double.NaN;
  long nodeLogErrors;
  long nodeLogWarnings;
  final List<String> nodeLogSamples = new ArrayList<>();

  public long lost() {
    return lost;
  }

  public long injected() {
    return injected;
  }

  /** Calls that ended COMPLETED (whole run, not only the steady window). */
  public long completed() {
    return outcomes.getOrDefault("COMPLETED", 0L);
  }

  public double completedPerSecond() {
    return completedPerSecond;
  }

  public long offersMeasured() {
    return offersMeasured;
  }

  public double offerP50Ms() {
    return offerP50Ms;
  }

  public double offerP99Ms() {
    return offerP99Ms;
  }

  public double offerMaxMs() {
    return offerMaxMs;
  }

  public long acceptFailed() {
    return acceptFailed;
  }

  public long nodeLogErrors() {
    return nodeLogErrors;
  }

  public String eventStreamError() {
    return eventStreamError;
  }

  public String summary() {
    StringBuilder b = new StringBuilder();
    line(b, "Switchboard engine benchmark, %s: db %s, %d node(s), %d agents, %d queues, %d calls/s for %d s (warm-up %d s), talk %d ms, wrap-up %s, node heap %s",
        date, db, nodes, agents, queues, rate, durationSeconds, warmupSeconds, talkMs, wrapUp, nodeHeap);
    line(b, "  host         %s", host);
    line(b, "  calls        scheduled %d, injected (201) %d, not injected (over in-flight bound) %d, rejected %d, failed %d"
            + " (of these the engine took %d anyway)%s",
        scheduled, injected, notInjected, postRejected, postFailed, takenDespiteError,
        postErrorSamples.isEmpty() ? "" : " e.g. " + postErrorSamples);
    line(b, "  schedule     max lag behind the clock %.1f ms", scheduleLagMaxMs);
    line(b, "  outcomes     %s; outcome only via GET %d; LOST %d%s", outcomes, outcomeByGetOnly, lost,
        lostSamples.isEmpty() ? "" : " e.g. " + lostSamples);
    line(b, "  throughput   %.1f completed lifecycles/s over the %.1f s steady window (%d completed in it); drain %.1f s",
        completedPerSecond, steadySeconds, completedInWindow, drainSeconds);
    line(b, "  offer        latency p50 %s / p95 %s / p99 %s / max %s ms over %d offers after warm-up (%d offers in all, %d without a known arrival)",
        ms(offerP50Ms), ms(offerP95Ms), ms(offerP99Ms), ms(offerMaxMs), offersMeasured, offers, offersWithoutArrival);
    line(b, "  agents       accepts failed %d %s, accepted but not BUSY %d, end-call failed %d, offers missed %d, withdrawn %d",
        acceptFailed, acceptFailures.isEmpty() ? "" : acceptFailures.toString(), acceptNotBusy, endCallFailed, offersMissed,
        offersWithdrawn);
    line(b, "  POST /calls  round trip p50 %s / p99 %s / max %s ms (%d after warm-up)", ms(postP50Ms), ms(postP99Ms),
        ms(postMaxMs), postMeasured);
    line(b, "  statistics   lag sampled each second after warm-up p50 %s / p99 %s / max %s ms (%d samples, at most %d events"
            + " behind); node's own timer p50 %s / p99 %s ms; read side complete %s s after the drain",
        ms(sampledLagP50Ms), ms(sampledLagP99Ms), ms(sampledLagMaxMs), lagSamples, sampledPendingMax,
        ms(projectionLagP50Ms), ms(projectionLagP99Ms), ms(projectionCatchUpSeconds));
    line(b, "  events       %d received%s", events, eventStreamError == null ? "" : "; STREAM FAILED: " + eventStreamError);
    line(b, "  node         heap after full GC %s, CPU %s cores (steady window%s); runner CPU %s cores",
        mb(heapAfterGcBytes), cores(nodeCpuCores), nodes == 1 ? "" : "; per node " + perNodeCpu(), cores(runnerCpuCores));
    line(b, "  node log     %s: %d ERROR, %d WARN lines%s", nodeLog, nodeLogErrors, nodeLogWarnings,
        nodeLogSamples.isEmpty() ? "" : System.lineSeparator() + "      " + String.join(System.lineSeparator() + "      ", nodeLogSamples));
    return b.toString();
  }

  public static String markdownHeader() {
    return "| date | db | nodes | agents | queues | rate/s | talk | wrap-up | duration | completed/s | offer p50 ms | offer p95 ms | offer p99 ms | offer max ms | POST p99 ms | lost | heap after GC | node CPU cores |"
        + System.lineSeparator()
        + "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
  }

  public String markdownRow() {
    return String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %d ms | %s | %d s | %.1f | %s | %s | %s | %s | %s | %d | %s | %s |",
        date, db, nodes, agents, queues, rate, talkMs, wrapUp, durationSeconds, completedPerSecond,
        ms(offerP50Ms), ms(offerP95Ms), ms(offerP99Ms), ms(offerMaxMs), ms(postP99Ms), lost, mb(heapAfterGcBytes),
        nodes == 1 ? cores(nodeCpuCores) : cores(nodeCpuCores) + " (" + perNodeCpu() + ")");
  }

  private String perNodeCpu() {
    return String.join(" + ", nodeCpuPerNode.stream().map(Report::cores).toList());
  }

  private static void line(StringBuilder b, String format, Object... args) {
    b.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", bytes / (1024.0 * 1024.0));
  }

  private static String cores(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
  }
}
