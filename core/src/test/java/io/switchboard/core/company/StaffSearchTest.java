package io.switchboard.core.company;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.company.Contact.Kind;
import io.switchboard.core.company.StaffSearch.Found;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Finding a contact while the caller waits (ANS-13). */
class StaffSearchTest {

  static Contact contact(String id, String name, String title, String department, List<String> phones, String email,
      String mobile) {
    return new Contact(new ContactId(id), Kind.PERSON, name, title, department, phones, email, mobile, null, null, null);
  }

  static final Contact ANNA = contact("anna", "Anna Öström", "Säljchef", "Sälj", List.of("08-555 10 01"), null, null);
  static final Contact ASA = contact("asa", "Åsa Nilsson", "Ekonomiassistent", "Ekonomi", List.of("08-123 45 67"),
      "asa.nilsson@acme.se", "070-765 43 21");
  static final Contact PER = contact("per", "Per Nilsson", "Lagerchef", "Lager", List.of("08-555 10 03"), null, null);
  static final Contact KARIN = contact("karin", "Karin Lind", "Receptionist", null, null, "karin@acme.se", null);
  static final Contact BO = contact("bo", "Bo Ek", "Tekniker", "Lindholmen", null, null, "0046 70 999 88 77");
  static final Contact SUPPORT = new Contact(new ContactId("support"), Kind.DEPARTMENT, "Kundtjänst", null, "Support",
      List.of("08-555 10 00"), "support@acme.se", null, null, null, null);
  static final List<Contact> STAFF = List.of(ANNA, ASA, PER, KARIN, BO, SUPPORT);

  static List<Contact> find(String query) {
    return StaffSearch.search(STAFF, query, 50).contacts();
  }

  @Test
  void neitherAccentsNorCaseMatter() {
    assertThat(find("ostrom")).containsExactly(ANNA);
    assertThat(find("ÖSTRÖM")).containsExactly(ANNA);
    assertThat(find("Ostr")).containsExactly(ANNA);
    assertThat(find("asa")).containsExactly(ASA);
    assertThat(find("ÅSA")).containsExactly(ASA);
    assertThat(find("kundtjanst")).containsExactly(SUPPORT);
  }

  @Test
  void aNumberAsPeopleWriteItIsOneNumber() {
    assertThat(find("08-123 45 67")).containsExactly(ASA);
    assertThat(find("070 765 43 21")).containsExactly(ASA);
    assertThat(find("(08) 555 10 03")).containsExactly(PER);
    assertThat(find("555 10")).containsExactly(ANNA, SUPPORT, PER);
  }

  @Test
  void aWordMatchesTheStartOfAWord() {
    assertThat(find("nil")).containsExactly(ASA, PER);
    // "son" ends "Nilsson" but starts none of its words.
    assertThat(find("son")).doesNotContain(PER);
    assertThat(find("strom")).isEmpty();
    assertThat(find("ek")).containsExactly(BO, ASA);
  }

  @Test
  void everyWordMustMatch() {
    assertThat(find("per nilsson")).containsExactly(PER);
    assertThat(find("nilsson per")).containsExactly(PER);
    assertThat(find("nilsson, åsa")).containsExactly(ASA);
    assertThat(find("nilsson karin")).isEmpty();
    assertThat(find("anna ekonomi")).isEmpty();
    assertThat(find("anna sälj")).containsExactly(ANNA);
  }

  @Test
  void titleAndDepartmentMatch() {
    assertThat(find("recept")).containsExactly(KARIN);
    assertThat(find("ekonomi")).containsExactly(ASA);
    assertThat(find("support")).containsExactly(SUPPORT);
    assertThat(find("lagerchef")).containsExactly(PER);
    assertThat(find("salj")).containsExactly(ANNA);
  }

  @Test
  void aNumberMatchesByItsDigitsWithOrWithoutPlus() {
    assertThat(find("081234567")).containsExactly(ASA);
    assertThat(find("4567")).containsExactly(ASA);
    assertThat(find("0707654321")).containsExactly(ASA);
    assertThat(find("+4670999")).containsExactly(BO);
    assertThat(find("4670999")).containsExactly(BO);
    assertThat(find("085551")).containsExactly(ANNA, SUPPORT, PER);
    // Fewer than three digits would find nearly everyone.
    assertThat(find("55")).isEmpty();
  }

  @Test
  void anEmailMatchesByAnyPart() {
    assertThat(find("karin@acme.se")).containsExactly(KARIN);
    assertThat(find("ASA.NILSSON@")).containsExactly(ASA);
    assertThat(find("acme.se")).containsExactly(ASA, KARIN, SUPPORT);
    // That is also how "son" finds Åsa Nilsson: it is in her e-mail address.
    assertThat(find("son")).containsExactly(ASA);
  }

  @Test
  void nameMatchesComeBeforeTitleAndDepartmentMatches() {
    // Bo works at Lindholmen; Karin is called Lind.
    assertThat(find("lind")).containsExactly(KARIN, BO);
    Contact chef = contact("chef", "Chef Olsson", null, null, null, null, null);
    List<Contact> staff = new ArrayList<>(STAFF);
    staff.add(chef);
    assertThat(StaffSearch.search(staff, "chef", 10).contacts().get(0)).isEqualTo(chef);
    // Equal matches by name.
    assertThat(find("acme")).containsExactly(ASA, KARIN, SUPPORT);
  }

  @Test
  void theLimitCutsTheListButNotTheTotal() {
    Found two = StaffSearch.search(STAFF, "08555", 2);
    assertThat(two.contacts()).containsExactly(ANNA, SUPPORT);
    assertThat(two.total()).isEqualTo(3);
    assertThat(StaffSearch.search(STAFF, "08555", 0).contacts()).isEmpty();
    assertThat(StaffSearch.search(STAFF, "08555", 0).total()).isEqualTo(3);
    assertThat(StaffSearch.search(STAFF, "08555", -1).contacts()).isEmpty();
    assertThat(StaffSearch.search(STAFF, "nobody", 10)).isEqualTo(new Found(List.of(), 0));
    assertThat(StaffSearch.search(List.of(), "anna", 10)).isEqualTo(new Found(List.of(), 0));
  }

  @Test
  void anEmptyQueryListsEveryoneByName() {
    List<Contact> byName = List.of(ANNA, ASA, BO, KARIN, SUPPORT, PER);
    for (String q : new String[] {null, "", "   ", " , "}) {
      Found all = StaffSearch.search(STAFF, q, 100);
      assertThat(all.contacts()).as("'%s'", q).containsExactlyElementsOf(byName);
      assertThat(all.total()).isEqualTo(STAFF.size());
    }
    assertThat(StaffSearch.search(STAFF, "", 3).contacts()).containsExactly(ANNA, ASA, BO);
  }

  @Test
  void namesThatFoldAlikeAreOrderedById() {
    Contact a2 = contact("a2", "Öberg", null, null, null, null, null);
    Contact a1 = contact("a1", "Oberg", null, null, null, null, null);
    assertThat(StaffSearch.search(List.of(a2, a1), "oberg", 10).contacts()).containsExactly(a1, a2);
  }

  // ---------------------------------------------------------------- property

  static final List<String> FIRST = List.of("Anna", "Åsa", "Örjan", "Per", "Karl-Erik", "Søren", "Elise", "Ingrid");
  static final List<String> LAST = List.of("Öström", "Nilsson", "Lind", "Ek", "Åkesson", "Berg", "Ærø", "Lindqvist");
  static final List<String> TITLES = List.of("Säljchef", "Ekonomi", "Reception", "Lager och frakt", "VD");

  record Staff(List<Contact> contacts, String query) {}

  @Provide
  Arbitrary<Staff> staff() {
    Arbitrary<String> phones = Arbitraries.strings().numeric().ofMinLength(4).ofMaxLength(10).map(s -> "08" + s);
    Arbitrary<Contact> people = Combinators.combine(Arbitraries.of(FIRST), Arbitraries.of(LAST),
            Arbitraries.of(TITLES).injectNull(0.3), Arbitraries.of(TITLES).injectNull(0.5), phones.list().ofMaxSize(2),
            Arbitraries.of("x@acme.se", "lind@acme.se", "kontor@ek.se").injectNull(0.5), Arbitraries.integers())
        .as((first, last, title, dept, ph, email, n) -> contact("c" + Math.abs((long) n), first + " " + last, title, dept,
            ph, email, null));
    Arbitrary<List<Contact>> lists = people.list().ofMaxSize(25).uniqueElements(Contact::id);
    Arbitrary<String> words = Arbitraries.oneOf(
        Arbitraries.of(FIRST).map(s -> prefix(s, 2)), Arbitraries.of(LAST).map(s -> prefix(s, 3)),
        Arbitraries.of("chef", "ek", "lind", "LIND", "ostrom", "asa", "08", "081", "0812", "acme", "@ek.se", "erik",
            "son", "karl-erik", "soren", "aero", "aerø", "vd"));
    Arbitrary<String> queries = words.list().ofMinSize(0).ofMaxSize(3).map(w -> String.join(" ", w));
    return Combinators.combine(lists, queries).as(Staff::new);
  }

  static String prefix(String s, int n) {
    return s.substring(0, Math.min(s.length(), n));
  }

  @Property(tries = 1000)
  void everyContactFoundMatchesEveryWordAndNoMatchIsLeftOut(@ForAll("staff") Staff s) {
    Found found = StaffSearch.search(s.contacts(), s.query(), 10);
    // A query of only digits, spaces and dashes is one number as people write it ("08-123 45 67").
    String digits = s.query().replaceAll("[^0-9]", "");
    boolean number = s.query().strip().matches("[+()0-9 \\-]+") && digits.length() >= 3;
    List<String> words = number ? List.of(digits)
        : List.of(s.query().split("\\s+")).stream().filter(w -> !w.isBlank()).map(StaffSearchTest::plain).toList();
    for (Contact c : found.contacts())
      for (String w : words) assertThat(matches(c, w)).as("%s should match '%s'", c, w).isTrue();
    List<Contact> expected = s.contacts().stream().filter(c -> words.stream().allMatch(w -> matches(c, w))).toList();
    assertThat(found.total()).isEqualTo(expected.size());
    assertThat(found.contacts()).hasSize(Math.min(10, expected.size()));
    // Name matches before the others.
    List<Integer> nameWords = found.contacts().stream()
        .map(c -> (int) words.stream().filter(w -> wordStarts(plain(c.name()), w)).count()).toList();
    assertThat(nameWords).isSortedAccordingTo(Comparator.reverseOrder());
  }

  /** The rule from its documentation, written out once more: start of a word, or part of a number or e-mail. */
  static boolean matches(Contact c, String word) {
    if (wordStarts(plain(c.name()), word)) return true;
    if (wordStarts(plain(c.title()), word) || wordStarts(plain(c.department()), word)) return true;
    if (word.length() < 3) return false;
    return c.numbers().stream().anyMatch(n -> n.contains(word))
        || (c.email() != null && c.email().toLowerCase(Locale.ROOT).contains(word));
  }

  static boolean wordStarts(String text, String word) {
    // Every position after a non-letter-or-digit (or at the start) is the start of a word.
    for (int i = 0; i <= text.length() - word.length(); i++)
      if ((i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1))) && text.startsWith(word, i)) return true;
    return false;
  }

  static String plain(String s) {
    if (s == null) return "";
    String base = Normalizer.normalize(s, Normalizer.Form.NFD).chars()
        .filter(ch -> Character.getType(ch) != Character.NON_SPACING_MARK)
        .mapToObj(ch -> String.valueOf((char) ch)).collect(Collectors.joining());
    return base.toLowerCase(Locale.ROOT).replace("ø", "o").replace("æ", "a").replace("ß", "s");
  }
}
