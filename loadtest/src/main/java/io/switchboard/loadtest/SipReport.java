package io.switchboard.loadtest;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What one run of {@link SipBenchmark} measured (one rate, one mode); printed at the end. */
public final class SipReport {

  /** The pass rule: at least this share of the calls successful... */
  static final double PASS_SUCCESS = 0.999;
  /** ...no retransmission, and INVITE -> 200 p99 under this many ms. */
  static final double PASS_P99_MS = 100.0;

  // the run
  LocalDate date = LocalDate.now();
  String mode;
  int rate;
  int durationSeconds;
  int callMs;
  int agents;
  int phones;
  String db;
  String nodeHeap;
  String host;
  String captureTool;
  String workDir;
  String nodeLog;
  final List<String> commands = new ArrayList<>();

  // the warm-up (not in any other figure)
  int warmupSeconds;
  long warmupAttempted;
  long warmupSuccessful;

  // the caller (sipp UAC)
  int callerExit = Integer.MIN_VALUE;
  long attempted;
  long successful;
  long failed;
  final Map<String, Long> failures = new TreeMap<>();
  double callerElapsedSeconds = Double.NaN;
  double sippResponseTimeAvgMs = Double.NaN;
  long callerRetransSent;
  long callerRetransReceived;
  long callerUnexpected;
  final List<String> callerErrors = new ArrayList<>();

  // the phones (sipp UAS)
  long phoneCalls;
  long phoneSuccessful;
  long phoneFailed;
  long phoneRetransSent;
  long phoneRetransReceived;
  long phoneUnexpected;
  final List<String> phoneErrors = new ArrayList<>();

  // the capture
  long capturePackets;
  long captureSip;
  long captureDropped = -1;
  long wireRetransmissions = -1;
  String wireRetransmissionKinds = "";
  long capturedInvites;
  long captured200;
  final Map<Integer, Long> capturedErrors = new TreeMap<>();
  double inviteTo200P50 = Double.NaN;
  double inviteTo200P90 = Double.NaN;
  double inviteTo200P99 = Double.NaN;
  double inviteTo200Max = Double.NaN;
  double inviteTo100P50 = Double.NaN;
  double inviteTo100P99 = Double.NaN;
  long agentInvites;
  long agentAnswered;
  double ringP50 = Double.NaN;
  double ringP99 = Double.NaN;
  double ringMax = Double.NaN;
  double phoneAnswerP50 = Double.NaN;
  double phoneAnswerP99 = Double.NaN;

  // the node
  double nodeIdleCores = Double.NaN;
  double nodeCpuSeconds = Double.NaN;
  double windowSeconds = Double.NaN;
  long heapAfterGcBytes = -1;
  long handledByAgents = -1;
  long agentsNotReady = -1;
  long nodeLogErrors;
  long nodeLogWarnings;
  final List<String> nodeLogSamples = new ArrayList<>();

  // the machine
  double callerCpuSeconds = Double.NaN;
  double phonesCpuSeconds = Double.NaN;
  double captureCpuSeconds = Double.NaN;
  double runnerCpuSeconds = Double.NaN;
  double othersCpuSeconds = Double.NaN;
  String othersTop = "";
  double machineBusyCores = Double.NaN;
  long sipSocketDrops = -1;
  long udpReceiveBufferErrors = -1;

  String error; // the run could not be made

  // ---------------------------------------------------------------- figures

  public long attempted() {
    return attempted;
  }

  public long successful() {
    return successful;
  }

  public long failed() {
    return failed;
  }

  public int callerExit() {
    return callerExit;
  }

  public long phoneSuccessful() {
    return phoneSuccessful;
  }

  public double inviteTo200P99() {
    return inviteTo200P99;
  }

  public double inviteTo200P50() {
    return inviteTo200P50;
  }

  public long captured200() {
    return captured200;
  }

  public String error() {
    return error;
  }

  public int rate() {
    return rate;
  }

  public double successShare() {
    return attempted == 0 ? 0 : (double) successful / attempted;
  }

  /**
   * Retransmissions for the rule: the larger of what the sipps sent again (caller and phones) and
   * what the capture saw again on the wire (every party's: caller, gateway, phones; the sipps'
   * own are among them, hence the larger, not the sum).
   */
  public long retransmissions() {
    return Math.max(callerRetransSent + phoneRetransSent, wireRetransmissions);
  }

  public double nodeCpuMsPerCall() {
    return successful == 0 || Double.isNaN(nodeCpuSeconds) ? Double.NaN : nodeCpuSeconds * 1000 / successful;
  }

  /** Why the run fails the rule; empty when it passes. */
  public List<String> failedRules() {
    List<String> out = new ArrayList<>();
    if (error != null) out.add("the run failed: " + error);
    if (attempted == 0) out.add("no call attempted");
    else if (successShare() < PASS_SUCCESS)
      out.add(String.format(Locale.ROOT, "%.3f %% successful < %.1f %%", 100 * successShare(), 100 * PASS_SUCCESS));
    if (retransmissions() > 0) out.add(retransmissions() + " retransmissions");
    if (Double.isNaN(inviteTo200P99)) out.add("no INVITE->200 latency (no capture)");
    else if (inviteTo200P99 >= PASS_P99_MS)
      out.add(String.format(Locale.ROOT, "INVITE->200 p99 %.2f ms >= %.0f ms", inviteTo200P99, PASS_P99_MS));
    return out;
  }

  public boolean passed() {
    return failedRules().isEmpty();
  }

  /** Passes every rule but the one on retransmissions (for the step summary). */
  public boolean passedExceptRetransmissions() {
    return failedRules().stream().allMatch(f -> f.endsWith(" retransmissions"));
  }

  // ---------------------------------------------------------------- printing

  public String summary() {
    StringBuilder b = new StringBuilder();
    line(b, "Switchboard SIP benchmark, %s, mode %s: %d calls/s for %d s, calls of %d ms%s",
        date, mode, rate, durationSeconds, callMs, mode.equals("direct") ? " (sipp caller -> sipp phone, no node)"
            : String.format(Locale.ROOT, ", %d agents on %d sipp phone(s), db %s, node heap %s", agents, phones, db, nodeHeap));
    line(b, "  host         %s", host);
    if (error != null) line(b, "  RUN FAILED   %s", error);
    if (warmupSeconds > 0)
      line(b, "  warm-up      %d s at the same rate before the measured calls, in no figure: %d of %d calls successful",
          warmupSeconds, warmupSuccessful, warmupAttempted);
    line(b, "  calls        attempted %d, successful %d (%.3f %%), failed %d%s; sipp caller exit %s; launched over %s s",
        attempted, successful, 100 * successShare(), failed, failures.isEmpty() ? "" : " " + failures,
        callerExit == Integer.MIN_VALUE ? "n/a" : Integer.toString(callerExit), num(callerElapsedSeconds));
    if (!callerErrors.isEmpty()) line(b, "               caller errors, e.g. %s", callerErrors);
    line(b, "  phones       calls %d, successful %d, failed %d%s", phoneCalls, phoneSuccessful, phoneFailed,
        mode.equals("direct") ? "" : String.format(Locale.ROOT, "; the engine counts %s handled by agents, %s agents not READY after the run",
            handledByAgents < 0 ? "n/a" : Long.toString(handledByAgents), agentsNotReady < 0 ? "n/a" : Long.toString(agentsNotReady)));
    if (!phoneErrors.isEmpty()) line(b, "               phone errors, e.g. %s", phoneErrors);
    line(b, "  retrans      sipp sent: caller %d, phones %d; sipp received again: caller %d, phones %d; unexpected messages:"
            + " caller %d, phones %d; on the wire %s%s",
        callerRetransSent, phoneRetransSent, callerRetransReceived, phoneRetransReceived, callerUnexpected, phoneUnexpected,
        wireRetransmissions < 0 ? "n/a" : Long.toString(wireRetransmissions),
        wireRetransmissionKinds.isEmpty() ? "" : " " + wireRetransmissionKinds);
    line(b, "  INVITE->200  p50 %s / p90 %s / p99 %s / max %s ms over %d of %d captured INVITEs (capture: %s, %d packets,"
            + " %s dropped)%s; sipp's own average %s ms",
        ms(inviteTo200P50), ms(inviteTo200P90), ms(inviteTo200P99), ms(inviteTo200Max), captured200, capturedInvites,
        captureTool, capturePackets, captureDropped < 0 ? "n/a" : Long.toString(captureDropped),
        capturedErrors.isEmpty() ? "" : "; error answers " + capturedErrors, ms(sippResponseTimeAvgMs));
    if (!mode.equals("direct")) {
      line(b, "  INVITE->100  p50 %s / p99 %s ms", ms(inviteTo100P50), ms(inviteTo100P99));
      line(b, "  ring         caller INVITE -> gateway INVITE to the phone p50 %s / p99 %s / max %s ms (%d phone INVITEs);"
          + " phone INVITE -> its 200 p50 %s / p99 %s ms (%d answered)", ms(ringP50), ms(ringP99), ms(ringMax), agentInvites,
          ms(phoneAnswerP50), ms(phoneAnswerP99), agentAnswered);
      line(b, "  node         CPU %s s over the %s s run = %s ms per successful call (idle before the run: %s cores);"
              + " heap after full GC %s",
          num(nodeCpuSeconds), num(windowSeconds), ms(nodeCpuMsPerCall()), num(nodeIdleCores), mb(heapAfterGcBytes));
      line(b, "  node log     %s: %d ERROR, %d WARN lines%s", nodeLog, nodeLogErrors, nodeLogWarnings,
          nodeLogSamples.isEmpty() ? "" : System.lineSeparator() + "      " + String.join(System.lineSeparator() + "      ", nodeLogSamples));
    }
    line(b, "  machine      busy %s cores of %d over the run (/proc/stat); CPU s: caller sipp %s, phone sipp %s, capture %s,"
            + " this runner %s, other processes %s%s",
        num(machineBusyCores), Runtime.getRuntime().availableProcessors(), num(callerCpuSeconds), num(phonesCpuSeconds),
        num(captureCpuSeconds), num(runnerCpuSeconds), num(othersCpuSeconds), othersTop.isEmpty() ? "" : " (" + othersTop + ")");
    line(b, "  UDP drops    on the SIP sockets (full receive buffer) %s; on all UDP sockets %s (includes the prompts' RTP"
            + " to the caller sipp's media port, which it does not read)",
        sipSocketDrops < 0 ? "n/a" : Long.toString(sipSocketDrops),
        udpReceiveBufferErrors < 0 ? "n/a" : Long.toString(udpReceiveBufferErrors));
    line(b, "  work dir     %s", workDir);
    for (String c : commands) line(b, "  command      %s", c);
    List<String> rules = failedRules();
    line(b, "  VERDICT      %s%s", rules.isEmpty() ? "PASS" : "FAIL", rules.isEmpty() ? "" : " (" + String.join("; ", rules) + ")");
    return b.toString();
  }

  public static String markdownHeader() {
    return "| date | mode | rate/s | attempted | successful | failed | retrans (sipp caller / phones / wire) | INVITE->200 p50 / p99 / max ms"
        + " | caller INVITE -> phone INVITE p50 / p99 ms | node CPU ms/call | node heap after GC | other processes (cores) | verdict |"
        + System.lineSeparator()
        + "|---|---|---:|---:|---|---:|---|---|---|---:|---:|---:|---|";
  }

  public String markdownRow() {
    boolean direct = mode.equals("direct");
    return String.format(Locale.ROOT, "| %s | %s | %d | %d | %d (%.3f %%) | %d | %d / %d / %s | %s / %s / %s | %s | %s | %s | %s | %s |",
        date, direct ? "direct (sipp-sipp)" : "gateway, " + agents + " agents, " + db, rate, attempted, successful,
        100 * successShare(), failed, callerRetransSent, phoneRetransSent,
        wireRetransmissions < 0 ? "n/a" : Long.toString(wireRetransmissions),
        ms(inviteTo200P50), ms(inviteTo200P99), ms(inviteTo200Max),
        direct ? "-" : ms(ringP50) + " / " + ms(ringP99),
        direct ? "-" : ms(nodeCpuMsPerCall()), direct ? "-" : mb(heapAfterGcBytes),
        Double.isNaN(othersCpuSeconds) || Double.isNaN(windowSeconds) ? "n/a" : num(othersCpuSeconds / windowSeconds),
        passed() ? "PASS" : "FAIL");
  }

  private static void line(StringBuilder b, String format, Object... args) {
    b.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
  }

  static String ms(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
  }

  static String num(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
  }

  static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", bytes / (1024.0 * 1024.0));
  }
}
