package io.switchboard.core.routing;

import java.time.Duration;
import java.time.Instant;

/**
 * A queue's offer of one contact to one agent. The queue's rules for the contact travel with it
 * so the agent can apply them without asking back: how long it may ring, whether a miss pauses
 * the agent, and the wrap-up that follows the call.
 */
public record Offer(
    OfferId offerId,
    ContactSummary contact,
    Instant offeredAt,
    Duration timeout,
    boolean pauseOnMiss,
    WrapUpPolicy wrapUp,
    long availabilityEpoch) {}
