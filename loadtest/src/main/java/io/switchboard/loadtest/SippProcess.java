package io.switchboard.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One sipp process in a directory of its own (sipp names its counts and screen files after the
 * scenario and its pid), with its statistics file ({@code -trace_stat}, one line a second), its
 * per-message counts ({@code -trace_counts}), its final screens ({@code -trace_screen}) and its
 * errors ({@code -trace_err}).
 */
final class SippProcess implements AutoCloseable {

  /** Receive buffer asked of the kernel for sipp's socket (capped by net.core.rmem_max). */
  static final String BUFFER = Integer.toString(4 * 1024 * 1024);

  private final String name;
  private final Path dir;
  private final int port;
  private final Process process;

  private SippProcess(String name, Path dir, int port, Process process) {
    this.name = name;
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts {@code <sipp> -sf <scenario> -i 127.0.0.1 -p <port> -mp <mediaPort> <args> [remote]}
   * in {@code dir} (created), output to {@code dir/sipp.out}.
   */
  static SippProcess start(String sipp, String name, Path dir, Path scenario, int port, int mediaPort, List<String> args,
      String remote) throws IOException {
    Files.createDirectories(dir);
    List<String> cmd = new ArrayList<>(List.of(sipp, "-sf", scenario.toString(), "-i", "127.0.0.1",
        "-p", Integer.toString(port), "-mp", Integer.toString(mediaPort), "-nostdin",
        "-buff_size", BUFFER,
        "-trace_stat", "-stf", dir.resolve("stat.csv").toString(), "-fd", "1",
        "-trace_counts", "-trace_screen", "-trace_err", "-error_file", dir.resolve("errors.log").toString()));
    cmd.addAll(args);
    if (remote != null) cmd.add(remote);
    Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd) + System.lineSeparator());
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("sipp.out").toFile()).start();
    return new SippProcess(name, dir, port, p);
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** Its SIP port (-p). */
  int port() {
    return port;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path dir() {
    return dir;
  }

  /** sipp's exit code (0: every call passed), or -1 when it did not exit within {@code seconds}. */
  int await(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) return -1;
    return process.exitValue();
  }

  /**
   * Ends a sipp that would run on (a UAS without -m): SIGINT, on which it stops taking calls,
   * writes its final statistics and exits; SIGKILL after {@code seconds}. Returns its exit code.
   */
  int interrupt(long seconds) throws InterruptedException {
    if (!process.isAlive()) return process.exitValue();
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      process.destroy();
    }
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      return -1;
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- what it wrote

  /** The last line of the statistics file, by column name; empty before the first line. */
  Map<String, String> lastStats() {
    return lastLine(dir.resolve("stat.csv"));
  }

  /** A counter of the last statistics line (cumulative columns end in {@code (C)}); 0 if absent. */
  static long counter(Map<String, String> stats, String column) {
    String v = stats.get(column);
    if (v == null || v.isBlank()) return 0;
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * A time column of sipp's statistics in ms: response times and call lengths are
   * HH:MM:SS:micros, elapsed times HH:MM:SS. NaN if absent.
   */
  static double durationMs(Map<String, String> stats, String column) {
    String v = stats.get(column);
    if (v == null) return Double.NaN;
    String[] p = v.trim().split(":");
    if (p.length != 3 && p.length != 4) return Double.NaN;
    try {
      return (Long.parseLong(p[0]) * 3600 + Long.parseLong(p[1]) * 60 + Long.parseLong(p[2])) * 1000.0
          + (p.length == 4 ? Long.parseLong(p[3]) / 1000.0 : 0);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** The failure counters of the last statistics line that are not zero. */
  Map<String, Long> failures() {
    Map<String, Long> out = new LinkedHashMap<>();
    lastStats().forEach((k, v) -> {
      if (k.startsWith("Failed") && k.endsWith("(C)") && !k.equals("FailedCall(C)")) {
        long n = counter(Map.of(k, v), k);
        if (n > 0) out.put(k.substring(0, k.length() - 3), n);
      }
    });
    return out;
  }

  /**
   * Retransmissions in the per-message counts ({@code -trace_counts}), last line: of messages
   * this sipp sent (index_X_Sent) and of messages it received again (index_X_Recv), and the
   * unexpected messages and timeouts.
   */
  record Counts(long retransSent, long retransReceived, long unexpected, long timeouts) {}

  Counts counts() {
    Path file;
    try (Stream<Path> files = Files.list(dir)) {
      file = files.filter(f -> f.getFileName().toString().endsWith("_counts.csv")).findFirst().orElse(null);
    } catch (IOException e) {
      return new Counts(-1, -1, -1, -1);
    }
    if (file == null) return new Counts(-1, -1, -1, -1);
    Map<String, String> last = lastLine(file);
    long sent = 0, received = 0, unexpected = 0, timeouts = 0;
    for (Map.Entry<String, String> e : last.entrySet()) {
      String k = e.getKey();
      long n = counter(last, k);
      if (k.endsWith("_Retrans")) {
        String prefix = k.substring(0, k.length() - "_Retrans".length());
        if (last.containsKey(prefix + "_Sent")) sent += n;
        else received += n;
      } else if (k.endsWith("_Unexp")) {
        unexpected += n;
      } else if (k.endsWith("_Timeout")) {
        timeouts += n;
      }
    }
    return new Counts(sent, received, unexpected, timeouts);
  }

  /** The first lines of sipp's error file, for the report. */
  List<String> errorSamples(int n) {
    Path f = dir.resolve("errors.log");
    if (!Files.exists(f)) return List.of();
    try (Stream<String> lines = Files.lines(f, StandardCharsets.ISO_8859_1)) {
      return lines.filter(l -> !l.isBlank() && !l.startsWith("sipp:") && !IGNORED.matcher(l).find()).limit(n).toList();
    } catch (IOException | UncheckedIOException e) {
      return List.of("(cannot read " + f + ": " + e + ")");
    }
  }

  /**
   * Lines of sipp's error file that say nothing about a call: its header, and its warning that
   * -l plus sockets exceeds the open-file limit (media sockets, which these scenarios do not open).
   */
  private static final java.util.regex.Pattern IGNORED =
      java.util.regex.Pattern.compile("The following events occurred:|Maximum number of open sockets");

  /** A sipp CSV (';'-separated, one header line): its last line by column name. */
  static Map<String, String> lastLine(Path csv) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.exists(csv)) return out;
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return out;
    }
    if (lines.size() < 2) return out;
    String[] header = lines.get(0).split(";", -1);
    String last = null;
    for (int i = lines.size() - 1; i >= 1 && last == null; i--) if (!lines.get(i).isBlank()) last = lines.get(i);
    if (last == null) return out;
    String[] values = last.split(";", -1);
    for (int i = 0; i < header.length && i < values.length; i++) out.put(header[i].trim(), values[i]);
    return out;
  }
}
