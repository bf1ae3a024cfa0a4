package io.switchboard.sip.registrar;

import java.util.List;

/** What the gateway answers a REGISTER with. */
public sealed interface RegisterResult permits RegisterResult.Ok, RegisterResult.IntervalTooBrief, RegisterResult.Refused {

  /** 200 OK listing every current binding (Contact with {@code expires} = seconds left). */
  record Ok(List<Binding> current) implements RegisterResult {
    public Ok {
      current = List.copyOf(current);
    }
  }

  /** 423 Interval Too Brief with {@code Min-Expires: minExpires}; nothing was changed. */
  record IntervalTooBrief(int minExpires) implements RegisterResult {}

  /**
   * Not accepted; nothing was changed. {@code status} is the SIP response the gateway should
   * send (400 for a malformed or out-of-order request, 403 when the account has too many
   * bindings); {@code why} goes in the reason phrase or the log.
   */
  record Refused(int status, String why) implements RegisterResult {
    public Refused(String why) {
      this(400, why);
    }
  }
}
