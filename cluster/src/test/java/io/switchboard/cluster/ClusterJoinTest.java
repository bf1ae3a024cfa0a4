package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterJoinTest {

  @Test
  void clusterJoinIsSeedNodesOrBootstrapAndBootstrapNeedsTheManagementPort() {
    var base = ConfigFactory.parseMap(Map.of("pekko.management.http.port", -1,
        "pekko.cluster.seed-nodes", java.util.List.of("pekko://switchboard@127.0.0.1:2551")));
    assertThat(ClusterJoin.from(ConfigFactory.parseMap(Map.of("switchboard.cluster.join", "seed-nodes"))))
        .isEqualTo(ClusterJoin.SEED_NODES);
    assertThatThrownBy(() -> ClusterJoin.from(ConfigFactory.parseMap(Map.of("switchboard.cluster.join", "dns"))))
        .hasMessage("switchboard.cluster.join: expected seed-nodes or bootstrap, got 'dns'");
    assertThatThrownBy(() -> ClusterJoin.BOOTSTRAP.applyTo(base)).hasMessageContaining("pekko.management.http.port");
    var withPort = ConfigFactory.parseMap(Map.of("pekko.management.http.port", 8558)).withFallback(base);
    assertThat(ClusterJoin.BOOTSTRAP.applyTo(withPort).getStringList("pekko.cluster.seed-nodes")).isEmpty();
    assertThat(ClusterJoin.SEED_NODES.applyTo(withPort).getStringList("pekko.cluster.seed-nodes")).hasSize(1);
  }
}
