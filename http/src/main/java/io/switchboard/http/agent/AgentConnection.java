package io.switchboard.http.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.Refusal;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentContact;
import io.switchboard.core.agent.AgentView;
import io.switchboard.core.agent.AnswerGroup;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallPhase;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.call.CallView;
import io.switchboard.core.call.Consultation;
import io.switchboard.core.call.TransferTarget;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.routing.ContactSummary;
import io.switchboard.core.routing.OfferId;
import io.switchboard.http.auth.Principal;
import io.switchboard.http.directory.DirectoryCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One agent desktop socket (docs/agent-protocol.md): turns frames into Agent commands and the
 * Agent's changes into frames. It holds no truth of its own: the Agent entity does, so any
 * number of sockets on any node show the same agent.
 */
public final class AgentConnection {

  public static final int PROTOCOL = 1;
  public static final List<String> PAUSE_REASONS = List.of("break", "lunch", "meeting", "training", "admin work");

  public sealed interface Command {}

  /** The socket's outgoing side is ready. */
  public record Attach(ActorRef<Out> out) implements Command {}

  public record Inbound(String text) implements Command {}

  /** A frame that is not text, or text over the size limit. */
  public record BadInbound(String why) implements Command {}

  public record Closed() implements Command {}

  public record AgentChanged(AgentView view, String cause) implements Command {}

  public record SessionEnded() implements Command {}

  /**
   * A call this agent is on changed (its consultation, ANS-4); {@code fetched}: read from the
   * call after the welcome, not told by it.
   */
  public record CallChanged(CallView view, boolean fetched) implements Command {}

  private record Welcome(AgentView view) implements Command {}

  private record Result(String ref, String command, Agent.Reply reply, Throwable failure) implements Command {}

  private record Tick() implements Command {}

  /** The agent as read on a heartbeat (null: no answer). */
  private record Synced(AgentView view) implements Command {}

  /** A view read on a heartbeat that no notification has caught up with since. */
  private record ApplySync(AgentView view) implements Command {}

  private record SessionChecked(boolean valid) implements Command {}

  private record ScreenPopReady(OfferId offer, com.fasterxml.jackson.databind.node.ObjectNode pop, Throwable failure)
      implements Command {}

  public sealed interface Out {}

  public record Frame(String json) implements Out {}

  public record Close() implements Out {}

  /** What a connection needs from its node. */
  public record Deps(Engine engine, ActorRef<AgentFeeds.Command> feeds, DirectoryCache directory, ObjectMapper json,
      Clock clock, Duration askTimeout, Duration heartbeat,
      Function<String, java.util.concurrent.CompletionStage<Boolean>> sessionValid, ScreenPop screenPop) {}

  public static Behavior<Command> create(Principal principal, String connectionId, Deps deps) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new AgentConnection(principal, connectionId, deps, ctx, timers).awaitingOut()));
  }

  private final Principal principal;
  private final String connectionId;
  private final Deps deps;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private ActorRef<Out> out;
  private AgentView shown;
  private boolean welcomed;
  private final List<AgentChanged> early = new ArrayList<>();
  /** Offers ringing as last shown, with their calls. */
  private final java.util.Map<OfferId, CallId> ringing = new java.util.HashMap<>();
  private Instant lastInbound;
  private int ticks;
  /** Consultations as last shown, per call (ANS-4). */
  private final java.util.Map<CallId, Consultation> consultations = new java.util.HashMap<>();
  /** Calls whose changes were told since the welcome: a view read earlier is older. */
  private final java.util.Set<CallId> told = new java.util.HashSet<>();

  private AgentConnection(Principal principal, String connectionId, Deps deps, ActorContext<Command> ctx,
      TimerScheduler<Command> timers) {
    this.principal = principal;
    this.connectionId = connectionId;
    this.deps = deps;
    this.ctx = ctx;
    this.timers = timers;
  }

  private Behavior<Command> awaitingOut() {
    return Behaviors.receive(Command.class)
        .onMessage(Attach.class, a -> {
          out = a.out();
          lastInbound = deps.clock().instant();
          deps.feeds().tell(new AgentFeeds.Register(principal.agentId(), principal.sessionId(), ctx.getSelf()));
          deps.directory().plan();
          ctx.ask(Agent.Reply.class, deps.engine().refs().agent(principal.agentId()), deps.askTimeout(),
              Agent.GetState::new, (r, t) -> r instanceof Agent.Done d ? new Welcome(d.view()) : new Welcome(null));
          presence(true);
          timers.startTimerWithFixedDelay(new Tick(), deps.heartbeat());
          return running();
        })
        .onMessage(Closed.class, c -> Behaviors.stopped())
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Welcome.class, this::onWelcome)
        .onMessage(AgentChanged.class, this::onChanged)
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(BadInbound.class, b -> {
          lastInbound = deps.clock().instant();
          error(null, "bad-frame", b.why(), null);
          return Behaviors.same();
        })
        .onMessage(Result.class, this::onResult)
        .onMessage(Tick.class, t -> onTick())
        .onMessage(Synced.class, this::onSynced)
        .onMessage(ApplySync.class, a -> onChanged(new AgentChanged(a.view(), "sync")))
        .onMessage(SessionChecked.class, s -> s.valid() ? Behaviors.same() : close("session-ended"))
        .onMessage(ScreenPopReady.class, this::onScreenPop)
        .onMessage(CallChanged.class, this::onCallChanged)
        .onMessage(SessionEnded.class, s -> close("session-ended"))
        .onMessage(Closed.class, c -> stop())
        .build();
  }

  // ---------------------------------------------------------------- engine → socket

  private Behavior<Command> onWelcome(Welcome w) {
    if (w.view() == null) {
      error(null, "unavailable", "agent " + principal.agentId() + " could not be read; reconnect", null);
      return close("unavailable");
    }
    shown = w.view();
    welcomed = true;
    ObjectNode f = frame("welcome").put("protocol", PROTOCOL);
    f.set("agent", agentJson(shown));
    f.put("yourLogin", mine(shown));
    f.set("pauseReasons", deps.json().valueToTree(PAUSE_REASONS));
    f.put("heartbeatSeconds", deps.heartbeat().toSeconds());
    send(f);
    if (mine(shown)) shown.contacts().stream().filter(c -> c.phase() == AgentContact.Phase.RESERVED)
        .forEach(c -> ringing.put(c.offer().offerId(), c.offer().contact().callId()));
    List<AgentChanged> pending = new ArrayList<>(early);
    early.clear();
    pending.forEach(this::onChanged);
    // A consultation under way (a reconnect): read the calls the agent talks on.
    shown.contacts().stream().filter(c -> c.phase() == AgentContact.Phase.BUSY)
        .map(c -> c.offer().contact().callId())
        .forEach(call -> ctx.ask(CallSession.Reply.class, deps.engine().refs().call(call), deps.askTimeout(),
            CallSession.GetState::new, (r, t) -> r instanceof CallSession.Done d && d.view() != null
                ? new CallChanged(d.view(), true) : new CallChanged(null, true)));
    return Behaviors.same();
  }

  /** The consultation of a call of this agent, as a {@code consultation} frame when it changed. */
  private Behavior<Command> onCallChanged(CallChanged c) {
    if (!welcomed || c.view() == null || !principal.agentId().equals(c.view().agent())) return Behaviors.same();
    CallId call = c.view().callId();
    if (c.fetched() && told.contains(call)) return Behaviors.same();
    if (!c.fetched()) told.add(call);
    Consultation now = c.view().phase() == CallPhase.TALKING ? c.view().consultation() : null;
    Consultation before = consultations.get(call);
    if (java.util.Objects.equals(before, now)) {
      if (now == null) told.remove(call); // nothing shown for it: forget the call
      return Behaviors.same();
    }
    if (now == null) {
      consultations.remove(call);
      told.remove(call);
    } else {
      consultations.put(call, now);
    }
    ObjectNode f = frame("consultation").put("callId", call.value());
    if (now == null) f.putNull("consultation");
    else f.putObject("consultation")
        .put("consultId", now.consultId())
        .put("number", now.number())
        .put("state", now.state().name())
        .put("talkingTo", now.talkingTo().name())
        .put("reason", now.reason())
        .put("startedAt", now.startedAt().toString());
    send(f);
    return Behaviors.same();
  }

  private Behavior<Command> onChanged(AgentChanged c) {
    if (!welcomed) {
      early.add(c);
      return Behaviors.same();
    }
    AgentView v = c.view();
    // A view already shown (a command's reply and its notification carry the same one) or older.
    if (shown != null && v.version() <= shown.version()) return Behaviors.same();
    boolean wasMine = shown != null && mine(shown);
    shown = v;
    boolean isMine = mine(v);
    if (wasMine && !isMine && v.loginId() != null) {
      send(frame("replaced").put("reason", "a newer login of agent " + v.agentId() + " on another session took over"));
    }
    // Offers first, so a desktop rings as early as it can.
    java.util.Map<OfferId, CallId> now = new java.util.HashMap<>();
    for (AgentContact contact : v.contacts()) {
      if (contact.phase() != AgentContact.Phase.RESERVED || !isMine) continue;
      now.put(contact.offer().offerId(), contact.offer().contact().callId());
      if (!ringing.containsKey(contact.offer().offerId())) {
        ObjectNode f = frame("offer");
        f.set("contact", contactJson(contact, v));
        send(f);
        screenPop(contact);
      }
    }
    ringing.forEach((gone, call) -> {
      boolean taken = v.contacts().stream().anyMatch(x -> x.offer().offerId().equals(gone));
      if (!now.containsKey(gone) && !taken)
        send(frame("offerWithdrawn").put("offerId", gone.value()).put("callId", call.value()));
    });
    ringing.clear();
    ringing.putAll(now);
    ObjectNode f = frame("state");
    f.set("agent", agentJson(v));
    f.put("cause", c.cause());
    f.put("yourLogin", isMine);
    send(f);
    return Behaviors.same();
  }

  /** The company's screen pop follows its offer as soon as it is put together. */
  private void screenPop(AgentContact contact) {
    if (deps.screenPop() == null || contact.offer().contact().company() == null) return;
    OfferId offer = contact.offer().offerId();
    ctx.pipeToSelf(deps.screenPop().assemble(contact.offer().contact(), principal.agentId().value()),
        (pop, t) -> new ScreenPopReady(offer, pop, t));
  }

  private Behavior<Command> onScreenPop(ScreenPopReady r) {
    boolean stillHere = shown != null && shown.contacts().stream().anyMatch(c -> c.offer().offerId().equals(r.offer()));
    if (!stillHere) return Behaviors.same();
    if (r.failure() != null || r.pop() == null) {
      ctx.getLog().warn("screen pop for offer {} failed", r.offer(), r.failure());
      error(null, "screen-pop-unavailable", "the company's card could not be read in time; "
          + "the call can still be answered", null);
      return Behaviors.same();
    }
    ObjectNode f = frame("screenPop").put("offerId", r.offer().value());
    f.setAll(r.pop());
    send(f);
    return Behaviors.same();
  }

  private boolean mine(AgentView v) {
    return principal.loginId().equals(v.loginId());
  }

  // ---------------------------------------------------------------- socket → engine

  private Behavior<Command> onInbound(Inbound in) {
    lastInbound = deps.clock().instant();
    JsonNode node;
    try {
      node = deps.json().readTree(in.text());
    } catch (JsonProcessingException e) {
      error(null, "bad-frame", "not JSON: " + e.getOriginalMessage(), null);
      return Behaviors.same();
    }
    if (!(node instanceof ObjectNode o)) {
      error(null, "bad-frame", "a frame must be a JSON object", null);
      return Behaviors.same();
    }
    String ref = o.hasNonNull("ref") ? o.get("ref").asText() : null;
    if (!o.hasNonNull("type") || !o.get("type").isTextual()) {
      error(ref, "bad-field", "type is required", "type");
      return Behaviors.same();
    }
    String type = o.get("type").asText();
    try {
      switch (type) {
        case "ping" -> send(frame("pong").put("at", deps.clock().instant().toString()));
        case "login" -> command(ref, type, r -> new Agent.Login(principal.loginId(), groups(o), bool(o, "ready", true), r));
        case "ready" -> mineOnly(ref, type, r -> new Agent.SetReady(principal.loginId(), r));
        case "pause" -> {
          String reason = text(o, "reason");
          if (reason.isBlank() || reason.length() > 40) throw new BadField("reason", "reason must be 1-40 characters");
          mineOnly(ref, type, r -> new Agent.Pause(principal.loginId(), reason.strip(), r));
        }
        case "logout" -> mineOnly(ref, type, r -> new Agent.Logout(principal.loginId(), r));
        case "accept" -> {
          OfferId offer = id(o, "offerId", OfferId::new);
          mineOnly(ref, type, r -> new Agent.AcceptOffer(principal.loginId(), offer, r));
        }
        case "decline" -> {
          OfferId offer = id(o, "offerId", OfferId::new);
          mineOnly(ref, type, r -> new Agent.DeclineOffer(principal.loginId(), offer, r));
        }
        case "end" -> {
          CallId call = id(o, "callId", CallId::new);
          mineOnly(ref, type, r -> new Agent.EndCall(principal.loginId(), call, r));
        }
        case "wrapUpDone" -> mineOnly(ref, type, r -> new Agent.EndWrapUp(principal.loginId(), r));
        case "transfer" -> {
          CallId call = id(o, "callId", CallId::new);
          TransferTarget target = target(o);
          mineOnly(ref, type, r -> new Agent.Transfer(principal.loginId(), call, target, r));
        }
        case "consult" -> {
          CallId call = id(o, "callId", CallId::new);
          String number = text(o, "number").strip();
          if (!number.matches("\\+?[0-9]{2,20}"))
            throw new BadField("number", "number must be 2-20 digits, optionally starting with +, got " + number);
          mineOnly(ref, type, r -> new Agent.Consult(principal.loginId(), call, number, r));
        }
        case "toggle" -> {
          CallId call = id(o, "callId", CallId::new);
          mineOnly(ref, type, r -> new Agent.Toggle(principal.loginId(), call, r));
        }
        case "completeConsult" -> {
          CallId call = id(o, "callId", CallId::new);
          mineOnly(ref, type, r -> new Agent.CompleteConsult(principal.loginId(), call, r));
        }
        case "cancelConsult" -> {
          CallId call = id(o, "callId", CallId::new);
          mineOnly(ref, type, r -> new Agent.CancelConsult(principal.loginId(), call, r));
        }
        default -> error(ref, "unknown-type", "unknown frame type '" + type
            + "'; known: login, ready, pause, logout, accept, decline, end, transfer, consult, toggle, "
            + "completeConsult, cancelConsult, wrapUpDone, ping", "type");
      }
    } catch (BadField b) {
      error(ref, "bad-field", b.getMessage(), b.field);
    }
    return Behaviors.same();
  }

  private static final class BadField extends RuntimeException {
    final String field;

    BadField(String field, String message) {
      super(message);
      this.field = field;
    }
  }

  /** {"type":"queue","queue":…} or {"type":"number","number":…}. */
  private TransferTarget target(ObjectNode o) {
    JsonNode t = o.get("target");
    if (!(t instanceof ObjectNode))
      throw new BadField("target", "target must be {\"type\":\"queue\",\"queue\":…} or {\"type\":\"number\",\"number\":…}");
    try {
      return deps.json().treeToValue(t, TransferTarget.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      Throwable c = e;
      while (c.getCause() != null && c.getCause() != c) c = c.getCause();
      throw new BadField("target", "target: " + (c.getMessage() == null ? e.getMessage() : c.getMessage().split("\n")[0]));
    }
  }

  private static String text(ObjectNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) throw new BadField(field, field + " is required");
    if (!v.isTextual()) throw new BadField(field, field + " must be a string");
    return v.asText();
  }

  private static <T> T id(ObjectNode o, String field, Function<String, T> make) {
    String raw = text(o, field);
    try {
      return make.apply(raw);
    } catch (IllegalArgumentException e) {
      throw new BadField(field, e.getMessage());
    }
  }

  private static boolean bool(ObjectNode o, String field, boolean fallback) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) return fallback;
    if (!v.isBoolean()) throw new BadField(field, field + " must be true or false");
    return v.asBoolean();
  }

  private static List<QueueId> groups(ObjectNode o) {
    JsonNode v = o.get("groups");
    if (v == null || v.isNull()) return List.of();
    if (!v.isArray()) throw new BadField("groups", "groups must be a list of queue ids");
    List<QueueId> out = new ArrayList<>();
    for (JsonNode g : v) {
      if (!g.isTextual()) throw new BadField("groups", "groups must be a list of queue ids");
      try {
        out.add(new QueueId(g.asText()));
      } catch (IllegalArgumentException e) {
        throw new BadField("groups", e.getMessage());
      }
    }
    return out;
  }

  private void mineOnly(String ref, String type, Function<ActorRef<Agent.Reply>, Agent.Command> make) {
    if (shown != null && !mine(shown)) {
      error(ref, "not-your-login", shown.loginId() == null
          ? "agent " + principal.agentId() + " is not logged in: send login first"
          : "another session holds agent " + principal.agentId() + ": send login to take over", null);
      return;
    }
    command(ref, type, make);
  }

  private void command(String ref, String type, Function<ActorRef<Agent.Reply>, Agent.Command> make) {
    ctx.ask(Agent.Reply.class, deps.engine().refs().agent(principal.agentId()), deps.askTimeout(), make::apply,
        (r, t) -> new Result(ref, type, r, t));
  }

  private Behavior<Command> onResult(Result r) {
    if (r.failure() != null) {
      error(r.ref(), "unavailable", "the engine did not answer in time; the command may still take effect", null);
    } else if (r.reply() instanceof Agent.Refused refused) {
      Refusal x = refused.refusal();
      String code = switch (x.code()) {
        case INVALID -> "bad-field";
        case GONE -> "gone";
        case UNAVAILABLE -> "unavailable";
        case NOT_FOUND, CONFLICT -> x.message().contains("replaced") ? "not-your-login" : "conflict";
      };
      error(r.ref(), code, x.message(), x.field());
    } else {
      ObjectNode f = frame("ok").put("command", r.command());
      if (r.ref() != null) f.put("ref", r.ref());
      send(f);
      if (r.reply() instanceof Agent.Done d) onChanged(new AgentChanged(d.view(), r.command()));
    }
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- liveness

  private Behavior<Command> onTick() {
    Instant now = deps.clock().instant();
    if (Duration.between(lastInbound, now).compareTo(deps.heartbeat().multipliedBy(3)) > 0) return close("silent");
    if (!now.isBefore(principal.expiresAt())) return close("session-expired");
    presence(true);
    // The agent's changes reach this node over the engine's pub-sub topic, which drops what is
    // published while the agent's node does not know this node's subscription yet (a node
    // joining the cluster, seen as an offer that never rang on a desktop of another node). So
    // the agent is read every beat too: a change never told still shows within a beat.
    ctx.ask(Agent.Reply.class, deps.engine().refs().agent(principal.agentId()), deps.askTimeout(),
        Agent.GetState::new, (r, t) -> new Synced(r instanceof Agent.Done d ? d.view() : null));
    // Every third beat: has the session been ended on another node?
    if (++ticks % 3 == 0)
      ctx.pipeToSelf(deps.sessionValid().apply(principal.sessionId()), (ok, t) -> new SessionChecked(t != null || ok));
    return Behaviors.same();
  }

  /**
   * A view newer than the one shown is applied only if its notification has not come a moment
   * later: the read's answer can overtake the notification, which says why it changed.
   */
  private Behavior<Command> onSynced(Synced s) {
    if (s.view() != null && welcomed && shown != null && s.view().version() > shown.version())
      timers.startSingleTimer(ApplySync.class, new ApplySync(s.view()), SYNC_GRACE);
    return Behaviors.same();
  }

  private static final Duration SYNC_GRACE = Duration.ofSeconds(1);

  private void presence(boolean open) {
    deps.engine().refs().agent(principal.agentId()).tell(new Agent.Presence(principal.loginId(), connectionId, open));
  }

  private Behavior<Command> close(String why) {
    send(frame("closing").put("reason", why));
    out.tell(new Close());
    return stop();
  }

  private Behavior<Command> stop() {
    presence(false);
    deps.feeds().tell(new AgentFeeds.Unregister(principal.agentId(), principal.sessionId(), ctx.getSelf()));
    return Behaviors.stopped();
  }

  // ---------------------------------------------------------------- frames

  private ObjectNode frame(String type) {
    return deps.json().createObjectNode().put("type", type);
  }

  private void error(String ref, String code, String message, String field) {
    ObjectNode f = frame("error").put("code", code).put("message", message);
    if (ref != null) f.put("ref", ref);
    if (field != null) f.put("field", field);
    send(f);
  }

  private void send(ObjectNode f) {
    try {
      out.tell(new Frame(deps.json().writeValueAsString(f)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode agentJson(AgentView v) {
    NumberPlan.Plan plan = deps.directory().lastKnown();
    ObjectNode a = deps.json().createObjectNode()
        .put("agentId", v.agentId().value())
        .put("name", v.name())
        .put("status", v.status().name())
        .put("pauseReason", v.pauseReason())
        .put("statusSince", v.statusSince() == null ? null : v.statusSince().toString())
        .put("handledToday", v.handledToday());
    ArrayNode groups = a.putArray("groups");
    List<AnswerGroup> listed = v.groups().isEmpty() && v.config() != null ? v.config().answerGroups() : v.groups();
    for (AnswerGroup g : listed) {
      groups.addObject().put("queue", g.queue().value()).put("queueName", queueName(plan, g.queue()))
          .put("level", g.level()).put("loggedIn", v.groups().contains(g));
    }
    ArrayNode contacts = a.putArray("contacts");
    for (AgentContact c : v.contacts()) contacts.add(contactJson(c, v));
    return a;
  }

  private ObjectNode contactJson(AgentContact c, AgentView v) {
    NumberPlan.Plan plan = deps.directory().lastKnown();
    ContactSummary s = c.offer().contact();
    String company = plan == null || plan.companies().get(s.company()) == null ? null : plan.companies().get(s.company()).name();
    String point = plan == null || plan.answeringPoints().get(s.answeringPoint()) == null ? null
        : plan.answeringPoints().get(s.answeringPoint()).name();
    ObjectNode n = deps.json().createObjectNode()
        .put("offerId", c.offer().offerId().value())
        .put("callId", s.callId().value())
        .put("phase", c.phase().name())
        .put("since", c.since().toString())
        .put("deadline", c.deadline() == null ? null : c.deadline().toString())
        .put("queue", s.queueId().value())
        .put("queueName", queueName(plan, s.queueId()))
        .put("dialledNumber", s.dialledNumber())
        .put("callerNumber", s.callerNumber())
        .put("customerNumber", s.customerNumber())
        .put("company", s.company() == null ? null : s.company().value())
        .put("companyName", company)
        .put("answeringPoint", s.answeringPoint() == null ? null : s.answeringPoint().value())
        .put("answeringPointName", point)
        .put("enqueuedAt", s.enqueuedAt().toString())
        .put("virtualStartAt", s.virtualStartAt().toString());
    n.putObject("screenPop")
        .put("greeting", (company == null ? "Good day" : company) + ", this is " + (v.name() == null ? "" : v.name().split(" ")[0])
            + ". How may I help you?")
        .put("companyName", company)
        .put("answeringPointName", point)
        .put("callerNumber", s.callerNumber())
        .put("customerNumber", s.customerNumber());
    return n;
  }

  private static String queueName(NumberPlan.Plan plan, QueueId q) {
    NumberPlan.QueueListing l = plan == null ? null : plan.queues().get(q);
    return l == null ? q.value() : l.name();
  }
}
