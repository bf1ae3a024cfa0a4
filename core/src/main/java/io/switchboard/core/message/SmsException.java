package io.switchboard.core.message;

/**
 * Why an SMS was not sent: the provider refused it, could not be reached, did not answer in time,
 * or none is configured. The message says which, for the log and for the person who configures the
 * node; it never contains a password.
 */
public class SmsException extends RuntimeException {

  public SmsException(String message) {
    super(message);
  }

  public SmsException(String message, Throwable cause) {
    super(message, cause);
  }
}
