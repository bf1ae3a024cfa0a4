package io.switchboard.core.queue;

import io.switchboard.core.CborSerializable;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An IVR menu of a control queue (ACD-10): the caller hears {@code prompt} and presses a key;
 * each key of {@code choices} routes to a queue. No key within {@code timeout}, after {@code
 * attempts} tries, or a key not listed: the call stays in the control queue itself.
 */
public record Menu(String prompt, Map<String, QueueId> choices, Duration timeout, Integer attempts)
    implements CborSerializable {

  public Menu {
    if (prompt == null || prompt.isBlank()) throw new IllegalArgumentException("menu.prompt is required");
    if (choices == null || choices.isEmpty())
      throw new IllegalArgumentException("menu.choices must map at least one key to a queue");
    for (var e : choices.entrySet()) {
      if (e.getKey() == null || !e.getKey().matches("[0-9*#]"))
        throw new IllegalArgumentException("menu.choices: keys are single keys 0-9, * or #, got " + e.getKey());
      if (e.getValue() == null) throw new IllegalArgumentException("menu.choices." + e.getKey() + " needs a queue");
    }
    choices = Map.copyOf(new TreeMap<>(choices));
    if (timeout == null) timeout = Duration.ofSeconds(5);
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofSeconds(60)) > 0)
      throw new IllegalArgumentException("menu.timeout must be 1-60 seconds, got " + timeout);
    if (attempts == null) attempts = 3;
    if (attempts < 1 || attempts > 5) throw new IllegalArgumentException("menu.attempts must be 1-5, got " + attempts);
  }

  /** Where a key leads; empty for no key or a key not in the menu. */
  public Optional<QueueId> target(String key) {
    return key == null ? Optional.empty() : Optional.ofNullable(choices.get(key));
  }
}
