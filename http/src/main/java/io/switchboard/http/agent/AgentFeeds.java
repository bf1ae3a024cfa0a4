package io.switchboard.http.agent;

import io.switchboard.core.agent.AgentId;
import io.switchboard.core.engine.Notification;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * This node's one subscription to the engine's changes, handing each agent's changes (and the
 * changes of the calls it talks on) to the sockets open for it here: 10,000 sockets do not mean 10,000 topic subscribers.
 */
public final class AgentFeeds {
  private AgentFeeds() {}

  public sealed interface Command {}

  public record Register(AgentId agentId, String sessionId, ActorRef<AgentConnection.Command> socket) implements Command {}

  public record Unregister(AgentId agentId, String sessionId, ActorRef<AgentConnection.Command> socket) implements Command {}

  /** A session signed out on this node: its sockets close now, not at their next check. */
  public record SessionEnded(String sessionId) implements Command {}

  private record Changed(Notification notification) implements Command {}

  public static Behavior<Command> create(ActorRef<Topic.Command<Notification>> topic) {
    return Behaviors.setup(ctx -> {
      ActorRef<Notification> adapter = ctx.messageAdapter(Notification.class, Changed::new);
      topic.tell(Topic.subscribe(adapter));
      Map<AgentId, Set<ActorRef<AgentConnection.Command>>> sockets = new HashMap<>();
      Map<String, Set<ActorRef<AgentConnection.Command>>> bySession = new HashMap<>();
      return Behaviors.receive(Command.class)
          .onMessage(Register.class, r -> {
            sockets.computeIfAbsent(r.agentId(), k -> new HashSet<>()).add(r.socket());
            bySession.computeIfAbsent(r.sessionId(), k -> new HashSet<>()).add(r.socket());
            return Behaviors.same();
          })
          .onMessage(Unregister.class, r -> {
            Set<ActorRef<AgentConnection.Command>> set = sockets.get(r.agentId());
            if (set != null && set.remove(r.socket()) && set.isEmpty()) sockets.remove(r.agentId());
            Set<ActorRef<AgentConnection.Command>> own = bySession.get(r.sessionId());
            if (own != null && own.remove(r.socket()) && own.isEmpty()) bySession.remove(r.sessionId());
            return Behaviors.same();
          })
          .onMessage(SessionEnded.class, e -> {
            bySession.getOrDefault(e.sessionId(), Set.of()).forEach(s -> s.tell(new AgentConnection.SessionEnded()));
            return Behaviors.same();
          })
          .onMessage(Changed.class, c -> {
            if (c.notification() instanceof Notification.AgentChanged a) {
              Set<ActorRef<AgentConnection.Command>> set = sockets.get(a.agentId());
              if (set != null) set.forEach(s -> s.tell(new AgentConnection.AgentChanged(a.view(), a.cause())));
            } else if (c.notification() instanceof Notification.CallChanged call && call.view() != null
                && call.view().agent() != null) {
              // A call's agent follows its consultation (ANS-4) from the call's own changes.
              Set<ActorRef<AgentConnection.Command>> set = sockets.get(call.view().agent());
              if (set != null) set.forEach(s -> s.tell(new AgentConnection.CallChanged(call.view(), false)));
            }
            return Behaviors.same();
          })
          .build();
    });
  }
}
