package io.switchboard.core.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.Refusal;
import io.switchboard.core.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoginSessionTest {
  static final ActorTestKit kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config());

  TestClock clock = new TestClock(Instant.parse("2026-11-23T09:00:00Z"));
  EventSourcedBehaviorTestKit<LoginSession.Command, LoginSession.Event, LoginSession.State> session;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    session = EventSourcedBehaviorTestKit.create(kit.system(), LoginSession.create("abc123", clock));
  }

  LoginSession.Reply get() {
    return session.<LoginSession.Reply>runCommand(LoginSession.Get::new).reply();
  }

  @Test
  void anUnknownSessionIsNotFound() {
    assertThat(((LoginSession.Refused) get()).refusal().code()).isEqualTo(Refusal.Code.NOT_FOUND);
  }

  @Test
  void aStartedSessionIsActiveUntilItExpiresAndSurvivesARestart() {
    Instant expires = clock.instant().plus(Duration.ofHours(12));
    var started = session.<LoginSession.Reply>runCommand(r -> new LoginSession.Start("anna", expires, r));
    assertThat(started.reply()).isEqualTo(new LoginSession.Active("abc123", "anna", clock.instant(), expires));
    session.restart();
    clock.advance(Duration.ofHours(11));
    assertThat(get()).isInstanceOf(LoginSession.Active.class);
    clock.advance(Duration.ofHours(1));
    assertThat(((LoginSession.Refused) get()).refusal().code()).isEqualTo(Refusal.Code.GONE);
  }

  @Test
  void anEndedSessionStaysEndedAndCannotBeStartedAgain() {
    session.<LoginSession.Reply>runCommand(r -> new LoginSession.Start("anna", clock.instant().plusSeconds(3600), r));
    session.<LoginSession.Reply>runCommand(r -> new LoginSession.End("logout", r));
    assertThat(((LoginSession.Refused) get()).refusal().code()).isEqualTo(Refusal.Code.GONE);
    session.restart();
    assertThat(((LoginSession.Refused) get()).refusal().code()).isEqualTo(Refusal.Code.GONE);
    var again = session.<LoginSession.Reply>runCommand(r -> new LoginSession.Start("eve", clock.instant().plusSeconds(3600), r));
    assertThat(((LoginSession.Refused) again.reply()).refusal().code()).isEqualTo(Refusal.Code.CONFLICT);
    assertThat(again.events()).isEmpty();
  }
}
