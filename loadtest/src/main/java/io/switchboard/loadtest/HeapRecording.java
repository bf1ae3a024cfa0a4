package io.switchboard.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a node allocated and how its heap went over a stretch of time, from a flight recording of
 * that stretch only ({@code jcmd JFR.start} / {@code JFR.stop}) with three events:
 * {@code jdk.ThreadAllocationStatistics} at the recording's start and end (every thread's
 * allocated bytes so far; the difference is what it allocated in between, TLAB or not),
 * {@code jdk.GarbageCollection} (pauses) and {@code jdk.GCHeapSummary} (heap in use before each GC).
 * A thread that ended within the stretch is missed.
 */
final class HeapRecording {

  /** {@code top}: the threads that allocated most, with their share ("name 40 MB, ..."). */
  record Result(long allocatedBytes, int threads, long gcs, double pauseTotalMs, double pauseMaxMs, long heapPeakAtGc,
      String top) {
    static final Result NONE = new Result(-1, 0, 0, 0, 0, -1, "");
  }

  /** The three events it records; every other event the JDK knows is switched off (see {@link #settings()}). */
  private static final Map<String, Map<String, String>> EVENTS = Map.of(
      "jdk.ThreadAllocationStatistics", Map.of("enabled", "true", "period", "everyChunk"),
      "jdk.GarbageCollection", Map.of("enabled", "true", "threshold", "0 ms"),
      "jdk.GCHeapSummary", Map.of("enabled", "true"));

  /**
   * A settings file with the three events on and every other event of the JDK's default
   * configuration off. An event a settings file does not name keeps its built-in default, and
   * for the JDK's Java-level events (socket and file reads and writes, ...) that is on, with no
   * threshold and a stack trace each: left out, they cost a busy node more than half a core.
   */
  static String settings() throws IOException {
    java.util.Set<String> names = new java.util.TreeSet<>();
    try {
      for (String key : jdk.jfr.Configuration.getConfiguration("default").getSettings().keySet())
        names.add(key.substring(0, key.indexOf('#')));
    } catch (java.text.ParseException e) {
      throw new IOException("cannot read the JDK's default JFR configuration", e);
    }
    names.addAll(EVENTS.keySet());
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<configuration version=\"2.0\" label=\"allocation\" description=\"loadtest: allocation and GC\""
            + " provider=\"switchboard\">\n");
    for (String name : names) {
      b.append("  <event name=\"").append(name).append("\">");
      for (Map.Entry<String, String> setting : EVENTS.getOrDefault(name, Map.of("enabled", "false")).entrySet())
        b.append("<setting name=\"").append(setting.getKey()).append("\">").append(setting.getValue()).append("</setting>");
      b.append("</event>\n");
    }
    return b.append("</configuration>\n").toString();
  }

  private final NodeProcess node;
  private final String name;
  private final Path file;

  private HeapRecording(NodeProcess node, String name, Path file) {
    this.node = node;
    this.name = name;
    this.file = file;
  }

  /** Starts a recording in the node; null (with the reason printed by the caller) when jcmd cannot. */
  static HeapRecording start(NodeProcess node, Path dir, String name) throws IOException, InterruptedException {
    Path settings = dir.resolve("allocation.jfc");
    if (!Files.exists(settings)) Files.writeString(settings, settings());
    Path file = dir.resolve(name + ".jfr").toAbsolutePath();
    String out = node.jcmd("JFR.start", "name=" + name, "settings=" + settings.toAbsolutePath());
    if (!out.contains("Started recording")) throw new IOException("JFR.start: " + out.trim());
    return new HeapRecording(node, name, file);
  }

  Result stop() throws IOException, InterruptedException {
    String out = node.jcmd("JFR.stop", "name=" + name, "filename=" + file);
    if (!Files.exists(file)) throw new IOException("JFR.stop wrote no " + file + ": " + out.trim());
    return read(RecordingFile.readAllEvents(file));
  }

  static Result read(List<RecordedEvent> events) {
    // The statistics come in two batches: as the recording starts and as it stops.
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (RecordedEvent e : events) {
      if (!e.getEventType().getName().equals("jdk.ThreadAllocationStatistics")) continue;
      long t = e.getStartTime().toEpochMilli();
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
    Map<Long, Long> atStart = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    Map<Long, Long> atEnd = new HashMap<>();
    long gcs = 0;
    double total = 0;
    double max = 0;
    long peak = -1;
    for (RecordedEvent e : events) {
      switch (e.getEventType().getName()) {
        case "jdk.ThreadAllocationStatistics" -> {
          RecordedThread t = e.getThread("thread");
          if (t == null) continue;
          long at = e.getStartTime().toEpochMilli();
          names.put(t.getId(), t.getJavaName() != null ? t.getJavaName() : t.getOSName());
          (at - first <= last - at ? atStart : atEnd).merge(t.getId(), e.getLong("allocated"), Math::max);
        }
        case "jdk.GarbageCollection" -> {
          gcs++;
          total += e.getDuration("sumOfPauses").toNanos() / 1e6;
          max = Math.max(max, e.getDuration("longestPause").toNanos() / 1e6);
        }
        case "jdk.GCHeapSummary" -> {
          if ("Before GC".equals(e.getString("when"))) peak = Math.max(peak, e.getLong("heapUsed"));
        }
        default -> { }
      }
    }
    if (first == last) return new Result(-1, 0, gcs, total, max, peak, "");
    long allocated = 0;
    Map<String, Long> byName = new HashMap<>();
    for (Map.Entry<Long, Long> end : atEnd.entrySet()) {
      // a thread not there at the start started within the stretch: all it allocated is in it
      long d = end.getValue() - atStart.getOrDefault(end.getKey(), 0L);
      if (d > 0) {
        allocated += d;
        byName.merge(String.valueOf(names.get(end.getKey())), d, Long::sum);
      }
    }
    String top = byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
        .map(x -> x.getKey() + " " + AnsweringReport.mb(x.getValue())).collect(java.util.stream.Collectors.joining(", "));
    return new Result(allocated, byName.size(), gcs, total, max, peak, top);
  }
}
