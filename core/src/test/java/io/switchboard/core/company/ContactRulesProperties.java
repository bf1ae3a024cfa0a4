package io.switchboard.core.company;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The phone and e-mail rules are loops (a card's thousand contacts pass them on every read from
 * the journal); they must accept and refuse exactly what the written-down patterns do.
 */
class ContactRulesProperties {
  private static final Pattern DROPPED = Pattern.compile("[ \\t\\-().\\u00a0]");
  private static final Pattern PHONE = Pattern.compile("\\+?[0-9]{2,20}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  @Property(tries = 3000)
  void aPhoneNumberIsWhatThePatternSays(@ForAll("phoneLike") String raw) {
    String n = DROPPED.matcher(raw.strip()).replaceAll("");
    if (n.startsWith("00")) n = "+" + n.substring(2);
    if (raw.isBlank()) assertThat(Contact.phone("mobile", raw)).isNull();
    else if (PHONE.matcher(n).matches()) assertThat(Contact.phone("mobile", raw)).isEqualTo(n);
    else assertThatThrownBy(() -> Contact.phone("mobile", raw)).hasMessageStartingWith("mobile: '");
  }

  @Property(tries = 3000)
  void anEmailAddressIsWhatThePatternSays(@ForAll("emailLike") String raw) {
    boolean valid = EMAIL.matcher(raw.strip()).matches();
    if (raw.isBlank()) return;
    if (valid) assertThat(contact(raw).email()).isEqualTo(raw.strip());
    else assertThatThrownBy(() -> contact(raw)).hasMessageContaining("email is not an e-mail address");
  }

  private static Contact contact(String email) {
    return new Contact(new ContactId("c1"), null, "Anna", null, null, List.of(), email, null, null, null, null);
  }

  @Provide
  Arbitrary<String> phoneLike() {
    return Arbitraries.strings().withChars("0123456789+ -().\u00a0\tx").ofMinLength(0).ofMaxLength(26);
  }

  @Provide
  Arbitrary<String> emailLike() {
    return Arbitraries.strings().withChars("ab.@ \t").ofMinLength(0).ofMaxLength(12);
  }
}
