package io.switchboard.sip.registrar;

import java.time.Instant;
import io.switchboard.core.testkit.TestClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.sip.registrar.DigestAuthenticator.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

class DigestHeaderProperties {

  private static final String TOKEN_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";

  // --- the tokenizer never throws

  @Property(tries = 2000)
  void parseNeverThrowsOnAnyString(@ForAll String header) {
    assertThat(DigestHeader.parse(header)).isNotNull();
    assertThat(DigestHeader.schemeOf(header)).isNotNull();
  }

  @Property(tries = 2000)
  void parseNeverThrowsOnHeaderLikeStrings(@ForAll("headerish") String header) {
    assertThat(DigestHeader.parse(header)).isNotNull();
  }

  @Property(tries = 1000)
  void verifyRejectsGarbageWithoutThrowing(@ForAll("headerish") String header) {
    DigestAuthenticator authenticator = new DigestAuthenticator("r", "0123456789abcdef".getBytes(StandardCharsets.UTF_8),
        new TestClock(Instant.parse("2025-03-01T09:00:00Z")), Duration.ofMinutes(5));
    Verdict verdict = authenticator.verify("Digest " + header, "REGISTER", "sip:r", new SipAccountDirectory());
    assertThat(verdict).isInstanceOf(Verdict.Rejected.class);
  }

  /** Strings built from the characters the tokenizer cares about, so its edge paths get hit. */
  @Provide
  Arbitrary<String> headerish() {
    return Arbitraries.strings().withChars("Digest uname=\"\\,\r\n\t =:;@").withChars('\u00e9', '\u0000', '\u007f')
        .ofMaxLength(60);
  }

  // --- what the test's formatter writes, the parser reads back

  @Property(tries = 1000)
  void formattedHeadersParseBack(@ForAll("schemes") String scheme, @ForAll("paramLists") List<Tuple2<String, String>> params,
                                 @ForAll("spacing") String space) {
    String header = testFormat(scheme, params, space);

    DigestHeader.Parsed parsed = DigestHeader.parse(header);

    assertThat(parsed).as(header).isInstanceOf(DigestHeader.Credentials.class);
    DigestHeader.Credentials credentials = (DigestHeader.Credentials) parsed;
    assertThat(credentials.scheme()).isEqualTo(scheme);
    Map<String, String> expected = new LinkedHashMap<>();
    params.forEach(p -> expected.put(p.get1().toLowerCase(Locale.ROOT), p.get2()));
    assertThat(credentials.params()).containsExactlyEntriesOf(expected);
  }

  @Property(tries = 500)
  void ourOwnFormatParsesBack(@ForAll("paramLists") List<Tuple2<String, String>> params) {
    List<DigestHeader.Param> formatted = params.stream().map(p -> DigestHeader.Param.quoted(p.get1(), p.get2())).toList();

    DigestHeader.Parsed parsed = DigestHeader.parse(DigestHeader.format("Digest", formatted));

    Map<String, String> expected = new LinkedHashMap<>();
    params.forEach(p -> expected.put(p.get1().toLowerCase(Locale.ROOT), p.get2()));
    assertThat(((DigestHeader.Credentials) parsed).params()).containsExactlyEntriesOf(expected);
  }

  /** Quotes a value unless it is a plain token; escapes only {@code "} and {@code \}. */
  static String testFormat(String scheme, List<Tuple2<String, String>> params, String space) {
    StringBuilder out = new StringBuilder(scheme).append(' ');
    for (int i = 0; i < params.size(); i++) {
      if (i > 0) out.append(space).append(',').append(space);
      String value = params.get(i).get2();
      boolean bare = !value.isEmpty() && value.chars().allMatch(c -> TOKEN_CHARS.indexOf(c) >= 0);
      out.append(params.get(i).get1()).append(space).append('=').append(space);
      if (bare) {
        out.append(value);
      } else {
        out.append('"');
        for (char c : value.toCharArray()) {
          if (c == '"' || c == '\\') out.append('\\');
          out.append(c);
        }
        out.append('"');
      }
    }
    return out.toString();
  }

  @Provide
  Arbitrary<String> schemes() {
    return Arbitraries.of("Digest", "digest", "DIGEST");
  }

  @Provide
  Arbitrary<String> spacing() {
    return Arbitraries.of("", " ", "  ", "\t", "\r\n ");
  }

  @Provide
  Arbitrary<List<Tuple2<String, String>>> paramLists() {
    Arbitrary<String> names = Arbitraries.strings().withChars(TOKEN_CHARS).ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> values = Arbitraries.oneOf(
        Arbitraries.strings().withChars(TOKEN_CHARS).ofMinLength(1).ofMaxLength(20),
        Arbitraries.strings().ofMaxLength(30),
        Arbitraries.strings().withChars("ab\"\\, =").ofMaxLength(12));
    return Combinators.combine(names, values).as(Tuple::of).list().ofMaxSize(8)
        .uniqueElements(p -> p.get1().toLowerCase(Locale.ROOT));
  }
}
