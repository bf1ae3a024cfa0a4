package io.switchboard.core.queue;

import io.switchboard.core.CborSerializable;
import java.time.Instant;

/** What a wallboard shows of a queue, published after every change of it. */
public record QueueFigures(
    QueueId queueId,
    String name,
    int waiting,
    Instant oldestEnqueuedAt,
    TodayFigures today,
    long serviceLevelThresholdSeconds,
    int serviceLevelTargetPercent)
    implements CborSerializable {}
