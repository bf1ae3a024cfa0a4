package io.switchboard.http.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.switchboard.core.message.SmsSender;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** switchboard.sms as reference.conf defines it, with overrides as a node's conf would give. */
class SmsSendersTest {

  private static Config config(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void referenceConfHasNoProvider() {
    Config c = config("");
    assertThat(SmsSenders.provider(c)).isEqualTo(new SmsSenders.None());
    try (SmsSender sender = SmsSenders.fromConfig(c)) {
      assertThat(sender).isSameAs(SmsSender.none());
    }
  }

  @Test
  void smpp() {
    Config c = config("""
        switchboard.sms {
          provider = smpp
          from = "+46812345678"
          smpp { host = "smsc.example.com", port = 2776, system-id = "sb", password = "pw", system-type = "cc",
                 timeout = 3s }
        }""");
    SmsSenders.Provider p = SmsSenders.provider(c);
    assertThat(p).isEqualTo(new SmsSenders.Smpp(new SmppSmsSender.Settings("smsc.example.com", 2776, "sb", "pw",
        "cc", "+46812345678", Duration.ofSeconds(3))));
    try (SmsSender sender = SmsSenders.fromConfig(c)) {
      // Built without connecting: the first send binds.
      assertThat(sender).isInstanceOf(SmppSmsSender.class);
      assertThat(((SmppSmsSender) sender).bound()).isFalse();
      assertThat(sender.toString()).doesNotContain("\"pw\"", "pw,", "pw]");
    }
  }

  @Test
  void smppDefaultsFromReferenceConf() {
    SmsSenders.Provider p = SmsSenders.provider(config("switchboard.sms { provider = smpp, smpp.system-id = sb }"));
    assertThat(p).isEqualTo(new SmsSenders.Smpp(new SmppSmsSender.Settings("localhost", 2775, "sb", "", "",
        "Switchboard", Duration.ofSeconds(10))));
  }

  @Test
  void http() {
    Config c = config("""
        switchboard.sms {
          provider = http
          http {
            url = "https://api.example.com/v1/sms"
            content-type = "application/x-www-form-urlencoded"
            body = "To={to}&From={from}&Body={text}"
            headers { Authorization = "Basic dXNlcjpwdw==", "X-Api.Key" = "k" }
            message-id-pointer = "/sid"
            timeout = 4s
          }
        }""");
    SmsSenders.Provider p = SmsSenders.provider(c);
    assertThat(p).isEqualTo(new SmsSenders.Http(new HttpSmsSender.Settings(URI.create("https://api.example.com/v1/sms"),
        "application/x-www-form-urlencoded", "To={to}&From={from}&Body={text}",
        Map.of("Authorization", "Basic dXNlcjpwdw==", "X-Api.Key", "k"), "/sid", "Switchboard",
        Duration.ofSeconds(4))));
    try (SmsSender sender = SmsSenders.fromConfig(c)) {
      assertThat(sender).isInstanceOf(HttpSmsSender.class);
      assertThat(sender.toString()).contains("Authorization", "X-Api.Key").doesNotContain("dXNlcjpwdw==");
    }
  }

  @Test
  void httpDefaultBodyIsJson() {
    SmsSenders.Http p = (SmsSenders.Http) SmsSenders.provider(config(
        "switchboard.sms { provider = http, http.url = \"http://127.0.0.1:8080/send\" }"));
    assertThat(p.settings().body()).isEqualTo("{\"to\":\"{to}\",\"from\":\"{from}\",\"text\":\"{text}\"}");
    assertThat(p.settings().contentType()).isEqualTo("application/json");
    assertThat(p.settings().headers()).isEmpty();
    assertThat(p.settings().timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void badProviderNamesTheKey() {
    assertThatThrownBy(() -> SmsSenders.fromConfig(config("switchboard.sms.provider = twilio")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("switchboard.sms.provider must be none, smpp or http; got \"twilio\"");
  }

  @Test
  void badValuesNameTheirKeys() {
    assertThatThrownBy(() -> SmsSenders.provider(config("switchboard.sms { provider = smpp, smpp.system-id = sb, "
        + "smpp.port = lots }")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("switchboard.sms.smpp.port");
    assertThatThrownBy(() -> SmsSenders.provider(config("switchboard.sms { provider = smpp, smpp.system-id = sb, "
        + "smpp.timeout = soon }")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("switchboard.sms.smpp.timeout");
    assertThatThrownBy(() -> SmsSenders.provider(config("switchboard.sms { provider = smpp }")))
        .hasMessageStartingWith("switchboard.sms.smpp.system-id must have 1 to 15 characters");
    assertThatThrownBy(() -> SmsSenders.provider(config("switchboard.sms { provider = smpp, smpp.system-id = sb, "
        + "from = \"A much too long sender\" }")))
        .hasMessageStartingWith("switchboard.sms.from must be an international number");
    assertThatThrownBy(() -> SmsSenders.provider(config("switchboard.sms { provider = http }")))
        .hasMessageStartingWith("switchboard.sms.http.url");
    assertThatThrownBy(() -> SmsSenders.provider(config("switchboard.sms { provider = http, "
        + "http.url = \"https://x.example\", http.headers { X-Count = 3 } }")))
        .hasMessage("switchboard.sms.http.headers.X-Count must be a string; got number");
    assertThatThrownBy(() -> SmsSenders.provider(config("switchboard.sms { provider = http, "
        + "http.url = \"https://x.example\", http.message-id-pointer = id }")))
        .hasMessageStartingWith("switchboard.sms.http.message-id-pointer");
  }

  @Test
  void passwordsNeverShowInErrors() {
    assertThatThrownBy(() -> SmsSenders.provider(config("switchboard.sms { provider = smpp, smpp.system-id = sb, "
        + "smpp.password = \"verysecret\" }")))
        .hasMessageStartingWith("switchboard.sms.smpp.password must have at most 8 characters")
        .hasMessageNotContaining("verysecret");
  }
}
