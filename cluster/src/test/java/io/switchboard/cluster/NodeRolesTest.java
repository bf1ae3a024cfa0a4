package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeRolesTest {

  @Test
  void aListOfRolesBecomesTheNodesClusterRoles() {
    NodeRoles roles = NodeRoles.parse(" Edge, sip ,,");
    assertThat(roles).isEqualTo(new NodeRoles(false, true, true));
    assertThat(roles.applyTo(ConfigFactory.empty()).getStringList("pekko.cluster.roles")).containsExactly("edge", "sip");
  }

  @Test
  void anUnknownOrEmptyListIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> NodeRoles.parse("engine,frontend"))
        .hasMessage("switchboard.roles: unknown role 'frontend'; the roles are engine, edge and sip");
    assertThatThrownBy(() -> NodeRoles.parse(" , ")).hasMessageStartingWith("switchboard.roles: name at least one");
  }

  @Test
  void theShippedDefaultIsEveryRoleAndTheEnvironmentCanNarrowIt() {
    assertThat(NodeRoles.from(ConfigFactory.load())).isEqualTo(new NodeRoles(true, true, true));
    assertThat(NodeRoles.from(ConfigFactory.parseMap(Map.of("switchboard.roles", "engine"))))
        .isEqualTo(new NodeRoles(true, false, false));
  }
}
