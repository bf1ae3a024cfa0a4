package io.switchboard.core.numberplan;

import io.switchboard.core.CborSerializable;
import java.util.regex.Pattern;

/**
 * A dialled number that rings a person's SIP account rather than a queue (ACD-1): the phone
 * registered for the account {@code user} rings; when it is not registered, is busy, or does not
 * answer within {@code forwardAfterSeconds}, the call goes to {@code forwardTo} (a number, through
 * the trunk) or to {@code voicemail} (a mailbox: the caller's message is e-mailed as a sound file);
 * with neither, the caller hears that the person is unavailable. These calls are between two
 * people and are not queued, so they are not in the contact-centre statistics.
 */
public record SipAccountTarget(String user, int forwardAfterSeconds, String forwardTo, String voicemail)
    implements CborSerializable {

  public static final int DEFAULT_FORWARD_AFTER_SECONDS = 20;

  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
  private static final Pattern NUMBER = Pattern.compile("\\+?[0-9]{2,20}");

  public SipAccountTarget {
    if (user == null || !USER.matcher(user).matches())
      throw new IllegalArgumentException(
          "account.user must be a SIP account's user name (1-64 of letters, digits, '.', '_', '~', '-'), got " + user);
    if (forwardAfterSeconds == 0) forwardAfterSeconds = DEFAULT_FORWARD_AFTER_SECONDS;
    if (forwardAfterSeconds < 1 || forwardAfterSeconds > 300)
      throw new IllegalArgumentException("account.forwardAfterSeconds must be 1-300, got " + forwardAfterSeconds);
    if (forwardTo != null && forwardTo.isBlank()) forwardTo = null;
    if (voicemail != null && voicemail.isBlank()) voicemail = null;
    if (forwardTo != null && !NUMBER.matcher(forwardTo).matches())
      throw new IllegalArgumentException(
          "account.forwardTo must be 2-20 digits, optionally starting with +, got " + forwardTo);
    if (forwardTo != null && voicemail != null)
      throw new IllegalArgumentException(
          "account.forwardTo and account.voicemail: a number either forwards or takes voicemail, not both");
    if (voicemail != null && (voicemail.length() > 254 || voicemail.chars().anyMatch(Character::isWhitespace)))
      throw new IllegalArgumentException(
          "account.voicemail must be a mailbox: an e-mail address or a mailbox name, got " + voicemail);
  }
}
