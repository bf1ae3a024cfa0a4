package io.switchboard.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.CqlSessionProvider;
import org.apache.pekko.stream.connectors.cassandra.DriverConfigLoaderFromConfig;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * The Cassandra session of the journal plugin (its {@code session-provider}): the driver's own
 * configuration ({@code datastax-java-driver}) plus the contact points of
 * {@code switchboard.cassandra.contact-points}, a comma-separated "host:port" list.
 *
 * <p>Why not only the driver's {@code basic.contact-points}: it is a HOCON list, and an
 * environment variable ({@code SWITCHBOARD_CASSANDRA_CONTACT_POINTS}) can only give a string.
 */
public final class CassandraSessions implements CqlSessionProvider {
  private final ActorSystem system;
  private final Config pluginConfig;

  /** Called by pekko-connectors-cassandra with the plugin's own config section. */
  public CassandraSessions(ActorSystem system, Config pluginConfig) {
    this.system = system;
    this.pluginConfig = pluginConfig;
  }

  @Override
  public Future<CqlSession> connect(ExecutionContext ec) {
    Config driver = CqlSessionProvider.driverConfig(system, pluginConfig);
    CqlSessionBuilder builder = CqlSession.builder().withConfigLoader(new DriverConfigLoaderFromConfig(driver));
    builder.addContactPoints(contactPoints(system.settings().config().getString("switchboard.cassandra.contact-points")));
    return FutureConverters.asScala(builder.buildAsync());
  }

  /** "host:port, host2" as addresses; a missing port is Cassandra's CQL default, 9042. */
  static List<InetSocketAddress> contactPoints(String list) {
    List<InetSocketAddress> points = new ArrayList<>();
    for (String raw : list.split(",")) {
      String p = raw.trim();
      if (p.isEmpty()) continue;
      int colon = p.lastIndexOf(':');
      points.add(colon < 0 ? InetSocketAddress.createUnresolved(p, 9042)
          : InetSocketAddress.createUnresolved(p.substring(0, colon), Integer.parseInt(p.substring(colon + 1))));
    }
    return points;
  }
}
