package io.switchboard.sip.registrar;

import java.time.Instant;
import io.switchboard.core.testkit.TestClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.sip.registrar.DigestAuthenticator.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestAuthenticatorTest {

  static final String REALM = "sip.example.org";
  static final byte[] SECRET = "a cluster-wide secret of 32 byte".getBytes(StandardCharsets.UTF_8);
  static final String URI = "sip:sip.example.org";
  static final String PASSWORD = "Circle Of Life";

  final TestClock clock = new TestClock(Instant.parse("2025-03-01T09:00:00Z"));
  final DigestAuthenticator authenticator = new DigestAuthenticator(REALM, SECRET, clock, Duration.ofMinutes(5));
  final SipAccount mufasa = SipAccount.withPassword("Mufasa", PASSWORD, REALM, "agent-1");
  final SipAccountDirectory accounts = new SipAccountDirectory(List.of(mufasa));

  String sha256Challenge() {
    return authenticator.challenges(false).get(0);
  }

  String md5Challenge() {
    return authenticator.challenges(false).get(1);
  }

  Verdict verify(String header) {
    return authenticator.verify(header, "REGISTER", URI, accounts);
  }

  static String why(Verdict verdict) {
    assertThat(verdict).isInstanceOf(Verdict.Rejected.class);
    return ((Verdict.Rejected) verdict).why();
  }

  // --- challenges

  @Test
  void challengesOfferSha256ThenMd5WithOneNonce() {
    List<String> challenges = authenticator.challenges(false);

    assertThat(challenges).hasSize(2);
    Map<String, String> sha = DigestClient.challengeParams(challenges.get(0));
    Map<String, String> md5 = DigestClient.challengeParams(challenges.get(1));
    assertThat(sha).containsEntry("realm", REALM).containsEntry("algorithm", "SHA-256").containsEntry("qop", "auth")
        .doesNotContainKey("stale");
    assertThat(md5).containsEntry("realm", REALM).containsEntry("algorithm", "MD5").containsEntry("qop", "auth");
    assertThat(sha.get("nonce")).isEqualTo(md5.get("nonce"));
    assertThat(challenges.get(0)).startsWith("Digest realm=\"sip.example.org\", nonce=\"").contains("qop=\"auth\"");
  }

  @Test
  void staleChallengeSaysSo() {
    for (String challenge : authenticator.challenges(true)) {
      assertThat(DigestClient.challengeParams(challenge)).containsEntry("stale", "true");
    }
  }

  @Test
  void everyChallengeHasAFreshNonce() {
    String a = DigestClient.challengeParams(sha256Challenge()).get("nonce");
    String b = DigestClient.challengeParams(sha256Challenge()).get("nonce");
    assertThat(a).isNotEqualTo(b);
  }

  // --- round trips

  @Test
  void sha256RoundTrip() {
    Verdict verdict = verify(DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1));
    assertThat(verdict).isEqualTo(new Verdict.Ok(mufasa));
  }

  @Test
  void md5RoundTrip() {
    Verdict verdict = verify(DigestClient.answer(md5Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1));
    assertThat(verdict).isEqualTo(new Verdict.Ok(mufasa));
  }

  @Test
  void qopLessPhonesAuthenticate() {
    assertThat(verify(DigestClient.answerWithoutQop(md5Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, false)))
        .isEqualTo(new Verdict.Ok(mufasa));
    assertThat(verify(DigestClient.answerWithoutQop(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, true)))
        .isEqualTo(new Verdict.Ok(mufasa));
  }

  @Test
  void aFollowingRequestWithTheNextNcPasses() {
    String challenge = sha256Challenge();
    assertThat(verify(DigestClient.answer(challenge, "Mufasa", PASSWORD, "REGISTER", URI, 1))).isInstanceOf(Verdict.Ok.class);
    assertThat(verify(DigestClient.answer(challenge, "Mufasa", PASSWORD, "REGISTER", URI, 2))).isInstanceOf(Verdict.Ok.class);
    assertThat(verify(DigestClient.answer(challenge, "Mufasa", PASSWORD, "REGISTER", URI, 7))).isInstanceOf(Verdict.Ok.class);
  }

  @Test
  void anyNodeWithTheSecretAcceptsTheNonce() {
    DigestAuthenticator otherNode = new DigestAuthenticator(REALM, SECRET, clock, Duration.ofMinutes(5));
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1);

    assertThat(otherNode.verify(header, "REGISTER", URI, accounts)).isEqualTo(new Verdict.Ok(mufasa));
  }

  @Test
  void theMethodIsPartOfTheDigest() {
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "INVITE", URI, 1);
    assertThat(why(verify(header))).contains("response");
  }

  @Test
  void acceptsTheHeaderNameUpperCaseHexAndProxyAuthorization() {
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1);
    String response = DigestClient.challengeParams(header).get("response");
    String upper = header.replace(response, response.toUpperCase());

    assertThat(verify("Authorization: " + upper + "\r\n")).isEqualTo(new Verdict.Ok(mufasa));
    String another = DigestClient.answer(md5Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1);
    assertThat(verify("Proxy-Authorization: " + another)).isEqualTo(new Verdict.Ok(mufasa));
  }

  @Test
  void theThreeArgumentVerifyTrustsTheDigestUri() {
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", "sip:elsewhere", 1);
    assertThat(authenticator.verify(header, "REGISTER", accounts)).isEqualTo(new Verdict.Ok(mufasa));
  }

  // --- rejections

  @Test
  void wrongPasswordNamesTheResponse() {
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", "Circle of Life", "REGISTER", URI, 1);
    assertThat(why(verify(header))).contains("response").doesNotContain(mufasa.ha1Sha256());
  }

  @Test
  void unknownUser() {
    String header = DigestClient.answer(sha256Challenge(), "Scar", PASSWORD, "REGISTER", URI, 1);
    assertThat(why(verify(header))).contains("unknown user").contains("Scar");
  }

  @Test
  void wrongRealmInTheHeader() {
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1)
        .replace("realm=\"" + REALM + "\"", "realm=\"pride.rock\"");
    assertThat(why(verify(header))).contains("wrong realm");
  }

  @Test
  void accountOfAnotherRealm() {
    accounts.put(SipAccount.withPassword("Mufasa", PASSWORD, "pride.rock", null));
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1);
    assertThat(why(verify(header))).contains("wrong realm").contains("pride.rock");
  }

  @Test
  void nonceFromAnotherRealmDoesNotPass() {
    DigestAuthenticator other = new DigestAuthenticator("other.example.org", SECRET, clock, Duration.ofMinutes(5));
    String nonce = DigestClient.challengeParams(other.challenges(false).get(0)).get("nonce");
    String header = DigestClient.answer(sha256Challenge().replaceFirst("nonce=\"[^\"]*\"", "nonce=\"" + nonce + "\""),
        "Mufasa", PASSWORD, "REGISTER", URI, 1);
    assertThat(why(verify(header))).contains("nonce");
  }

  @Test
  void expiredNonceIsStale() {
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1);
    clock.advance(Duration.ofMinutes(5));

    assertThat(verify(header)).isEqualTo(new Verdict.Stale());
  }

  @Test
  void nonceJustBeforeItsLifetimeEndsIsFine() {
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1);
    clock.advance(Duration.ofMinutes(5).minusMillis(1));

    assertThat(verify(header)).isEqualTo(new Verdict.Ok(mufasa));
  }

  @Test
  void expiredNonceWithAWrongPasswordIsRejectedNotStale() {
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", "guess", "REGISTER", URI, 1);
    clock.advance(Duration.ofHours(1));

    assertThat(why(verify(header))).contains("response");
  }

  @Test
  void nonceForgedWithAnotherSecretIsRejected() {
    byte[] otherSecret = "an attacker's secret, 32 bytes!!".getBytes(StandardCharsets.UTF_8);
    DigestAuthenticator forger = new DigestAuthenticator(REALM, otherSecret, clock, Duration.ofMinutes(5));
    String header = DigestClient.answer(forger.challenges(false).get(0), "Mufasa", PASSWORD, "REGISTER", URI, 1);

    assertThat(why(verify(header))).contains("nonce");
  }

  @Test
  void nonceWithAMovedTimestampIsRejected() {
    String challenge = sha256Challenge();
    String nonce = DigestClient.challengeParams(challenge).get("nonce");
    String later = Long.toHexString(clock.millis() + 1) + nonce.substring(nonce.indexOf('.'));
    String header = DigestClient.answer(challenge.replace(nonce, later), "Mufasa", PASSWORD, "REGISTER", URI, 1);

    assertThat(why(verify(header))).contains("nonce");
  }

  @Test
  void garbageNonceIsRejected() {
    for (String nonce : List.of("abc", "..", "zz.zz.zz", "1.2.3.4", "ffffffffffffffffff.a.b", "1.!!.??")) {
      String challenge = sha256Challenge().replaceFirst("nonce=\"[^\"]*\"", "nonce=\"" + nonce + "\"");
      String header = DigestClient.answer(challenge, "Mufasa", PASSWORD, "REGISTER", URI, 1);
      assertThat(why(verify(header))).as(nonce).contains("nonce");
    }
  }

  @Test
  void replayedNcIsRejected() {
    String challenge = sha256Challenge();
    String first = DigestClient.answer(challenge, "Mufasa", PASSWORD, "REGISTER", URI, 2);
    assertThat(verify(first)).isInstanceOf(Verdict.Ok.class);

    assertThat(why(verify(first))).contains("replayed nc");
    assertThat(why(verify(DigestClient.answer(challenge, "Mufasa", PASSWORD, "REGISTER", URI, 1)))).contains("replayed nc");
    assertThat(verify(DigestClient.answer(challenge, "Mufasa", PASSWORD, "REGISTER", URI, 3))).isInstanceOf(Verdict.Ok.class);
  }

  @Test
  void aFailedAttemptDoesNotUseUpTheNc() {
    String challenge = sha256Challenge();
    assertThat(verify(DigestClient.answer(challenge, "Mufasa", "wrong", "REGISTER", URI, 1))).isInstanceOf(Verdict.Rejected.class);
    assertThat(verify(DigestClient.answer(challenge, "Mufasa", PASSWORD, "REGISTER", URI, 1))).isInstanceOf(Verdict.Ok.class);
  }

  @Test
  void aNonceThatFellOutOfTheReplayWindowIsStaleNotReplayable() {
    DigestAuthenticator small = new DigestAuthenticator(REALM, SECRET, clock, Duration.ofMinutes(5), 2);
    String[] challenges = new String[3];
    for (int i = 0; i < 3; i++) {
      challenges[i] = small.challenges(false).get(0);
      clock.advance(Duration.ofSeconds(1));
    }
    String firstRequest = DigestClient.answer(challenges[0], "Mufasa", PASSWORD, "REGISTER", URI, 1);
    assertThat(small.verify(firstRequest, "REGISTER", URI, accounts)).isInstanceOf(Verdict.Ok.class);
    for (int i = 1; i < 3; i++) {
      String request = DigestClient.answer(challenges[i], "Mufasa", PASSWORD, "REGISTER", URI, 1);
      assertThat(small.verify(request, "REGISTER", URI, accounts)).isInstanceOf(Verdict.Ok.class);
    }

    // The first nonce's count was forgotten to make room: a replay must not pass as new.
    assertThat(small.verify(firstRequest, "REGISTER", URI, accounts)).isEqualTo(new Verdict.Stale());
    String secondAgain = DigestClient.answer(challenges[1], "Mufasa", PASSWORD, "REGISTER", URI, 2);
    assertThat(small.verify(secondAgain, "REGISTER", URI, accounts)).isInstanceOf(Verdict.Ok.class);
  }

  @Test
  void digestUriMustBeTheRequestUri() {
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", "sip:other.example.org", 1);
    assertThat(why(verify(header))).contains("uri mismatch");
  }

  @Test
  void requestUriComparisonToleratesBracketsAndCase() {
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1);
    assertThat(authenticator.verify(header, "REGISTER", "<SIP:sip.example.org>", accounts)).isInstanceOf(Verdict.Ok.class);
  }

  @Test
  void accountWithoutSha256Credentials() {
    accounts.put(new SipAccount("Mufasa", REALM, mufasa.ha1Md5(), null, null));
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1);
    assertThat(why(verify(header))).contains("no SHA-256 credentials");
    assertThat(verify(DigestClient.answer(md5Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1))).isInstanceOf(Verdict.Ok.class);
  }

  @Test
  void unsupportedAlgorithmQopAndScheme() {
    String header = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1);
    assertThat(why(verify(header.replace("algorithm=SHA-256", "algorithm=SHA-512-256")))).contains("algorithm");
    assertThat(why(verify(header.replace("qop=auth", "qop=auth-int")))).contains("qop");
    assertThat(why(verify("Basic TXVmYXNhOkNpcmNsZSBPZiBMaWZl"))).contains("scheme").contains("Basic");
  }

  // --- malformed headers

  @Test
  void malformedHeadersNameWhatIsWrong() {
    String good = DigestClient.answer(sha256Challenge(), "Mufasa", PASSWORD, "REGISTER", URI, 1);
    Map<String, String> cases = Map.of(
        good.replaceFirst("nonce=\"[^\"]*\", ", ""), "missing nonce",
        good.replaceFirst("username=\"Mufasa\", ", ""), "missing username",
        good.replaceFirst(", response=\"[0-9a-f]*\"", ""), "missing response",
        good.replace("nc=00000001", "nc=1"), "nc",
        good.replace("nc=00000001", "nc=00000000"), "nc",
        good.replaceFirst(", cnonce=\"[^\"]*\"", ""), "cnonce",
        good.replaceFirst(", nc=00000001", ""), "nc",
        good.replaceFirst("response=\"([0-9a-f]*)\"", "response=\"$1aa\""), "response",
        good + ", nonce=\"again\"", "nonce given twice",
        good + ", opaque=\"abc", "unterminated");
    cases.forEach((header, expected) ->
        assertThat(why(verify(header))).as(header).startsWith("malformed Authorization header: ").contains(expected));
  }

  @Test
  void emptyOrOddHeadersAreMalformedNotExceptions() {
    for (String header : new String[] {null, "", "   ", "Digest", "Digest ", "Digest username", "Digest =x",
        "Digest username=\"a\" realm=\"b\"", "Digest,username=a", "\"", "Digest username=\"\\"}) {
      assertThat(why(verify(header))).as(String.valueOf(header)).startsWith("malformed Authorization header: ");
    }
  }

  @Test
  void constructorGuards() {
    assertThatThrownBy(() -> new DigestAuthenticator(REALM, new byte[8], clock)).hasMessageContaining("secret");
    assertThatThrownBy(() -> new DigestAuthenticator("", SECRET, clock)).hasMessageContaining("realm");
    assertThatThrownBy(() -> new DigestAuthenticator(REALM, SECRET, clock, Duration.ZERO)).hasMessageContaining("nonceLifetime");
    assertThat(new DigestAuthenticator(REALM, SECRET, clock).nonceLifetime()).isEqualTo(Duration.ofMinutes(5));
  }
}
