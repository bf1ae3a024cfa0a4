package io.switchboard.cluster;

import io.switchboard.core.user.Role;
import io.switchboard.core.user.User;
import io.switchboard.core.user.Users;
import io.switchboard.http.auth.PasswordHasher;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A centre without demo data needs a first admin: created from configuration when no user exists. */
final class BootstrapAdmin {
  private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final ActorSystem<?> system;
  private final PasswordHasher hasher;

  BootstrapAdmin(ActorSystem<?> system, PasswordHasher hasher) {
    this.system = system;
    this.hasher = hasher;
  }

  void createIfNoUsers(String password) throws Exception {
    Users.Reply users = StartupRead.<Users.Command, Users.Reply>ask(system, Users.ref(system), Users.ListUsers::new);
    if (!(users instanceof Users.Listed listed) || !listed.users().isEmpty()) return;
    if (password == null || password.isBlank()) {
      log.warn("no users exist: set SWITCHBOARD_ADMIN_PASSWORD to create the first admin");
      return;
    }
    String weak = PasswordHasher.weakness(password);
    if (weak != null) throw new IllegalArgumentException("SWITCHBOARD_ADMIN_PASSWORD: " + weak);
    User admin = new User("admin", "Administrator", hasher.hash(password), Set.of(Role.ADMIN), Set.of(), Set.of(), null, 0, null, null);
    AskPattern.<Users.Command, Users.Reply>ask(Users.ref(system), r -> new Users.CreateUser(admin, r), TIMEOUT,
        system.scheduler()).toCompletableFuture().get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    log.info("created the first admin user \"admin\"");
  }
}
