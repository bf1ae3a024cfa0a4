package io.switchboard.core.routing;

import io.switchboard.core.queue.QueueTerms;
import java.time.Duration;
import java.time.Instant;

/**
 * A queue's offer of one contact to one agent. The queue's rules for the contact travel with it
 * so no one has to ask back: how long it may ring, whether a miss pauses the agent, the wrap-up
 * that follows the call, and the terms the contact waits under (which let the call session
 * learn from the first ring that its queue took it).
 */
public record Offer(
    OfferId offerId,
    ContactSummary contact,
    Instant offeredAt,
    Duration timeout,
    boolean pauseOnMiss,
    WrapUpPolicy wrapUp,
    QueueTerms terms,
    long availabilityEpoch) {}
