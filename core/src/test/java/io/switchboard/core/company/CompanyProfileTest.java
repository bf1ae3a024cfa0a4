package io.switchboard.core.company;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.instruction.CurrentException;
import io.switchboard.core.instruction.FaqNode;
import io.switchboard.core.instruction.Handling;
import io.switchboard.core.instruction.PhoneTone;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The company profile (ANS-2, ANS-11…ANS-16) checks what it is given and stores numbers as calls show them. */
class CompanyProfileTest {
  static final Instant T0 = Instant.parse("2026-11-23T08:00:00Z");
  static final Handling NOTE = new Handling.Note("Take a note", null);
  static final List<FaqNode> FAQ = List.of(
      new FaqNode("billing", "Billing", null, List.of(
          new FaqNode("billing.late", "Late invoice", null, List.of(
              new FaqNode("billing.late.reminder", "Reminder fee", "No fee the first time", null))))),
      new FaqNode("opening", "Opening hours", "8-17", null));

  static CompanyProfile profile(Handling standard, Handling outOfHours, List<CurrentException> exceptions,
      List<FaqNode> faq, List<String> own, List<String> urls) {
    return new CompanyProfile(null, null, standard, outOfHours, null, null, null, exceptions, faq, own, urls);
  }

  static CompanyProfile withExceptions(List<CurrentException> exceptions) {
    return profile(null, null, exceptions, null, null, null);
  }

  @Test
  void theEmptyProfileHasDefaultsAndEmptyLists() {
    CompanyProfile p = CompanyProfile.EMPTY;
    assertThat(p.tone()).isEqualTo(PhoneTone.FORMAL);
    assertThat(p.exceptions()).isEmpty();
    assertThat(p.faq()).isEmpty();
    assertThat(p.ownNumbers()).isEmpty();
    assertThat(p.screenPopUrls()).isEmpty();
    assertThat(p.information()).isNull();
    assertThat(p.standardHandling()).isNull();
  }

  @Test
  void anExceptionIdMayBeUsedOnce() {
    CurrentException party = new CurrentException("party", NOTE, null, null);
    CurrentException again = new CurrentException("party", new Handling.Note("other", null), T0, null);
    assertThatThrownBy(() -> withExceptions(List.of(party, again)))
        .hasMessageContaining("exceptions: id party is used twice");
    assertThat(withExceptions(List.of(party, new CurrentException("storm", NOTE, null, null))).exceptions())
        .extracting(CurrentException::id).containsExactly("party", "storm");
    // Also when the list is changed afterwards.
    assertThatThrownBy(() -> withExceptions(List.of(party)).withExceptions(List.of(party, again)))
        .hasMessageContaining("used twice");
  }

  @Test
  void aHandlingsFaqEntryMustBeInTheTree() {
    Handling nested = new Handling.Note("See the FAQ", "billing.late.reminder");
    assertThat(profile(nested, null, null, FAQ, null, null).standardHandling()).isEqualTo(nested);
    assertThat(profile(null, nested, null, FAQ, null, null).outOfHoursHandling()).isEqualTo(nested);
    Handling missing = new Handling.Note("See the FAQ", "billing.early");
    assertThatThrownBy(() -> profile(missing, null, null, FAQ, null, null))
        .hasMessageContaining("faqEntry billing.early is not in the faq tree");
    assertThatThrownBy(() -> profile(null, missing, null, FAQ, null, null))
        .hasMessageContaining("faqEntry billing.early");
    assertThatThrownBy(() -> profile(nested, null, null, null, null, null))
        .hasMessageContaining("faqEntry billing.late.reminder is not in the faq tree");
    // A blank entry is none.
    assertThat(profile(new Handling.Note("x", "  "), null, null, null, null, null).standardHandling().faqEntry())
        .isNull();
  }

  @Test
  void theFaqTreeIsCheckedAndSearchedAtAnyDepth() {
    assertThat(FaqNode.ids(FAQ)).containsExactly("billing", "billing.late", "billing.late.reminder", "opening");
    assertThat(FaqNode.find(FAQ, "billing.late.reminder")).get().extracting(FaqNode::answer)
        .isEqualTo("No fee the first time");
    assertThat(FaqNode.find(FAQ, "nothing")).isEmpty();
    List<FaqNode> twice = List.of(new FaqNode("a", "A", null, List.of(new FaqNode("b", "B", null, null))),
        new FaqNode("b", "B again", null, null));
    assertThatThrownBy(() -> profile(null, null, null, twice, null, null)).hasMessageContaining("faq: id b is used twice");
    assertThatThrownBy(() -> new FaqNode("a", " ", null, null)).hasMessageContaining("title is required");
    assertThatThrownBy(() -> new FaqNode("a b", "A", null, null)).hasMessageContaining("faq: id");
  }

  @Test
  void aScreenPopUrlMustBeHttpOrHttps() {
    List<String> good = List.of("https://crm.example.com/customer/{CUSTID}?ano={ANO}", "http://intranet/pop?call={CALLID}");
    assertThat(profile(null, null, null, null, null, good).screenPopUrls()).isEqualTo(good);
    for (String bad : new String[] {"ftp://crm.example.com", "javascript:alert(1)", "crm.example.com", "HTTPS//x", " ",
        "https://" + "x".repeat(1000)}) {
      assertThatThrownBy(() -> profile(null, null, null, null, null, List.of(bad))).as(bad)
          .hasMessageContaining("screenPopUrls");
    }
    List<String> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> profile(null, null, null, null, null, withNull)).hasMessageContaining("screenPopUrls");
  }

  @Test
  void ownNumbersAreNormalisedAndDeduplicated() {
    CompanyProfile p = profile(null, null, null, null, List.of("0046 8 555 00 00", "+4685550000", "08-555 00 00"), null);
    assertThat(p.ownNumbers()).containsExactly("+4685550000", "085550000");
    assertThatThrownBy(() -> profile(null, null, null, null, List.of("08-555 x"), null))
        .hasMessageStartingWith("ownNumbers: ");
  }

  @Test
  void atMostAThousandDistinctNumbers() {
    List<String> thousand = IntStream.range(0, CompanyProfile.MAX_LIST).mapToObj(i -> "08" + (100000 + i)).toList();
    List<String> withDuplicates = new ArrayList<>(thousand);
    withDuplicates.addAll(thousand);
    assertThat(profile(null, null, null, null, withDuplicates, null).ownNumbers()).hasSize(CompanyProfile.MAX_LIST);
    List<String> tooMany = new ArrayList<>(thousand);
    tooMany.add("0899");
    assertThatThrownBy(() -> profile(null, null, null, null, tooMany, null))
        .hasMessageContaining("ownNumbers: at most 1000");
  }

  @Test
  void textsAreStrippedAndLimited() {
    CompanyProfile p = new CompanyProfile(null, "  We sell paint  ", null, null, " Mon-Fri 8-17 ", null, PhoneTone.INFORMAL,
        null, null, null, null);
    assertThat(p.information()).isEqualTo("We sell paint");
    assertThat(p.businessHours()).isEqualTo("Mon-Fri 8-17");
    assertThat(p.tone()).isEqualTo(PhoneTone.INFORMAL);
    assertThat(new CompanyProfile(null, " ", null, null, " ", null, null, null, null, null, null))
        .isEqualTo(CompanyProfile.EMPTY);
    String info = "i".repeat(CompanyProfile.MAX_INFORMATION);
    assertThat(new CompanyProfile(null, info, null, null, null, null, null, null, null, null, null).information())
        .hasSize(CompanyProfile.MAX_INFORMATION);
    assertThatThrownBy(() -> new CompanyProfile(null, info + "i", null, null, null, null, null, null, null, null,
        null)).hasMessageStartingWith("information must be at most");
    assertThatThrownBy(() -> new CompanyProfile(null, null, null, null, "h".repeat(Contact.MAX_TEXT + 1), null, null,
        null, null, null, null)).hasMessageStartingWith("businessHours must be at most");
  }

  @Test
  void theToneIsParsedAndDefaultsToFormal() {
    assertThat(PhoneTone.parse(null)).isEqualTo(PhoneTone.FORMAL);
    assertThat(PhoneTone.parse(" Informal ")).isEqualTo(PhoneTone.INFORMAL);
    assertThat(PhoneTone.INFORMAL.json()).isEqualTo("informal");
    assertThatThrownBy(() -> PhoneTone.parse("rude")).hasMessageContaining("tone must be formal or informal");
  }

  @Test
  void anExceptionAndAHandlingAreChecked() {
    assertThatThrownBy(() -> new CurrentException("party", NOTE, T0, T0)).hasMessageContaining("from must be before until");
    assertThatThrownBy(() -> new CurrentException("party", NOTE, T0.plusSeconds(1), T0))
        .hasMessageContaining("from must be before until");
    assertThatThrownBy(() -> new CurrentException("a party", NOTE, null, null)).hasMessageContaining("exceptions: id");
    assertThatThrownBy(() -> new CurrentException("party", null, null, null)).hasMessageContaining("handling is required");

    Handling.WaitList transfer = new Handling.WaitList(" Put through ", "08-123 45 67", "0046 70 111", null);
    assertThat(transfer.text()).isEqualTo("Put through");
    assertThat(transfer.target()).isEqualTo("081234567");
    assertThat(transfer.fallback()).isEqualTo("+4670111");
    assertThatThrownBy(() -> new Handling.WaitList("x", " ", null, null)).hasMessageContaining("target is required");
    assertThatThrownBy(() -> new Handling.WaitList("x", "reception", null, null)).hasMessageStartingWith("target: ");
    assertThatThrownBy(() -> new Handling.WaitList("x", "0812", "?", null)).hasMessageStartingWith("fallback: ");
    assertThatThrownBy(() -> new Handling.Note("t".repeat(Handling.MAX_TEXT + 1), null))
        .hasMessageContaining("text must be at most");
    assertThat(new Handling.Note("  ", null).text()).isNull();
  }
}
