package io.switchboard.sip.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The response computation against the examples published in the RFCs. */
class DigestVectorsTest {

  /** RFC 2617 §3.5: Mufasa / "Circle Of Life", MD5, qop=auth. */
  @Test
  void rfc2617Example() {
    SipAccount mufasa = SipAccount.withPassword("Mufasa", "Circle Of Life", "testrealm@host.com", null);
    assertThat(mufasa.ha1Md5()).isEqualTo("939e7578ed9e3c518a452acee763bce9");

    String response = DigestAlgorithm.MD5.response(mufasa.ha1Md5(), "dcd98b7102dd2f0e8b11d0f600bfb0c093",
        "00000001", "0a4f113b", "auth", "GET", "/dir/index.html");

    assertThat(response).isEqualTo("6629fae49393a05397450978507c4ef1");
  }

  /** RFC 7616 §3.9.1 (the SHA-256 examples RFC 8760 brings to SIP): Mufasa / "Circle of Life". */
  @Test
  void rfc7616Sha256Example() {
    SipAccount mufasa = SipAccount.withPassword("Mufasa", "Circle of Life", "http-auth@example.org", null);

    String response = DigestAlgorithm.SHA_256.response(mufasa.ha1Sha256(), "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth", "GET", "/dir/index.html");

    assertThat(response).isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  }

  /** RFC 7616 §3.9.1, the same request with MD5. */
  @Test
  void rfc7616Md5Example() {
    SipAccount mufasa = SipAccount.withPassword("Mufasa", "Circle of Life", "http-auth@example.org", null);

    String response = DigestAlgorithm.MD5.response(mufasa.ha1Md5(), "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth", "GET", "/dir/index.html");

    assertThat(response).isEqualTo("8ca523f5e9506fed4657c9700eebdbec");
  }

  /**
   * Without qop (RFC 2069). RFC 2069's own example value is wrong (a known erratum), so the
   * expectation is the RFC 2617 example's inputs hashed by Python's hashlib.
   */
  @Test
  void withoutQop() {
    String ha1 = DigestAlgorithm.MD5.ha1("Mufasa", "testrealm@host.com", "Circle Of Life");

    String response = DigestAlgorithm.MD5.response(ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", null, null, null, "GET",
        "/dir/index.html");

    assertThat(response).isEqualTo("670fd8c2df070c60b045671b8b24ff02");
  }

  /** The tests' own phone agrees with the published values too, so round trips mean something. */
  @Test
  void testClientMatchesPublishedValues() {
    assertThat(DigestClient.response("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life",
        "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "GET", "/dir/index.html"))
        .isEqualTo("6629fae49393a05397450978507c4ef1");
    assertThat(DigestClient.response("SHA-256", "Mufasa", "http-auth@example.org", "Circle of Life",
        "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        "GET", "/dir/index.html"))
        .isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  }

  @Test
  void algorithmTokens() {
    assertThat(DigestAlgorithm.fromToken(null)).contains(DigestAlgorithm.MD5);
    assertThat(DigestAlgorithm.fromToken("md5")).contains(DigestAlgorithm.MD5);
    assertThat(DigestAlgorithm.fromToken("SHA-256")).contains(DigestAlgorithm.SHA_256);
    assertThat(DigestAlgorithm.fromToken("sha-256")).contains(DigestAlgorithm.SHA_256);
    assertThat(DigestAlgorithm.fromToken("SHA-512-256")).isEmpty();
    assertThat(DigestAlgorithm.fromToken("MD5-sess")).isEmpty();
  }
}
