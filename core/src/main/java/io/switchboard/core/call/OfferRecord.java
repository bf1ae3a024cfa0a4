package io.switchboard.core.call;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.routing.OfferId;
import java.time.Instant;

/** An offer of this call ringing at an agent. */
public record OfferRecord(OfferId offerId, AgentId agent, Instant offeredAt) implements CborSerializable {}
