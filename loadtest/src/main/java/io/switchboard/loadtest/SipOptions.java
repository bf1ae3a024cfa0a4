package io.switchboard.loadtest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SIP benchmark's settings, from {@code --key value} arguments (see {@link #usage()}). */
public final class SipOptions {

  /** Option name to one-line help; the order is the order of the usage text. */
  private static final Map<String, String> HELP = new LinkedHashMap<>();

  static {
    HELP.put("rate", "calls per second sipp places (open model); default 100");
    HELP.put("rates", "comma-separated rates to run one after another (each with a fresh node), e.g. 50,100,200;"
        + " reports the highest that passes. Overrides --rate");
    HELP.put("duration", "seconds of calls (sipp -m rate*duration); default 60");
    HELP.put("warmup", "seconds of calls at the same rate before the measured ones (the node's JIT), in no figure;"
        + " not in --direct; default 20");
    HELP.put("call-ms", "how long a caller stays on the line after the 200 OK (sipp -d); default 2000");
    HELP.put("agents", "agents configured (device = a sipp phone) and logged in ready; default 500");
    HELP.put("phones", "sipp UAS processes acting as the agents' phones (agents spread over them); default 1");
    HELP.put("direct", "sipp caller straight to a sipp UAS, no node: the machine's ceiling; a flag");
    HELP.put("db", "h2|postgres: the node's journal (postgres = embedded PostgreSQL, durable); default h2");
    HELP.put("node-heap", "the node's -Xmx; default 2g");
    HELP.put("node-jar", "the node jar; default cluster/target/switchboard-node.jar under the repo root");
    HELP.put("node-opts", "extra JVM options of the node, space separated (e.g. -XX:StartFlightRecording=...)");
    HELP.put("capture", "auto|tshark|tcpdump|none: the packet capture on lo for the INVITE->200 latency;"
        + " auto = tshark, else tcpdump; default auto");
    HELP.put("sipp", "the sipp executable; default sipp (on the PATH)");
    HELP.put("caller-scenario", "the callers' sipp scenario; default sip/src/test/sipp/caller.xml");
    HELP.put("phone-scenario", "the phones' sipp scenario; default sip/src/test/sipp/agent-phone.xml"
        + " (--direct: loadtest/sipp/answer.xml)");
    HELP.put("out", "directory for the report files; default loadtest/target/sip-bench under the repo root");
    HELP.put("wait-while", "before each run, wait while this file exists (checked every 10 s), e.g. /tmp/tests.lock");
    HELP.put("hold", "a file created for the length of each run and removed right after it, e.g. /tmp/bench.lock");
    HELP.put("stop-on-fail", "with --rates: stop after the first rate that fails; a flag");
    HELP.put("admin-user", "the user the runner logs in as (the engine API needs the admin role); default admin");
    HELP.put("admin-password", "that user's password; default demo-admin");
    HELP.put("keep", "keep each run's work directory (captures, sipp logs, node log and database); a flag");
    HELP.put("help", "print this help");
  }

  private static final List<String> FLAGS = List.of("direct", "stop-on-fail", "keep", "help");

  List<Integer> rates = List.of(100);
  boolean stepMode;
  int durationSeconds = 60;
  int warmupSeconds = 20;
  int callMs = 2000;
  int agents = 500;
  int phones = 1;
  boolean direct;
  Options.Db db = Options.Db.H2;
  String nodeHeap = "2g";
  Path nodeJar;
  List<String> nodeOpts = List.of();
  String capture = "auto";
  String sipp = "sipp";
  Path callerScenario;
  Path phoneScenario;
  Path out;
  Path waitWhile;
  Path hold;
  boolean stopOnFail;
  String adminUser = "admin";
  String adminPassword = "demo-admin";
  boolean keep;
  boolean help;

  private SipOptions() {}

  /** Parses the arguments; a bad one is an {@link IllegalArgumentException} naming the option. */
  public static SipOptions parse(String... args) {
    SipOptions o = new SipOptions();
    Args.parse(args, HELP, FLAGS, o::set, flag -> {
      switch (flag) {
        case "direct" -> o.direct = true;
        case "stop-on-fail" -> o.stopOnFail = true;
        case "keep" -> o.keep = true;
        default -> o.help = true;
      }
    });
    if (o.direct && o.db != Options.Db.H2)
      throw new IllegalArgumentException("option --db: --direct runs no node");
    return o;
  }

  private void set(String key, String value) {
    switch (key) {
      case "rate" -> {
        int rate = Args.number(key, value, 1);
        if (!stepMode) rates = List.of(rate);
      }
      case "rates" -> {
        List<Integer> list = new ArrayList<>();
        for (String s : value.split(",")) if (!s.isBlank()) list.add(Args.number(key, s, 1));
        if (list.isEmpty()) throw new IllegalArgumentException("option --rates: expected e.g. 50,100,200, got '" + value + "'");
        rates = List.copyOf(list);
        stepMode = true;
      }
      case "duration" -> durationSeconds = Args.number(key, value, 1);
      case "warmup" -> warmupSeconds = Args.number(key, value, 0);
      case "call-ms" -> callMs = Args.number(key, value, 0);
      case "agents" -> agents = Args.number(key, value, 1);
      case "phones" -> phones = Args.number(key, value, 1);
      case "db" -> db = Args.db(value);
      case "node-heap" -> nodeHeap = Args.heap(key, value);
      case "node-jar" -> nodeJar = Path.of(value).toAbsolutePath();
      case "node-opts" -> nodeOpts = Args.jvmOptions(value);
      case "capture" -> {
        String v = value.toLowerCase();
        if (!List.of("auto", "tshark", "tcpdump", "none").contains(v))
          throw new IllegalArgumentException("option --capture: expected auto, tshark, tcpdump or none, got '" + value + "'");
        capture = v;
      }
      case "sipp" -> sipp = Args.notBlank(key, value);
      case "caller-scenario" -> callerScenario = Path.of(value).toAbsolutePath();
      case "phone-scenario" -> phoneScenario = Path.of(value).toAbsolutePath();
      case "out" -> out = Path.of(value).toAbsolutePath();
      case "wait-while" -> waitWhile = Path.of(value).toAbsolutePath();
      case "hold" -> hold = Path.of(value).toAbsolutePath();
      case "admin-user" -> adminUser = Args.notBlank(key, value);
      case "admin-password" -> adminPassword = value;
      default -> throw new IllegalArgumentException("unknown option --" + key);
    }
  }

  Path nodeJar() {
    return nodeJar != null ? nodeJar : Options.repoRoot().resolve("cluster/target/switchboard-node.jar");
  }

  Path callerScenario() {
    return callerScenario != null ? callerScenario : Options.repoRoot().resolve("sip/src/test/sipp/caller.xml");
  }

  Path phoneScenario() {
    if (phoneScenario != null) return phoneScenario;
    return Options.repoRoot().resolve(direct ? "loadtest/sipp/answer.xml" : "sip/src/test/sipp/agent-phone.xml");
  }

  Path out() {
    return out != null ? out : Options.repoRoot().resolve("loadtest/target/sip-bench");
  }

  String mode() {
    return direct ? "direct" : "gateway";
  }

  public static String usage() {
    return Args.usage("SipBenchmark: sipp callers through one node's SIP gateway to sipp agent phones (or --direct: sipp to sipp).",
        HELP, 16);
  }
}
