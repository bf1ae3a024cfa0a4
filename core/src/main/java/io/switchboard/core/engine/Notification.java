package io.switchboard.core.engine;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.agent.AgentView;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallView;
import java.time.Instant;

/** A live change observers are told about, after it was persisted. */
public sealed interface Notification extends CborSerializable {
  Instant at();

  /** {@code cause} names the change: offer, connected, call-ended, paused, login-replaced, ... */
  record AgentChanged(AgentId agentId, AgentView view, String cause, Instant at) implements Notification {}

  record CallChanged(CallId callId, CallView view, Instant at) implements Notification {}

  /** A queue's wallboard figures after a change (arrivals, departures, config). */
  record QueueChanged(io.switchboard.core.queue.QueueFigures figures, Instant at) implements Notification {}
}
