package io.switchboard.core.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.template.GreetingTemplate.Caller;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Greeting templates (ANS-3): the seed's codes, '?' for the unknown, the most specific level wins. */
class GreetingTemplateTest {

  static final GreetingTemplate SEED_EXAMPLE = new GreetingTemplate("Var god ring {ANO} (namn {NAME}, företag {COMP})");

  @Test
  void theSeedsExampleIsFilledInFromTheCall() {
    assertThat(SEED_EXAMPLE.render(new Caller("0701234567", "Eva Ek", "Globex AB")))
        .isEqualTo("Var god ring 0701234567 (namn Eva Ek, företag Globex AB)");
  }

  @Test
  void whatIsNotKnownIsAQuestionMark() {
    assertThat(SEED_EXAMPLE.render(new Caller("0701234567", null, " "))).isEqualTo("Var god ring 0701234567 (namn ?, företag ?)");
    assertThat(SEED_EXAMPLE.render(new Caller("anonymous", null, null))).isEqualTo("Var god ring ? (namn ?, företag ?)");
    assertThat(SEED_EXAMPLE.render(new Caller(null, "  Eva  ", null))).isEqualTo("Var god ring ? (namn Eva, företag ?)");
  }

  @Test
  void codesMayRepeatAndTextWithoutCodesStaysAsItIs() {
    assertThat(new GreetingTemplate("{NAME}! {NAME}?").render(new Caller("1", "Bo", null))).isEqualTo("Bo! Bo?");
    assertThat(new GreetingTemplate("Acme, good morning").render(new Caller(null, null, null)))
        .isEqualTo("Acme, good morning");
    // Braces that are not written like a code are text.
    assertThat(new GreetingTemplate("{ hello } {name} {ANO").render(new Caller("1", "Bo", null)))
        .isEqualTo("{ hello } {name} {ANO");
  }

  @Test
  void aValueThatLooksLikeACodeIsNotFilledInAgain() {
    assertThat(new GreetingTemplate("{NAME} / {COMP}").render(new Caller("1", "{COMP}", "$1 \\ Ltd")))
        .isEqualTo("{COMP} / $1 \\ Ltd");
  }

  @Test
  void anUnknownCodeOrABadTextIsRefusedNamingIt() {
    assertThatThrownBy(() -> new GreetingTemplate("Hello {CALLER}")).hasMessageContaining("unknown code {CALLER}")
        .hasMessageContaining("{ANO}");
    assertThatThrownBy(() -> new GreetingTemplate(" ")).hasMessageContaining("greeting is required");
    assertThatThrownBy(() -> new GreetingTemplate("x".repeat(GreetingTemplate.MAX_LENGTH + 1)))
        .hasMessageContaining("at most");
  }

  @Test
  void theContactsTemplateWinsThenTheCompanysThenTheDefault() {
    GreetingTemplate contact = new GreetingTemplate("contact"), company = new GreetingTemplate("company"),
        fallback = new GreetingTemplate("default");
    assertThat(GreetingTemplate.mostSpecific(contact, company, fallback)).contains(contact);
    assertThat(GreetingTemplate.mostSpecific(null, company, fallback)).contains(company);
    assertThat(GreetingTemplate.mostSpecific(null, null, fallback)).contains(fallback);
    assertThat(GreetingTemplate.mostSpecific(null, null, null)).isEmpty();
  }

  @Property
  void noKnownCodeIsEverLeftInTheGreeting(@ForAll @StringLength(max = 40) String name,
      @ForAll @StringLength(max = 40) String company) {
    String greeting = SEED_EXAMPLE.render(new Caller("0812345", name, company));
    assertThat(greeting).startsWith("Var god ring 0812345 (namn ");
    String rest = greeting.substring("Var god ring 0812345 (namn ".length());
    String expectedName = name.isBlank() ? "?" : name.strip();
    String expectedCompany = company.isBlank() ? "?" : company.strip();
    assertThat(rest).isEqualTo(expectedName + ", företag " + expectedCompany + ")");
  }
}
