package io.switchboard.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.call.CallId;
import io.switchboard.core.company.ContactId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The note's rules, the guard on call-back numbers (ANS-16) and how a message reads. */
class CallNoteTest {

  @Test
  void aNoteNeedsItsTextAndACallBackNeedsANumber() {
    assertThatThrownBy(() -> new CallNote("Bo", "0701", null, " ", null)).hasMessageStartingWith("text is required");
    assertThatThrownBy(() -> new CallNote("Bo", null, null, "Call me", CallNote.CallBack.CALL_BACK))
        .hasMessageStartingWith("callerNumber is required");
    assertThatThrownBy(() -> new CallNote("Bo", "07x1", null, "Hi", null)).hasMessageStartingWith("callerNumber:");
    assertThat(new CallNote(null, "070-111 22 33", null, "Hi", null).callerNumber()).isEqualTo("0701112233");
    assertThat(new CallNote(null, null, null, "Hi", null).callBack()).isEqualTo(CallNote.CallBack.FOR_INFORMATION);
    assertThat(CallNote.CallBack.parse("will-call-again")).isEqualTo(CallNote.CallBack.WILL_CALL_AGAIN);
    assertThatThrownBy(() -> CallNote.CallBack.parse("maybe")).hasMessageContaining("callBack must be");
  }

  @Test
  void theClientsOwnNumberIsNoCallBackNumberInAnyForm() {
    List<String> own = List.of("+46812345678", "0200123456");
    assertThat(CallBackGuard.check("0812345678", own)).get().asString()
        .contains("client's own number").contains("+46812345678");
    assertThat(CallBackGuard.check("+46812345678", own)).isPresent();
    assertThat(CallBackGuard.check("0200123456", own)).isPresent();
    assertThat(CallBackGuard.check("0701112233", own)).isEmpty();
    // Same last nine digits in two other countries are two numbers.
    assertThat(CallBackGuard.check("+47812345678", own)).isEmpty();
    assertThat(CallBackGuard.check(null, own)).isEmpty();
  }

  @Test
  void aMessageReadsWithItsFactsAndTheSmsIsCutToThreeParts() {
    TakenMessage m = new TakenMessage(new MessageId("m-1"), new AnsweringPointId("north"), new CompanyId("acme"),
        "Acme AB", new ContactId("eva"), "Eva Ek", "eva@acme.example", null, Set.of(Channel.EMAIL),
        new CallNote("Bo Berg", "0701112233", "Bergs Bygg", "Wants the offer resent", CallNote.CallBack.CALL_BACK),
        new CallId("c-1"), "anna", Instant.parse("2026-11-24T09:05:00Z"));
    assertThat(MessageText.subject(m)).isEqualTo("Message for Eva Ek from Bo Berg (Bergs Bygg) (please call back)");
    assertThat(MessageText.email(m, ZoneId.of("Europe/Stockholm")))
        .contains("Caller: Bo Berg").contains("Number: 0701112233").contains("Wants: Please call back")
        .contains("Taken: 2026-11-24 10:05 by anna").endsWith("Wants the offer resent\n");
    assertThat(MessageText.sms(m, ZoneId.of("Europe/Stockholm")))
        .isEqualTo("10:05 Bo Berg (Bergs Bygg) 0701112233, please call back: Wants the offer resent");
    TakenMessage longer = new TakenMessage(m.id(), m.answeringPoint(), m.company(), m.companyName(), m.contact(),
        m.recipientName(), m.email(), m.mobile(), m.channels(),
        new CallNote(null, null, null, "x".repeat(1000), null), null, null, m.takenAt());
    assertThat(MessageText.sms(longer, ZoneId.of("UTC"))).hasSize(MessageText.SMS_LIMIT).endsWith("…");
  }

  @Test
  void aMessageMustGoSomewhereItsRecipientCanBeReached() {
    CallNote note = new CallNote(null, null, null, "Hi", null);
    assertThatThrownBy(() -> new TakenMessage(new MessageId("m-2"), new AnsweringPointId("n"), new CompanyId("c"), "C",
        new ContactId("x"), "Xe", null, "+4670", Set.of(Channel.EMAIL), note, null, null, Instant.EPOCH))
        .hasMessage("channels: Xe has no e-mail address");
    assertThatThrownBy(() -> new TakenMessage(new MessageId("m-2"), new AnsweringPointId("n"), new CompanyId("c"), "C",
        new ContactId("x"), "Xe", "x@c.se", null, Set.of(), note, null, null, Instant.EPOCH))
        .hasMessageStartingWith("channels must name");
  }
}
