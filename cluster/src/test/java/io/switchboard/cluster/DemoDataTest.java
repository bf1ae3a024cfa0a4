package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.user.Users;
import io.switchboard.http.auth.PasswordHasher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo centre loaded by nodes that start together on an empty database. */
class DemoDataTest {
  @TempDir Path dir;

  @Test
  void twoLoadsAtOnceOnAnEmptyCentreBothSucceedAndLeaveOneCentre() throws Exception {
    var config = ConfigFactory.parseMap(Map.of(
            "pekko-persistence-jdbc.shared-databases.switchboard.db.url",
            "jdbc:h2:file:" + dir.resolve("data/switchboard").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE",
            "pekko.remote.artery.canonical.port", 0,
            "pekko.cluster.seed-nodes", List.of(),
            "pekko.management.http.port", -1,
            "switchboard.sip.enabled", "off",
            "switchboard.http.port", 0,
            "switchboard.demo-data", "off"))
        .withFallback(ConfigFactory.load())
        .resolve();
    try (Node node = Node.start(config)) {
      PasswordHasher hasher = new PasswordHasher(10);
      // As two nodes would: each finds the centre empty, then loads it (bcrypt keeps the first busy
      // while the second looks).
      List<CompletableFuture<Void>> loads = List.of(
          CompletableFuture.runAsync(() -> new DemoData(node.system, node.engine, hasher).loadIfEmpty()),
          CompletableFuture.runAsync(() -> new DemoData(node.system, node.engine, hasher).loadIfEmpty()));
      for (CompletableFuture<Void> load : loads) load.get(60, TimeUnit.SECONDS);

      Users.Reply users = AskPattern.<Users.Command, Users.Reply>ask(Users.ref(node.system), Users.ListUsers::new,
          Duration.ofSeconds(5), node.system.scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(((Users.Listed) users).users()).hasSize(8);
      NumberPlan.Reply plan = AskPattern.<NumberPlan.Command, NumberPlan.Reply>ask(node.engine.refs().numberPlan(),
          NumberPlan.GetPlan::new, Duration.ofSeconds(5), node.system.scheduler()).toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertThat(((NumberPlan.Done) plan).plan().entries()).hasSize(6);
    }
  }
}
