package io.switchboard.sip.media;

/** An SDP body that cannot be used: malformed, or without an audio stream. The message says why. */
public final class SdpProblem extends RuntimeException {

  public SdpProblem(String message) {
    super(message);
  }

  public SdpProblem(String message, Throwable cause) {
    super(message, cause);
  }
}
