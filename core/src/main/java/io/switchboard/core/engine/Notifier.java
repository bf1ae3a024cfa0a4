package io.switchboard.core.engine;

/**
 * Where entities announce what observers (agent desktops, wallboards, the engine API's event
 * stream) show live. Fire and forget: the journal, not this, is the record.
 */
public interface Notifier {
  void publish(Notification notification);

  Notifier NONE = n -> {};
}
