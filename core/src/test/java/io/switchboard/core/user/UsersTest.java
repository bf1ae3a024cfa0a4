package io.switchboard.core.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.Refusal;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UsersTest {
  static final ActorTestKit kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config());
  static final LockoutPolicy POLICY = new LockoutPolicy(2, Duration.ofMinutes(15), Duration.ofMinutes(15));

  TestClock clock = new TestClock(Instant.parse("2026-11-23T09:00:00Z"));
  EventSourcedBehaviorTestKit<Users.Command, Users.Event, Users.Accounts> users;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    users = EventSourcedBehaviorTestKit.create(kit.system(), Users.create(clock, 100));
  }

  static User anna() {
    return new User("anna", "Anna", "$2a$10$hash", Set.of(Role.AGENT), Set.of(new AnsweringPointId("north")), Set.of(),
        new AgentId("anna"), 0, null, null);
  }

  Users.Reply run(java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<Users.Reply>, Users.Command> c) {
    return users.runCommand(c).reply();
  }

  @Test
  void aUserIsCreatedOnceAndUpdatedKeepingItsPasswordUnlessGiven() {
    assertThat(run(r -> new Users.CreateUser(anna(), r))).isEqualTo(new Users.Found(anna()));
    Users.Refused twice = (Users.Refused) run(r -> new Users.CreateUser(anna(), r));
    assertThat(twice.refusal().code()).isEqualTo(Refusal.Code.CONFLICT);

    Users.Found updated = (Users.Found) run(r -> new Users.UpdateUser("anna", "Anna A", Set.of(Role.AGENT, Role.SUPERVISOR),
        Set.of(), Set.of(), new AgentId("anna"), null, r));
    assertThat(updated.user().passwordHash()).isEqualTo("$2a$10$hash");
    assertThat(updated.user().roles()).containsExactlyInAnyOrder(Role.AGENT, Role.SUPERVISOR);
    Users.Found rehashed = (Users.Found) run(r -> new Users.UpdateUser("anna", "Anna A", Set.of(Role.AGENT), Set.of(), Set.of(),
        new AgentId("anna"), "$2a$10$other", r));
    assertThat(rehashed.user().passwordHash()).isEqualTo("$2a$10$other");

    Users.Refused agentless = (Users.Refused) run(r -> new Users.UpdateUser("anna", "Anna", Set.of(Role.AGENT), Set.of(), Set.of(), null, null, r));
    assertThat(agentless.refusal().message()).contains("agentId");
    assertThat(run(r -> new Users.UpdateUser("nobody", "X", Set.of(Role.ADMIN), Set.of(), Set.of(), null, null, r)))
        .isInstanceOf(Users.Refused.class);
  }

  @Test
  void failuresLockTheAccountAndASuccessOrAnAdminUpdateClearsThem() {
    run(r -> new Users.CreateUser(anna(), r));
    Users.Found once = (Users.Found) run(r -> new Users.RecordFailedLogin("anna", POLICY, r));
    assertThat(once.user().failedLogins()).isEqualTo(1);
    assertThat(once.user().lockedAt(clock.instant())).isFalse();
    // A success clears the count: the next failure is the first again.
    run(r -> new Users.RecordLogin("anna", r));
    Users.Found again = (Users.Found) run(r -> new Users.RecordFailedLogin("anna", POLICY, r));
    assertThat(again.user().failedLogins()).isEqualTo(1);
    Users.Found locked = (Users.Found) run(r -> new Users.RecordFailedLogin("anna", POLICY, r));
    assertThat(locked.user().lockedAt(clock.instant())).isTrue();
    // The lock is in the journal.
    assertThat(users.restart().state().users().get("anna").lockedAt(clock.instant())).isTrue();
    Users.Found unlocked = (Users.Found) run(r -> new Users.UpdateUser("anna", "Anna", Set.of(Role.AGENT), Set.of(), Set.of(),
        new AgentId("anna"), null, r));
    assertThat(unlocked.user().lockedAt(clock.instant())).isFalse();
  }

  @Test
  void aSuccessfulLoginWithoutEarlierFailuresWritesNothing() {
    run(r -> new Users.CreateUser(anna(), r));
    assertThat(users.<Users.Reply>runCommand(r -> new Users.RecordLogin("anna", r)).events()).isEmpty();
  }

  @Test
  void removedUsersAreGone() {
    run(r -> new Users.CreateUser(anna(), r));
    assertThat(run(r -> new Users.RemoveUser("anna", r))).isEqualTo(new Users.Removed("anna"));
    assertThat(((Users.Refused) run(r -> new Users.GetUser("anna", r))).refusal().code()).isEqualTo(Refusal.Code.NOT_FOUND);
    assertThat(((Users.Listed) run(Users.ListUsers::new)).users()).isEmpty();
  }
}
