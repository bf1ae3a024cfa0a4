package io.switchboard.persistence.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Cassandra 5.0 for tests, forked once per test JVM as a child process on
 * loopback: free ports, its own temp directories, killed when the test JVM exits.
 *
 * <p>Why a child JVM and not embedded: cassandra-all brings its own Guava, Netty and logging,
 * and installs a SecurityManager; none of that belongs in the test's JVM. Its classpath is
 * resolved by the {@code persistence/cassandra-server} module into a file whose path Surefire
 * passes as {@code switchboard.cassandra.classpath}. Its output goes to
 * {@code target/cassandra.log}.
 */
public final class TestCassandra {
  /** Cassandra 5.0's own JPMS block (conf/jvm17-server.options) for Java 17. */
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
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /** Where the running server listens for CQL, and how long it took to get there. */
  public record Server(String host, int cqlPort, long pid, Duration startTime) {
    /** host:port, as the driver's contact points take it. */
    public String contactPoint() {
      return host + ":" + cqlPort;
    }
  }

  private static Server server;

  private TestCassandra() {}

  /** The shared server, started on first use. */
  public static synchronized Server server() {
    if (server == null) server = start();
    return server;
  }

  private static Server start() {
    try {
      Path classpathFile = Path.of(System.getProperty("switchboard.cassandra.classpath",
          "../persistence/cassandra-server/target/cassandra.classpath"));
      if (!Files.isReadable(classpathFile))
        throw new IllegalStateException("no Cassandra classpath at " + classpathFile.toAbsolutePath()
            + ": build the persistence/cassandra-server module first (the reactor does it before persistence)");
      String classpath = Files.readString(classpathFile).trim();
      Path home = Files.createTempDirectory("switchboard-cassandra");
      int cql = freePort(), storage = freePort();
      Path yaml = home.resolve("cassandra.yaml");
      Files.writeString(yaml, yaml(home, cql, storage));
      Path logback = home.resolve("logback.xml");
      Files.writeString(logback, """
          <configuration>
            <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
              <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
            </appender>
            <root level="INFO"><appender-ref ref="OUT"/></root>
          </configuration>
          """);
      Path log = Path.of(System.getProperty("switchboard.cassandra.log", "target/cassandra.log"));
      Files.createDirectories(log.toAbsolutePath().getParent());

      List<String> command = new ArrayList<>();
      command.add(java17());
      command.addAll(List.of("-Xms256m", "-Xmx512m", "-Xss512k", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError"));
      command.addAll(JPMS);
      command.addAll(List.of(
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
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
          .start();
      // Killed with the test JVM, whatever ends it; the data is a temp directory of its own.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process, home)));
      awaitCql(process, cql, log);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      System.out.println("Cassandra 5.0 (pid " + process.pid() + ") took CQL on 127.0.0.1:" + cql + " after "
          + took.toMillis() + " ms; log " + log.toAbsolutePath());
      return new Server("127.0.0.1", cql, process.pid(), took);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Cassandra 5.0 needs Java 11 or 17 (it installs a SecurityManager, gone in later Java). */
  private static String java17() {
    String explicit = System.getProperty("switchboard.cassandra.java");
    if (explicit != null) return explicit;
    if (Runtime.version().feature() == 17) return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    throw new IllegalStateException("Cassandra 5.0 runs on Java 17: set -Dswitchboard.cassandra.java=<java 17 binary>");
  }

  private static String yaml(Path home, int cql, int storage) {
    Path data = home.resolve("data");
    return """
        cluster_name: switchboard-test
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

  /** Ready when the log says CQL is served and the port takes connections. */
  private static void awaitCql(Process process, int port, Path log) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive())
        throw new IllegalStateException("Cassandra exited with " + process.exitValue() + " before taking CQL; see "
            + log.toAbsolutePath());
      if (Files.readString(log, StandardCharsets.UTF_8).contains("Startup complete") && accepts(port)) return;
      sleep(250);
    }
    process.destroyForcibly();
    throw new IllegalStateException("Cassandra took no CQL within " + START_TIMEOUT + "; see " + log.toAbsolutePath());
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void stop(Process process, Path home) {
    // No drain: the data is thrown away with the temp directory.
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(home)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
