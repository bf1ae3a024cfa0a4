package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Benchmarks one node's SIP gateway as a black box over the wire: starts the node jar as a child
 * JVM with SIP on a free loopback port, configures one queue, its number and N agents whose
 * device is a sipp UAS (every agent's phone), then has a sipp UAC place calls at a fixed rate
 * (open model, sipp -r) that stay on the line for a fixed time and hang up. sipp's statistics
 * give the calls and retransmissions, a capture of the gateway's SIP port gives INVITE -> 200
 * latency, /proc the node's CPU, jcmd its heap. {@code --direct} runs the same caller straight
 * against a sipp UAS (no node): the machine's ceiling. {@code --rates} runs several rates, a
 * fresh node each, and names the highest that passes. See loadtest/README.md.
 */
public final class SipBenchmark {

  static final String NUMBER = "4699000001";
  private static final String ANSWERING_POINT = "sip-bench-ap";
  private static final String COMPANY = "sip-bench-co";
  private static final String QUEUE = "sip-bench-q";
  private static final int SETUP_IN_FLIGHT = 64;

  public static void main(String[] args) {
    SipOptions options;
    try {
      options = SipOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(SipOptions.usage());
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(SipOptions.usage());
      return;
    }
    int code;
    try {
      List<SipReport> reports = new SipBenchmark(options, System.out).run();
      boolean anyPass = reports.stream().anyMatch(SipReport::passed);
      boolean allPass = reports.stream().allMatch(SipReport::passed);
      code = options.stepMode ? (anyPass ? 0 : 1) : (allPass ? 0 : 1);
    } catch (Exception e) {
      System.err.println("benchmark failed: " + e);
      e.printStackTrace();
      code = 3;
    }
    System.exit(code);
  }

  private final SipOptions o;
  private final PrintStream out;
  private final ObjectMapper json = new ObjectMapper();
  /** Everything started and not yet stopped, for the shutdown hook. */
  private final Set<AutoCloseable> running = ConcurrentHashMap.newKeySet();

  public SipBenchmark(SipOptions options, PrintStream out) {
    this.o = options;
    this.out = out;
  }

  /** Every rate asked for, one run each; writes the reports under --out and returns them. */
  public List<SipReport> run() throws Exception {
    checkTools();
    Path outDir = o.out();
    Files.createDirectories(outDir);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path reportFile = outDir.resolve("sip-" + o.mode() + "-" + stamp + ".txt");
    Thread hook = new Thread(this::stopAll, "sip-benchmark-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    List<SipReport> reports = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    all.append("# ").append(String.join(" ", commandLine())).append(System.lineSeparator());
    try {
      for (int rate : o.rates) {
        SipReport r = runOnce(rate);
        reports.add(r);
        String text = r.summary();
        out.println();
        out.print(text);
        all.append(System.lineSeparator()).append(text);
        Files.writeString(reportFile, all + tables(reports), StandardCharsets.UTF_8);
        if (o.stepMode && o.stopOnFail && !r.passed()) {
          out.println("stopping: rate " + rate + "/s failed (--stop-on-fail)");
          break;
        }
      }
    } finally {
      stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
    String tables = tables(reports);
    out.println();
    out.print(tables);
    Files.writeString(reportFile, all + tables, StandardCharsets.UTF_8);
    out.println("report written to " + reportFile);
    return reports;
  }

  private List<String> commandLine() {
    List<String> c = new ArrayList<>(List.of("SipBenchmark", "--" + (o.stepMode ? "rates" : "rate"),
        String.join(",", o.rates.stream().map(String::valueOf).toList()), "--duration", Integer.toString(o.durationSeconds),
        "--call-ms", Integer.toString(o.callMs)));
    if (o.direct) c.add("--direct");
    else c.addAll(List.of("--warmup", Integer.toString(o.warmupSeconds), "--agents", Integer.toString(o.agents),
        "--phones", Integer.toString(o.phones),
        "--db", o.db == Options.Db.H2 ? "h2" : "postgres", "--node-heap", o.nodeHeap));
    if (!o.nodeOpts.isEmpty()) c.addAll(List.of("--node-opts", String.join(" ", o.nodeOpts)));
    if (o.callerScenario != null) c.addAll(List.of("--caller-scenario", o.callerScenario.toString()));
    if (o.phoneScenario != null) c.addAll(List.of("--phone-scenario", o.phoneScenario.toString()));
    return c;
  }

  private String tables(List<SipReport> reports) {
    StringBuilder b = new StringBuilder();
    b.append(SipReport.markdownHeader()).append(System.lineSeparator());
    for (SipReport r : reports) b.append(r.markdownRow()).append(System.lineSeparator());
    if (o.stepMode) {
      String best = reports.stream().filter(SipReport::passed).map(SipReport::rate).max(Integer::compare)
          .map(r -> r + " calls/s").orElse("none");
      b.append("highest passing rate (").append(o.mode()).append("): ").append(best).append(System.lineSeparator());
      String withoutRetrans = reports.stream().filter(SipReport::passedExceptRetransmissions).map(SipReport::rate)
          .max(Integer::compare).map(r -> r + " calls/s").orElse("none");
      b.append("highest rate passing every rule but the one on retransmissions: ").append(withoutRetrans)
          .append(System.lineSeparator());
    }
    return b.toString();
  }

  private void checkTools() {
    boolean sipp = o.sipp.contains("/") ? Files.isExecutable(Path.of(o.sipp)) : SipCapture.onPath(o.sipp);
    if (!sipp)
      throw new IllegalStateException("sipp not found (" + o.sipp + "): apt-get install -y --no-install-recommends sip-tester");
    for (Path s : List.of(callerScenario(), phoneScenario()))
      if (!Files.isRegularFile(s)) throw new IllegalStateException("sipp scenario not found: " + s);
    if (!o.direct && !Files.isRegularFile(o.nodeJar()))
      throw new IllegalStateException("node jar not found: " + o.nodeJar() + " - build first: cd " + Options.repoRoot()
          + " && mvn -B -o -q install -DskipTests (or pass --node-jar)");
  }

  private Path callerScenario() {
    return o.callerScenario();
  }

  private Path phoneScenario() {
    return o.phoneScenario();
  }

  // ---------------------------------------------------------------- one run

  /** One rate: waits for the lock, runs, measures, stops everything it started, reads the capture. */
  SipReport runOnce(int rate) throws Exception {
    SipReport r = new SipReport();
    r.mode = o.mode();
    r.rate = rate;
    r.durationSeconds = o.durationSeconds;
    r.callMs = o.callMs;
    r.agents = o.agents;
    r.phones = o.direct ? 1 : o.phones;
    r.db = o.db == Options.Db.H2 ? "h2" : "postgres";
    r.nodeHeap = o.nodeHeap;
    r.captureTool = SipCapture.resolveTool(o.capture);
    Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
    Files.createDirectories(tmpRoot);
    Path dir = Files.createTempDirectory(tmpRoot, "switchboard-sipbench-" + o.mode() + "-" + rate + "-");
    r.workDir = dir.toString();
    out.printf("%n=== %s, %d calls/s for %d s, work dir %s%n", o.mode(), rate, o.durationSeconds, dir);
    if (!o.direct && o.agents < 2.2 * rate * o.callMs / 1000.0)
      out.printf("note: %d agents for %d calls/s of %d ms: callers may wait for a free agent (about %d are busy at once)%n",
          o.agents, rate, o.callMs, (int) Math.ceil(rate * (o.callMs / 1000.0 + 0.1)));
    SipCapture capture = null;
    Path pcap = dir.resolve("sip.pcap");
    int targetPort = 0;
    int callerPort = 0;
    boolean ok = false;
    waitForLock();
    hold();
    try {
      Measured m = o.direct ? direct(r, rate, dir) : gateway(r, rate, dir);
      capture = m.capture;
      targetPort = m.targetPort;
      callerPort = m.callerPort;
      ok = true;
    } catch (Exception e) {
      r.error = String.valueOf(e);
      out.println("run failed: " + e);
    } finally {
      stopAll();
      release();
    }
    if (capture != null && ok) {
      try {
        out.println("reading the capture " + pcap + " ...");
        SipCapture.Analysis a = SipCapture.analyze(pcap, targetPort, callerPort);
        fill(r, a);
      } catch (IOException e) {
        r.error = "capture not readable: " + e;
      }
    }
    if (!o.keep && r.error == null) {
      NodeProcess.deleteTree(dir);
      r.workDir = dir + " (deleted; --keep keeps it)";
    }
    return r;
  }

  private record Measured(SipCapture capture, int targetPort, int callerPort) {}

  /** sipp caller -> the node's gateway -> sipp phones. */
  private Measured gateway(SipReport r, int rate, Path dir) throws Exception {
    int gwPort = freeUdpTcpPort();
    int rtpMin = 10000 + 2 * new Random().nextInt(2000);
    int rtpMax = rtpMin + 15998;
    List<String> settings = new ArrayList<>(List.of(
        NodeProcess.SIP_ENABLED + "on",
        "-Dswitchboard.sip.host=127.0.0.1",
        "-Dswitchboard.sip.port=" + gwPort,
        "-Dswitchboard.sip.rtp-port-min=" + rtpMin,
        "-Dswitchboard.sip.rtp-port-max=" + rtpMax));
    Map<String, String> env = new LinkedHashMap<>();
    if (o.db == Options.Db.POSTGRES) startPostgres(dir, settings, env);
    if ("admin".equals(o.adminUser)) env.put("SWITCHBOARD_ADMIN_PASSWORD", o.adminPassword);
    Path log = dir.resolve("node.log");
    r.nodeLog = log.toString();
    NodeProcess node = NodeProcess.start(o.nodeJar(), dir.resolve("node"), log, o.nodeHeap, o.nodeOpts, settings, env);
    running.add(node);
    out.printf("node pid %d, HTTP %d, SIP 127.0.0.1:%d, RTP %d-%d, log %s%n", node.pid(), node.httpPort(), gwPort, rtpMin,
        rtpMax, log);
    ApiClient api = new ApiClient(node.httpPort(), json, "sip-bench-http", 4, Duration.ofSeconds(30));
    running.add(api);
    long t = System.nanoTime();
    awaitHealthy(node, api);
    out.printf("node up after %.1f s%n", (System.nanoTime() - t) / 1e9);
    api.logIn(o.adminUser, o.adminPassword, 30);
    if (!log.toFile().exists() || !Files.readString(log).contains("SIP gateway listening"))
      throw new IllegalStateException("the node did not start its SIP gateway (no 'SIP gateway listening' in " + log + ")");

    // the phones first: their ports go into the agents' devices
    List<Integer> phonePorts = new ArrayList<>();
    for (int i = 0; i < o.phones; i++) phonePorts.add(freeUdpPort());
    configure(api, phonePorts);
    List<SippProcess> phones = new ArrayList<>();
    for (int i = 0; i < o.phones; i++) {
      SippProcess p = SippProcess.start(o.sipp, "phone-" + (i + 1), dir.resolve("phone-" + (i + 1)), phoneScenario(),
          phonePorts.get(i), freeMediaPort(), List.of(), null);
      running.add(p);
      phones.add(p);
    }
    Thread.sleep(500);
    for (SippProcess p : phones)
      if (!p.isAlive()) throw new IllegalStateException("sipp phone " + p.name() + " exited: " + tail(p.dir().resolve("sipp.out")));
    if (o.warmupSeconds > 0) warmUp(r, rate, dir, phones, "127.0.0.1:" + gwPort);
    PhoneTotals before = PhoneTotals.of(phones);
    long handledBefore = o.warmupSeconds > 0 ? agentsAfter(null, api) : 0;
    SipCapture capture = startCapture(gwPort, dir);
    // a quiet moment: the node settles; its CPU meanwhile is the idle baseline
    long idle0 = NodeProcess.cpuNanos(node.pid());
    long idleT0 = System.nanoTime();
    Thread.sleep(3000);
    r.nodeIdleCores = (NodeProcess.cpuNanos(node.pid()) - idle0) / (double) (System.nanoTime() - idleT0);

    int callerPort = freeUdpPort();
    callAndMeasure(r, rate, dir, node, phones, before, capture, gwPort, callerPort);

    // after the calls: what the engine says about the agents, the heap, the node's log
    r.handledByAgents = agentsAfter(r, api) - handledBefore;
    r.heapAfterGcBytes = node.heapUsedAfterFullGc();
    node.close();
    running.remove(node);
    NodeLog.scan(log).into(r.nodeLogSamples, n -> r.nodeLogErrors = n, n -> r.nodeLogWarnings = n);
    return new Measured(capture, gwPort, callerPort);
  }

  /** sipp caller -> sipp phone, nothing between. */
  private Measured direct(SipReport r, int rate, Path dir) throws Exception {
    int phonePort = freeUdpPort();
    SippProcess phone = SippProcess.start(o.sipp, "phone-1", dir.resolve("phone-1"), phoneScenario(), phonePort,
        freeMediaPort(), List.of(), null);
    running.add(phone);
    SipCapture capture = startCapture(phonePort, dir);
    Thread.sleep(1000);
    if (!phone.isAlive()) throw new IllegalStateException("sipp phone exited: " + tail(phone.dir().resolve("sipp.out")));
    int callerPort = freeUdpPort();
    callAndMeasure(r, rate, dir, null, List.of(phone), PhoneTotals.of(List.of()), capture, phonePort, callerPort);
    return new Measured(capture, phonePort, callerPort);
  }

  /**
   * The JVM's warm-up (class loading, JIT): the same calls at the same rate for --warmup
   * seconds from a caller of its own, before the capture starts; in no figure but its own line.
   */
  private void warmUp(SipReport r, int rate, Path dir, List<SippProcess> phones, String target) throws Exception {
    long calls = (long) rate * o.warmupSeconds;
    out.printf("warm-up: %d calls at %d/s ...%n", calls, rate);
    SippProcess w = SippProcess.start(o.sipp, "warm-up", dir.resolve("warm-up"), callerScenario(), freeUdpPort(),
        freeMediaPort(), callerArgs(rate, calls, o.warmupSeconds), target);
    running.add(w);
    int exit = w.await(o.warmupSeconds + 150L);
    if (exit == -1) exit = w.interrupt(10);
    running.remove(w);
    Map<String, String> s = w.lastStats();
    r.warmupSeconds = o.warmupSeconds;
    r.warmupAttempted = SippProcess.counter(s, "OutgoingCall(C)");
    r.warmupSuccessful = SippProcess.counter(s, "SuccessfulCall(C)");
    awaitPhonesIdle(phones);
    out.printf("warm-up done (sipp exit %d): %d of %d calls successful%n", exit, r.warmupSuccessful, r.warmupAttempted);
  }

  private List<String> callerArgs(int rate, long calls, int seconds) {
    long limit = Math.max(100, (long) rate * (o.callMs / 1000 + 30));
    return List.of("-s", NUMBER, "-d", Integer.toString(o.callMs), "-r", Integer.toString(rate), "-rp", "1000",
        "-m", Long.toString(calls), "-l", Long.toString(limit),
        "-timeout", (seconds + 90) + "s", "-timeout_error", "-recv_timeout", "32000");
  }

  /** The phones see the gateway's BYE a moment after the caller's: waits (up to 20 s) until they hold no call. */
  private static void awaitPhonesIdle(List<SippProcess> phones) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Thread.sleep(1500); // sipp writes its statistics once a second
    while (System.nanoTime() < deadline && phones.stream().anyMatch(p -> SippProcess.counter(p.lastStats(), "CurrentCall") > 0))
      Thread.sleep(500);
    Thread.sleep(1100);
  }

  /** The phones' counters so far (cumulative), to take those of the warm-up out of the run's. */
  private record PhoneTotals(long calls, long successful, long failed, long retransSent, long retransReceived,
      long unexpected) {
    static PhoneTotals of(List<SippProcess> phones) {
      long calls = 0, successful = 0, failed = 0, sent = 0, received = 0, unexpected = 0;
      for (SippProcess p : phones) {
        Map<String, String> ps = p.lastStats();
        calls += SippProcess.counter(ps, "IncomingCall(C)");
        successful += SippProcess.counter(ps, "SuccessfulCall(C)");
        failed += SippProcess.counter(ps, "FailedCall(C)");
        sent += SippProcess.counter(ps, "Retransmissions(C)");
        SippProcess.Counts pc = p.counts();
        received += Math.max(0, pc.retransReceived());
        unexpected += Math.max(0, pc.unexpected());
      }
      return new PhoneTotals(calls, successful, failed, sent, received, unexpected);
    }
  }

  private SipCapture startCapture(int port, Path dir) throws IOException, InterruptedException {
    String tool = SipCapture.resolveTool(o.capture);
    if (tool.equals("none")) {
      out.println("no packet capture (--capture " + o.capture + "): no INVITE->200 latency");
      return null;
    }
    SipCapture c = SipCapture.start(tool, port, dir.resolve("sip.pcap"), dir.resolve("capture.log"));
    running.add(c);
    out.printf("%s capturing udp port %d on lo (pid %d)%n", tool, port, c.pid());
    return c;
  }

  /**
   * Runs the caller to its end, lets the phones finish their last calls, stops phones and
   * capture, and fills in sipp's figures and the CPU of everything over the run.
   */
  private void callAndMeasure(SipReport r, int rate, Path dir, NodeProcess node, List<SippProcess> phones,
      PhoneTotals before, SipCapture capture, int targetPort, int callerPort) throws Exception {
    String target = "127.0.0.1:" + targetPort;
    long calls = (long) rate * o.durationSeconds;
    List<String> args = callerArgs(rate, calls, o.durationSeconds);
    r.host = hostLoad();
    long[] cpu0 = machineCpu();
    long udp0 = udpReceiveBufferErrors();
    long node0 = node == null ? -1 : NodeProcess.cpuNanos(node.pid());
    long t0 = System.nanoTime();
    SippProcess caller = SippProcess.start(o.sipp, "caller", dir.resolve("caller"), callerScenario(), callerPort,
        freeMediaPort(), args, target);
    running.add(caller);
    r.commands.add(Files.readString(caller.dir().resolve("command.txt")).trim());
    for (SippProcess p : phones) r.commands.add(Files.readString(p.dir().resolve("command.txt")).trim());
    if (capture != null) r.commands.add(capture.command());
    out.printf("sipp caller: %d calls at %d/s of %d ms to %s (pid %d) ...%n", calls, rate, o.callMs, target, caller.pid());

    RunSampler sampler = new RunSampler();
    sampler.watch("caller", caller.pid());
    for (SippProcess p : phones) sampler.watch("phones/" + p.name(), p.pid());
    if (capture != null) sampler.watch("capture", capture.pid());
    if (node != null) sampler.watch("node", node.pid());
    sampler.watchPort(callerPort);
    sampler.watchPort(targetPort);
    for (SippProcess p : phones) sampler.watchPort(p.port());
    sampler.start();
    int exit = caller.await(o.durationSeconds + 150L);
    if (exit == -1) {
      out.println("sipp caller still running " + (o.durationSeconds + 150) + " s after its start: stopped");
      exit = caller.interrupt(10);
      r.error = "the sipp caller did not finish in time";
    }
    r.callerExit = exit;
    awaitPhonesIdle(phones);
    long t1 = System.nanoTime();
    r.windowSeconds = (t1 - t0) / 1e9;
    if (node != null) {
      long node1 = NodeProcess.cpuNanos(node.pid());
      if (node0 >= 0 && node1 >= 0) r.nodeCpuSeconds = (node1 - node0) / 1e9;
    }
    long[] cpu1 = machineCpu();
    if (cpu0 != null && cpu1 != null && cpu1[1] > cpu0[1])
      r.machineBusyCores = (double) (cpu1[0] - cpu0[0]) / (cpu1[1] - cpu0[1]) * Runtime.getRuntime().availableProcessors();
    long udp1 = udpReceiveBufferErrors();
    if (udp0 >= 0 && udp1 >= 0) r.udpReceiveBufferErrors = udp1 - udp0;
    sampler.stopSampling();
    r.callerCpuSeconds = sampler.seconds("caller");
    r.phonesCpuSeconds = sampler.seconds("phones/");
    r.captureCpuSeconds = capture == null ? Double.NaN : sampler.seconds("capture");
    r.runnerCpuSeconds = sampler.runnerSeconds();
    r.othersCpuSeconds = sampler.othersSeconds();
    r.othersTop = sampler.othersTop(4);
    r.sipSocketDrops = sampler.droppedOnPorts();
    double accounted = nz(r.nodeCpuSeconds) + nz(r.callerCpuSeconds) + nz(r.phonesCpuSeconds) + nz(r.captureCpuSeconds)
        + nz(r.runnerCpuSeconds) + nz(r.othersCpuSeconds);
    if (r.machineBusyCores * r.windowSeconds < 0.9 * accounted) {
      // /proc/stat of this (virtual) machine said less than the processes on it used: not believable
      out.printf("/proc/stat gave %.2f busy cores, less than the %.2f cores of the processes: not reported%n",
          r.machineBusyCores, accounted / r.windowSeconds);
      r.machineBusyCores = Double.NaN;
    }

    PhoneTotals after = PhoneTotals.of(phones);
    for (SippProcess p : phones) {
      p.interrupt(20);
      running.remove(p);
    }
    if (capture != null) {
      r.captureDropped = capture.stop();
      running.remove(capture);
    }
    running.remove(caller);

    // sipp's figures
    Map<String, String> s = caller.lastStats();
    r.attempted = SippProcess.counter(s, "OutgoingCall(C)");
    r.successful = SippProcess.counter(s, "SuccessfulCall(C)");
    r.failed = SippProcess.counter(s, "FailedCall(C)");
    r.failures.putAll(caller.failures());
    r.callerRetransSent = SippProcess.counter(s, "Retransmissions(C)");
    r.sippResponseTimeAvgMs = SippProcess.durationMs(s, "ResponseTime1(C)");
    r.callerElapsedSeconds = SippProcess.durationMs(s, "ElapsedTime(C)") / 1000.0;
    SippProcess.Counts cc = caller.counts();
    r.callerRetransReceived = cc.retransReceived();
    r.callerUnexpected = cc.unexpected();
    r.callerErrors.addAll(caller.errorSamples(3));
    long notStarted = calls - r.attempted;
    if (notStarted > 0) {
      // calls sipp never placed (it was stopped, or -l held them back) count as failed attempts
      r.failures.put("NotPlaced", notStarted);
      r.failed += notStarted;
      r.attempted = calls;
    }
    r.phoneCalls = after.calls() - before.calls();
    r.phoneSuccessful = after.successful() - before.successful();
    r.phoneFailed = after.failed() - before.failed();
    r.phoneRetransSent = after.retransSent() - before.retransSent();
    r.phoneRetransReceived = after.retransReceived() - before.retransReceived();
    r.phoneUnexpected = after.unexpected() - before.unexpected();
    for (SippProcess p : phones) if (r.phoneErrors.size() < 3) r.phoneErrors.addAll(p.errorSamples(3 - r.phoneErrors.size()));
    out.printf("caller exited %d: %d attempted, %d successful, %d failed; phones: %d calls, %d successful%n", exit,
        r.attempted, r.successful, r.failed, r.phoneCalls, r.phoneSuccessful);
  }

  private static double nz(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static void fill(SipReport r, SipCapture.Analysis a) {
    r.capturePackets = a.packets;
    r.captureSip = a.sipMessages;
    r.wireRetransmissions = a.retransmissions;
    r.wireRetransmissionKinds = a.retransmissions == 0 ? "" : SipCapture.topKinds(a.retransmissionsByKind, 4);
    r.capturedInvites = a.callerInvites;
    r.captured200 = a.answered;
    r.capturedErrors.putAll(a.finalErrors);
    r.inviteTo200P50 = SipCapture.Analysis.percentileMs(a.inviteTo200, 50);
    r.inviteTo200P90 = SipCapture.Analysis.percentileMs(a.inviteTo200, 90);
    r.inviteTo200P99 = SipCapture.Analysis.percentileMs(a.inviteTo200, 99);
    r.inviteTo200Max = SipCapture.Analysis.maxMs(a.inviteTo200);
    r.inviteTo100P50 = SipCapture.Analysis.percentileMs(a.inviteTo100, 50);
    r.inviteTo100P99 = SipCapture.Analysis.percentileMs(a.inviteTo100, 99);
    r.agentInvites = a.agentInvites;
    r.agentAnswered = a.agentAnswered;
    r.ringP50 = SipCapture.Analysis.percentileMs(a.callerInviteToAgentInvite, 50);
    r.ringP99 = SipCapture.Analysis.percentileMs(a.callerInviteToAgentInvite, 99);
    r.ringMax = SipCapture.Analysis.maxMs(a.callerInviteToAgentInvite);
    r.phoneAnswerP50 = SipCapture.Analysis.percentileMs(a.agentInviteTo200, 50);
    r.phoneAnswerP99 = SipCapture.Analysis.percentileMs(a.agentInviteTo200, 99);
  }

  // ---------------------------------------------------------------- the centre

  private void awaitHealthy(NodeProcess node, ApiClient api) throws IOException, InterruptedException {
    NodeStart.awaitHealthy(node, api, () -> api.logIn(o.adminUser, o.adminPassword, 30));
  }

  static String agentId(int a) {
    return "sa" + (a + 1);
  }

  private static String loginId(String agentId) {
    return "login-" + agentId;
  }

  /** One queue (longest idle, no wrap-up), its number, and the agents with their phones, logged in ready. */
  private void configure(ApiClient api, List<Integer> phonePorts) throws Exception {
    put(api, "/answering-points/" + ANSWERING_POINT, Map.of("name", "SIP benchmark answering point"));
    put(api, "/companies/" + COMPANY, Map.of("name", "SIP benchmark company", "answeringPoint", ANSWERING_POINT));
    Map<String, Object> queue = new LinkedHashMap<>();
    queue.put("name", "SIP benchmark queue");
    queue.put("strategy", "LONGEST_IDLE");
    queue.put("offerTimeout", "PT30S");
    queue.put("pauseOnMissedOffer", false);
    queue.put("wrapUp", Map.of("mode", "NONE"));
    put(api, "/queues/" + QUEUE, queue);
    put(api, "/number-plan/" + NUMBER,
        Map.of("answeringPoint", ANSWERING_POINT, "company", COMPANY, "queue", QUEUE, "priority", 0));
    Limiter setup = new Limiter(SETUP_IN_FLIGHT);
    List<CompletableFuture<ApiClient.Response>> replies = new ArrayList<>();
    for (int a = 0; a < o.agents; a++) {
      String device = "sip:agent@127.0.0.1:" + phonePorts.get(a % phonePorts.size());
      Map<String, Object> body = Map.of("name", "SIP agent " + (a + 1),
          "answerGroups", List.of(Map.of("queue", QUEUE, "level", 1)), "device", device);
      String path = "/agents/" + agentId(a);
      replies.add(setup.submit(() -> api.sendWithRetry("PUT", path, body)));
    }
    ApiClient.awaitAll(replies, "configure agents");
    replies.clear();
    AtomicLong ready = new AtomicLong();
    for (int a = 0; a < o.agents; a++) {
      String id = agentId(a);
      Map<String, Object> body = Map.of("loginId", loginId(id), "ready", true);
      replies.add(setup.submit(() -> api.sendWithRetry("POST", "/agents/" + id + "/login", body)).whenComplete((resp, e) -> {
        if (resp != null && "READY".equals(resp.body().path("status").asText())) ready.incrementAndGet();
      }));
    }
    ApiClient.awaitAll(replies, "log agents in");
    if (ready.get() != o.agents)
      throw new IllegalStateException("only " + ready.get() + " of " + o.agents + " agents are READY after logging in");
    out.printf("configured queue %s, number %s, %d agents on %d phone(s), all logged in READY%n", QUEUE, NUMBER, o.agents,
        phonePorts.size());
  }

  /**
   * The calls the engine counts as handled by the agents so far (the sum of their handledToday);
   * with a report, also the agents not READY (again) into it.
   */
  private long agentsAfter(SipReport r, ApiClient api) throws Exception {
    Limiter limiter = new Limiter(SETUP_IN_FLIGHT);
    AtomicLong handled = new AtomicLong();
    AtomicLong notReady = new AtomicLong();
    List<CompletableFuture<ApiClient.Response>> replies = new ArrayList<>();
    for (int a = 0; a < o.agents; a++) {
      String id = agentId(a);
      replies.add(limiter.submit(() -> api.send("GET", "/agents/" + id, null)).whenComplete((resp, e) -> {
        if (resp == null || !resp.ok()) {
          notReady.incrementAndGet();
          return;
        }
        handled.addAndGet(resp.body().path("handledToday").asLong());
        if (!"READY".equals(resp.body().path("status").asText())) notReady.incrementAndGet();
      }));
    }
    for (CompletableFuture<ApiClient.Response> f : replies) {
      try {
        f.get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        // counted as not READY above
      }
    }
    if (r != null) r.agentsNotReady = notReady.get();
    return handled.get();
  }

  private void put(ApiClient api, String path, Object body) throws Exception {
    ApiClient.Response r = api.sendWithRetry("PUT", path, body).get(60, TimeUnit.SECONDS);
    if (!r.ok()) throw new IllegalStateException("PUT " + path + " answered " + r.status() + ": " + r.raw());
  }

  private void startPostgres(Path dir, List<String> settings, Map<String, String> env) throws Exception {
    out.println("starting embedded PostgreSQL ...");
    running.add(NodeStart.postgres(dir, settings, env));
  }


  // ---------------------------------------------------------------- sharing the machine

  /** --wait-while: waits (polling every 10 s) while that file exists. */
  private void waitForLock() throws InterruptedException {
    if (o.waitWhile == null) return;
    long since = System.nanoTime();
    long lastSaid = 0;
    while (Files.exists(o.waitWhile)) {
      long waited = (System.nanoTime() - since) / 1_000_000_000L;
      if (waited - lastSaid >= 60 || lastSaid == 0) {
        out.printf("waiting while %s exists (%d s so far)%n", o.waitWhile, waited);
        lastSaid = Math.max(1, waited);
      }
      Thread.sleep(10_000);
    }
  }

  /** --hold: the file exists for the length of the run. */
  private void hold() throws IOException {
    if (o.hold == null) return;
    Files.writeString(o.hold, "SipBenchmark pid " + ProcessHandle.current().pid() + System.lineSeparator());
  }

  private void release() {
    if (o.hold == null) return;
    try {
      Files.deleteIfExists(o.hold);
    } catch (IOException e) {
      out.println("could not remove " + o.hold + ": " + e);
    }
  }

  /** Stops whatever this run started and has not stopped yet (processes by their own handles). */
  private void stopAll() {
    for (AutoCloseable c : List.copyOf(running)) {
      try {
        c.close();
      } catch (Exception e) {
        out.println("could not stop " + c + ": " + e);
      }
      running.remove(c);
    }
    release();
  }

  // ---------------------------------------------------------------- ports and /proc

  /** A loopback port free for both UDP and TCP right now (the gateway listens on both). */
  static int freeUdpTcpPort() throws IOException {
    for (int i = 0; i < 50; i++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int p = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
          return p;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no free port for UDP and TCP");
  }

  static int freeUdpPort() throws IOException {
    try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return udp.getLocalPort();
    }
  }

  /** An even port with the three after it free (sipp's audio and video RTP/RTCP), away from the gateway's range. */
  static int freeMediaPort() throws IOException {
    Random random = new Random();
    for (int i = 0; i < 200; i++) {
      int p = 42000 + 2 * random.nextInt(4000);
      try (DatagramSocket a = new DatagramSocket(p, InetAddress.getLoopbackAddress());
           DatagramSocket b = new DatagramSocket(p + 1, InetAddress.getLoopbackAddress());
           DatagramSocket c = new DatagramSocket(p + 2, InetAddress.getLoopbackAddress());
           DatagramSocket d = new DatagramSocket(p + 3, InetAddress.getLoopbackAddress())) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free media port");
  }

  /** {busy, total} jiffies of all CPUs from /proc/stat; null if unreadable. */
  static long[] machineCpu() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) total += Long.parseLong(f[i]); // user..steal
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The kernel's count of UDP datagrams dropped for a full receive buffer (all sockets). */
  static long udpReceiveBufferErrors() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp")).stream().filter(l -> l.startsWith("Udp:")).toList();
      if (lines.size() < 2) return -1;
      String[] names = lines.get(0).split("\\s+");
      String[] values = lines.get(1).split("\\s+");
      for (int i = 0; i < names.length; i++) if (names[i].equals("RcvbufErrors")) return Long.parseLong(values[i]);
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  private static String hostLoad() {
    String cpus = Runtime.getRuntime().availableProcessors() + " CPUs";
    String model = "";
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      model = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> " (" + l.split(":", 2)[1].trim() + ")")
          .orElse("");
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    try {
      String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return cpus + model + ", load average " + load[0] + " / " + load[1] + " / " + load[2] + " (1/5/15 min) before the calls";
    } catch (IOException | RuntimeException e) {
      return cpus + model;
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no output)";
    }
  }


  /**
   * What the machine does during the run, read twice a second from /proc: the CPU of the
   * processes this run watches (sipp and the capture exit before the end, and /proc forgets a
   * process once it is gone, so the last reading is kept), the CPU of every other process on the
   * machine (the machine is shared: other work skews every figure), and the datagrams the kernel
   * dropped on the SIP sockets of watched ports for a full receive buffer.
   */
  private static final class RunSampler extends Thread {
    private final Map<String, Long> pids = new ConcurrentHashMap<>();
    private final Map<String, Long> first = new ConcurrentHashMap<>();
    private final Map<String, Long> last = new ConcurrentHashMap<>();
    private final Set<Integer> ports = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Long> drops0 = new ConcurrentHashMap<>();
    private final Map<Integer, Long> drops = new ConcurrentHashMap<>();
    private final Map<Long, Long> everyPid = new java.util.HashMap<>();
    private final Map<String, Long> othersByName = new java.util.HashMap<>();
    private final long self = ProcessHandle.current().pid();
    private long selfFirst = -1;
    private long selfLast = -1;
    private volatile boolean on = true;

    RunSampler() {
      super("run-sampler");
      setDaemon(true);
    }

    void watch(String name, long pid) {
      pids.put(name, pid);
      long n = treeCpuNanos(pid);
      if (n >= 0) {
        first.put(name, n);
        last.put(name, n);
      }
    }

    void watchPort(int port) {
      ports.add(port);
    }

    @Override
    public void start() {
      selfFirst = NodeProcess.cpuNanos(self);
      Map<Integer, Long> d = udpDrops(ports);
      drops0.putAll(d);
      sampleOthers();
      super.start();
    }

    @Override
    public void run() {
      while (on) {
        sample();
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private synchronized void sample() {
      pids.forEach((name, pid) -> {
        long n = treeCpuNanos(pid);
        if (n >= 0) last.put(name, n);
      });
      long me = NodeProcess.cpuNanos(self);
      if (me >= 0) selfLast = me;
      udpDrops(ports).forEach((port, n) -> {
        drops0.putIfAbsent(port, 0L); // a socket opened after the start (the caller's) started at 0
        drops.merge(port, n, Math::max);
      });
      sampleOthers();
    }

    /** Every process not watched: its CPU since the last reading, by name. */
    private void sampleOthers() {
      Set<Long> watched = new java.util.HashSet<>();
      watched.add(self);
      for (long pid : pids.values()) {
        watched.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(c -> watched.add(c.pid())));
      }
      ProcessHandle.current().descendants().forEach(c -> watched.add(c.pid()));
      try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
        dirs.forEach(d -> {
          String n = d.getFileName().toString();
          if (n.isEmpty() || !Character.isDigit(n.charAt(0))) return;
          long pid;
          try {
            pid = Long.parseLong(n);
          } catch (NumberFormatException e) {
            return;
          }
          long cpu = NodeProcess.cpuNanos(pid);
          if (cpu < 0) return;
          Long before = everyPid.put(pid, cpu);
          if (before == null || watched.contains(pid)) return;
          long delta = cpu - before;
          if (delta > 0) othersByName.merge(comm(d), delta, Long::sum);
        });
      } catch (IOException | RuntimeException e) {
        // not Linux: no figure
      }
    }

    private static String comm(Path procDir) {
      try {
        return Files.readString(procDir.resolve("comm")).trim();
      } catch (IOException e) {
        return "?";
      }
    }

    void stopSampling() throws InterruptedException {
      on = false;
      interrupt();
      join(5000);
      sample();
    }

    /** CPU seconds over the run of the processes whose name starts with {@code prefix}. */
    double seconds(String prefix) {
      long sum = 0;
      boolean any = false;
      for (String name : pids.keySet()) {
        if (!name.startsWith(prefix)) continue;
        Long a = first.getOrDefault(name, 0L);
        Long b = last.get(name);
        if (b == null) continue;
        sum += b - a;
        any = true;
      }
      return any ? sum / 1e9 : Double.NaN;
    }

    double runnerSeconds() {
      return selfFirst < 0 || selfLast < 0 ? Double.NaN : (selfLast - selfFirst) / 1e9;
    }

    synchronized double othersSeconds() {
      return othersByName.values().stream().mapToLong(Long::longValue).sum() / 1e9;
    }

    /** The busiest other processes, e.g. "java 12.3 s, mvn 1.0 s". */
    synchronized String othersTop(int n) {
      return othersByName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
          .filter(e -> e.getValue() >= 100_000_000L)
          .map(e -> String.format(java.util.Locale.ROOT, "%s %.1f s", e.getKey(), e.getValue() / 1e9))
          .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Datagrams dropped on the watched ports' sockets during the run. */
    long droppedOnPorts() {
      long sum = 0;
      for (Map.Entry<Integer, Long> e : drops.entrySet()) sum += Math.max(0, e.getValue() - drops0.getOrDefault(e.getKey(), 0L));
      return sum;
    }

    /** A process and its children (tshark's dumpcap does the capturing). */
    private static long treeCpuNanos(long pid) {
      long n = NodeProcess.cpuNanos(pid);
      if (n < 0) return n;
      for (ProcessHandle child : ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(List.of())) {
        long c = NodeProcess.cpuNanos(child.pid());
        if (c > 0) n += c;
      }
      return n;
    }

    /** The "drops" column of /proc/net/udp for sockets bound to these ports (IPv4). */
    static Map<Integer, Long> udpDrops(Set<Integer> ports) {
      Map<Integer, Long> out = new java.util.HashMap<>();
      if (ports.isEmpty()) return out;
      try {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/udp"));
        for (int i = 1; i < lines.size(); i++) {
          String[] f = lines.get(i).trim().split("\\s+");
          if (f.length < 13) continue;
          int colon = f[1].indexOf(':');
          if (colon < 0) continue;
          int port = Integer.parseInt(f[1].substring(colon + 1), 16);
          if (!ports.contains(port)) continue;
          out.merge(port, Long.parseLong(f[f.length - 1]), Long::sum);
        }
      } catch (IOException | RuntimeException e) {
        // not Linux
      }
      return out;
    }
  }
}
