package io.switchboard.core.call;

import io.switchboard.core.CborSerializable;
import java.time.Instant;

/**
 * An announced transfer in progress (ANS-4): the talking agent consults {@code number} before
 * connecting the caller there. The caller is held (hold music) while the number is dialled and
 * while the agent talks to the contact; the agent can toggle between the two, then complete
 * (caller and contact connected, the agent leaves) or cancel (the contact's leg is dropped, the
 * agent is back with the caller).
 *
 * @param consultId names this consultation: the telephony edge reports on it by this id, so a
 *     late report about an earlier consultation of the same call changes nothing
 * @param talkingTo whom the agent hears now; the other party hears hold music (while dialling:
 *     {@link Party#CONTACT}, the agent waits for the number to answer)
 * @param reason why a {@link State#FAILED} consultation failed (busy, no answer, ...); else null
 */
public record Consultation(String consultId, String number, State state, Party talkingTo, String reason,
    Instant startedAt) implements CborSerializable {

  public enum State {
    /** The number rings; the caller hears hold music. */
    DIALLING,
    /** The contact answered: the agent talks to one party, the other one is held. */
    CONNECTED,
    /**
     * The number did not answer (busy, no answer, unreachable): the agent is back with the caller.
     * Shown until the agent cancels it (dismisses it), consults again, or the call ends.
     */
    FAILED
  }

  public enum Party {
    CALLER,
    CONTACT
  }

  /** How a consultation ended. */
  public enum Ending {
    /** The agent cancelled it: back with the caller (or dismissed a failed one). */
    CANCELLED,
    /** The contact hung up: the agent is back with the caller. */
    CONTACT_LEFT,
    /** The agent connected caller and contact and left: the call ends as transferred. */
    COMPLETED,
    /** The call itself ended (the caller or the agent hung up): the contact's leg is dropped. */
    CALL_ENDED
  }

  /** Dialling or connected: a consultation the agent has to complete or cancel. */
  public boolean running() {
    return state != State.FAILED;
  }

  Consultation answered() {
    return new Consultation(consultId, number, State.CONNECTED, Party.CONTACT, null, startedAt);
  }

  Consultation failed(String why) {
    return new Consultation(consultId, number, State.FAILED, Party.CALLER, why, startedAt);
  }

  Consultation talkingTo(Party party) {
    return new Consultation(consultId, number, state, party, reason, startedAt);
  }
}
