package io.switchboard.loadtest;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The answering-service benchmark's settings, from {@code --key value} arguments (see {@link #usage()}). */
public final class AnsweringOptions {

  private static final Map<String, String> HELP = new LinkedHashMap<>();

  static {
    HELP.put("companies", "client companies in the directory, one dialled number each; default 1000");
    HELP.put("contacts", "contacts per company, imported as one CSV file each; 5 % get a redirect; default 1000");
    HELP.put("queues", "queues the companies' numbers lead into (round robin); default 10");
    HELP.put("agents", "agents on the agent WebSocket, each in every queue; default 50");
    HELP.put("rate", "test calls per second, each to a random company's number (open model); default 10");
    HELP.put("duration", "seconds of measured calls, after the warm-up; default 60");
    HELP.put("warmup", "seconds of calls at the same rate before the measured ones, in no figure (still checked); default 15");
    HELP.put("idle", "seconds to wait between the directory and the calls; over the node's sharding idle timeout (120 s)"
        + " every company card is passivated and the first pop of each reads it back from the journal; default 0");
    HELP.put("talk", "ms an agent stays on a call before it ends it; default 2000");
    HELP.put("drain", "seconds to wait after the last call for every screen pop and call end; default 60");
    HELP.put("import-rows", "rows of the .xlsx for the import benchmark (0: none); default 10000");
    HELP.put("import-runs", "imports of that file, each into a fresh company (the first runs cold); default 3");
    HELP.put("import-only", "no directory and no calls: only the import benchmark, on a fresh node; a flag");
    HELP.put("setup-concurrency", "setup requests in flight at most (imports: at most 2); default 16");
    HELP.put("seed", "seed of the calls' companies and caller numbers; default 42");
    HELP.put("db", "h2|postgres: the node's journal (postgres = embedded PostgreSQL, durable); default h2");
    HELP.put("node-heap", "the node's -Xmx; default 4g");
    HELP.put("node-jar", "the node jar; default cluster/target/switchboard-node.jar under the repo root");
    HELP.put("node-opts", "extra JVM options of the node, space separated (e.g. -XX:StartFlightRecording=...)");
    HELP.put("admin-user", "the admin the runner signs in as; default admin");
    HELP.put("admin-password", "that user's password; default demo-admin");
    HELP.put("keep", "keep the temp dir (node log, database) afterwards; a flag");
    HELP.put("help", "print this help");
  }

  private static final List<String> FLAGS = List.of("import-only", "keep", "help");

  int companies = 1000;
  int contacts = 1000;
  int queues = 10;
  int agents = 50;
  int rate = 10;
  int durationSeconds = 60;
  int warmupSeconds = 15;
  int talkMs = 2000;
  int idleSeconds;
  int drainSeconds = 60;
  int importRows = 10_000;
  int importRuns = 3;
  boolean importOnly;
  int setupConcurrency = 16;
  long seed = 42;
  Options.Db db = Options.Db.H2;
  String nodeHeap = "4g";
  Path nodeJar;
  List<String> nodeOpts = List.of();
  String adminUser = "admin";
  String adminPassword = "demo-admin";
  boolean keep;
  boolean help;

  private AnsweringOptions() {}

  /** Parses the arguments; a bad one is an {@link IllegalArgumentException} naming the option. */
  public static AnsweringOptions parse(String... args) {
    AnsweringOptions o = new AnsweringOptions();
    Args.parse(args, HELP, FLAGS, o::set, flag -> {
      switch (flag) {
        case "import-only" -> o.importOnly = true;
        case "keep" -> o.keep = true;
        default -> o.help = true;
      }
    });
    if (o.importOnly && o.importRows == 0)
      throw new IllegalArgumentException("option --import-only: needs --import-rows above 0");
    if (o.queues > o.companies) o.queues = o.companies;
    return o;
  }

  private void set(String key, String value) {
    switch (key) {
      case "companies" -> companies = Args.number(key, value, 1);
      case "contacts" -> contacts = Args.number(key, value, 1);
      case "queues" -> queues = Args.number(key, value, 1);
      case "agents" -> agents = Args.number(key, value, 1);
      case "rate" -> rate = Args.number(key, value, 1);
      case "duration" -> durationSeconds = Args.number(key, value, 1);
      case "warmup" -> warmupSeconds = Args.number(key, value, 0);
      case "talk" -> talkMs = Args.number(key, value, 0);
      case "idle" -> idleSeconds = Args.number(key, value, 0);
      case "drain" -> drainSeconds = Args.number(key, value, 1);
      case "import-rows" -> importRows = Args.number(key, value, 0);
      case "import-runs" -> importRuns = Args.number(key, value, 1);
      case "setup-concurrency" -> setupConcurrency = Args.number(key, value, 1);
      case "seed" -> seed = Args.number(key, value, 0);
      case "db" -> db = Args.db(value);
      case "node-heap" -> nodeHeap = Args.heap(key, value);
      case "node-jar" -> nodeJar = Path.of(value).toAbsolutePath();
      case "node-opts" -> nodeOpts = Args.jvmOptions(value);
      case "admin-user" -> adminUser = Args.notBlank(key, value);
      case "admin-password" -> adminPassword = value;
      default -> throw new IllegalArgumentException("unknown option --" + key);
    }
  }

  Path nodeJar() {
    return nodeJar != null ? nodeJar : Options.repoRoot().resolve("cluster/target/switchboard-node.jar");
  }

  String dbLabel() {
    return db == Options.Db.H2 ? "h2" : "postgres";
  }

  /** The command line that gives these settings (for the report). */
  String commandLine() {
    StringBuilder b = new StringBuilder("AnsweringBenchmark");
    if (importOnly) {
      b.append(" --import-only");
    } else {
      b.append(String.format(" --companies %d --contacts %d --queues %d --agents %d --rate %d --duration %d --warmup %d --talk %d",
          companies, contacts, queues, agents, rate, durationSeconds, warmupSeconds, talkMs));
      if (idleSeconds > 0) b.append(" --idle ").append(idleSeconds);
    }
    b.append(String.format(" --import-rows %d --import-runs %d --db %s --node-heap %s", importRows, importRuns, dbLabel(), nodeHeap));
    if (!nodeOpts.isEmpty()) b.append(" --node-opts \"").append(String.join(" ", nodeOpts)).append('"');
    return b.toString();
  }

  public static String usage() {
    return Args.usage("AnsweringBenchmark: the answering service's directory, screen pops and contact import on one node.",
        HELP, 17);
  }
}
