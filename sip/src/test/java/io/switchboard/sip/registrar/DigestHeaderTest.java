package io.switchboard.sip.registrar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.sip.registrar.DigestHeader.Credentials;
import io.switchboard.sip.registrar.DigestHeader.Malformed;
import io.switchboard.sip.registrar.DigestHeader.Param;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestHeaderTest {

  static Credentials credentials(String header) {
    DigestHeader.Parsed parsed = DigestHeader.parse(header);
    assertThat(parsed).as(header).isInstanceOf(Credentials.class);
    return (Credentials) parsed;
  }

  static String malformed(String header) {
    DigestHeader.Parsed parsed = DigestHeader.parse(header);
    assertThat(parsed).as(header).isInstanceOf(Malformed.class);
    return ((Malformed) parsed).why();
  }

  @Test
  void parsesTheRfc2617Example() {
    Credentials c = credentials("""
        Digest username="Mufasa",
               realm="testrealm@host.com",
               nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
               uri="/dir/index.html",
               qop=auth,
               nc=00000001,
               cnonce="0a4f113b",
               response="6629fae49393a05397450978507c4ef1",
               opaque="5ccc069c403ebaf9f0171e9517f40e41"
        """);

    assertThat(c.scheme()).isEqualTo("Digest");
    assertThat(c.params()).containsExactly(
        Map.entry("username", "Mufasa"),
        Map.entry("realm", "testrealm@host.com"),
        Map.entry("nonce", "dcd98b7102dd2f0e8b11d0f600bfb0c093"),
        Map.entry("uri", "/dir/index.html"),
        Map.entry("qop", "auth"),
        Map.entry("nc", "00000001"),
        Map.entry("cnonce", "0a4f113b"),
        Map.entry("response", "6629fae49393a05397450978507c4ef1"),
        Map.entry("opaque", "5ccc069c403ebaf9f0171e9517f40e41"));
  }

  @Test
  void quotedValuesKeepCommasEqualsAndEscapedQuotes() {
    Credentials c = credentials("Digest username=\"a, \\\"b\\\" = c\\\\d\",realm=\"\"");
    assertThat(c.params()).containsEntry("username", "a, \"b\" = c\\d").containsEntry("realm", "");
  }

  @Test
  void bareValuesMayBeUrisAndNamesAreCaseInsensitive() {
    Credentials c = credentials("dIgEsT  USERNAME = bob ,URI=sip:bob@example.org;transport=tcp,,  , Algorithm=MD5 ");
    assertThat(c.scheme()).isEqualTo("dIgEsT");
    assertThat(c.params()).containsExactly(
        Map.entry("username", "bob"),
        Map.entry("uri", "sip:bob@example.org;transport=tcp"),
        Map.entry("algorithm", "MD5"));
    assertThat(c.param("Algorithm")).contains("MD5");
  }

  @Test
  void headerNameAndFoldedLinesAreTolerated() {
    Credentials c = credentials("Authorization: Digest username=\"a\",\r\n\trealm=\"r\"\r\n");
    assertThat(c.params()).containsEntry("username", "a").containsEntry("realm", "r");
  }

  @Test
  void malformedHeadersSayWhy() {
    assertThat(malformed("")).contains("scheme");
    assertThat(malformed("Digest username")).contains("'='").contains("username");
    assertThat(malformed("Digest username=")).contains("missing value of parameter username");
    assertThat(malformed("Digest username=\"abc")).contains("unterminated").contains("username");
    assertThat(malformed("Digest a=1 b=2")).contains("','");
    assertThat(malformed("Digest a=1, A=2")).contains("given twice");
    assertThat(malformed("Digest a=\"x\"y")).contains("','");
    assertThat(malformed("Digest (a)=1")).contains("parameter name");
    assertThat(malformed(null)).isNotEmpty();
  }

  @Test
  void formatQuotesAndEscapes() {
    String header = DigestHeader.format("Digest", List.of(
        Param.quoted("realm", "say \"hi\" \\ bye"), Param.token("algorithm", "SHA-256"), Param.quoted("qop", "auth")));

    assertThat(header).isEqualTo("Digest realm=\"say \\\"hi\\\" \\\\ bye\", algorithm=SHA-256, qop=\"auth\"");
    assertThat(credentials(header).params())
        .containsExactly(Map.entry("realm", "say \"hi\" \\ bye"), Map.entry("algorithm", "SHA-256"), Map.entry("qop", "auth"));
  }

  @Test
  void formatRefusesWhatItCannotWrite() {
    assertThatThrownBy(() -> Param.token("a", "two words")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Param.quoted("a b", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DigestHeader.format("Di gest", List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void schemeOf() {
    assertThat(DigestHeader.schemeOf("  Basic abc")).contains("Basic");
    assertThat(DigestHeader.schemeOf("Authorization: Digest x=1")).contains("Digest");
    assertThat(DigestHeader.schemeOf("\"")).isEmpty();
    assertThat(DigestHeader.schemeOf(null)).isEmpty();
  }
}
