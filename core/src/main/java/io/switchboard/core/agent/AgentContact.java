package io.switchboard.core.agent;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.routing.Offer;
import java.time.Instant;

/**
 * A contact occupying one of the agent's channel slots. {@code deadline}: when ringing stops
 * (RESERVED) or wrap-up ends by itself (WRAP_UP); null when nothing ends it but the agent.
 */
public record AgentContact(Offer offer, Phase phase, Instant since, Instant deadline)
    implements CborSerializable {

  public enum Phase {
    RESERVED,
    BUSY,
    WRAP_UP
  }

  AgentContact to(Phase next, Instant at, Instant nextDeadline) {
    return new AgentContact(offer, next, at, nextDeadline);
  }
}
