package io.switchboard.loadtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark's settings, from {@code --key value} arguments. */
public final class Options {

  /** Option name to one-line help; the order is the order of the usage text. */
  private static final Map<String, String> HELP = new LinkedHashMap<>();

  static {
    HELP.put("db", "h2|postgres: the node's journal (postgres = embedded PostgreSQL); default h2");
    HELP.put("agents", "agents configured and logged in ready; default 5000");
    HELP.put("queues", "queues, one dialled number each; default 10");
    HELP.put("rate", "calls injected per second (open model); default 1000");
    HELP.put("duration", "seconds of arrivals; default 60");
    HELP.put("warmup", "first seconds of arrivals left out of the figures; default 10");
    HELP.put("talk", "ms an agent talks before it ends the call; default 1000");
    HELP.put("wrapup", "ms of FIXED wrap-up after each call (0 = NONE); default 0");
    HELP.put("nodes", "cluster nodes started on this machine, sharing one journal (needs --db postgres); calls and agents' actions are spread over them; default 1");
    HELP.put("node-heap", "each node's -Xmx; default 4g");
    HELP.put("node-jar", "the node jar; default cluster/target/switchboard-node.jar under the repo root");
    HELP.put("node-opts", "extra JVM options of the node, space separated (e.g. a JFR flag)");
    HELP.put("max-in-flight", "POST /calls requests in flight at most; a call over it is 'not injected'; default 768");
    HELP.put("admin-user", "the user the runner logs in as (POST /api/v1/session; the engine API needs the admin role); default admin");
    HELP.put("admin-password", "that user's password; default demo-admin");
    HELP.put("drain", "seconds to wait after arrivals for every call to end; default 120");
    HELP.put("record-events", "write every event of the stream to events.jsonl in the temp dir (implies --keep); a flag");
    HELP.put("keep", "keep the temp dir (node log, database) afterwards; a flag without value");
    HELP.put("help", "print this help");
  }

  public enum Db { H2, POSTGRES }

  Db db = Db.H2;
  int agents = 5000;
  int queues = 10;
  int rate = 1000;
  int durationSeconds = 60;
  int warmupSeconds = 10;
  int talkMs = 1000;
  int wrapUpMs = 0;
  int nodes = 1;
  String nodeHeap = "4g";
  Path nodeJar;
  List<String> nodeOpts = List.of();
  int maxInFlight = 768;
  int drainSeconds = 120;
  String adminUser = "admin";
  String adminPassword = "demo-admin";
  boolean keep;
  boolean recordEvents;
  boolean help;

  private Options() {}

  /** Parses the arguments; a bad one is an {@link IllegalArgumentException} naming the option. */
  public static Options parse(String... args) {
    Options o = new Options();
    Args.parse(args, HELP, List.of("keep", "help", "record-events"), o::set, flag -> {
      switch (flag) {
        case "keep" -> o.keep = true;
        case "record-events" -> o.recordEvents = o.keep = true;
        default -> o.help = true;
      }
    });
    o.validate();
    return o;
  }

  private void set(String key, String value) {
    switch (key) {
      case "db" -> db = Args.db(value);
      case "agents" -> agents = Args.number(key, value, 1);
      case "queues" -> queues = Args.number(key, value, 1);
      case "rate" -> rate = Args.number(key, value, 1);
      case "duration" -> durationSeconds = Args.number(key, value, 1);
      case "warmup" -> warmupSeconds = Args.number(key, value, 0);
      case "talk" -> talkMs = Args.number(key, value, 0);
      case "wrapup" -> wrapUpMs = Args.number(key, value, 0);
      case "nodes" -> nodes = Args.number(key, value, 1);
      case "node-heap" -> nodeHeap = Args.heap(key, value);
      case "node-jar" -> nodeJar = Path.of(value).toAbsolutePath();
      case "node-opts" -> nodeOpts = Args.jvmOptions(value);
      case "max-in-flight" -> maxInFlight = Args.number(key, value, 1);
      case "drain" -> drainSeconds = Args.number(key, value, 1);
      case "admin-user" -> adminUser = Args.notBlank(key, value);
      case "admin-password" -> adminPassword = value;
      default -> throw new IllegalArgumentException("unknown option --" + key);
    }
  }

  private void validate() {
    if (warmupSeconds >= durationSeconds)
      throw new IllegalArgumentException("option --warmup (" + warmupSeconds + " s) must be less than --duration ("
          + durationSeconds + " s): the figures cover the arrivals after the warm-up");
    if (nodes > 1 && db != Db.POSTGRES)
      throw new IllegalArgumentException("option --nodes " + nodes + " needs --db postgres: the nodes share one journal,"
          + " and H2 is a file inside one node");
    if (queues > 9999) throw new IllegalArgumentException("option --queues: at most 9999, got " + queues);
  }

  /** The node jar: {@code --node-jar}, or the cluster module's under the repo root. */
  Path nodeJar() {
    return nodeJar != null ? nodeJar : repoRoot().resolve("cluster/target/switchboard-node.jar");
  }

  /** The directory holding both {@code loadtest/} and {@code cluster/}, from the working directory up. */
  static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
      if (Files.isDirectory(p.resolve("loadtest")) && Files.isDirectory(p.resolve("cluster"))) return p;
    throw new IllegalStateException("cannot find the Switchboard repository root (a directory with loadtest/ and cluster/)"
        + " from " + Path.of("").toAbsolutePath() + "; run from inside the repository or pass --node-jar");
  }

  public static String usage() {
    return Args.usage("EngineBenchmark: drives one Switchboard node over its engine API v0.", HELP, 14);
  }

  String wrapUpLabel() {
    return wrapUpMs == 0 ? "none" : wrapUpMs + " ms";
  }

  String dbLabel() {
    return db == Db.H2 ? "h2" : "postgres";
  }
}
