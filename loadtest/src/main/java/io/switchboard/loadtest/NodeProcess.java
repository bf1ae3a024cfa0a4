package io.switchboard.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** One Switchboard node as a child JVM on loopback, in its own working directory. */
final class NodeProcess implements AutoCloseable {

  private static final String JAVA_HOME = System.getProperty("java.home");
  static final String SIP_ENABLED = "-Dswitchboard.sip.enabled=";

  private final Process process;
  private final Path log;
  private final int httpPort;

  private NodeProcess(Process process, Path log, int httpPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  /**
   * Starts {@code java -Xmx<heap> <settings> <extraOpts> -jar <jar>} in {@code workDir}, stdout and
   * stderr to {@code log}. SIP is off ({@code -Dswitchboard.sip.enabled=off}) unless {@code settings}
   * or {@code extraOpts} set {@code switchboard.sip.enabled} themselves. {@code env} is added to
   * the inherited environment, from which every
   * {@code SWITCHBOARD_*} variable is removed first so only this benchmark configures the node.
   */
  static NodeProcess start(Path jar, Path workDir, Path log, String heap, List<String> extraOpts,
      List<String> settings, Map<String, String> env) throws IOException {
    Ports ports = Ports.free();
    return start(jar, workDir, log, heap, ports, List.of(ports.seed()), extraOpts, settings, env);
  }

  /** A node's loopback ports; a restarted node keeps them, so its seed address stays the same. */
  record Ports(int http, int cluster) {
    static Ports free() throws IOException {
      return new Ports(freePort(), freePort());
    }

    String seed() {
      return "pekko://switchboard@127.0.0.1:" + cluster;
    }
  }

  /**
   * As {@link #start(Path, Path, Path, String, List, List, Map)}, on the given ports and joining
   * through {@code seeds} (artery addresses, e.g. {@link Ports#seed()} of every node of a cluster).
   */
  static NodeProcess start(Path jar, Path workDir, Path log, String heap, Ports ports, List<String> seeds,
      List<String> extraOpts, List<String> settings, Map<String, String> env) throws IOException {
    int httpPort = ports.http();
    int clusterPort = ports.cluster();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(JAVA_HOME, "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-Dswitchboard.demo-data=off");
    cmd.add("-Dswitchboard.http.host=127.0.0.1");
    cmd.add("-Dswitchboard.http.port=" + httpPort);
    cmd.add("-Dpekko.remote.artery.canonical.hostname=127.0.0.1");
    cmd.add("-Dpekko.remote.artery.canonical.port=" + clusterPort);
    // Indexed properties replace the configured list (Typesafe Config reads them as one).
    for (int i = 0; i < seeds.size(); i++) cmd.add("-Dpekko.cluster.seed-nodes." + i + "=" + seeds.get(i));
    cmd.add("-Dpekko.management.http.hostname=127.0.0.1");
    cmd.add("-Dpekko.management.http.port=-1");
    // The node binds SIP on 127.0.0.1:5060 unless told otherwise: off unless the benchmark asks
    // for SIP (a setting or option naming switchboard.sip.enabled), so a busy 5060 stops no run.
    if (Stream.concat(settings.stream(), extraOpts.stream()).noneMatch(a -> a.startsWith(SIP_ENABLED)))
      cmd.add(SIP_ENABLED + "off");
    cmd.addAll(settings);
    cmd.addAll(extraOpts);
    cmd.add("-jar");
    cmd.add(jar.toString());
    Files.createDirectories(workDir);
    Files.writeString(log, "# " + String.join(" ", cmd) + System.lineSeparator(), StandardCharsets.UTF_8);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
    pb.environment().putAll(env);
    return new NodeProcess(pb.start(), log, httpPort);
  }

  int httpPort() {
    return httpPort;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** The last {@code lines} lines of the node's log, for an error message. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /**
   * Heap in use after a full GC, in bytes: {@code jcmd <pid> GC.run}, then the "used" figures of
   * {@code GC.heap_info}. -1 when jcmd is missing or its output cannot be read.
   */
  long heapUsedAfterFullGc() {
    try {
      jcmd("GC.run");
      return parseHeapUsed(jcmd("GC.heap_info"));
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** {@code jcmd <pid> <command...>}: its output; an IOException when jcmd is missing or hangs. */
  String jcmd(String... command) throws IOException, InterruptedException {
    Path jcmd = Path.of(JAVA_HOME, "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) throw new IOException("no jcmd at " + jcmd);
    List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid())));
    cmd.addAll(List.of(command));
    return run(cmd.toArray(String[]::new));
  }

  /** Resident set size now ({@code VmRSS}) in bytes, from /proc; -1 if unknown. */
  long residentBytes() {
    return procStatus("VmRSS");
  }

  /** The largest resident set size so far ({@code VmHWM}) in bytes, from /proc; -1 if unknown. */
  long peakResidentBytes() {
    return procStatus("VmHWM");
  }

  /**
   * Sets the peak resident size back to the current one (writes 5 to /proc/pid/clear_refs, Linux
   * 4.0 and later), so a later {@link #peakResidentBytes} is the peak since now. False when that
   * is not possible here (then the peak is the one since start).
   */
  boolean resetPeakResident() {
    try {
      Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private long procStatus(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")))
        if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  private static final Pattern HEAP_USED = Pattern.compile("total\\s+\\d+K,\\s+used\\s+(\\d+)K");
  private static final Pattern ZGC_USED = Pattern.compile("^\\s*Z\\w*Heap\\s+used\\s+(\\d+)M", Pattern.MULTILINE);

  /** G1: one "garbage-first heap total ..K, used ..K" line; Parallel/Serial: one per generation. */
  static long parseHeapUsed(String heapInfo) {
    long kb = 0;
    boolean found = false;
    for (String line : heapInfo.split("\\R")) {
      if (line.contains("Metaspace") || line.contains("class space")) continue;
      Matcher m = HEAP_USED.matcher(line);
      if (m.find()) {
        kb += Long.parseLong(m.group(1));
        found = true;
      }
    }
    if (found) return kb * 1024;
    Matcher z = ZGC_USED.matcher(heapInfo);
    return z.find() ? Long.parseLong(z.group(1)) * 1024 * 1024 : -1;
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " did not finish in 60 s");
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /**
   * {@code kill -9}: SIGKILL to this process (the one this runner started, by its PID), no
   * shutdown of any kind; waits until it is gone.
   */
  void kill() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL on Linux
    if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("pid " + pid() + " survived SIGKILL");
  }

  /** Stops the node: SIGTERM (coordinated shutdown), then a kill after 30 s; waits for it. */
  @Override
  public void close() {
    if (!process.isAlive()) return;
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  // ---------------------------------------------------------------- CPU time

  private static volatile long clockTicks;

  /** CPU time (user + system) of a process so far, in nanoseconds, from /proc; -1 if unknown. */
  static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": f[0] is field 3 (state); utime is field 14, stime field 15
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * 1_000_000_000L / clockTicks();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long clockTicks() {
    if (clockTicks == 0) {
      long t = 100;
      try {
        String out = run("getconf", "CLK_TCK").trim();
        t = Long.parseLong(out);
      } catch (IOException | RuntimeException e) {
        // the Linux default
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      clockTicks = t;
    }
    return clockTicks;
  }

  /** Removes a benchmark's working folder, as far as it can. */
  static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
