package io.switchboard.loadtest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--"))
        throw new IllegalArgumentException("unexpected argument '" + arg + "': options are --key value (see --help)");
      String key = arg.substring(2);
      String inline = null;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        inline = key.substring(eq + 1);
        key = key.substring(0, eq);
      }
      if (!HELP.containsKey(key))
        throw new IllegalArgumentException("unknown option --" + key + " (known: --" + String.join(", --", HELP.keySet()) + ")");
      if (FLAGS.contains(key)) {
        if (inline != null) throw new IllegalArgumentException("option --" + key + " takes no value");
        switch (key) {
          case "direct" -> o.direct = true;
          case "stop-on-fail" -> o.stopOnFail = true;
          case "keep" -> o.keep = true;
          default -> o.help = true;
        }
        continue;
      }
      String value = inline;
      if (value == null) {
        if (i + 1 >= args.length) throw new IllegalArgumentException("option --" + key + " needs a value");
        value = args[++i];
      }
      o.set(key, value);
    }
    if (o.direct && o.db != Options.Db.H2)
      throw new IllegalArgumentException("option --db: --direct runs no node");
    return o;
  }

  private void set(String key, String value) {
    switch (key) {
      case "rate" -> {
        int rate = number(key, value, 1);
        if (!stepMode) rates = List.of(rate);
      }
      case "rates" -> {
        List<Integer> list = new ArrayList<>();
        for (String s : value.split(",")) if (!s.isBlank()) list.add(number(key, s, 1));
        if (list.isEmpty()) throw new IllegalArgumentException("option --rates: expected e.g. 50,100,200, got '" + value + "'");
        rates = List.copyOf(list);
        stepMode = true;
      }
      case "duration" -> durationSeconds = number(key, value, 1);
      case "warmup" -> warmupSeconds = number(key, value, 0);
      case "call-ms" -> callMs = number(key, value, 0);
      case "agents" -> agents = number(key, value, 1);
      case "phones" -> phones = number(key, value, 1);
      case "db" -> {
        switch (value.toLowerCase()) {
          case "h2" -> db = Options.Db.H2;
          case "postgres", "postgresql", "pg" -> db = Options.Db.POSTGRES;
          default -> throw new IllegalArgumentException("option --db: expected h2 or postgres, got '" + value + "'");
        }
      }
      case "node-heap" -> {
        if (!value.matches("[0-9]+[kKmMgG]?"))
          throw new IllegalArgumentException("option --node-heap: expected a size like 512m or 2g, got '" + value + "'");
        nodeHeap = value;
      }
      case "node-jar" -> nodeJar = Path.of(value).toAbsolutePath();
      case "node-opts" -> nodeOpts = value.isBlank() ? List.of() : new ArrayList<>(Arrays.asList(value.trim().split("\\s+")));
      case "capture" -> {
        String v = value.toLowerCase();
        if (!List.of("auto", "tshark", "tcpdump", "none").contains(v))
          throw new IllegalArgumentException("option --capture: expected auto, tshark, tcpdump or none, got '" + value + "'");
        capture = v;
      }
      case "sipp" -> {
        if (value.isBlank()) throw new IllegalArgumentException("option --sipp: must not be empty");
        sipp = value;
      }
      case "caller-scenario" -> callerScenario = Path.of(value).toAbsolutePath();
      case "phone-scenario" -> phoneScenario = Path.of(value).toAbsolutePath();
      case "out" -> out = Path.of(value).toAbsolutePath();
      case "wait-while" -> waitWhile = Path.of(value).toAbsolutePath();
      case "hold" -> hold = Path.of(value).toAbsolutePath();
      case "admin-user" -> {
        if (value.isBlank()) throw new IllegalArgumentException("option --admin-user: must not be empty");
        adminUser = value;
      }
      case "admin-password" -> adminPassword = value;
      default -> throw new IllegalArgumentException("unknown option --" + key);
    }
  }

  private static int number(String key, String value, int min) {
    int n;
    try {
      n = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option --" + key + ": expected a whole number, got '" + value + "'");
    }
    if (n < min) throw new IllegalArgumentException("option --" + key + ": must be at least " + min + ", got " + n);
    return n;
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
    StringBuilder b = new StringBuilder(
        "SipBenchmark: sipp callers through one node's SIP gateway to sipp agent phones (or --direct: sipp to sipp).\nOptions:\n");
    HELP.forEach((k, v) -> b.append(String.format("  --%-16s %s%n", k, v)));
    return b.toString();
  }
}
