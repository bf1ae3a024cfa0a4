package io.switchboard.core.company;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.company.Contact.Kind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A company's contact (ANS-1, ANS-13): numbers as stored, e-mail, kind and the length limits. */
class ContactTest {

  static Contact contact(String id, String name) {
    return new Contact(new ContactId(id), null, name, null, null, null, null, null, null, null, null);
  }

  static Contact withPhones(List<String> phones, String mobile) {
    return new Contact(new ContactId("anna"), Kind.PERSON, "Anna", null, null, phones, null, mobile, null, null, null);
  }

  static Contact withEmail(String email) {
    return new Contact(new ContactId("anna"), Kind.PERSON, "Anna", null, null, null, email, null, null, null, null);
  }

  @Test
  void aPhoneNumberIsStoredAsDigitsWithALeadingZeroZeroAsPlus() {
    assertThat(Contact.phone("phones", "08-123 45 67")).isEqualTo("081234567");
    assertThat(Contact.phone("phones", "0046 8 123")).isEqualTo("+468123");
    assertThat(Contact.phone("phones", "+46 (0)8-123.45")).isEqualTo("+460812345");
    assertThat(Contact.phone("phones", " 070\u00a0123 45 67 ")).isEqualTo("0701234567");
    assertThat(Contact.phone("phones", "+46701234567")).isEqualTo("+46701234567");
  }

  @Test
  void noPhoneNumberIsNull() {
    assertThat(Contact.phone("phones", null)).isNull();
    assertThat(Contact.phone("phones", "   ")).isNull();
    assertThat(Contact.phone("phones", "")).isNull();
  }

  @Test
  void aBadPhoneNumberIsRefusedNamingTheField() {
    assertThatThrownBy(() -> Contact.phone("phones", "08-123 ABC")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("phones: ").hasMessageContaining("'08-123 ABC'").hasMessageContaining("not a phone number");
    assertThatThrownBy(() -> Contact.phone("mobile", "1")).hasMessageStartingWith("mobile: ");
    assertThatThrownBy(() -> Contact.phone("phones", "+")).hasMessageStartingWith("phones: ");
    assertThatThrownBy(() -> Contact.phone("phones", "00")).hasMessageStartingWith("phones: ");
    assertThatThrownBy(() -> Contact.phone("phones", "46+8123")).hasMessageStartingWith("phones: ");
    assertThatThrownBy(() -> Contact.phone("phones", "1".repeat(21))).hasMessageStartingWith("phones: ");
    assertThat(Contact.phone("phones", "1".repeat(20))).hasSize(20);
    assertThat(Contact.phone("phones", "12")).isEqualTo("12");
  }

  @Test
  void aContactsNumbersAreNormalisedAndDeduplicated() {
    Contact c = withPhones(List.of("08-123 45 67", "081234567", " ", "0046 8 123"), "0046 70-123 45 67");
    assertThat(c.phones()).containsExactly("081234567", "+468123");
    assertThat(c.mobile()).isEqualTo("+46701234567");
    assertThat(c.numbers()).containsExactly("081234567", "+468123", "+46701234567");
    // A mobile that is also a desk phone is one number.
    assertThat(withPhones(List.of("0701234567"), "070-123 45 67").numbers()).containsExactly("0701234567");
    assertThat(withPhones(null, null).numbers()).isEmpty();
    assertThatThrownBy(() -> withPhones(List.of("08 12", "x"), null)).hasMessageStartingWith("phones: ");
    assertThatThrownBy(() -> withPhones(null, "mobile?")).hasMessageStartingWith("mobile: ");
  }

  @Test
  void atMostFiveDistinctPhones() {
    assertThat(withPhones(List.of("0811", "0812", "0813", "0814", "0815", "08-11"), null).phones()).hasSize(5);
    assertThatThrownBy(() -> withPhones(List.of("0811", "0812", "0813", "0814", "0815", "0816"), null))
        .hasMessageContaining("phones").hasMessageContaining("at most " + Contact.MAX_PHONES);
  }

  @Test
  void anEmailAddressIsChecked() {
    assertThat(withEmail(" anna.ek@acme.se ").email()).isEqualTo("anna.ek@acme.se");
    assertThat(withEmail("  ").email()).isNull();
    assertThat(withEmail(null).email()).isNull();
    for (String bad : List.of("anna", "anna@acme", "anna ek@acme.se", "anna@@acme.se", "a@b@acme.se", "@acme.se"))
      assertThatThrownBy(() -> withEmail(bad)).as(bad).hasMessageContaining("email");
    String local = "a".repeat(Contact.MAX_TEXT - "@acme.se".length());
    assertThat(withEmail(local + "@acme.se").email()).hasSize(Contact.MAX_TEXT);
    assertThatThrownBy(() -> withEmail(local + "a@acme.se")).hasMessageContaining("email");
  }

  @Test
  void theKindIsParsedWithoutRegardToCaseAndDefaultsToPerson() {
    assertThat(Kind.parse(null)).isEqualTo(Kind.PERSON);
    assertThat(Kind.parse(" ")).isEqualTo(Kind.PERSON);
    assertThat(Kind.parse("person")).isEqualTo(Kind.PERSON);
    assertThat(Kind.parse(" Department ")).isEqualTo(Kind.DEPARTMENT);
    assertThat(Kind.DEPARTMENT.json()).isEqualTo("department");
    assertThatThrownBy(() -> Kind.parse("robot")).hasMessageContaining("kind must be person or department")
        .hasMessageContaining("robot");
    assertThat(contact("anna", "Anna").kind()).isEqualTo(Kind.PERSON);
  }

  @Test
  void textsAreStrippedAndLimited() {
    Contact c = new Contact(new ContactId("anna"), Kind.PERSON, "  Anna Ek ", " CFO ", "  ", null, null, null, null,
        "  call her mobile  ", null);
    assertThat(c.name()).isEqualTo("Anna Ek");
    assertThat(c.title()).isEqualTo("CFO");
    assertThat(c.department()).isNull();
    assertThat(c.handling()).isEqualTo("call her mobile");

    String longest = "x".repeat(Contact.MAX_TEXT);
    assertThat(contact("anna", longest).name()).hasSize(Contact.MAX_TEXT);
    assertThatThrownBy(() -> contact("anna", longest + "x")).hasMessageStartingWith("name must be at most 200");
    assertThatThrownBy(() -> new Contact(new ContactId("a"), null, "A", longest + "x", null, null, null, null, null,
        null, null)).hasMessageStartingWith("title must be at most");
    assertThatThrownBy(() -> new Contact(new ContactId("a"), null, "A", null, longest + "x", null, null, null, null,
        null, null)).hasMessageStartingWith("department must be at most");
    String handling = "h".repeat(Contact.MAX_HANDLING);
    assertThat(new Contact(new ContactId("a"), null, "A", null, null, null, null, null, null, handling, null).handling())
        .hasSize(Contact.MAX_HANDLING);
    assertThatThrownBy(() -> new Contact(new ContactId("a"), null, "A", null, null, null, null, null, null,
        handling + "h", null)).hasMessageStartingWith("handling must be at most");
  }

  @Test
  void idAndNameAreRequired() {
    assertThatThrownBy(() -> new Contact(null, null, "Anna", null, null, null, null, null, null, null, null))
        .hasMessageContaining("id is required");
    assertThatThrownBy(() -> contact("anna", "  ")).hasMessageContaining("name is required");
    assertThatThrownBy(() -> contact("anna", null)).hasMessageContaining("name is required");
    assertThatThrownBy(() -> new ContactId("anna ek")).hasMessageContaining("contactId");
    assertThatThrownBy(() -> new ContactId("-anna")).hasMessageContaining("contactId");
  }

  @Test
  void withRedirectChangesOnlyTheRedirect() {
    Contact c = new Contact(new ContactId("anna"), Kind.DEPARTMENT, "Sales", "t", "d", List.of("0812"),
        "sales@acme.se", "0701", null, "h", null);
    Redirect lunch = new Redirect(Redirect.Reason.LUNCH, Instant.parse("2026-11-23T12:00:00Z"), null, "eva", null);
    Contact away = c.withRedirect(lunch);
    assertThat(away.redirect()).isEqualTo(lunch);
    assertThat(away.withRedirect(null)).isEqualTo(c);
  }
}
