package io.switchboard.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.Refusal;
import io.switchboard.core.call.CallId;
import io.switchboard.core.company.ContactId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The Message entity (ANS-6): sends on every channel, retries, gives up, and survives a crash mid-send. */
class MessageTest {
  static final ActorTestKit kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config());
  static final AtomicInteger ids = new AtomicInteger();
  final TestClock clock = new TestClock(Instant.parse("2026-11-24T09:00:00Z"));
  final Message.Settings quick = new Message.Settings(List.of(Duration.ofMillis(50), Duration.ofMillis(50)));

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  /** A delivery whose every send waits until the test answers it. */
  static final class Outbox implements MessageDelivery {
    record Sent(Channel channel, TakenMessage message, CompletableFuture<String> answer) {}

    final LinkedBlockingQueue<Sent> sends = new LinkedBlockingQueue<>();

    @Override
    public CompletionStage<String> send(Channel channel, TakenMessage message) {
      Sent s = new Sent(channel, message, new CompletableFuture<>());
      sends.add(s);
      return s.answer();
    }

    Sent next() throws InterruptedException {
      Sent s = sends.poll(5, TimeUnit.SECONDS);
      assertThat(s).as("a send").isNotNull();
      return s;
    }
  }

  TakenMessage message(MessageId id, Set<Channel> channels) {
    return new TakenMessage(id, new AnsweringPointId("north"), new CompanyId("acme"), "Acme AB",
        new ContactId("eva"), "Eva Ek", "eva@acme.example", "+46701234567", channels,
        new CallNote("Bo Berg", "0701112233", "Bergs Bygg", "Wants the offer resent", CallNote.CallBack.CALL_BACK),
        new CallId("c-1"), "anna", clock.instant());
  }

  MessageId newId() {
    return new MessageId("m-" + ids.incrementAndGet());
  }

  ActorRef<Message.Command> spawn(MessageId id, MessageDelivery delivery, TestProbe<String> passivated) {
    return kit.spawn(Message.create(id, clock, delivery, quick, self -> passivated.ref().tell("passivate")));
  }

  Message.Reply ask(ActorRef<Message.Command> m, java.util.function.Function<ActorRef<Message.Reply>, Message.Command> c) {
    TestProbe<Message.Reply> probe = kit.createTestProbe();
    m.tell(c.apply(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }

  Message.MessageView view(ActorRef<Message.Command> m) {
    return ((Message.Done) ask(m, Message.Get::new)).view();
  }

  @Test
  void aMessageIsSentOnEveryChannelItNamesAndThenStops() throws Exception {
    Outbox outbox = new Outbox();
    TestProbe<String> passivated = kit.createTestProbe();
    MessageId id = newId();
    ActorRef<Message.Command> m = spawn(id, outbox, passivated);
    Message.Done taken = (Message.Done) ask(m, r -> new Message.Take(message(id, Set.of(Channel.EMAIL, Channel.SMS)), r));
    assertThat(taken.view().settled()).isFalse();
    assertThat(taken.view().channels()).containsOnlyKeys(Channel.EMAIL, Channel.SMS);

    List<Channel> channels = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Outbox.Sent s = outbox.next();
      channels.add(s.channel());
      s.answer().complete("id-" + s.channel().json());
    }
    assertThat(channels).containsExactlyInAnyOrder(Channel.EMAIL, Channel.SMS);
    passivated.expectMessage("passivate");
    Message.MessageView v = view(m);
    assertThat(v.settled()).isTrue();
    assertThat(v.channels().get(Channel.SMS).status()).isEqualTo(Message.Status.SENT);
    assertThat(v.channels().get(Channel.SMS).providerId()).isEqualTo("id-sms");
    assertThat(v.channels().get(Channel.EMAIL).attempts()).isEqualTo(1);
    assertThat(outbox.sends).isEmpty();
  }

  @Test
  void aChannelThatFailsIsTriedAgainAndGivenUpAfterTheLastDelay() throws Exception {
    Outbox outbox = new Outbox();
    TestProbe<String> passivated = kit.createTestProbe();
    MessageId id = newId();
    ActorRef<Message.Command> m = spawn(id, outbox, passivated);
    ask(m, r -> new Message.Take(message(id, Set.of(Channel.EMAIL)), r));

    outbox.next().answer().completeExceptionally(new IllegalStateException("mail server down"));
    Outbox.Sent second = outbox.next();
    assertThat(second.channel()).isEqualTo(Channel.EMAIL);
    Message.MessageView retrying = view(m);
    assertThat(retrying.channels().get(Channel.EMAIL))
        .extracting(Message.ChannelStatus::status, Message.ChannelStatus::attempts, Message.ChannelStatus::lastError)
        .containsExactly(Message.Status.PENDING, 1, "mail server down");
    second.answer().completeExceptionally(new IllegalStateException("still down"));
    outbox.next().answer().completeExceptionally(new IllegalStateException("down for good"));

    passivated.expectMessage("passivate");
    Message.MessageView v = view(m);
    assertThat(v.settled()).isTrue();
    assertThat(v.channels().get(Channel.EMAIL))
        .extracting(Message.ChannelStatus::status, Message.ChannelStatus::attempts, Message.ChannelStatus::lastError)
        .containsExactly(Message.Status.FAILED, 3, "down for good");
    Thread.sleep(200);
    assertThat(outbox.sends).as("no attempt after giving up").isEmpty();
  }

  @Test
  void aMessageWhoseNodeDiedMidSendIsSentWhenItWakesUp() throws Exception {
    Outbox first = new Outbox();
    TestProbe<String> passivated = kit.createTestProbe();
    MessageId id = newId();
    ActorRef<Message.Command> m = spawn(id, first, passivated);
    ask(m, r -> new Message.Take(message(id, Set.of(Channel.SMS)), r));
    first.next(); // under way, never answered: the node dies now
    kit.stop(m);

    Outbox second = new Outbox();
    ActorRef<Message.Command> again = spawn(id, second, passivated);
    Outbox.Sent resent = second.next();
    assertThat(resent.channel()).isEqualTo(Channel.SMS);
    assertThat(resent.message().note().text()).isEqualTo("Wants the offer resent");
    resent.answer().complete("smsc-1");
    passivated.expectMessage("passivate");
    assertThat(view(again).channels().get(Channel.SMS).status()).isEqualTo(Message.Status.SENT);
  }

  @Test
  void aSettledMessageWakingUpSendsNothingAndStopsAgain() throws Exception {
    Outbox outbox = new Outbox();
    TestProbe<String> passivated = kit.createTestProbe();
    MessageId id = newId();
    ActorRef<Message.Command> m = spawn(id, outbox, passivated);
    ask(m, r -> new Message.Take(message(id, Set.of(Channel.EMAIL)), r));
    outbox.next().answer().complete("mail-1");
    passivated.expectMessage("passivate");
    kit.stop(m);

    Outbox later = new Outbox();
    ActorRef<Message.Command> woken = spawn(id, later, passivated);
    passivated.expectMessage("passivate");
    assertThat(view(woken).settled()).isTrue();
    Thread.sleep(100);
    assertThat(later.sends).isEmpty();
  }

  @Test
  void takingTheSameMessageTwiceIsOneMessageAndOtherContentUnderItsIdIsRefused() throws Exception {
    Outbox outbox = new Outbox();
    TestProbe<String> passivated = kit.createTestProbe();
    MessageId id = newId();
    ActorRef<Message.Command> m = spawn(id, outbox, passivated);
    TakenMessage msg = message(id, Set.of(Channel.EMAIL));
    ask(m, r -> new Message.Take(msg, r));
    assertThat(ask(m, r -> new Message.Take(msg, r))).isInstanceOf(Message.Done.class);
    outbox.next();
    Thread.sleep(100);
    assertThat(outbox.sends).as("one send for one message").isEmpty();

    TakenMessage other = new TakenMessage(id, msg.answeringPoint(), msg.company(), msg.companyName(), msg.contact(),
        msg.recipientName(), msg.email(), msg.mobile(), msg.channels(),
        new CallNote("Someone else", null, null, "Another note", null), null, "anna", clock.instant());
    Message.Refused refused = (Message.Refused) ask(m, r -> new Message.Take(other, r));
    assertThat(refused.refusal().code()).isEqualTo(Refusal.Code.CONFLICT);
  }

  @Test
  void anUnknownMessageIsNotFoundAndATakeUnderAnotherIdIsRefused() {
    MessageId id = newId();
    ActorRef<Message.Command> m = spawn(id, new Outbox(), kit.createTestProbe());
    assertThat(((Message.Refused) ask(m, Message.Get::new)).refusal().code()).isEqualTo(Refusal.Code.NOT_FOUND);
    Message.Refused wrong = (Message.Refused) ask(m, r -> new Message.Take(message(newId(), Set.of(Channel.EMAIL)), r));
    assertThat(wrong.refusal().field()).isEqualTo("messageId");
  }
}
