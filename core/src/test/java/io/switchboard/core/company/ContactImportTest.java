package io.switchboard.core.company;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.switchboard.core.Identifiers;
import io.switchboard.core.company.ContactImport.Result;
import io.switchboard.core.company.ContactImport.RowError;
import io.switchboard.core.company.ContactImport.SheetRow;
import io.switchboard.core.template.GreetingTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Contacts from a spreadsheet (ANS-7): headers in three languages, row-level errors, ids that stay the same. */
class ContactImportTest {

  static SheetRow row(int number, String... cells) {
    return new SheetRow(number, Arrays.asList(cells));
  }

  /** A header in row 1 and data rows numbered from 2. */
  static Result read(String[] header, String[]... rows) {
    List<SheetRow> data = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) data.add(row(i + 2, rows[i]));
    return ContactImport.read(row(1, header), data);
  }

  static String[] cells(String... cells) {
    return cells;
  }

  @Test
  void aRowWithEveryColumnBecomesAContact() {
    Result r = read(cells("id", "name", "kind", "title", "department", "phone", "email", "mobile", "greeting", "handling"),
        cells("anna", "Anna Berg", "person", "CFO", "Finance", "+46 8 123 45 67", "anna.berg@acme.se", "070-123 45 67",
            "Anna Berg's phone, {NAME}?", "Take a message"));
    assertThat(r.ok()).isTrue();
    assertThat(r.errors()).isEmpty();
    assertThat(r.errorCount()).isZero();
    assertThat(r.rowsRead()).isEqualTo(1);
    assertThat(r.contactsToImport()).containsExactly(new Contact(ContactId.of("anna"), Contact.Kind.PERSON, "Anna Berg",
        "CFO", "Finance", List.of("+4681234567"), "anna.berg@acme.se", "0701234567",
        new GreetingTemplate("Anna Berg's phone, {NAME}?"), "Take a message", null));
  }

  @Test
  void swedishHeadersWhateverTheirCaseAccentsAndSpaces() {
    Result r = read(cells("Namn", "Typ", "Titel", "Avdelning", "Telefon", " E-POST ", "Mobil", "HÄLSNING", "Instruktion"),
        cells("Åsa Öberg", "avdelning", "Chef", "Ekonomi", "08-123 45 67", "asa@acme.se", "0701234567",
            "Välkommen {NAME}", "Koppla"));
    assertThat(r.errors()).isEmpty();
    Contact c = r.contacts().get(0);
    assertThat(c.name()).isEqualTo("Åsa Öberg");
    assertThat(c.kind()).isEqualTo(Contact.Kind.DEPARTMENT);
    assertThat(c.title()).isEqualTo("Chef");
    assertThat(c.department()).isEqualTo("Ekonomi");
    assertThat(c.phones()).containsExactly("081234567");
    assertThat(c.email()).isEqualTo("asa@acme.se");
    assertThat(c.mobile()).isEqualTo("0701234567");
    assertThat(c.greeting().text()).isEqualTo("Välkommen {NAME}");
    assertThat(c.handling()).isEqualTo("Koppla");
  }

  @Test
  void norwegianAndOtherAliases() {
    Result r = read(cells("Navn", "Type", "Tittel", "Avdeling", "Tlf", "Epost", "Mobiltelefon", "Hilsen", "Hantering"),
        cells("Søren Ærø", "Avdeling", "Sjef", "Salg", "22 33 44 55", "soren@acme.no", "91234567", "Hei", "Sett over"));
    assertThat(r.errors()).isEmpty();
    Contact c = r.contacts().get(0);
    assertThat(c.kind()).isEqualTo(Contact.Kind.DEPARTMENT);
    assertThat(c.title()).isEqualTo("Sjef");
    assertThat(c.department()).isEqualTo("Salg");
    assertThat(c.phones()).containsExactly("22334455");
    assertThat(c.mobile()).isEqualTo("91234567");
    assertThat(c.greeting().text()).isEqualTo("Hei");
    assertThat(c.handling()).isEqualTo("Sett over");

    for (String[] alias : List.of(cells("e-mail", "email"), cells("Mail", "email"), cells("E-post", "email"),
        cells("Template", "greeting"), cells("Mall", "greeting"), cells("Hälsning", "greeting"),
        cells("Instruction", "handling"), cells("Handling", "handling"), cells("Mobile", "mobile"),
        cells("Phone 2", "phones"), cells("telefon 3", "phones"), cells("Telephone", "phones"),
        cells("Department", "department"), cells("Kind", "kind"), cells("ID", "id"), cells("Title", "title")))
      assertThat(ContactImport.field(alias[0])).as(alias[0]).isNotNull()
          .extracting(f -> f.field).isEqualTo(alias[1]);
    assertThat(ContactImport.field("Notes")).isNull();
    assertThat(ContactImport.field("Telefonist")).isNull();
  }

  @Test
  void severalPhoneColumnsAndSeveralNumbersInACell() {
    Result r = read(cells("Name", "Phone 1", "Phone 2", "Telefon"),
        cells("Anna", "08-123 45 67; 08-123 45 68", "", "0046 8 123 45 69, 08-123 45 67"));
    assertThat(r.errors()).isEmpty();
    assertThat(r.contacts().get(0).phones()).containsExactly("081234567", "081234568", "+4681234569");
  }

  @Test
  void aBadEmailNamesTheRowTheColumnAndWhy() {
    Result r = read(cells("Namn", "Telefon", "E-post"),
        cells("Anna Berg", "08-1", "anna@acme.se"),
        cells("Bo Ek", "", "bo at acme"),
        cells("Cai Lo", "", "cai@acme.se"));
    assertThat(r.ok()).isFalse();
    assertThat(r.errors()).containsExactly(new RowError(3, "C", "E-post", "email is not an e-mail address: bo at acme"));
    assertThat(r.rowsRead()).isEqualTo(3);
    assertThat(r.contacts()).extracting(Contact::name).containsExactly("Anna Berg", "Cai Lo");
    assertThatThrownBy(r::contactsToImport).isInstanceOf(IllegalStateException.class).hasMessageContaining("1 errors");
  }

  @Test
  void aBadPhoneNamesTheColumnItIsIn() {
    Result r = read(cells("Name", "Phone 1", "Phone 2", "Mobile"), cells("Anna", "08-1234567", "08-12 34; ask Bo", "x1"));
    assertThat(r.errors()).containsExactly(
        new RowError(2, "C", "Phone 2", "phones: 'ask Bo' is not a phone number (digits, optionally after +)"),
        new RowError(2, "D", "Mobile", "mobile: 'x1' is not a phone number (digits, optionally after +)"));
  }

  @Test
  void moreThanFivePhonesIsAnErrorInThePhoneColumn() {
    Result r = read(cells("Name", "Phone"), cells("Anna", "0811;0812;0813;0814;0815;0816"));
    assertThat(r.errors()).containsExactly(new RowError(2, "B", "Phone", "phones: at most 5 numbers, got 6"));
  }

  @Test
  void aGreetingWithAnUnknownCodeIsAnErrorInTheGreetingColumn() {
    Result r = read(cells("Name", "Hälsning"), cells("Anna", "Hej {CALLER}"), cells("Bo", "Hej {NAME}"));
    assertThat(r.errors()).hasSize(1);
    RowError e = r.errors().get(0);
    assertThat(e.row()).isEqualTo(2);
    assertThat(e.column()).isEqualTo("B");
    assertThat(e.header()).isEqualTo("Hälsning");
    assertThat(e.message()).startsWith("greeting: unknown code {CALLER}");
    assertThat(r.contacts()).extracting(Contact::name).containsExactly("Bo");
  }

  @Test
  void aRowReportsEverythingWrongWithItInColumnOrder() {
    Result r = read(cells("Name", "Kind", "Email", "Mobile", "Title", "Greeting"),
        cells("Anna", "robot", "nope", "n/a", "x".repeat(201), "{X}"));
    assertThat(r.errors()).extracting(RowError::column).containsExactly("B", "C", "D", "E", "F");
    assertThat(r.errors()).extracting(RowError::message).satisfiesExactly(
        m -> assertThat(m).startsWith("kind must be person or department"),
        m -> assertThat(m).startsWith("email is not an e-mail address"),
        m -> assertThat(m).startsWith("mobile: 'n/a' is not a phone number"),
        m -> assertThat(m).isEqualTo("title must be at most 200 characters, got 201"),
        m -> assertThat(m).startsWith("greeting: unknown code {X}"));
    assertThat(r.errorCount()).isEqualTo(5);
    assertThat(r.contacts()).isEmpty();
  }

  @Test
  void aMissingOrTooLongNameIsAnErrorInTheNameColumn() {
    Result r = read(cells("Email", "Name"), cells("a@b.se", " "), cells("c@b.se", "n".repeat(201)));
    assertThat(r.errors()).containsExactly(new RowError(2, "B", "Name", "name is required"),
        new RowError(3, "B", "Name", "name must be at most 200 characters, got 201"));
  }

  @Test
  void kindsInThreeLanguagesAndBlankIsAPerson() {
    Result r = read(cells("Name", "Kind"), cells("A", "person"), cells("B", "Department"), cells("C", "AVDELNING"),
        cells("D", "avdeling"), cells("E", ""), cells("F", " Person "), cells("G", "robot"));
    assertThat(r.contacts()).extracting(Contact::kind).containsExactly(Contact.Kind.PERSON, Contact.Kind.DEPARTMENT,
        Contact.Kind.DEPARTMENT, Contact.Kind.DEPARTMENT, Contact.Kind.PERSON, Contact.Kind.PERSON);
    assertThat(r.errors()).containsExactly(new RowError(8, "B", "Kind",
        "kind must be person or department (avdelning, avdeling); got 'robot'"));
  }

  @Test
  void idsFromTheIdColumnMustBeValidContactIds() {
    Result r = read(cells("Id", "Name"), cells("anna-1", "Anna"), cells("bo ek", "Bo"), cells("", "Cai Lo"));
    assertThat(r.contacts()).extracting(c -> c.id().value()).containsExactly("anna-1", "cai-lo");
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0)).extracting(RowError::row, RowError::column, RowError::header)
        .containsExactly(3, "A", "Id");
    assertThat(r.errors().get(0).message()).startsWith("contactId must be 1-64 characters").contains("'bo ek'");
  }

  @Test
  void derivedIdsComeFromTheEmailElseTheNameFoldedToLettersDigitsAndDashes() {
    assertThat(ContactImport.derivedId(null, "Åsa Öberg")).isEqualTo("asa-oberg");
    assertThat(ContactImport.derivedId("", "  Søren  Ærø-Ødegård ")).isEqualTo("soren-aero-odegard");
    assertThat(ContactImport.derivedId("Anna.Berg+sales@acme.se", "Anna Berg")).isEqualTo("anna-berg-sales");
    assertThat(ContactImport.derivedId("not an address", "Bo Ek")).isEqualTo("bo-ek");
    assertThat(ContactImport.derivedId("@acme.se", "Bo Ek")).isEqualTo("bo-ek");
    assertThat(ContactImport.derivedId(null, "Växel / Reception (dygnet runt)")).isEqualTo("vaxel-reception-dygnet-runt");
    assertThat(ContactImport.derivedId(null, " ")).isNull();
    String longName = "Aaaa ".repeat(20);
    assertThat(ContactImport.derivedId(null, longName)).hasSizeLessThanOrEqualTo(64).doesNotEndWith("-")
        .startsWith("aaaa-aaaa");
    // Nothing that folds to a-z: still an id, still the same each time.
    String cyrillic = ContactImport.derivedId(null, "Иван Петров");
    assertThat(cyrillic).matches("contact-[0-9a-f]{10}").isEqualTo(ContactImport.derivedId(null, "Иван Петров"));
    assertThat(ContactImport.derivedId(null, "Пётр")).isNotEqualTo(cyrillic);
  }

  @Test
  void theSameFileReadTwiceGivesTheSameIdsSoAReImportUpdates() {
    String[] header = cells("Namn", "E-post");
    String[][] rows = {cells("Åsa Öberg", ""), cells("Bo Ek", "bo.ek@acme.se"), cells("Växeln", "")};
    Result first = read(header, rows);
    Result again = read(header, rows);
    assertThat(first.contacts()).extracting(c -> c.id().value()).containsExactly("asa-oberg", "bo-ek", "vaxeln");
    assertThat(again.contacts()).isEqualTo(first.contacts());
  }

  @Test
  void twoRowsWithTheSameIdIsAnErrorOnTheLaterNamingTheEarlier() {
    Result explicit = read(cells("id", "name"), cells("a", "Anna"), cells("b", "Bo"), cells("a", "Anna again"));
    assertThat(explicit.errors()).containsExactly(new RowError(4, "A", "id", "id 'a' is already used by row 2"));

    Result byName = read(cells("Namn", "Telefon"), cells("Anna Berg", "081"), cells("Bo", "082"),
        cells("Anna  Berg", "083"));
    assertThat(byName.errors()).hasSize(1);
    assertThat(byName.errors().get(0)).extracting(RowError::row, RowError::column, RowError::header)
        .containsExactly(4, "A", "Namn");
    assertThat(byName.errors().get(0).message()).startsWith("id 'anna-berg' is already used by row 2")
        .contains("made from the name");

    Result byEmail = read(cells("Namn", "E-post"), cells("Info Sales", "info@a.se"), cells("Info Support", "info@b.se"));
    assertThat(byEmail.errors()).extracting(RowError::row, RowError::column).containsExactly(
        tuple(3, "B"));
    assertThat(byEmail.errors().get(0).message()).contains("row 2").contains("made from the e-mail");
  }

  @Test
  void blankRowsAreSkippedAndNotCounted() {
    List<SheetRow> rows = List.of(row(2, "Anna"), row(3), row(4, " ", ""), row(5, "Bo"), new SheetRow(6, null),
        new SheetRow(7, Arrays.asList(null, null)));
    Result r = ContactImport.read(row(1, "Name"), rows);
    assertThat(r.errors()).isEmpty();
    assertThat(r.rowsRead()).isEqualTo(2);
    assertThat(r.contacts()).extracting(Contact::name).containsExactly("Anna", "Bo");
  }

  @Test
  void anUnknownHeaderNamesItsColumnLetterAndText() {
    Result r = read(cells("Name", "Phone", "", "Notes", "Favourite colour"), cells("Anna", "081", "", "x", "blue"));
    assertThat(r.ok()).isFalse();
    assertThat(r.contacts()).isEmpty();
    assertThat(r.rowsRead()).isEqualTo(1);
    assertThat(r.errors()).extracting(RowError::row, RowError::column, RowError::header).containsExactly(
        tuple(1, "D", "Notes"),
        tuple(1, "E", "Favourite colour"));
    assertThat(r.errors().get(0).message()).startsWith("unknown column 'Notes' in column D");
  }

  @Test
  void withoutANameColumnNothingIsRead() {
    Result r = read(cells("Email", "Phone"), cells("a@b.se", "081"));
    assertThat(r.errors()).containsExactly(new RowError(1, null, null, "there is no name column (name, namn or navn)"));
    assertThat(r.contacts()).isEmpty();
  }

  @Test
  void aColumnTwiceIsAnError() {
    Result r = read(cells("Name", "E-post", "Namn", "Email"), cells("Anna", "a@b.se", "Anna", "a@b.se"));
    assertThat(r.errors()).containsExactly(
        new RowError(1, "C", "Namn", "column C 'Namn' is a second name column; column A 'Name' is the first"),
        new RowError(1, "D", "Email", "column D 'Email' is a second email column; column B 'E-post' is the first"));
    Result phones = read(cells("Name", "Telefon", "Telefon"), cells("Anna", "081", "082"));
    assertThat(phones.errors()).containsExactly(new RowError(1, "C", "Telefon",
        "column C 'Telefon' is a second phone column of that name; column B 'Telefon' is the first"));
    assertThat(read(cells("Name", "Telefon", "Phone", "Telefon 2"), cells("Anna", "081", "082", "083")).contacts())
        .singleElement().extracting(Contact::phones).isEqualTo(List.of("081", "082", "083"));
  }

  @Test
  void aValueUnderNoHeaderIsAnError() {
    Result r = read(cells("Name", "", "Phone"), cells("Anna", "", "081"), cells("Bo", "lost?", "082", "and this"));
    assertThat(r.errors()).extracting(RowError::row, RowError::column).containsExactly(
        tuple(3, "B"), tuple(3, "D"));
    assertThat(r.errors().get(0).message()).contains("no header");
    assertThat(r.errors().get(0).header()).isNull();
  }

  @Test
  void anEmptyFileHasNoHeader() {
    assertThat(ContactImport.read(null, List.of()).errors()).extracting(RowError::message)
        .containsExactly("the file is empty: there is no header row naming the columns");
    assertThat(ContactImport.read(row(3, " "), null).ok()).isFalse();
  }

  @Test
  void aHeaderWithNoRowsIsFineAndImportsNothing() {
    Result r = read(cells("Name"));
    assertThat(r.ok()).isTrue();
    assertThat(r.contacts()).isEmpty();
    assertThat(r.rowsRead()).isZero();
  }

  @Test
  void moreThanTheLimitOfRowsIsOneError() {
    List<SheetRow> rows = new ArrayList<>();
    for (int i = 0; i <= ContactImport.MAX_ROWS; i++) rows.add(row(i + 2, "Name " + i, "not an address"));
    Result r = ContactImport.read(row(1, "Name", "Email"), rows);
    assertThat(r.errorCount()).isEqualTo(1);
    assertThat(r.errors()).singleElement().satisfies(e -> {
      assertThat(e.row()).isEqualTo(ContactImport.MAX_ROWS + 2);
      assertThat(e.column()).isNull();
      assertThat(e.message()).startsWith("the file is too large: more than 50000 rows");
    });
    assertThat(r.contacts()).isEmpty();
    assertThat(r.rowsRead()).isEqualTo(ContactImport.MAX_ROWS + 1);

    // exactly the limit is fine
    Result full = ContactImport.read(row(1, "Name"), rows.subList(0, ContactImport.MAX_ROWS).stream()
        .map(s -> new SheetRow(s.number(), s.cells().subList(0, 1))).toList());
    assertThat(full.ok()).isTrue();
    assertThat(full.contacts()).hasSize(ContactImport.MAX_ROWS);
  }

  @Test
  void atMostAThousandErrorsAreKeptInRowOrderButAllAreCounted() {
    List<SheetRow> rows = new ArrayList<>();
    for (int i = 0; i < 1500; i++) rows.add(row(i + 2, "Name " + i, "bad" + i));
    Result r = ContactImport.read(row(1, "Name", "Email"), rows);
    assertThat(r.errors()).hasSize(ContactImport.MAX_ERRORS);
    assertThat(r.errorCount()).isEqualTo(1500);
    assertThat(r.errors()).extracting(RowError::row).isSorted().startsWith(2, 3, 4).endsWith(1001);
  }

  @Test
  void columnLetters() {
    assertThat(ContactImport.letter(0)).isEqualTo("A");
    assertThat(ContactImport.letter(25)).isEqualTo("Z");
    assertThat(ContactImport.letter(26)).isEqualTo("AA");
    assertThat(ContactImport.letter(701)).isEqualTo("ZZ");
    assertThat(ContactImport.letter(702)).isEqualTo("AAA");
    for (int i = 0; i < 2000; i++) assertThat(ContactImport.columnIndex(ContactImport.letter(i))).isEqualTo(i);
  }

  @Test
  void theFieldOfAConstructorMessageIsItsFirstWord() {
    assertThat(ContactImport.fieldOf("email is not an e-mail address: x")).isEqualTo(ContactImport.Field.EMAIL);
    assertThat(ContactImport.fieldOf("phones: at most 5")).isEqualTo(ContactImport.Field.PHONE);
    assertThat(ContactImport.fieldOf("contactId must be")).isEqualTo(ContactImport.Field.ID);
    assertThat(ContactImport.fieldOf("template text is required")).isEqualTo(ContactImport.Field.GREETING);
    assertThat(ContactImport.fieldOf("something else")).isNull();
    assertThat(ContactImport.fieldOf(null)).isNull();
  }

  @Property
  void aDerivedIdIsAlwaysAValidContactIdAndTheSameEveryTime(@ForAll String email, @ForAll String name) {
    String id = ContactImport.derivedId(email, name);
    if (id == null) {
      assertThat(name == null || name.isBlank()).isTrue();
      return;
    }
    assertThat(Identifiers.isValid(id)).as(id).isTrue();
    assertThat(id).matches("[a-z0-9-]{1,64}").isEqualTo(ContactImport.derivedId(email, name));
  }

  @Property
  void anyRowGivesAContactOrErrorsNeverAnException(@ForAll List<@StringLength(max = 30) String> cells) {
    Result r = ContactImport.read(row(1, "Name", "Kind", "Phone", "Email", "Mobile", "Greeting", "Id"),
        List.of(new SheetRow(2, cells.size() > 7 ? cells.subList(0, 7) : cells)));
    if (r.ok()) assertThat(r.contacts()).hasSizeLessThanOrEqualTo(1);
    else assertThat(r.contacts()).isEmpty();
    r.errors().forEach(e -> assertThat(e.row()).isEqualTo(2));
  }
}
