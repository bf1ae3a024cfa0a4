package io.switchboard.persistence.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** SWITCHBOARD_CASSANDRA_CONTACT_POINTS as the driver gets it. */
class CassandraSessionsTest {
  @Test
  void aCommaSeparatedListBecomesAddressesWithTheCqlPortWhereNoneIsGiven() {
    assertThat(CassandraSessions.contactPoints(" 10.0.0.5:9142, cassandra-2 ,,10.0.0.7:19042"))
        .containsExactly(InetSocketAddress.createUnresolved("10.0.0.5", 9142),
            InetSocketAddress.createUnresolved("cassandra-2", 9042),
            InetSocketAddress.createUnresolved("10.0.0.7", 19042));
    assertThat(CassandraSessions.contactPoints("")).isEmpty();
  }
}
