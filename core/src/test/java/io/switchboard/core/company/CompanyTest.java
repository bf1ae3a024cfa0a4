package io.switchboard.core.company;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.switchboard.core.Refusal;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.company.Company.ImportMode;
import io.switchboard.core.company.Redirect.Reason;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.Notifier;
import io.switchboard.core.instruction.CurrentException;
import io.switchboard.core.instruction.FaqNode;
import io.switchboard.core.instruction.Handling;
import io.switchboard.core.instruction.PhoneTone;
import io.switchboard.core.template.GreetingTemplate;
import io.switchboard.core.testkit.ProbeRefs;
import io.switchboard.core.testkit.TestClock;
import io.switchboard.core.testkit.TestSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The company card entity (ANS-1, ANS-2, ANS-5, ANS-11…ANS-16). Every command, event and state
 * goes through CBOR and must come back equal, as it would between nodes and from the journal.
 */
class CompanyTest {
  static final ActorTestKit kit = ActorTestKit.create(ConfigFactory.parseString(
      "pekko.actor.testkit.typed.single-expect-default = 30s").withFallback(EventSourcedBehaviorTestKit.config()));
  static final Instant T0 = Instant.parse("2026-11-23T08:00:00Z");
  static final AtomicInteger companies = new AtomicInteger();

  static final Handling STANDARD = new Handling.WaitList("Put through to reception", "08-555 10 00", "070-111 22 33",
      "billing");
  static final List<FaqNode> FAQ = List.of(new FaqNode("billing", "Billing", "Ask for the invoice number",
      List.of(new FaqNode("billing.late", "Late invoice", "It is on its way", null))));
  static final CompanyProfile PROFILE = new CompanyProfile(new GreetingTemplate("Acme, {NAME}?"), "We sell paint",
      STANDARD, new Handling.Note("Closed, take a note", null), "Weekdays 8-17",
      new CalendarId("office"), PhoneTone.INFORMAL,
      List.of(new CurrentException("party", new Handling.Note("Staff party", "billing.late"), T0, T0.plusSeconds(7200))),
      FAQ, List.of("08-555 10 00"), List.of("https://crm.example.com/{CUSTID}?ano={ANO}"));

  TestClock clock;
  CompanyId id;
  EventSourcedBehaviorTestKit<Company.Command, Company.Event, CompanyCard> company;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    clock = new TestClock(T0);
    id = new CompanyId("acme-" + companies.incrementAndGet());
    company = EventSourcedBehaviorTestKit.create(kit.system(),
        Company.create(id, new EngineContext(new ProbeRefs(kit), clock, TestSettings.defaults(), Notifier.NONE)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  // ---------------------------------------------------------------- helpers

  static Contact person(String id, String name) {
    return new Contact(new ContactId(id), Contact.Kind.PERSON, name, "Title of " + name, "Sales",
        List.of("08-555 " + Math.abs(id.hashCode() % 100000)), id + "@acme.se", null, null, null, null);
  }

  static Contact person(String id, String name, String title) {
    return new Contact(new ContactId(id), Contact.Kind.PERSON, name, title, null, null, null, null, null, null, null);
  }

  static Redirect redirect(Reason reason, Instant until) {
    return new Redirect(reason, until, "Back " + until, "eva", T0);
  }

  String persistenceId() {
    return "Company|" + id.value();
  }

  CommandResultWithReply<Company.Command, Company.Event, CompanyCard, Company.Reply> result(
      Function<ActorRef<Company.Reply>, Company.Command> command) {
    return company.runCommand(command);
  }

  CompanyCard done(Function<ActorRef<Company.Reply>, Company.Command> command) {
    Company.Reply reply = result(command).reply();
    assertThat(reply).isInstanceOf(Company.Done.class);
    return ((Company.Done) reply).card();
  }

  CompanyCard card() {
    return done(Company.GetCard::new);
  }

  /** The command is refused and changes nothing: no event, the same card, nothing more in the journal. */
  Refusal refused(Function<ActorRef<Company.Reply>, Company.Command> command, Refusal.Code code, String field) {
    CompanyCard before = company.getState();
    int stored = company.persistenceTestKit().persistedInStorage(persistenceId()).size();
    var result = result(command);
    assertThat(result.reply()).isInstanceOf(Company.Refused.class);
    Refusal refusal = ((Company.Refused) result.reply()).refusal();
    assertThat(refusal.code()).as("%s", refusal).isEqualTo(code);
    assertThat(refusal.field()).as("%s", refusal).isEqualTo(field);
    assertThat(result.events()).isEmpty();
    assertThat(result.state()).isEqualTo(before);
    assertThat(company.persistenceTestKit().persistedInStorage(persistenceId())).hasSize(stored);
    return refusal;
  }

  Company.Imported imported(List<Contact> contacts, ImportMode mode) {
    Company.Reply reply = result(r -> new Company.ImportContacts(contacts, mode, r)).reply();
    assertThat(reply).isInstanceOf(Company.Imported.class);
    return (Company.Imported) reply;
  }

  // ---------------------------------------------------------------- profile

  @Test
  void aNewCompanyHasAnEmptyCard() {
    CompanyCard empty = card();
    assertThat(empty.id()).isEqualTo(id);
    assertThat(empty.profile()).isEqualTo(CompanyProfile.EMPTY);
    assertThat(empty.contacts()).isEmpty();
    assertThat(empty.redirect()).isNull();
    assertThat(empty.version()).isZero();
  }

  @Test
  void aProfileIsPutAndRead() {
    var put = result(r -> new Company.PutProfile(PROFILE, r));
    assertThat(put.events()).containsExactly(new Company.ProfilePut(PROFILE, T0));
    assertThat(((Company.Done) put.reply()).card().profile()).isEqualTo(PROFILE);
    assertThat(card().profile()).isEqualTo(PROFILE);

    CompanyProfile plain = new CompanyProfile(null, "Now we sell glue", null, null, null, null, null, null, null,
        null, null);
    assertThat(done(r -> new Company.PutProfile(plain, r)).profile()).isEqualTo(plain);
    assertThat(company.restart().state().profile()).isEqualTo(plain);
  }

  // ---------------------------------------------------------------- contacts

  @Test
  void puttingAContactKeepsItsRedirect() {
    Contact anna = person("anna", "Anna Ek");
    var put = result(r -> new Company.PutContact(anna, r));
    assertThat(put.events()).containsExactly(new Company.ContactPut(anna, T0));
    Redirect lunch = redirect(Reason.LUNCH, T0.plus(Duration.ofHours(1)));
    done(r -> new Company.SetRedirect(anna.id(), lunch, r));

    clock.advance(Duration.ofMinutes(5));
    // The update carries no redirect (or another one): the one set by its own command stays.
    Contact promoted = person("anna", "Anna Ek", "CEO");
    CompanyCard card = done(r -> new Company.PutContact(promoted, r));
    assertThat(card.contacts().get(anna.id()).title()).isEqualTo("CEO");
    assertThat(card.contacts().get(anna.id()).redirect()).isEqualTo(lunch);
    Contact carrying = promoted.withRedirect(redirect(Reason.VACATION, T0.plus(Duration.ofDays(9))));
    assertThat(done(r -> new Company.PutContact(carrying, r)).contacts().get(anna.id()).redirect()).isEqualTo(lunch);
    assertThat(company.restart().state().contacts().get(anna.id())).isEqualTo(promoted.withRedirect(lunch));
  }

  @Test
  void aNewContactStartsWithoutARedirectWhateverItCarries() {
    Contact bo = person("bo", "Bo Ek").withRedirect(redirect(Reason.SICK, null));
    assertThat(done(r -> new Company.PutContact(bo, r)).contacts().get(bo.id()).redirect()).isNull();
  }

  @Test
  void aContactIsRemoved() {
    Contact anna = person("anna", "Anna Ek"), bo = person("bo", "Bo Ek");
    done(r -> new Company.PutContact(anna, r));
    done(r -> new Company.PutContact(bo, r));
    var removed = result(r -> new Company.RemoveContact(anna.id(), r));
    assertThat(removed.events()).containsExactly(new Company.ContactRemoved(anna.id(), T0));
    assertThat(((Company.Done) removed.reply()).card().contacts()).containsOnlyKeys(bo.id());
    refused(r -> new Company.RemoveContact(anna.id(), r), Refusal.Code.NOT_FOUND, null);
    refused(r -> new Company.RemoveContact(null, r), Refusal.Code.NOT_FOUND, null);
    assertThat(company.restart().state().contacts()).containsOnlyKeys(bo.id());
  }

  // ---------------------------------------------------------------- redirects

  @Test
  void aRedirectIsSetOnAContactAndOnTheCompanyAndCleared() {
    Contact anna = person("anna", "Anna Ek");
    done(r -> new Company.PutContact(anna, r));
    Redirect meeting = redirect(Reason.MEETING, T0.plus(Duration.ofHours(2)));
    var set = result(r -> new Company.SetRedirect(anna.id(), meeting, r));
    assertThat(set.events()).containsExactly(new Company.RedirectSet(anna.id(), meeting, T0));
    CompanyCard card = ((Company.Done) set.reply()).card();
    assertThat(card.activeRedirect(anna.id(), T0)).isEqualTo(meeting);
    assertThat(card.redirect()).isNull();

    Redirect closed = redirect(Reason.OFF, null);
    var whole = result(r -> new Company.SetRedirect(null, closed, r));
    assertThat(whole.events()).containsExactly(new Company.RedirectSet(null, closed, T0));
    assertThat(((Company.Done) whole.reply()).card().redirect()).isEqualTo(closed);

    // Both survive a restart.
    CompanyCard before = company.getState();
    assertThat(company.restart().state()).isEqualTo(before);

    clock.advance(Duration.ofMinutes(1));
    var clear = result(r -> new Company.ClearRedirect(anna.id(), "eva", r));
    assertThat(clear.events()).containsExactly(new Company.RedirectCleared(anna.id(), "eva", T0.plusSeconds(60)));
    assertThat(((Company.Done) clear.reply()).card().contacts().get(anna.id()).redirect()).isNull();
    var clearWhole = result(r -> new Company.ClearRedirect(null, "eva", r));
    assertThat(clearWhole.events()).hasSize(1);
    assertThat(((Company.Done) clearWhole.reply()).card().redirect()).isNull();
    assertThat(company.restart().state().redirect()).isNull();
  }

  @Test
  void aRedirectOnAnUnknownContactIsRefused() {
    refused(r -> new Company.SetRedirect(new ContactId("ghost"), redirect(Reason.LUNCH, null), r),
        Refusal.Code.NOT_FOUND, null);
    refused(r -> new Company.ClearRedirect(new ContactId("ghost"), "eva", r), Refusal.Code.NOT_FOUND, null);
    refused(r -> new Company.SetRedirect(null, null, r), Refusal.Code.INVALID, "redirect");
  }

  @Test
  void aRedirectWhoseUntilHasPassedIsRefused() {
    Contact anna = person("anna", "Anna Ek");
    done(r -> new Company.PutContact(anna, r));
    Refusal atNow = refused(r -> new Company.SetRedirect(anna.id(), redirect(Reason.LUNCH, T0), r),
        Refusal.Code.INVALID, "until");
    assertThat(atNow.message()).contains("has passed");
    refused(r -> new Company.SetRedirect(null, redirect(Reason.LUNCH, T0.minusSeconds(1)), r), Refusal.Code.INVALID,
        "until");
    // A moment later it would be in the future, so the entity judges by its clock.
    Redirect inAMinute = redirect(Reason.LUNCH, T0.plusSeconds(60));
    assertThat(done(r -> new Company.SetRedirect(anna.id(), inAMinute, r)).activeRedirect(anna.id(), T0))
        .isEqualTo(inAMinute);
    clock.advance(Duration.ofMinutes(2));
    refused(r -> new Company.SetRedirect(anna.id(), inAMinute, r), Refusal.Code.INVALID, "until");
    // The lapsed one is still on the card, but no longer stands.
    assertThat(card().contacts().get(anna.id()).redirect()).isEqualTo(inAMinute);
    assertThat(card().activeRedirect(anna.id(), clock.instant())).isNull();
  }

  @Test
  void clearingAClearRedirectWritesNothing() {
    Contact anna = person("anna", "Anna Ek");
    done(r -> new Company.PutContact(anna, r));
    for (ContactId who : new ContactId[] {null, anna.id()}) {
      CompanyCard before = company.getState();
      var clear = result(r -> new Company.ClearRedirect(who, "eva", r));
      assertThat(clear.reply()).isEqualTo(new Company.Done(before));
      assertThat(clear.events()).isEmpty();
    }
    assertThat(company.persistenceTestKit().persistedInStorage(persistenceId())).hasSize(1);
  }

  // ---------------------------------------------------------------- imports

  @Test
  void aMergeImportAddsAndUpdatesKeepingRedirects() {
    Contact anna = person("anna", "Anna Ek"), bo = person("bo", "Bo Ek");
    done(r -> new Company.PutContact(anna, r));
    done(r -> new Company.PutContact(bo, r));
    Redirect vacation = redirect(Reason.VACATION, T0.plus(Duration.ofDays(7)));
    done(r -> new Company.SetRedirect(anna.id(), vacation, r));

    Contact annaNow = person("anna", "Anna Ek", "CFO"), cilla = person("cilla", "Cilla Berg");
    var result = result(r -> new Company.ImportContacts(List.of(cilla, annaNow), ImportMode.MERGE, r));
    assertThat(result.events()).containsExactly(new Company.ContactsImported(List.of(annaNow, cilla), T0));
    Company.Imported imported = (Company.Imported) result.reply();
    assertThat(imported.added()).isEqualTo(1);
    assertThat(imported.updated()).isEqualTo(1);
    assertThat(imported.removed()).isZero();
    Map<ContactId, Contact> contacts = imported.card().contacts();
    assertThat(contacts).containsOnlyKeys(anna.id(), bo.id(), cilla.id());
    assertThat(contacts.get(anna.id())).isEqualTo(annaNow.withRedirect(vacation));
    assertThat(contacts.get(bo.id())).isEqualTo(bo);
    assertThat(contacts.get(cilla.id())).isEqualTo(cilla);
    // A mode left out is a merge.
    Company.Imported again = imported(List.of(person("dan", "Dan Ek")), null);
    assertThat(again.card().contacts()).hasSize(4);
    assertThat(again.removed()).isZero();
    assertThat(company.restart().state()).isEqualTo(again.card());
  }

  @Test
  void aReplaceImportRemovesEveryContactItDoesNotName() {
    Contact anna = person("anna", "Anna Ek"), bo = person("bo", "Bo Ek"), cilla = person("cilla", "Cilla Berg");
    imported(List.of(anna, bo, cilla), ImportMode.MERGE);
    Redirect sick = redirect(Reason.SICK, null);
    done(r -> new Company.SetRedirect(anna.id(), sick, r));
    done(r -> new Company.SetRedirect(bo.id(), sick, r));

    clock.advance(Duration.ofHours(1));
    Instant now = clock.instant();
    Contact annaNow = person("anna", "Anna Ek", "CFO"), dan = person("dan", "Dan Ek");
    var result = result(r -> new Company.ImportContacts(List.of(dan, annaNow), ImportMode.REPLACE, r));
    assertThat(result.events()).containsExactly(
        new Company.ContactsRemoved(List.of(bo.id(), cilla.id()), now),
        new Company.ContactsImported(List.of(annaNow, dan), now));
    Company.Imported imported = (Company.Imported) result.reply();
    assertThat(List.of(imported.added(), imported.updated(), imported.removed())).containsExactly(1, 1, 2);
    assertThat(imported.card().contacts()).containsOnlyKeys(anna.id(), dan.id());
    assertThat(imported.card().contacts().get(anna.id()).redirect()).isEqualTo(sick);
    // Bo came back in a new import: his old redirect went with him.
    Company.Imported boBack = imported(List.of(annaNow, dan, bo), ImportMode.REPLACE);
    assertThat(boBack.card().contacts().get(bo.id()).redirect()).isNull();
    assertThat(List.of(boBack.added(), boBack.updated(), boBack.removed())).containsExactly(1, 2, 0);
    assertThat(company.restart().state()).isEqualTo(boBack.card());
  }

  @Test
  void anImportWithADuplicateIdIsRefusedAndNothingIsHalfImported() {
    Contact anna = person("anna", "Anna Ek");
    done(r -> new Company.PutContact(anna, r));
    List<Contact> many = new ArrayList<>(IntStream.range(0, 700).mapToObj(i -> person("p" + i, "Person " + i)).toList());
    many.add(person("p3", "Person three again"));
    Refusal twice = refused(r -> new Company.ImportContacts(many, ImportMode.REPLACE, r), Refusal.Code.INVALID, "id");
    assertThat(twice.message()).contains("p3");
    refused(r -> new Company.ImportContacts(many, ImportMode.MERGE, r), Refusal.Code.INVALID, "id");
    refused(r -> new Company.ImportContacts(List.of(), ImportMode.MERGE, r), Refusal.Code.INVALID, "contacts");
    refused(r -> new Company.ImportContacts(null, ImportMode.REPLACE, r), Refusal.Code.INVALID, "contacts");
    assertThat(company.restart().state().contacts()).containsOnlyKeys(anna.id());
  }

  @Test
  void anImportWithAHoleIsRefusedAndTheEntityGoesOn() {
    // A JSON array with a null in it reads as a list with a null element.
    List<Contact> withHole = new ArrayList<>(List.of(person("anna", "Anna Ek")));
    withHole.add(null);
    refused(r -> new Company.ImportContacts(withHole, ImportMode.MERGE, r), Refusal.Code.INVALID, "contacts");
    assertThat(card().contacts()).isEmpty();
  }

  @Test
  void aLargeImportIsWrittenInChunksAtOnceAndSurvivesARestart() {
    List<Contact> staff = IntStream.range(0, 1201)
        .mapToObj(i -> person(String.format("c%04d", i), "Person " + i)).toList();
    // Three of them are there already, with redirects.
    List<Integer> away = List.of(0, 600, 1200);
    for (int i : away) {
      Contact c = staff.get(i);
      done(r -> new Company.PutContact(person(c.id().value(), "Old name"), r));
      done(r -> new Company.SetRedirect(c.id(), redirect(Reason.values()[i % 6], T0.plus(Duration.ofDays(1))), r));
    }
    int before = company.persistenceTestKit().persistedInStorage(persistenceId()).size();

    List<Integer> writes = new CopyOnWriteArrayList<>();
    company.persistenceTestKit().withPolicy((pid, op) -> {
      if (op instanceof WriteEvents w && pid.equals(persistenceId())) writes.add(w.getBatch().size());
      return ProcessingSuccess$.MODULE$;
    });
    var result = result(r -> new Company.ImportContacts(staff, ImportMode.MERGE, r));
    company.persistenceTestKit().resetPolicy();

    assertThat(result.events()).hasSize(3).allMatch(e -> e instanceof Company.ContactsImported);
    assertThat(result.events()).map(e -> ((Company.ContactsImported) e).contacts().size())
        .containsExactly(Company.IMPORT_CHUNK, Company.IMPORT_CHUNK, 201);
    // One write of all three events: the import is in the journal whole or not at all.
    assertThat(writes).containsExactly(3);
    assertThat(company.persistenceTestKit().persistedInStorage(persistenceId())).hasSize(before + 3);
    Company.Imported imported = (Company.Imported) result.reply();
    assertThat(List.of(imported.added(), imported.updated(), imported.removed())).containsExactly(1198, 3, 0);

    CompanyCard after = company.restart().state();
    assertThat(after).isEqualTo(imported.card());
    assertThat(after.contacts()).hasSize(1201);
    for (int i = 0; i < staff.size(); i++) {
      Contact c = after.contacts().get(staff.get(i).id());
      assertThat(c.name()).isEqualTo("Person " + i);
      if (away.contains(i)) assertThat(c.redirect().reason()).isEqualTo(Reason.values()[i % 6]);
      else assertThat(c.redirect()).isNull();
    }
  }

  @Test
  void aCompanyHasAtMostMaxContacts() {
    List<Contact> tooMany = IntStream.range(0, Company.MAX_CONTACTS + 1)
        .mapToObj(i -> person("c" + i, "Person " + i, null)).toList();
    Refusal refusal = refused(r -> new Company.ImportContacts(tooMany, ImportMode.MERGE, r), Refusal.Code.CONFLICT, null);
    assertThat(refusal.message()).contains("50001").contains("50000");

    Company.Imported full = imported(tooMany.subList(0, Company.MAX_CONTACTS), ImportMode.MERGE);
    assertThat(full.card().contacts()).hasSize(Company.MAX_CONTACTS);
    refused(r -> new Company.PutContact(person("one-more", "One More", null), r), Refusal.Code.CONFLICT, null);
    refused(r -> new Company.ImportContacts(List.of(person("one-more", "One More", null)), ImportMode.MERGE, r),
        Refusal.Code.CONFLICT, null);
    // Changing one that is there is no new contact.
    assertThat(done(r -> new Company.PutContact(person("c7", "Seven", "Boss"), r)).contacts()).hasSize(Company.MAX_CONTACTS);
    // Nor is a replacement that removes one to add another.
    List<Contact> swapped = new ArrayList<>(tooMany.subList(1, Company.MAX_CONTACTS));
    swapped.add(person("one-more", "One More", null));
    Company.Imported swap = imported(swapped, ImportMode.REPLACE);
    assertThat(List.of(swap.added(), swap.updated(), swap.removed())).containsExactly(1, Company.MAX_CONTACTS - 1, 1);
    assertThat(swap.card().contacts()).hasSize(Company.MAX_CONTACTS).doesNotContainKey(new ContactId("c0"));
    done(r -> new Company.RemoveContact(new ContactId("c1"), r));
    assertThat(done(r -> new Company.PutContact(person("c0", "Zero", null), r)).contacts()).hasSize(Company.MAX_CONTACTS);
  }

  // ---------------------------------------------------------------- exceptions

  @Test
  void exceptionsArePutReplacedAndRemoved() {
    done(r -> new Company.PutProfile(PROFILE, r));
    CurrentException storm = new CurrentException("storm", new Handling.Note("Storm: take notes", null), null,
        T0.plus(Duration.ofHours(4)));
    var put = result(r -> new Company.PutException(storm, r));
    assertThat(put.events()).containsExactly(new Company.ExceptionPut(storm, T0));
    assertThat(((Company.Done) put.reply()).card().profile().exceptions()).extracting(CurrentException::id)
        .containsExactly("party", "storm");

    CurrentException longer = new CurrentException("storm", new Handling.Note("Storm: still taking notes", null), null,
        T0.plus(Duration.ofHours(8)));
    CompanyCard replaced = done(r -> new Company.PutException(longer, r));
    assertThat(replaced.profile().exceptions()).containsExactly(PROFILE.exceptions().get(0), longer);
    // The rest of the profile is untouched.
    assertThat(replaced.profile().withExceptions(PROFILE.exceptions())).isEqualTo(PROFILE);

    var removed = result(r -> new Company.RemoveException("party", r));
    assertThat(removed.events()).containsExactly(new Company.ExceptionRemoved("party", T0));
    assertThat(((Company.Done) removed.reply()).card().profile().exceptions()).containsExactly(longer);
    refused(r -> new Company.RemoveException("party", r), Refusal.Code.NOT_FOUND, null);
    refused(r -> new Company.RemoveException(null, r), Refusal.Code.NOT_FOUND, null);
    refused(r -> new Company.PutException(null, r), Refusal.Code.INVALID, "exception");
    assertThat(company.restart().state().profile().exceptions()).containsExactly(longer);
  }

  @Test
  void anExceptionCanBePutBeforeAnyProfile() {
    CurrentException storm = new CurrentException("storm", new Handling.Note("Storm", null), null, null);
    assertThat(done(r -> new Company.PutException(storm, r)).profile())
        .isEqualTo(CompanyProfile.EMPTY.withExceptions(List.of(storm)));
    refused(r -> new Company.RemoveException("party", r), Refusal.Code.NOT_FOUND, null);
  }

  // ---------------------------------------------------------------- refusals and replay

  @Test
  void everyRefusalWritesNothing() {
    Contact anna = person("anna", "Anna Ek");
    done(r -> new Company.PutProfile(PROFILE, r));
    done(r -> new Company.PutContact(anna, r));
    done(r -> new Company.SetRedirect(anna.id(), redirect(Reason.LUNCH, T0.plusSeconds(600)), r));
    ContactId ghost = new ContactId("ghost");
    refused(r -> new Company.PutProfile(null, r), Refusal.Code.INVALID, "profile");
    refused(r -> new Company.PutContact(null, r), Refusal.Code.INVALID, "contact");
    refused(r -> new Company.RemoveContact(ghost, r), Refusal.Code.NOT_FOUND, null);
    refused(r -> new Company.SetRedirect(ghost, redirect(Reason.LUNCH, null), r), Refusal.Code.NOT_FOUND, null);
    refused(r -> new Company.SetRedirect(anna.id(), null, r), Refusal.Code.INVALID, "redirect");
    refused(r -> new Company.SetRedirect(anna.id(), redirect(Reason.LUNCH, T0), r), Refusal.Code.INVALID, "until");
    refused(r -> new Company.ClearRedirect(ghost, "eva", r), Refusal.Code.NOT_FOUND, null);
    refused(r -> new Company.ImportContacts(List.of(), ImportMode.MERGE, r), Refusal.Code.INVALID, "contacts");
    refused(r -> new Company.ImportContacts(List.of(anna, anna), ImportMode.REPLACE, r), Refusal.Code.INVALID, "id");
    refused(r -> new Company.PutException(null, r), Refusal.Code.INVALID, "exception");
    refused(r -> new Company.RemoveException("nothing", r), Refusal.Code.NOT_FOUND, null);
    assertThat(company.persistenceTestKit().persistedInStorage(persistenceId())).hasSize(3);
  }

  @Test
  void aMixedSequenceReplaysToTheSameCard() {
    Random random = new Random(6);
    List<ContactId> pool = IntStream.range(0, 40).mapToObj(i -> new ContactId("p" + i)).toList();
    int refusals = 0;
    for (int step = 0; step < 400; step++) {
      clock.advance(Duration.ofSeconds(random.nextInt(600)));
      Instant now = clock.instant();
      ContactId who = pool.get(random.nextInt(pool.size()));
      Redirect someRedirect = redirect(Reason.values()[random.nextInt(6)],
          random.nextBoolean() ? null : now.plusSeconds(random.nextInt(7200) - 600));
      Function<ActorRef<Company.Reply>, Company.Command> command = switch (random.nextInt(10)) {
        case 0, 1 -> r -> new Company.PutContact(person(who.value(), "Name " + random.nextInt(100)), r);
        case 2 -> r -> new Company.RemoveContact(who, r);
        case 3 -> r -> new Company.SetRedirect(random.nextInt(4) == 0 ? null : who, someRedirect, r);
        case 4 -> r -> new Company.ClearRedirect(random.nextInt(4) == 0 ? null : who, "eva", r);
        case 5 -> {
          List<Contact> batch = IntStream.range(0, random.nextInt(8))
              .mapToObj(i -> person(pool.get(random.nextInt(pool.size())).value(), "Imported " + i)).toList();
          ImportMode mode = random.nextInt(3) == 0 ? ImportMode.REPLACE : ImportMode.MERGE;
          yield r -> new Company.ImportContacts(batch, mode, r);
        }
        case 6 -> r -> new Company.PutException(new CurrentException("e" + random.nextInt(4),
            new Handling.Note("Exception " + random.nextInt(10), null), null, now.plusSeconds(3600)), r);
        case 7 -> r -> new Company.RemoveException("e" + random.nextInt(4), r);
        case 8 -> r -> new Company.PutProfile(random.nextBoolean() ? PROFILE : CompanyProfile.EMPTY, r);
        default -> Company.GetCard::new;
      };
      var result = result(command);
      if (result.reply() instanceof Company.Refused) {
        refusals++;
        assertThat(result.events()).isEmpty();
      }
      if (step % 100 == 99) {
        CompanyCard before = company.getState();
        assertThat(company.restart().state()).as("after step %d", step).isEqualTo(before);
      }
    }
    assertThat(refusals).as("the sequence also tries refused commands").isPositive();
    int events = company.persistenceTestKit().persistedInStorage(persistenceId()).size();
    assertThat(events).as("enough events for snapshots").isGreaterThan(TestSettings.defaults().snapshotEvery());
    assertThat(company.snapshotTestKit()).isPresent();
    assertThat(company.snapshotTestKit().get().persistedInStorage(persistenceId())).isNotEmpty();
    assertThat(company.getState().version()).isEqualTo(events);
  }

  // ---------------------------------------------------------------- the card

  @Test
  void theCardFindsTheContactANumberReachesAndTheRedirectsThatStand() {
    Contact anna = new Contact(new ContactId("anna"), null, "Anna Ek", null, null, List.of("08-555 10 01"), null,
        "070-123 45 67", null, null, null);
    done(r -> new Company.PutContact(anna, r));
    done(r -> new Company.SetRedirect(anna.id(), redirect(Reason.LUNCH, T0.plusSeconds(3600)), r));
    CompanyCard card = card();
    assertThat(card.contactReachedOn("085551001")).isEqualTo(card.contacts().get(anna.id()));
    assertThat(card.contactReachedOn("0701234567")).isEqualTo(card.contacts().get(anna.id()));
    assertThat(card.contactReachedOn("0800")).isNull();
    assertThat(card.contactReachedOn(null)).isNull();
    assertThat(card.activeRedirect(anna.id(), T0.plusSeconds(3599))).isNotNull();
    assertThat(card.activeRedirect(anna.id(), T0.plusSeconds(3600))).isNull();
    assertThat(card.activeRedirect(new ContactId("ghost"), T0)).isNull();
  }

  @Test
  void everyChangeBumpsTheVersionAndCarriesTheClocksTime() {
    Contact anna = person("anna", "Anna Ek");
    clock.advance(Duration.ofMinutes(3));
    var put = result(r -> new Company.PutContact(anna, r));
    assertThat(put.events()).containsExactly(new Company.ContactPut(anna, T0.plus(Duration.ofMinutes(3))));
    assertThat(put.state().version()).isEqualTo(1);
    Company.Imported imported = imported(IntStream.range(0, 1001).mapToObj(i -> person("x" + i, "X" + i, null)).toList(),
        ImportMode.REPLACE);
    // One removal and three chunks.
    assertThat(imported.card().version()).isEqualTo(5);
  }
}
