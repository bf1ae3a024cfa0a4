package io.switchboard.sip.gateway;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * sipp (sip-tester) run as a real SIP peer: one of the committed scenarios in src/test/sipp, on
 * loopback ports of the test's choosing. Passes only when sipp exits 0, which it does only when
 * every call of the scenario passed.
 */
public final class Sipp {

  /** The committed scenarios, from the sip module or from a module beside it. */
  static final Path SCENARIOS = Files.isDirectory(Path.of("src/test/sipp")) ? Path.of("src/test/sipp")
      : Path.of("../sip/src/test/sipp");

  private final List<String> args = new ArrayList<>();
  private final String name;
  private final Path dir;
  private Process process;
  private Path statistics;

  private Sipp(String scenario, Path dir) {
    this.name = scenario;
    this.dir = dir.toAbsolutePath();
    args.addAll(List.of("sipp", "-sf", SCENARIOS.resolve(scenario + ".xml").toAbsolutePath().toString(),
        "-i", "127.0.0.1", "-nostdin", "-timeout", "60s", "-timeout_error", "-trace_err",
        "-error_file", this.dir.resolve(scenario + "-errors.log").toString()));
  }

  public static Sipp scenario(String scenario, Path dir) {
    return new Sipp(scenario, dir);
  }

  public Sipp arg(String... more) {
    args.addAll(List.of(more));
    return this;
  }

  /** sipp writes its statistics ({@code -trace_stat}) and per-message counts ({@code -trace_counts}). */
  public Sipp withStatistics() {
    statistics = dir.resolve(name + "-" + System.nanoTime() + "-stat.csv");
    return arg("-trace_stat", "-stf", statistics.toString(), "-trace_counts");
  }

  public Sipp port(int sipPort, int mediaPort) {
    return arg("-p", Integer.toString(sipPort), "-mp", Integer.toString(mediaPort));
  }

  /** Starts sipp; a UAS (no remote) waits for calls, a UAC dials {@code remote}. */
  public Sipp start(String remote) throws IOException {
    List<String> cmd = new ArrayList<>(args);
    if (remote != null) cmd.add(remote);
    process = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + "-" + System.nanoTime() + ".out").toFile())
        .start();
    return this;
  }

  /** sipp's exit code (0: every call passed), after at most {@code seconds}. */
  public int await(int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroy();
      process.waitFor(5, TimeUnit.SECONDS);
      return -1;
    }
    return process.exitValue();
  }

  public void stop() {
    if (process != null && process.isAlive()) process.destroy();
  }

  /** A column of sipp's last statistics line, e.g. {@code Retransmissions(C)}; -1 if absent. */
  public long statistic(String column) {
    return column(statistics, column);
  }

  /**
   * A column of sipp's last per-message counts line: {@code <index>_<message>_<what>}, e.g.
   * {@code 4_200_Retrans} for a response received again; -1 if absent.
   */
  public long count(String column) {
    return column(dir.resolve(name + "_" + process.pid() + "_counts.csv"), column);
  }

  private static long column(Path csv, String column) {
    try {
      if (csv == null || !Files.exists(csv)) return -1;
      List<String> lines = Files.readAllLines(csv, StandardCharsets.ISO_8859_1);
      if (lines.size() < 2) return -1;
      int i = List.of(lines.get(0).split(";")).indexOf(column);
      String[] last = lines.get(lines.size() - 1).split(";");
      return i < 0 || i >= last.length ? -1 : Long.parseLong(last[i].trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** What went wrong, for the assertion message. */
  public String errors() {
    try {
      Path f = dir.resolve(name + "-errors.log");
      return Files.exists(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : "(no error file)";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** A loopback port free for both UDP and TCP right now. */
  public static int freePort() throws IOException {
    for (int i = 0; i < 50; i++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        int p = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(p, java.net.InetAddress.getLoopbackAddress())) {
          return p;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no free port");
  }

  /** An even port with the three after it free too (sipp's RTP, RTCP and echo ports), for -mp. */
  public static int freeMediaPort() throws IOException {
    java.util.Random random = new java.util.Random();
    for (int i = 0; i < 200; i++) {
      int p = 42000 + 2 * random.nextInt(4000);
      try (DatagramSocket a = new DatagramSocket(p, java.net.InetAddress.getLoopbackAddress());
           DatagramSocket b = new DatagramSocket(p + 1, java.net.InetAddress.getLoopbackAddress());
           DatagramSocket c = new DatagramSocket(p + 2, java.net.InetAddress.getLoopbackAddress());
           DatagramSocket d = new DatagramSocket(p + 3, java.net.InetAddress.getLoopbackAddress())) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free media port");
  }
}
