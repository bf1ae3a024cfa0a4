package io.switchboard.loadtest;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chaos run's settings: {@code --key value} arguments over {@code -Dchaos.<key>=value} system
 * properties over the short form's defaults (what {@code ChaosTest} runs in {@code mvn verify}).
 */
final class ChaosOptions {

  private static final Map<String, String> HELP = new LinkedHashMap<>();

  static {
    HELP.put("kills", "kill -9 of a random node, one every --interval s; default 2 (the short form)");
    HELP.put("rolling", "a rolling restart instead of kill -9s: step k stops node ((k-1) mod N)+1 gracefully (SIGTERM: it leaves"
        + " and hands its shards over) and starts it again; a flag");
    HELP.put("interval", "seconds between kills (and after the last one, of load); default 30");
    HELP.put("nodes", "cluster nodes; default 3");
    HELP.put("journal", "postgres (embedded PostgreSQL) or cassandra (a forked Cassandra 5.0 for journal and snapshots,"
        + " the read side on embedded PostgreSQL; needs " + CassandraProcess.CLASSPATH_FILE + "); default postgres");
    HELP.put("agents", "agents logged in through the engine API v0; default 12");
    HELP.put("queues", "queues, one dialled number each; default 3");
    HELP.put("rate", "calls injected per second, spread over the nodes; default 2");
    HELP.put("talk", "ms an agent talks before ending the call; default 1500");
    HELP.put("node-heap", "each node's -Xmx; default 384m");
    HELP.put("node-opts", "extra JVM options of every node, space separated (e.g. -Dpekko.cluster.split-brain-resolver.stable-after=5s)");
    HELP.put("node-jar", "the node jar; default cluster/target/switchboard-node.jar under the repo root");
    HELP.put("drain", "seconds to wait after arrivals for every call to end and every agent to be free; default 120");
    HELP.put("seed", "random seed of the kill choices; default the clock");
    HELP.put("keep", "keep the temp dir (node logs, database); a flag");
    HELP.put("help", "print this help");
  }

  private static final Set<String> FLAGS = Set.of("keep", "help", "rolling");

  int kills = 2;
  boolean rolling;
  int intervalSeconds = 30;
  int nodes = 3;
  NodeCluster.Journal journal = NodeCluster.Journal.POSTGRES;
  int agents = 12;
  int queues = 3;
  int rate = 2;
  int talkMs = 1500;
  String nodeHeap = "384m";
  List<String> nodeOpts = List.of();
  Path nodeJar;
  int drainSeconds = 120;
  long seed = System.nanoTime();
  boolean keep;
  boolean help;

  private ChaosOptions() {}

  /** System properties {@code chaos.<option>} first, then the arguments over them. */
  static ChaosOptions parse(String... args) {
    ChaosOptions o = new ChaosOptions();
    for (String key : HELP.keySet()) {
      String v = System.getProperty("chaos." + key);
      if (v == null) continue;
      if (FLAGS.contains(key)) o.flag(key, v.isBlank() || Boolean.parseBoolean(v));
      else o.set(key, v);
    }
    Args.parse(args, HELP, FLAGS, o::set, k -> o.flag(k, true));
    return o;
  }

  private void flag(String key, boolean on) {
    if ("keep".equals(key)) keep = on;
    else if ("rolling".equals(key)) rolling = on;
    else help = on;
  }

  private void set(String key, String value) {
    switch (key) {
      case "kills" -> kills = Args.number(key, value, 0);
      case "interval" -> intervalSeconds = Args.number(key, value, 5);
      case "nodes" -> nodes = Args.number(key, value, 3);
      case "journal" -> journal = switch (value.toLowerCase()) {
        case "postgres", "postgresql", "pg" -> NodeCluster.Journal.POSTGRES;
        case "cassandra" -> NodeCluster.Journal.CASSANDRA;
        default -> throw new IllegalArgumentException("option --journal: expected postgres or cassandra, got '" + value + "'");
      };
      case "agents" -> agents = Args.number(key, value, 1);
      case "queues" -> queues = Args.number(key, value, 1);
      case "rate" -> rate = Args.number(key, value, 1);
      case "talk" -> talkMs = Args.number(key, value, 0);
      case "node-heap" -> nodeHeap = Args.heap(key, value);
      case "node-opts" -> nodeOpts = Args.jvmOptions(value);
      case "node-jar" -> nodeJar = Path.of(value).toAbsolutePath();
      case "drain" -> drainSeconds = Args.number(key, value, 1);
      case "seed" -> {
        try {
          seed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("option --seed: expected a number, got '" + value + "'");
        }
      }
      default -> throw new IllegalArgumentException("unknown option --" + key);
    }
  }

  Path nodeJar() {
    return nodeJar != null ? nodeJar : Options.repoRoot().resolve("cluster/target/switchboard-node.jar");
  }

  /** Arrivals run from before the first kill until one interval after the last. */
  int arrivalSeconds() {
    return (kills + 1) * intervalSeconds;
  }

  static String usage() {
    return Args.usage("ChaosRun: kill -9 random nodes of a three-node cluster under load and check every call.", HELP, 10);
  }
}
