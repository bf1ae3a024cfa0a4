package io.switchboard.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Cassandra 5.0 as a child JVM on loopback for the chaos run's long form: the way
 * the persistence tests fork it (their {@code TestCassandra}; loadtest cannot depend on it), with
 * the classpath the {@code persistence/cassandra-server} module writes, a yaml on free ports and
 * data in the run's directory. Killed by its PID at close.
 */
final class CassandraProcess implements AutoCloseable {

  static final String CLASSPATH_FILE = "persistence/cassandra-server/target/cassandra.classpath";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  /** Cassandra 5.0's own JPMS block (conf/jvm17-server.options) for Java 17, as TestCassandra. */
  private static final List<String> JPMS = List.of(
      "-Djdk.attach.allowAttachSelf=true",
      "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
      "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.base/java.io=ALL-UNNAMED",
      "--add-opens", "java.base/java.nio=ALL-UNNAMED",
      "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens", "java.base/java.util=ALL-UNNAMED",
      "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/java.math=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens", "java.base/java.net=ALL-UNNAMED");

  private final Process process;
  private final int cqlPort;

  private CassandraProcess(Process process, int cqlPort) {
    this.process = process;
    this.cqlPort = cqlPort;
  }

  /** host:port, as SWITCHBOARD_CASSANDRA_CONTACT_POINTS takes it. */
  String contactPoint() {
    return "127.0.0.1:" + cqlPort;
  }

  long pid() {
    return process.pid();
  }

  /** Starts Cassandra with data and {@code cassandra.log} under {@code dir}; returns once it takes CQL. */
  static CassandraProcess start(Path dir, PrintStream out) throws IOException, InterruptedException {
    Path classpathFile = Options.repoRoot().resolve(CLASSPATH_FILE);
    if (!Files.isReadable(classpathFile))
      throw new IllegalStateException("no Cassandra classpath at " + classpathFile + ": build it first with"
          + " mvn -B -o -pl persistence/cassandra-server package (it writes " + CLASSPATH_FILE + ")");
    String classpath = Files.readString(classpathFile).trim();
    Path home = Files.createDirectories(dir.resolve("cassandra"));
    int cql = NodeProcess.freePort();
    int storage = NodeProcess.freePort();
    Path yaml = home.resolve("cassandra.yaml");
    Files.writeString(yaml, yaml(home.resolve("data"), cql, storage));
    Path logback = home.resolve("logback.xml");
    Files.writeString(logback, """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="OUT"/></root>
        </configuration>
        """);
    Path log = dir.resolve("cassandra.log");

    List<String> cmd = new ArrayList<>();
    cmd.add(java17());
    cmd.addAll(List.of("-Xms256m", "-Xmx512m", "-Xss512k", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError"));
    cmd.addAll(JPMS);
    cmd.addAll(List.of(
        "-Dcassandra.config=" + yaml.toUri(),
        "-Dcassandra-foreground=yes",
        "-Dcassandra.storagedir=" + home.resolve("data"),
        "-Dcassandra.logdir=" + home.resolve("logs"),
        "-Dlogback.configurationFile=" + logback.toUri(),
        // One node: nothing to gossip with or wait for.
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.ring_delay_ms=1000",
        "-Dcassandra.superuser_setup_delay_ms=0",
        "-cp", classpath,
        "org.apache.cassandra.service.CassandraDaemon"));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    CassandraProcess c = new CassandraProcess(p, cql);
    try {
      c.awaitCql(log);
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
    out.printf("Cassandra 5.0 pid %d took CQL on %s after %d ms, log %s%n", p.pid(), c.contactPoint(),
        Duration.ofNanos(System.nanoTime() - t0).toMillis(), log.getFileName());
    return c;
  }

  /** Cassandra 5.0 installs a SecurityManager (gone after 17): this JVM if 17, else the one named. */
  private static String java17() {
    String explicit = System.getProperty("switchboard.cassandra.java");
    if (explicit != null) return explicit;
    if (Runtime.version().feature() == 17) return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    throw new IllegalStateException("Cassandra 5.0 runs on Java 17: set -Dswitchboard.cassandra.java=<java 17 binary>");
  }

  private static String yaml(Path data, int cql, int storage) {
    return """
        cluster_name: switchboard-chaos
        num_tokens: 1
        partitioner: org.apache.cassandra.dht.Murmur3Partitioner
        endpoint_snitch: SimpleSnitch
        listen_address: 127.0.0.1
        rpc_address: 127.0.0.1
        storage_port: %d
        native_transport_port: %d
        start_native_transport: true
        seed_provider:
          - class_name: org.apache.cassandra.locator.SimpleSeedProvider
            parameters:
              - seeds: "127.0.0.1:%d"
        data_file_directories: [%s]
        commitlog_directory: %s
        saved_caches_directory: %s
        hints_directory: %s
        cdc_raw_directory: %s
        commitlog_sync: periodic
        commitlog_sync_period: 10000ms
        authenticator: AllowAllAuthenticator
        authorizer: AllowAllAuthorizer
        """.formatted(storage, cql, storage, data.resolve("data"), data.resolve("commitlog"),
        data.resolve("saved_caches"), data.resolve("hints"), data.resolve("cdc"));
  }

  /** Ready when the log says the start-up is complete and the CQL port takes connections. */
  private void awaitCql(Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive())
        throw new IllegalStateException("Cassandra exited with " + process.exitValue() + " before taking CQL; see " + log);
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("Startup complete") && accepts())
        return;
      Thread.sleep(250);
    }
    throw new IllegalStateException("Cassandra took no CQL within " + START_TIMEOUT.toSeconds() + " s; see " + log);
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", cqlPort), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGKILL by PID: no drain, its data goes with the run's directory. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
