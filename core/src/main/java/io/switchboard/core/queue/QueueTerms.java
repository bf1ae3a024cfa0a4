package io.switchboard.core.queue;

import io.switchboard.core.CborSerializable;
import java.time.Duration;

/**
 * The part of a queue's config a call session keeps for the contact: when it overflows and where
 * to, and the thresholds its statistics are judged by (stored with the call, so a later config
 * change does not rewrite history).
 */
public record QueueTerms(
    Duration maxWait,
    OverflowTarget overflow,
    Duration serviceLevelThreshold,
    Duration shortAbandonThreshold)
    implements CborSerializable {}
