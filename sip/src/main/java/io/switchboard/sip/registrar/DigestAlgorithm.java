package io.switchboard.sip.registrar;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/** The digest algorithms the registrar accepts (RFC 7616 / RFC 8760 names). */
public enum DigestAlgorithm {
  MD5("MD5", "MD5"),
  SHA_256("SHA-256", "SHA-256");

  private final String token;
  private final String jdkName;

  DigestAlgorithm(String token, String jdkName) {
    this.token = token;
    this.jdkName = jdkName;
  }

  /** The value of the {@code algorithm} parameter. */
  public String token() {
    return token;
  }

  /** Length of a hash of this algorithm in hex digits (the length of HA1 and of a response). */
  public int hexLength() {
    return this == MD5 ? 32 : 64;
  }

  /** The algorithm named by an {@code algorithm} parameter; absent means MD5 (RFC 2617 §3.2.1). */
  public static Optional<DigestAlgorithm> fromToken(String token) {
    if (token == null) return Optional.of(MD5);
    String t = token.toUpperCase(Locale.ROOT);
    for (DigestAlgorithm a : values()) if (a.token.equals(t)) return Optional.of(a);
    return Optional.empty();
  }

  /** Lower-case hex of the hash of the UTF-8 bytes of {@code text}. */
  public String hash(String text) {
    try {
      // A new instance per call: MessageDigest is not thread-safe and creating one is cheap.
      MessageDigest digest = MessageDigest.getInstance(jdkName);
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides " + jdkName, e);
    }
  }

  /** HA1 = H(user:realm:password). */
  public String ha1(String user, String realm, String password) {
    return hash(user + ":" + realm + ":" + password);
  }

  /**
   * The request-digest (RFC 2617 §3.2.2.1): with {@code qop=auth} H(HA1:nonce:nc:cnonce:qop:HA2),
   * without qop (RFC 2069 phones) H(HA1:nonce:HA2); HA2 = H(method:uri).
   */
  public String response(String ha1, String nonce, String nc, String cnonce, String qop, String method, String uri) {
    String ha2 = hash(method + ":" + uri);
    if (qop == null) return hash(ha1 + ":" + nonce + ":" + ha2);
    return hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
  }
}
