package io.switchboard.cluster;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.report.ReportScheduler;
import io.switchboard.http.report.SmtpReportDelivery;
import io.switchboard.http.voicemail.SmtpVoicemailDelivery;
import io.switchboard.persistence.statistics.ReadSide;
import io.switchboard.persistence.statistics.StatisticsProjections;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;

import com.typesafe.config.Config;
import io.switchboard.core.engine.Engine;
import io.switchboard.sip.gateway.SipGateway;
import io.switchboard.sip.gateway.SipSettings;
import io.switchboard.core.user.LoginSession;
import io.switchboard.core.user.Users;
import io.switchboard.http.Edge;
import io.switchboard.persistence.Database;
import io.switchboard.persistence.cassandra.CassandraJournalStartup;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Switchboard node: schema migrated, actor system in the cluster, every entity type
 * sharded, demo data on first start, the engine API bound.
 */
public final class Node implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Node.class);

  public final ActorSystem<Void> system;
  public final Engine engine;
  /** Where HTTP is bound; null on a node without the edge role. */
  public final InetSocketAddress httpAddress;
  /** The SIP gateway, or null when {@code switchboard.sip.enabled} is off. */
  public final SipGateway sip;

  private Node(ActorSystem<Void> system, Engine engine, InetSocketAddress httpAddress, SipGateway sip) {
    this.system = system;
    this.engine = engine;
    this.httpAddress = httpAddress;
    this.sip = sip;
  }

  public static Node start(Config config) {
    NodeRoles roles = NodeRoles.from(config);
    ClusterJoin join = ClusterJoin.from(config);
    config = join.applyTo(roles.applyTo(config));
    Database database = Database.fromConfig(config);
    var migrated = database.migrate();
    log.info("database {} at schema version {}", database.url(), migrated.targetSchemaVersion != null
        ? migrated.targetSchemaVersion : "current");

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "switchboard", config);
    try {
      Cluster cluster = Cluster.get(system);
      List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
      if (join == ClusterJoin.SEED_NODES && seeds.isEmpty()) cluster.manager().tell(Join.create(cluster.selfMember().address()));
      if (config.getInt("pekko.management.http.port") >= 0) PekkoManagement.get(system).start();
      if (join == ClusterJoin.BOOTSTRAP) ClusterBootstrap.get(system).start();

      // On Cassandra: its keyspace and tables exist before the first write.
      CassandraJournalStartup.awaitReady(system, Duration.ofSeconds(120));
      Clock clock = Clock.systemUTC();
      Engine engine = Engine.start(system, clock);
      Users.init(system, clock, engine.context().settings().snapshotEvery());
      LoginSession.init(system, clock);
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ReadSide readSide = ReadSide.open(config);
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "read-side-pool",
          () -> {
            readSide.close();
            return CompletableFuture.completedFuture(Done.getInstance());
          });
      StatisticsProjections statistics = StatisticsProjections.start(system, readSide,
          engine.context().settings().timeZone(), clock, engine.context().settings().tagSlices(), metrics);
      Edge edge = new Edge(system, engine, config, clock, statistics, metrics);
      edge.reportSubscriptions(ReportScheduler.init(system, clock, engine.context().settings().timeZone(),
          config.getDuration("switchboard.reports.send-delay"), config.getDuration("switchboard.reports.tick-interval"),
          new SmtpReportDelivery(system, edge.reportRenderer())));
      if (config.getBoolean("switchboard.demo-data")) new DemoData(system, engine, edge.authenticator().hasher()).loadIfEmpty();
      new BootstrapAdmin(system, edge.authenticator().hasher())
          .createIfNoUsers(config.getString("switchboard.auth.bootstrap-admin-password"));
      edge.directoryChanged();

      SipGateway sip = null;
      if (roles.sip() && config.getBoolean("switchboard.sip.enabled")) {
        SmtpVoicemailDelivery voicemail = new SmtpVoicemailDelivery(system, engine.context().settings().timeZone());
        // Voicemail a mail server did not take (or a node stopped before sending) is sent again.
        system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(10),
            config.getDuration("switchboard.voicemail.resend-every"), voicemail::resendSpooled,
            system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
        SipGateway gateway = SipGateway.start(system, engine.context(), engine.notifications(),
            SipSettings.from(config), clock, voicemail);
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "sip-gateway", () -> {
          gateway.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
        sip = gateway;
      }

      // An engine-only node still builds the edge: its report scheduler renders through it.
      if (!roles.edge()) {
        log.info("Switchboard node up without HTTP (roles {}), cluster {}", roles.names(), cluster.selfMember().address());
        return new Node(system, engine, null, sip);
      }
      Config http = config.getConfig("switchboard.http");
      ServerBinding binding = Http.get(system)
          .newServerAt(http.getString("host"), http.getInt("port"))
          .bind(edge.routes())
          .toCompletableFuture().get(30, TimeUnit.SECONDS)
          .addToCoordinatedShutdown(Duration.ofSeconds(5), system);
      log.info("Switchboard node up: http://{}:{}/ (agent desktop, wallboard), roles {}, cluster {}",
          binding.localAddress().getHostString(), binding.localAddress().getPort(), roles.names(),
          cluster.selfMember().address());
      return new Node(system, engine, binding.localAddress(), sip);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("the node could not start: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("node did not stop cleanly: {}", e.toString());
    }
  }
}
