package io.switchboard.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SmsMessageTest {

  @ParameterizedTest
  @ValueSource(strings = {"+123456", "+46701234567", "+123456789012345"})
  void acceptsInternationalNumbers(String to) {
    assertThat(new SmsMessage(to, "hi").to()).isEqualTo(to);
  }

  @ParameterizedTest
  @ValueSource(strings = {"46701234567", "+12345", "+1234567890123456", "+46 70 123", "+4670-123", "0046701234567",
      "+0701234567", "+46a701234", "++46701234", " +46701234567"})
  void refusesAnythingElseNamingTo(String to) {
    assertThatThrownBy(() -> new SmsMessage(to, "hi"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("to ")
        .hasMessageContaining(to);
  }

  @Test
  void toIsRequired() {
    assertThatThrownBy(() -> new SmsMessage(null, "hi")).hasMessage("to is required");
    assertThatThrownBy(() -> new SmsMessage("", "hi")).hasMessage("to is required");
  }

  @Test
  void textHasOneTo1600Characters() {
    assertThat(new SmsMessage("+46701234567", "x").text()).isEqualTo("x");
    assertThat(new SmsMessage("+46701234567", "x".repeat(1600)).text()).hasSize(1600);
    assertThatThrownBy(() -> new SmsMessage("+46701234567", "x".repeat(1601)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("text must be at most 1600 characters, got 1601");
    for (String blank : new String[] {null, "", " \n\t"})
      assertThatThrownBy(() -> new SmsMessage("+46701234567", blank))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("text is required");
  }

  @Test
  void textMayHoldAnyCharacters() {
    String text = "Ångström – 東京\n\"quoted\" {to} 😀";
    assertThat(new SmsMessage("+46701234567", text).text()).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "+46 70 123 45 67      | +46701234567",
      "0046 70-123 45 67     | +46701234567",
      "+1 (555) 010-0199     | +15550100199",
      "00 1 (555) 010 0199   | +15550100199",
      "'+44\u00a020\u20137946\u00a00958' | +442079460958",
      "+46701234567          | +46701234567",
      "070-123 45 67         | 0701234567",
      "00                    | 00",
      "'+46\t70 1234567'     | +46701234567"})
  void normalizeStripsSeparatorsAndTurns00IntoPlus(String typed, String normalized) {
    assertThat(SmsMessage.normalize(typed)).isEqualTo(normalized);
  }

  @Test
  void normalizedNumbersPassAndLocalOnesStillFail() {
    assertThat(new SmsMessage(SmsMessage.normalize("0046 70-123 45 67"), "x").to()).isEqualTo("+46701234567");
    assertThatThrownBy(() -> new SmsMessage(SmsMessage.normalize("070-123 45 67"), "x"))
        .hasMessageStartingWith("to must be an international number")
        .hasMessageContaining("0701234567");
  }

  @Test
  void noneFailsNamingTheConfigKey() {
    SmsSender none = SmsSender.none();
    assertThatThrownBy(() -> none.send(new SmsMessage("+46701234567", "hi")).toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(SmsException.class)
        .hasMessageContaining("SMS is not configured")
        .hasMessageContaining("switchboard.sms.provider");
    none.close();
    assertThat(none).hasToString("SmsSender.none");
  }
}
