package io.switchboard.core.instruction;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.company.CompanyProfile;
import io.switchboard.core.company.Contact;
import io.switchboard.core.company.ContactId;
import io.switchboard.core.company.Redirect;
import io.switchboard.core.instruction.WorkInstruction.Resolved;
import io.switchboard.core.instruction.WorkInstruction.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Which instruction the agent follows (ANS-11…ANS-15): exception, then company redirect, then
 * out-of-hours, then the contact's own handling, then standard handling.
 */
class WorkInstructionTest {
  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  static final Handling STANDARD = new Handling.Note("Take a note for the client", "billing.late");
  static final Handling OUT_OF_HOURS = new Handling.Note("Closed, take a note", "opening");
  static final Handling PARTY = new Handling.WaitList("Staff party: put through to the boss", "0701234567", null, null);
  static final List<FaqNode> FAQ = List.of(
      new FaqNode("billing", "Billing", "Ask for the invoice number", List.of(
          new FaqNode("billing.late", "Late invoice", "Say it is on its way", List.of(
              new FaqNode("billing.late.fee", "Fee", "No fee the first time", null))))),
      new FaqNode("opening", "Opening hours", "Weekdays 8-17", null));
  static final Contact ANNA = new Contact(new ContactId("anna"), null, "Anna Ek", null, null, null, null, null, null,
      "Anna wants callers sent to her mobile", null);
  static final Contact BO = new Contact(new ContactId("bo"), null, "Bo Ek", null, null, null, null, null, null, null, null);
  static final Redirect CLOSED_TODAY = new Redirect(Redirect.Reason.OFF, NOW.plus(Duration.ofHours(8)),
      "The whole office is away today", "eva", NOW.minusSeconds(3600));

  static CompanyProfile profile(Handling standard, Handling outOfHours, List<CurrentException> exceptions) {
    return new CompanyProfile(null, "We sell paint", standard, outOfHours, "Weekdays 8-17", null, PhoneTone.INFORMAL,
        exceptions, FAQ, null, null);
  }

  static CurrentException exception(String id, Handling h, Instant from, Instant until) {
    return new CurrentException(id, h, from, until);
  }

  @Test
  void anActiveExceptionBeatsEverything() {
    CompanyProfile p = profile(STANDARD, OUT_OF_HOURS, List.of(exception("party", PARTY, null, null)));
    Resolved r = WorkInstruction.resolve(p, CLOSED_TODAY, ANNA, NOW, false);
    assertThat(r.source()).isEqualTo(Source.EXCEPTION);
    assertThat(r.exceptionId()).isEqualTo("party");
    assertThat(r.handling()).isEqualTo(PARTY);
    assertThat(r.text()).isEqualTo("Staff party: put through to the boss");
    assertThat(r.redirect()).isNull();
    assertThat(r.faq()).isNull();
  }

  @Test
  void theCompanyRedirectBeatsOutOfHoursTheContactAndStandard() {
    Resolved r = WorkInstruction.resolve(profile(STANDARD, OUT_OF_HOURS, null), CLOSED_TODAY, ANNA, NOW, false);
    assertThat(r.source()).isEqualTo(Source.COMPANY_REDIRECT);
    assertThat(r.text()).isEqualTo("The whole office is away today");
    assertThat(r.redirect()).isEqualTo(CLOSED_TODAY);
    assertThat(r.handling()).isNull();
    assertThat(r.exceptionId()).isNull();
  }

  @Test
  void outOfHoursBeatsTheContactAndStandard() {
    Resolved r = WorkInstruction.resolve(profile(STANDARD, OUT_OF_HOURS, null), null, ANNA, NOW, false);
    assertThat(r.source()).isEqualTo(Source.OUT_OF_HOURS);
    assertThat(r.handling()).isEqualTo(OUT_OF_HOURS);
    assertThat(r.text()).isEqualTo("Closed, take a note");
    assertThat(r.faq().id()).isEqualTo("opening");
  }

  @Test
  void theContactsOwnHandlingBeatsStandard() {
    Resolved r = WorkInstruction.resolve(profile(STANDARD, OUT_OF_HOURS, null), null, ANNA, NOW, true);
    assertThat(r.source()).isEqualTo(Source.CONTACT);
    assertThat(r.text()).isEqualTo("Anna wants callers sent to her mobile");
    assertThat(r.handling()).isNull();
    assertThat(r.faq()).isNull();
  }

  @Test
  void standardHandlingWhenNothingElseApplies() {
    CompanyProfile p = profile(STANDARD, OUT_OF_HOURS, null);
    for (Contact c : new Contact[] {null, BO}) {
      Resolved r = WorkInstruction.resolve(p, null, c, NOW, true);
      assertThat(r.source()).isEqualTo(Source.STANDARD);
      assertThat(r.handling()).isEqualTo(STANDARD);
      assertThat(r.text()).isEqualTo("Take a note for the client");
    }
  }

  @Test
  void noneWhenThereIsNoHandlingAtAll() {
    Resolved r = WorkInstruction.resolve(CompanyProfile.EMPTY, null, BO, NOW, false);
    assertThat(r.source()).isEqualTo(Source.NONE);
    assertThat(r.text()).isNull();
    assertThat(r.handling()).isNull();
    assertThat(r.tone()).isEqualTo(PhoneTone.FORMAL);
    assertThat(WorkInstruction.resolve(null, null, null, NOW, null).source()).isEqualTo(Source.NONE);
    assertThat(Source.COMPANY_REDIRECT.json()).isEqualTo("company-redirect");
  }

  @Test
  void whateverWinsTheAgentSeesToneInformationAndHours() {
    for (Resolved r : List.of(
        WorkInstruction.resolve(profile(STANDARD, null, List.of(exception("party", PARTY, null, null))), null, null, NOW, null),
        WorkInstruction.resolve(profile(STANDARD, null, null), CLOSED_TODAY, null, NOW, null),
        WorkInstruction.resolve(profile(STANDARD, null, null), null, ANNA, NOW, null),
        WorkInstruction.resolve(profile(null, null, null), null, null, NOW, null))) {
      assertThat(r.tone()).as("%s", r.source()).isEqualTo(PhoneTone.INFORMAL);
      assertThat(r.information()).isEqualTo("We sell paint");
      assertThat(r.businessHours()).isEqualTo("Weekdays 8-17");
    }
  }

  @Test
  void anExceptionStandsFromItsFromUpToButNotIncludingItsUntil() {
    Instant from = NOW, until = NOW.plus(Duration.ofHours(2));
    CompanyProfile p = profile(STANDARD, null, List.of(exception("party", PARTY, from, until)));
    assertThat(WorkInstruction.resolve(p, null, null, from.minusNanos(1), null).source()).isEqualTo(Source.STANDARD);
    assertThat(WorkInstruction.resolve(p, null, null, from, null).source()).isEqualTo(Source.EXCEPTION);
    assertThat(WorkInstruction.resolve(p, null, null, until.minusNanos(1), null).source()).isEqualTo(Source.EXCEPTION);
    assertThat(WorkInstruction.resolve(p, null, null, until, null).source()).isEqualTo(Source.STANDARD);
  }

  @Test
  void anExceptionWithoutFromStandsNowAndOneWithoutUntilUntilRemoved() {
    CompanyProfile noFrom = profile(STANDARD, null, List.of(exception("storm", PARTY, null, NOW)));
    assertThat(WorkInstruction.resolve(noFrom, null, null, Instant.EPOCH, null).source()).isEqualTo(Source.EXCEPTION);
    assertThat(WorkInstruction.resolve(noFrom, null, null, NOW, null).source()).isEqualTo(Source.STANDARD);
    CompanyProfile noUntil = profile(STANDARD, null, List.of(exception("storm", PARTY, NOW, null)));
    assertThat(WorkInstruction.resolve(noUntil, null, null, NOW.minusNanos(1), null).source()).isEqualTo(Source.STANDARD);
    assertThat(WorkInstruction.resolve(noUntil, null, null, Instant.parse("2999-01-01T00:00:00Z"), null).source())
        .isEqualTo(Source.EXCEPTION);
  }

  @Test
  void theActiveExceptionWinsOverOnesNotYetOrNoLongerStanding() {
    Handling later = new Handling.Note("Later", null);
    Handling earlier = new Handling.Note("Earlier", null);
    CompanyProfile p = profile(STANDARD, null, List.of(
        exception("earlier", earlier, NOW.minus(Duration.ofDays(2)), NOW.minus(Duration.ofDays(1))),
        exception("later", later, NOW.plus(Duration.ofDays(1)), null),
        exception("party", PARTY, NOW.minusSeconds(1), NOW.plusSeconds(1))));
    Resolved r = WorkInstruction.resolve(p, null, null, NOW, null);
    assertThat(r.exceptionId()).isEqualTo("party");
    assertThat(WorkInstruction.resolve(p, null, null, NOW.plus(Duration.ofDays(2)), null).exceptionId()).isEqualTo("later");
  }

  @Test
  void aLapsedCompanyRedirectIsIgnored() {
    CompanyProfile p = profile(STANDARD, null, null);
    Redirect lunch = new Redirect(Redirect.Reason.LUNCH, NOW, "At lunch", "eva", NOW.minusSeconds(3600));
    assertThat(WorkInstruction.resolve(p, lunch, null, NOW.minusNanos(1), null).source()).isEqualTo(Source.COMPANY_REDIRECT);
    Resolved r = WorkInstruction.resolve(p, lunch, null, NOW, null);
    assertThat(r.source()).isEqualTo(Source.STANDARD);
    assertThat(r.redirect()).isNull();
    assertThat(WorkInstruction.resolve(p, lunch, ANNA, NOW.plusSeconds(60), null).source()).isEqualTo(Source.CONTACT);
  }

  @Test
  void anOpenEndedCompanyRedirectWithoutNoteStillWins() {
    Redirect off = new Redirect(Redirect.Reason.OFF, null, null, null, null);
    Resolved r = WorkInstruction.resolve(profile(STANDARD, null, null), off, null, NOW, null);
    assertThat(r.source()).isEqualTo(Source.COMPANY_REDIRECT);
    assertThat(r.text()).isNull();
    assertThat(r.redirect()).isEqualTo(off);
  }

  @Test
  void withoutACalendarThereIsNoOutOfHours() {
    CompanyProfile p = profile(STANDARD, OUT_OF_HOURS, null);
    assertThat(WorkInstruction.resolve(p, null, null, NOW, null).source()).isEqualTo(Source.STANDARD);
    assertThat(WorkInstruction.resolve(p, null, ANNA, NOW, null).source()).isEqualTo(Source.CONTACT);
    assertThat(WorkInstruction.resolve(p, null, null, NOW, true).source()).isEqualTo(Source.STANDARD);
    assertThat(WorkInstruction.resolve(p, null, null, NOW, false).source()).isEqualTo(Source.OUT_OF_HOURS);
  }

  @Test
  void closedWithoutOutOfHoursHandlingFallsThroughToTheContactAndStandard() {
    CompanyProfile p = profile(STANDARD, null, null);
    assertThat(WorkInstruction.resolve(p, null, ANNA, NOW, false).source()).isEqualTo(Source.CONTACT);
    assertThat(WorkInstruction.resolve(p, null, null, NOW, false).source()).isEqualTo(Source.STANDARD);
    assertThat(WorkInstruction.resolve(profile(null, null, null), null, null, NOW, false).source()).isEqualTo(Source.NONE);
  }

  @Test
  void theFaqEntryIsResolvedFromTheNestedTree() {
    Resolved r = WorkInstruction.resolve(profile(STANDARD, null, null), null, null, NOW, null);
    assertThat(r.faq().id()).isEqualTo("billing.late");
    assertThat(r.faq().answer()).isEqualTo("Say it is on its way");
    assertThat(r.faq().children()).extracting(FaqNode::id).containsExactly("billing.late.fee");

    Handling deepest = new Handling.Note("Fees", "billing.late.fee");
    Resolved viaException = WorkInstruction.resolve(
        profile(STANDARD, null, List.of(exception("fees", deepest, null, null))), null, null, NOW, null);
    assertThat(viaException.faq().answer()).isEqualTo("No fee the first time");

    // An exception's entry is not checked against the tree; one that is not there gives no FAQ entry.
    Handling nowhere = new Handling.Note("?", "no-such-entry");
    assertThat(WorkInstruction.resolve(profile(STANDARD, null, List.of(exception("x", nowhere, null, null))), null,
        null, NOW, null).faq()).isNull();
  }

  // ---------------------------------------------------------------- property

  record Case(CompanyProfile profile, Redirect companyRedirect, Contact contact, Instant now, Boolean open) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Instant> instants = Arbitraries.integers().between(-6, 6).map(h -> NOW.plus(Duration.ofHours(h)));
    Arbitrary<Instant> optionalInstants = instants.injectNull(0.3);
    Arbitrary<CurrentException> exceptions = Combinators.combine(optionalInstants, Arbitraries.integers().between(0, 6)
            .injectNull(0.3), Arbitraries.integers().between(0, 99))
        .as((from, length, n) -> {
          Instant until = length == null ? null : (from == null ? NOW : from).plus(Duration.ofHours(length + 1));
          return new CurrentException("x" + n, PARTY, from, until);
        });
    Arbitrary<List<CurrentException>> lists = exceptions.list().ofMaxSize(4).uniqueElements(CurrentException::id);
    Arbitrary<Handling> handlings = Arbitraries.of(STANDARD, OUT_OF_HOURS).injectNull(0.4);
    Arbitrary<CompanyProfile> profiles = Combinators.combine(handlings, handlings, lists).as(WorkInstructionTest::profile);
    Arbitrary<Redirect> redirects = optionalInstants
        .map(until -> new Redirect(Redirect.Reason.MEETING, until, "away", null, null)).injectNull(0.4);
    Arbitrary<Contact> contacts = Arbitraries.of(ANNA, BO).injectNull(0.3);
    Arbitrary<Boolean> open = Arbitraries.of(true, false).injectNull(0.3);
    return Combinators.combine(profiles, redirects, contacts, instants, open).as(Case::new);
  }

  @Property(tries = 1000)
  void theSourceIsExceptionExactlyWhenSomeExceptionStands(@ForAll("cases") Case c) {
    Resolved r = WorkInstruction.resolve(c.profile(), c.companyRedirect(), c.contact(), c.now(), c.open());
    List<String> standing = new ArrayList<>();
    for (CurrentException e : c.profile().exceptions()) {
      boolean started = e.from() == null || !c.now().isBefore(e.from());
      boolean notEnded = e.until() == null || c.now().isBefore(e.until());
      if (started && notEnded) standing.add(e.id());
    }
    assertThat(r.source() == Source.EXCEPTION).as("%s -> %s", c, r).isEqualTo(!standing.isEmpty());
    if (!standing.isEmpty()) assertThat(r.exceptionId()).isEqualTo(standing.get(0));
    else assertThat(r.exceptionId()).isNull();
    // Nothing at all only when the profile has no handling and nothing else applies.
    if (c.profile().standardHandling() != null) assertThat(r.source()).isNotEqualTo(Source.NONE);
  }
}
