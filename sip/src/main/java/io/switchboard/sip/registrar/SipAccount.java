package io.switchboard.sip.registrar;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A SIP account an agent's phone registers with: user name, the realm, and HA1 for each digest
 * algorithm (never the plain password: HA1 is all digest verification needs). Either HA1 may be
 * null when the account was provisioned from a store that only has the other; both null is not
 * an account. {@code agentId} may be null (an account that is only a number-plan target).
 */
public record SipAccount(String user, String realm, String ha1Md5, String ha1Sha256, String agentId) {

  public SipAccount {
    if (user == null || user.isBlank()) throw new IllegalArgumentException("user must not be blank");
    Objects.requireNonNull(realm, "realm");
    if (ha1Md5 == null && ha1Sha256 == null) throw new IllegalArgumentException("an account needs at least one HA1");
    ha1Md5 = checkedHex(ha1Md5, DigestAlgorithm.MD5, "ha1Md5");
    ha1Sha256 = checkedHex(ha1Sha256, DigestAlgorithm.SHA_256, "ha1Sha256");
  }

  /** An account from its plain password; only the HA1 values are kept. */
  public static SipAccount withPassword(String user, String password, String realm, String agentId) {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(realm, "realm");
    return new SipAccount(user, realm,
        DigestAlgorithm.MD5.ha1(user, realm, password),
        DigestAlgorithm.SHA_256.ha1(user, realm, password),
        agentId);
  }

  /** HA1 for {@code algorithm}, or null when the account has none for it. */
  public String ha1(DigestAlgorithm algorithm) {
    return algorithm == DigestAlgorithm.MD5 ? ha1Md5 : ha1Sha256;
  }

  /** HA1 is password-equivalent: keep it out of logs. */
  @Override
  public String toString() {
    return "SipAccount[user=" + user + ", realm=" + realm + ", agentId=" + agentId + ", ha1=<hidden>]";
  }

  private static String checkedHex(String value, DigestAlgorithm algorithm, String name) {
    if (value == null) return null;
    String hex = value.toLowerCase(Locale.ROOT);
    if (hex.length() != algorithm.hexLength() || !hex.chars().allMatch(HexFormat::isHexDigit)) {
      throw new IllegalArgumentException(name + " must be " + algorithm.hexLength() + " hex digits");
    }
    return hex;
  }
}
