package io.switchboard.core.user;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.Refusal;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.directory.AnsweringPointId;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The centre's user accounts: one small aggregate, written when an admin changes a user and when
 * a login fails (lockout). A successful login writes here only to clear earlier failures.
 */
public final class Users
    extends EventSourcedBehaviorWithEnforcedReplies<Users.Command, Users.Event, Users.Accounts> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Users");
  public static final String CENTRE = "centre";

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable {}

  public record CreateUser(User user, ActorRef<Reply> replyTo) implements Command {}

  /** Replaces a user's details; a null {@code passwordHash} keeps the password. Clears a lockout. */
  public record UpdateUser(
      String username, String name, Set<Role> roles, Set<AnsweringPointId> answeringPoints,
      Set<io.switchboard.core.directory.CompanyId> companies, AgentId agentId, String passwordHash,
      ActorRef<Reply> replyTo)
      implements Command {}

  public record RemoveUser(String username, ActorRef<Reply> replyTo) implements Command {}

  public record GetUser(String username, ActorRef<Reply> replyTo) implements Command {}

  public record ListUsers(ActorRef<Reply> replyTo) implements Command {}

  public record RecordFailedLogin(String username, LockoutPolicy policy, ActorRef<Reply> replyTo) implements Command {}

  public record RecordLogin(String username, ActorRef<Reply> replyTo) implements Command {}

  // ---------------------------------------------------------------- replies

  public sealed interface Reply extends CborSerializable {}

  public record Found(User user) implements Reply {}

  public record Listed(List<User> users) implements Reply {}

  public record Removed(String username) implements Reply {}

  public record Refused(Refusal refusal) implements Reply {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable {}

  public record UserCreated(User user, Instant at) implements Event {}

  public record UserUpdated(User user, Instant at) implements Event {}

  public record UserRemoved(String username, Instant at) implements Event {}

  public record LoginFailed(String username, int failures, Instant firstFailureAt, Instant lockedUntil, Instant at)
      implements Event {}

  public record FailuresCleared(String username, Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  public record Accounts(Map<String, User> users) implements CborSerializable {
    Accounts with(String username, User user) {
      Map<String, User> copy = new TreeMap<>(users);
      if (user == null) copy.remove(username);
      else copy.put(username, user);
      return new Accounts(Collections.unmodifiableMap(copy));
    }
  }

  // ---------------------------------------------------------------- wiring

  public static void init(ActorSystem<?> system, Clock clock, int snapshotEvery) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ec -> create(clock, snapshotEvery)));
  }

  public static RecipientRef<Command> ref(ActorSystem<?> system) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, CENTRE);
  }

  public static Behavior<Command> create(Clock clock, int snapshotEvery) {
    return new Users(clock, snapshotEvery);
  }

  private final Clock clock;
  private final int snapshotEvery;

  private Users(Clock clock, int snapshotEvery) {
    super(PersistenceId.of(ENTITY_KEY.name(), CENTRE));
    this.clock = clock;
    this.snapshotEvery = snapshotEvery;
  }

  @Override
  public Accounts emptyState() {
    return new Accounts(Map.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Events are never deleted (TOOLING.md): snapshots only.
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, Accounts> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(CreateUser.class, this::onCreate)
        .onCommand(UpdateUser.class, this::onUpdate)
        .onCommand(RemoveUser.class, (s, c) -> {
          if (!s.users().containsKey(c.username())) return refuse(c.replyTo(), unknown(c.username()));
          return Effect().persist(new UserRemoved(c.username(), clock.instant()))
              .thenReply(c.replyTo(), after -> new Removed(c.username()));
        })
        .onCommand(GetUser.class, (s, c) -> {
          User u = c.username() == null ? null : s.users().get(c.username());
          return u == null ? refuse(c.replyTo(), unknown(c.username())) : Effect().reply(c.replyTo(), new Found(u));
        })
        .onCommand(ListUsers.class, (s, c) -> Effect().reply(c.replyTo(), new Listed(List.copyOf(s.users().values()))))
        .onCommand(RecordFailedLogin.class, (s, c) -> {
          User u = s.users().get(c.username());
          if (u == null) return refuse(c.replyTo(), unknown(c.username()));
          Instant now = clock.instant();
          User after = c.policy().failed(u, now);
          return Effect().persist(new LoginFailed(u.username(), after.failedLogins(), after.firstFailureAt(),
                  after.lockedUntil(), now))
              .thenReply(c.replyTo(), st -> new Found(st.users().get(c.username())));
        })
        .onCommand(RecordLogin.class, (s, c) -> {
          User u = s.users().get(c.username());
          if (u == null) return refuse(c.replyTo(), unknown(c.username()));
          if (u.failedLogins() == 0 && u.firstFailureAt() == null) return Effect().reply(c.replyTo(), new Found(u));
          return Effect().persist(new FailuresCleared(u.username(), clock.instant()))
              .thenReply(c.replyTo(), st -> new Found(st.users().get(c.username())));
        })
        .build();
  }

  private ReplyEffect<Event, Accounts> onCreate(Accounts s, CreateUser c) {
    if (c.user() == null) return refuse(c.replyTo(), Refusal.invalid("user", "user is required"));
    if (s.users().containsKey(c.user().username()))
      return refuse(c.replyTo(), Refusal.conflict("user " + c.user().username() + " already exists"));
    User fresh = c.user().withFailures(0, null, null);
    return Effect().persist(new UserCreated(fresh, clock.instant()))
        .thenReply(c.replyTo(), after -> new Found(fresh));
  }

  private ReplyEffect<Event, Accounts> onUpdate(Accounts s, UpdateUser c) {
    User old = c.username() == null ? null : s.users().get(c.username());
    if (old == null) return refuse(c.replyTo(), unknown(c.username()));
    User updated;
    try {
      updated = new User(old.username(), c.name(), c.passwordHash() == null ? old.passwordHash() : c.passwordHash(),
          c.roles(), c.answeringPoints(), c.companies(), c.agentId(), 0, null, null);
    } catch (IllegalArgumentException e) {
      return refuse(c.replyTo(), Refusal.invalid(null, e.getMessage()));
    }
    return Effect().persist(new UserUpdated(updated, clock.instant()))
        .thenReply(c.replyTo(), after -> new Found(updated));
  }

  private static Refusal unknown(String username) {
    return Refusal.notFound("unknown user " + username);
  }

  private ReplyEffect<Event, Accounts> refuse(ActorRef<Reply> replyTo, Refusal refusal) {
    return Effect().reply(replyTo, new Refused(refusal));
  }

  @Override
  public EventHandler<Accounts, Event> eventHandler() {
    return (s, event) -> {
      if (event instanceof UserCreated e) return s.with(e.user().username(), e.user());
      if (event instanceof UserUpdated e) return s.with(e.user().username(), e.user());
      if (event instanceof UserRemoved e) return s.with(e.username(), null);
      if (event instanceof LoginFailed e) {
        User u = s.users().get(e.username());
        return u == null ? s : s.with(e.username(), u.withFailures(e.failures(), e.firstFailureAt(), e.lockedUntil()));
      }
      if (event instanceof FailuresCleared e) {
        User u = s.users().get(e.username());
        return u == null ? s : s.with(e.username(), u.withFailures(0, null, null));
      }
      throw new IllegalStateException("unexpected event " + event);
    };
  }
}
