package io.switchboard.http.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;

/** bcrypt, the way passwords are stored and checked; the password itself is never kept. */
public final class PasswordHasher {
  public static final int MIN_LENGTH = 8;
  /** bcrypt reads at most 72 bytes; longer passwords are refused rather than cut silently. */
  public static final int MAX_BYTES = 72;

  private final int cost;
  /** Checked against when the user does not exist, so an unknown name takes as long as a wrong password. */
  private final String decoy;

  public PasswordHasher(int cost) {
    if (cost < 4 || cost > 16) throw new IllegalArgumentException("switchboard.auth.bcrypt-cost must be 4-16, got " + cost);
    this.cost = cost;
    this.decoy = hash("decoy-password-not-in-use");
  }

  /** The reason a new password is not acceptable, or null. */
  public static String weakness(String password) {
    if (password == null || password.length() < MIN_LENGTH) return "password must be at least " + MIN_LENGTH + " characters";
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES)
      return "password must be at most " + MAX_BYTES + " bytes";
    return null;
  }

  public String hash(String password) {
    return BCrypt.withDefaults().hashToString(cost, password.toCharArray());
  }

  public boolean verify(String password, String hash) {
    if (password == null || password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) return false;
    return BCrypt.verifyer().verify(password.toCharArray(), hash == null ? decoy : hash).verified;
  }

  public void spendDecoy(String password) {
    verify(password, decoy);
  }
}
