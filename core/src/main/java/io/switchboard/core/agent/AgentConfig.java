package io.switchboard.core.agent;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.routing.Channel;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An agent's settings: the answer groups it may log in to, how many contacts of each channel it
 * takes at once (voice is 1; chat and case use the same mechanism later), and the phone its
 * calls ring on ({@code device}, see {@link AgentDevice}; null: the desktop's own audio, which
 * the SIP gateway does not ring).
 */
public record AgentConfig(String name, List<AnswerGroup> answerGroups, Map<Channel, Integer> capacity, String device)
    implements CborSerializable {

  public AgentConfig {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("name is required");
    answerGroups = answerGroups == null ? List.of() : List.copyOf(answerGroups);
    Set<QueueId> seen = new HashSet<>();
    for (AnswerGroup g : answerGroups)
      if (!seen.add(g.queue()))
        throw new IllegalArgumentException("answerGroups lists queue " + g.queue() + " twice");
    Map<Channel, Integer> caps = new EnumMap<>(Channel.class);
    caps.put(Channel.VOICE, 1);
    if (capacity != null) caps.putAll(capacity);
    for (var e : caps.entrySet())
      if (e.getValue() == null || e.getValue() < 0 || e.getValue() > 50)
        throw new IllegalArgumentException("capacity." + e.getKey() + " must be 0-50, got " + e.getValue());
    if (caps.get(Channel.VOICE) > 1)
      throw new IllegalArgumentException("capacity.VOICE must be 0 or 1: an agent talks on one call at a time");
    capacity = Map.copyOf(caps);
    if (device != null) {
      if (device.isBlank()) device = null;
      else AgentDevice.parse(device);
    }
  }

  public AgentConfig(String name, List<AnswerGroup> answerGroups, Map<Channel, Integer> capacity) {
    this(name, answerGroups, capacity, null);
  }

  public AgentConfig withDevice(String d) {
    return new AgentConfig(name, answerGroups, capacity, d);
  }

  public static AgentConfig of(String name, AnswerGroup... groups) {
    return new AgentConfig(name, List.of(groups), null);
  }

  public Optional<AnswerGroup> group(QueueId queue) {
    return answerGroups.stream().filter(g -> g.queue().equals(queue)).findFirst();
  }

  public int capacity(Channel channel) {
    return capacity.getOrDefault(channel, 0);
  }
}
