package io.switchboard.loadtest;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** What one {@link AnsweringBenchmark} run measured; printed at the end. */
public final class AnsweringReport {

  /** Count and percentiles of one histogram, in its own unit scaled by {@code scale} (µs → ms: 1000). */
  public record Dist(long count, double p50, double p95, double p99, double max) {
    static final Dist NONE = new Dist(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static Dist of(Histogram h, double scale) {
      if (h.getTotalCount() == 0) return NONE;
      return new Dist(h.getTotalCount(), h.getValueAtPercentile(50) / scale, h.getValueAtPercentile(95) / scale,
          h.getValueAtPercentile(99) / scale, h.getMaxValue() / scale);
    }

    String ms() {
      return count == 0 ? "n/a" : String.format(Locale.ROOT, "p50 %.2f / p95 %.2f / p99 %.2f / max %.2f ms (%d)", p50, p95,
          p99, max, count);
    }
  }

  /** One import of the .xlsx into a fresh company. */
  public record ImportRun(int run, int rows, long fileBytes, int previewStatus, double previewMs, int commitStatus,
      double commitMs, long added, long heapBefore, long heapAfter, long rssBefore, long peakRss, boolean peakReset,
      long allocatedBytes, int allocatingThreads, long gcs, double gcPauseTotalMs, double gcPauseMaxMs,
      long heapPeakAtGc, String topAllocators, String error) {}

  // the run
  LocalDate date = LocalDate.now();
  String command;
  String host;
  String db;
  String nodeHeap;
  String nodeLog;
  int companies;
  int contacts;
  int queues;
  int agents;
  int rate;
  int durationSeconds;
  int warmupSeconds;
  int talkMs;
  boolean importOnly;

  // setup
  double nodeStartSeconds;
  double companiesSeconds;
  double profilesSeconds;
  long exceptions;
  double importSeconds;
  long contactsImported;
  long importFileBytes;
  Dist importRequest = Dist.NONE;
  long redirects;
  double redirectSeconds;
  double setupSeconds;
  long heapAfterSetup = -1;
  long heapAfterIdle = -1;
  int idleSeconds;
  long rssAfterSetup = -1;
  double agentsSeconds;
  String readSideAfterSetup;
  String readSideAtCalls;
  String readSideAfterCalls;
  double readSideCompleteSeconds = Double.NaN;

  // calls
  long scheduled;
  long notSent;
  long posted;
  long postFailed;
  long measuredCalls;
  long offers;
  long pops;
  long callsEnded;
  long missingOffers;
  long missingPops;
  long mismatches;
  long problems;
  Dist popLatency = Dist.NONE;
  Dist popLatencyFirst = Dist.NONE;
  Dist popLatencyRepeat = Dist.NONE;
  Dist assembled = Dist.NONE;
  Dist assembledFirst = Dist.NONE;
  Dist assembledRepeat = Dist.NONE;
  Dist popBytes = Dist.NONE;
  Dist popReceive = Dist.NONE;
  Dist postToOffer = Dist.NONE;
  Dist postRoundTrip = Dist.NONE;
  double scheduleLagMaxMs;
  double nodeCpuCores = Double.NaN;
  double runnerCpuCores = Double.NaN;
  double machineCpuCores = Double.NaN;
  long callsGcs = -1;
  double callsGcPauseTotalMs;
  double callsGcPauseMaxMs;
  long callsAllocatedBytes = -1;
  long heapAfterCalls = -1;

  // import
  final List<ImportRun> imports = new ArrayList<>();

  // problems of any kind
  long errors;
  final List<String> errorSamples = new ArrayList<>();
  long nodeLogErrors;
  long nodeLogWarnings;
  final List<String> nodeLogSamples = new ArrayList<>();

  public long errors() {
    return errors;
  }

  public long posted() {
    return posted;
  }

  public long offers() {
    return offers;
  }

  public long pops() {
    return pops;
  }

  public long contactsImported() {
    return contactsImported;
  }

  public long redirects() {
    return redirects;
  }

  public Dist popLatency() {
    return popLatency;
  }

  public Dist popBytes() {
    return popBytes;
  }

  public List<ImportRun> imports() {
    return imports;
  }

  public List<String> errorSamples() {
    return errorSamples;
  }

  public String summary() {
    StringBuilder b = new StringBuilder();
    line(b, "Switchboard answering-service benchmark, %s: %s", date, command);
    line(b, "  host          %s", host);
    line(b, "  node          db %s, heap %s, up after %.1f s; log %s", db, nodeHeap, nodeStartSeconds, nodeLog);
    if (!importOnly) {
      line(b, "  directory     %d companies x %d contacts in %.1f s: companies + numbers %.1f s, profiles %.1f s (%d with an"
              + " exception), import %.1f s = %.0f contacts/s (%d contacts, %s of CSV; per request %s), redirects %d in %.1f s"
              + " (%.0f/s)",
          companies, contacts, setupSeconds, companiesSeconds, profilesSeconds, exceptions, importSeconds,
          importSeconds > 0 ? contactsImported / importSeconds : Double.NaN, contactsImported, mb(importFileBytes),
          importRequest.ms(), redirects, redirectSeconds, redirectSeconds > 0 ? redirects / redirectSeconds : Double.NaN);
      line(b, "  heap          after full GC with the whole directory %s (RSS %s);%s after the calls %s", mb(heapAfterSetup),
          mb(rssAfterSetup), idleSeconds > 0 ? " after " + idleSeconds + " s idle " + mb(heapAfterIdle) + ";" : "",
          mb(heapAfterCalls));
      line(b, "  read side     events not yet projected: after the setup %s; at the first call %s; after the calls %s; %s",
          readSideAfterSetup, readSideAtCalls, readSideAfterCalls, Double.isNaN(readSideCompleteSeconds)
              ? "not complete before the calls ended" : String.format(Locale.ROOT, "complete %.0f s after the setup",
                  readSideCompleteSeconds));
      line(b, "  agents        %d on the WebSocket, signed in and ready in %.1f s", agents, agentsSeconds);
      line(b, "  calls         %d/s for %d s after %d s warm-up, talk %d ms: scheduled %d, not sent %d, 201 %d, failed %d;"
              + " measured (after warm-up) %d; schedule lag max %.1f ms", rate, durationSeconds, warmupSeconds, talkMs,
          scheduled, notSent, posted, postFailed, measuredCalls, scheduleLagMaxMs);
      line(b, "  desktops      offers %d, screen pops %d, calls ended %d; missing offers %d, missing pops %d, wrong pops %d,"
          + " other problems %d", offers, pops, callsEnded, missingOffers, missingPops, mismatches, problems);
      line(b, "  offer->pop    %s", popLatency.ms());
      line(b, "    first call of the run to its company %s", popLatencyFirst.ms());
      line(b, "    later calls to the same company      %s", popLatencyRepeat.ms());
      line(b, "  assembled     (node's assembledMicros) %s", assembled.ms());
      line(b, "    first call of the run to its company %s", assembledFirst.ms());
      line(b, "    later calls to the same company      %s", assembledRepeat.ms());
      line(b, "  pop receive   (its first fragment to its last, on the desktop) %s", popReceive.ms());
      line(b, "  pop size      %s", popBytes.count() == 0 ? "n/a" : String.format(Locale.ROOT,
          "p50 %.0f / p95 %.0f / p99 %.0f / max %.0f bytes (%d)", popBytes.p50(), popBytes.p95(), popBytes.p99(),
          popBytes.max(), popBytes.count()));
      line(b, "  POST->offer   %s", postToOffer.ms());
      line(b, "  POST round trip %s", postRoundTrip.ms());
      line(b, "  CPU           node %s cores, runner %s cores, the whole machine %s cores over the measured calls",
          cores(nodeCpuCores), cores(runnerCpuCores), cores(machineCpuCores));
      if (callsGcs >= 0)
        line(b, "  node GC       over the warm-up and measured calls: %d GCs, pauses %.1f ms total, %.1f ms max; allocated %s", callsGcs,
            callsGcPauseTotalMs, callsGcPauseMaxMs, mb(callsAllocatedBytes));
    }
    for (ImportRun i : imports) {
      line(b, "  import %d      %d rows, %s .xlsx: preview %d in %.0f ms, commit %d in %.0f ms (%d added)%s", i.run(), i.rows(),
          kb(i.fileBytes()), i.previewStatus(), i.previewMs(), i.commitStatus(), i.commitMs(), i.added(),
          i.error() == null ? "" : " ERROR " + i.error());
      line(b, "                heap after GC %s -> %s; RSS before %s, peak %s%s; allocated %s (%d threads); %d GCs, pauses"
              + " %.1f ms total, %.1f ms max; most heap in use at a GC %s",
          mb(i.heapBefore()), mb(i.heapAfter()), mb(i.rssBefore()), mb(i.peakRss()),
          i.peakReset() ? " (since just before the preview)" : " (since the node started)", mb(i.allocatedBytes()),
          i.allocatingThreads(), i.gcs(), i.gcPauseTotalMs(), i.gcPauseMaxMs(), mb(i.heapPeakAtGc()));
      if (!i.topAllocators().isEmpty()) line(b, "                allocated most: %s", i.topAllocators());
    }
    line(b, "  errors        %d%s", errors, errorSamples.isEmpty() ? ""
        : System.lineSeparator() + "      " + String.join(System.lineSeparator() + "      ", errorSamples));
    line(b, "  node log      %d ERROR, %d WARN lines%s", nodeLogErrors, nodeLogWarnings, nodeLogSamples.isEmpty() ? ""
        : System.lineSeparator() + "      " + String.join(System.lineSeparator() + "      ", nodeLogSamples));
    return b.toString();
  }

  /** The markdown rows for docs/benchmarks.md: the calls, then one row per import. */
  public String markdown() {
    StringBuilder b = new StringBuilder();
    if (!importOnly) {
      line(b, "| companies x contacts | setup | import contacts/s | heap after GC (directory) | agents | calls/s | measured calls"
          + " | offer->pop p50 / p95 / p99 / max ms | assembledMicros p50 / p99 ms | pop bytes p50 / max | POST->offer p50 / p99 ms | errors |");
      line(b, "|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---:|");
      line(b, "| %,d x %,d | %.0f s | %,.0f | %s | %d | %d | %d | %.2f / %.2f / %.2f / %.2f | %.2f / %.2f | %,.0f / %,.0f | %.2f / %.2f | %d |",
          companies, contacts, setupSeconds, importSeconds > 0 ? contactsImported / importSeconds : Double.NaN,
          mb(heapAfterSetup), agents, rate, popLatency.count(), popLatency.p50(), popLatency.p95(), popLatency.p99(),
          popLatency.max(), assembled.p50(), assembled.p99(), popBytes.p50(), popBytes.max(), postToOffer.p50(),
          postToOffer.p99(), errors);
    }
    if (!imports.isEmpty()) {
      line(b, "| import | rows | file | preview ms | commit ms | heap after GC before -> after | RSS before / peak | allocated | GCs (pause max ms) |");
      line(b, "|---:|---:|---:|---:|---:|---|---|---:|---|");
      for (ImportRun i : imports)
        line(b, "| %d | %,d | %s | %.0f | %.0f | %s -> %s | %s / %s | %s | %d (%.1f) |", i.run(), i.rows(), kb(i.fileBytes()),
            i.previewMs(), i.commitMs(), mb(i.heapBefore()), mb(i.heapAfter()), mb(i.rssBefore()), mb(i.peakRss()),
            mb(i.allocatedBytes()), i.gcs(), i.gcPauseMaxMs());
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String format, Object... args) {
    b.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
  }

  static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", bytes / (1024.0 * 1024.0));
  }

  static String kb(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0);
  }

  private static String cores(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
  }
}
