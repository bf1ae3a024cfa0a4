package io.switchboard.sip.gateway;

import io.switchboard.core.agent.AgentContact;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.call.CallId;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.voicemail.VoicemailDelivery;
import io.switchboard.sip.media.MediaEngine;
import io.switchboard.sip.registrar.DigestAuthenticator;
import io.switchboard.sip.registrar.Registrar;
import io.switchboard.sip.registrar.SipAccounts;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.sip.header.CallIdHeader;
import javax.sip.header.RetryAfterHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The gateway on one node: takes every SIP event and engine notification, starts a {@link
 * GatewayCall} per new INVITE and hands each later event to the call it belongs to (by SIP
 * Call-ID, engine call id, or agent). One actor, so an INVITE and the CANCEL right behind it
 * reach the call in order. REGISTER and OPTIONS are answered here.
 */
public final class Gateway extends AbstractBehavior<Gateway.Command> {

  public sealed interface Command extends org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  record Sip(Object event) implements Command {}

  record Engine(Notification notification) implements Command {}

  /** From a call: SIP dialogs with this Call-ID are its own (its agent legs). */
  record OwnLeg(String sipCallId, ActorRef<GatewayCall.Command> call) implements Command {}

  /** From a call: the engine's call {@code callId} is now this one's too (transferred to a queue). */
  record OwnCall(CallId callId, ActorRef<GatewayCall.Command> call) implements Command {}

  /** From a call: routing is settled (the engine answered the arrival). */
  record ArrivalSettled(ActorRef<GatewayCall.Command> call) implements Command {}

  record CallStopped(ActorRef<GatewayCall.Command> call) implements Command {}

  public record GetCounts(ActorRef<Counts> replyTo) implements Command {}

  private record CancelUnmatched(String sipCallId) implements Command {}

  /** Calls this node's gateway holds, and how many wait for the engine's answer. */
  public record Counts(int calls, int pendingArrivals, int mediaLegs) {}

  /** What every call of this gateway is built with. */
  record Wiring(SipSettings settings, SipEndpoint sip, MediaEngine media, EngineContext engine, Registrar registrar,
      SipAccounts accounts, ActorRef<Command> gateway, VoicemailDelivery voicemail) {}

  public static Behavior<Command> create(SipSettings settings, SipEndpoint sip, MediaEngine media, EngineContext engine,
      ActorRef<Topic.Command<Notification>> notifications, Registrar registrar, DigestAuthenticator auth,
      SipAccounts accounts, VoicemailDelivery voicemail) {
    return Behaviors.setup(ctx -> {
      if (notifications != null)
        notifications.tell(Topic.subscribe(ctx.messageAdapter(Notification.class, Engine::new)));
      return Behaviors.<Command>withTimers(timers -> new Gateway(ctx, timers, new Wiring(settings, sip, media, engine, registrar, accounts, ctx.getSelf(), voicemail),
          new Registration(sip, registrar, auth, accounts, settings.challengeAlgorithms())));
    });
  }

  private final Wiring w;
  private final Registration registration;
  private final Map<String, ActorRef<GatewayCall.Command>> bySipCallId = new HashMap<>();
  private final Map<CallId, ActorRef<GatewayCall.Command>> byCallId = new HashMap<>();
  private final Map<AgentId, ActorRef<GatewayCall.Command>> byAgent = new HashMap<>();
  private final Map<ActorRef<GatewayCall.Command>, Set<Object>> keys = new HashMap<>();
  private final Set<ActorRef<GatewayCall.Command>> arriving = new HashSet<>();
  private long started;

  private final org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers;
  /** CANCELs that came before their INVITE reached us (the stack hands events on from many threads). */
  private final Map<String, SipEndpoint.Incoming> earlyCancels = new HashMap<>();

  private Gateway(ActorContext<Command> ctx, org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers,
      Wiring w, Registration registration) {
    super(ctx);
    this.timers = timers;
    this.w = w;
    this.registration = registration;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Sip.class, this::onSip)
        .onMessage(Engine.class, this::onEngine)
        .onMessage(OwnLeg.class, m -> {
          remember(m.call(), m.sipCallId());
          bySipCallId.put(m.sipCallId(), m.call());
          return this;
        })
        .onMessage(OwnCall.class, m -> {
          remember(m.call(), m.callId());
          byCallId.put(m.callId(), m.call());
          return this;
        })
        .onMessage(ArrivalSettled.class, m -> {
          arriving.remove(m.call());
          return this;
        })
        .onMessage(CallStopped.class, m -> {
          forget(m.call());
          return this;
        })
        .onMessage(CancelUnmatched.class, m -> {
          SipEndpoint.Incoming cancel = earlyCancels.remove(m.sipCallId());
          if (cancel != null) w.sip().reply(cancel.transaction(), cancel.request(), Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
          return this;
        })
        .onMessage(GetCounts.class, m -> {
          m.replyTo().tell(new Counts(keys.size(), arriving.size(), w.media().openLegs()));
          return this;
        })
        .build();
  }

  private Behavior<Command> onSip(Sip m) {
    if (m.event() instanceof SipEndpoint.Incoming in) onRequest(in);
    else if (m.event() instanceof SipEndpoint.Answered a) {
      ActorRef<GatewayCall.Command> call = bySipCallId.get(callIdOf(a.event().getResponse()));
      if (call != null) call.tell(new GatewayCall.LegAnswered(a.event()));
      else strayAnswer(a.event());
    } else if (m.event() instanceof SipEndpoint.DialogEnded d) {
      ActorRef<GatewayCall.Command> call = bySipCallId.get(d.dialog().getCallId().getCallId());
      if (call != null) call.tell(new GatewayCall.DialogEnded(d.dialog()));
    } else if (m.event() instanceof SipEndpoint.TimedOut t) {
      ActorRef<GatewayCall.Command> call = bySipCallId.get(callIdOf(t.transaction().getRequest()));
      if (call != null) call.tell(new GatewayCall.LegTimedOut(t.transaction()));
    }
    return this;
  }

  /** A phone answered after its call was gone (the CANCEL crossed the 200): ACK it and hang up. */
  private void strayAnswer(javax.sip.ResponseEvent e) {
    javax.sip.header.CSeqHeader cseq = (javax.sip.header.CSeqHeader) e.getResponse().getHeader(javax.sip.header.CSeqHeader.NAME);
    int code = e.getResponse().getStatusCode();
    if (cseq == null || !Request.INVITE.equals(cseq.getMethod()) || code < 200 || code >= 300) return;
    w.sip().ack(e);
    javax.sip.Dialog d = e.getDialog() != null ? e.getDialog()
        : e.getClientTransaction() != null ? e.getClientTransaction().getDialog() : null;
    w.sip().sendInDialog(d, Request.BYE);
  }

  private void onRequest(SipEndpoint.Incoming in) {
    Request r = in.request();
    String method = r.getMethod();
    String sipCallId = callIdOf(r);
    ActorRef<GatewayCall.Command> call = bySipCallId.get(sipCallId);
    if (call != null) {
      call.tell(new GatewayCall.InDialog(in));
      return;
    }
    switch (method) {
      case Request.INVITE -> {
        // A To tag names a dialog, and none of ours has this Call-ID (RFC 3261 section 12.2.2).
        if ((in.dialog() != null && in.dialog().getState() != null) || toTag(r) != null) {
          w.sip().reply(in.transaction(), r, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
          return;
        }
        newCall(in, sipCallId);
      }
      case Request.REGISTER -> registration.handle(in);
      case Request.OPTIONS -> w.sip().reply(in.transaction(), r, Response.OK, resp -> {
        for (var h : w.sip().allow()) resp.addHeader(h);
      });
      case Request.ACK -> {
        // An ACK for a call already gone (or for a final error answer, which the stack absorbs).
      }
      case Request.CANCEL -> {
        // Its INVITE may still be on its way to us: wait a moment before saying there is none.
        earlyCancels.put(sipCallId, in);
        timers.startSingleTimer(sipCallId, new CancelUnmatched(sipCallId), java.time.Duration.ofSeconds(2));
      }
      case Request.BYE, Request.INFO ->
          w.sip().reply(in.transaction(), r, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
      default -> w.sip().reply(in.transaction(), r, Response.METHOD_NOT_ALLOWED, resp -> {
        for (var h : w.sip().allow()) resp.addHeader(h);
      });
    }
  }

  private void newCall(SipEndpoint.Incoming in, String sipCallId) {
    if (keys.size() >= w.settings().maxCalls()) {
      overloaded(in, "the gateway holds its maximum of " + w.settings().maxCalls() + " calls");
      return;
    }
    if (arriving.size() >= w.settings().maxPendingArrivals()) {
      overloaded(in, arriving.size() + " calls already wait for the engine");
      return;
    }
    CallId callId = CallId.random();
    ActorRef<GatewayCall.Command> call =
        getContext().spawn(GatewayCall.create(w, callId, sipCallId), "call-" + (++started));
    getContext().watchWith(call, new CallStopped(call));
    remember(call, sipCallId);
    remember(call, callId);
    bySipCallId.put(sipCallId, call);
    byCallId.put(callId, call);
    arriving.add(call);
    call.tell(new GatewayCall.Invited(in));
    SipEndpoint.Incoming cancel = earlyCancels.remove(sipCallId);
    if (cancel != null) {
      timers.cancel(sipCallId);
      call.tell(new GatewayCall.InDialog(cancel));
    }
  }

  /** 503 with Retry-After: the caller's side tries later or elsewhere instead of resending. */
  private void overloaded(SipEndpoint.Incoming in, String why) {
    getContext().getLog().warn("SIP INVITE refused with 503: {}", why);
    w.sip().reply(in.transaction(), in.request(), Response.SERVICE_UNAVAILABLE, resp -> {
      try {
        RetryAfterHeader h = w.sip().headers.createRetryAfterHeader((int) w.settings().retryAfter().toSeconds());
        resp.addHeader(h);
      } catch (javax.sip.InvalidArgumentException ex) {
        throw new IllegalStateException(ex);
      }
    });
  }

  private Behavior<Command> onEngine(Engine m) {
    if (m.notification() instanceof Notification.CallChanged c) {
      ActorRef<GatewayCall.Command> call = byCallId.get(c.callId());
      if (call != null && c.view() != null) call.tell(new GatewayCall.CallUpdate(c.view()));
    } else if (m.notification() instanceof Notification.AgentChanged a && a.view() != null) {
      // An offer of one of our calls: that call rings the agent's phone, and hears of the agent
      // from now on.
      for (AgentContact contact : a.view().contacts()) {
        ActorRef<GatewayCall.Command> call = byCallId.get(contact.offer().contact().callId());
        if (call != null && byAgent.get(a.agentId()) != call) {
          byAgent.put(a.agentId(), call);
          remember(call, a.agentId());
        }
      }
      ActorRef<GatewayCall.Command> call = byAgent.get(a.agentId());
      if (call != null) call.tell(new GatewayCall.AgentUpdate(a.agentId(), a.view(), a.cause()));
    }
    return this;
  }

  private void remember(ActorRef<GatewayCall.Command> call, Object key) {
    keys.computeIfAbsent(call, k -> new HashSet<>()).add(key);
  }

  private void forget(ActorRef<GatewayCall.Command> call) {
    arriving.remove(call);
    Set<Object> ks = keys.remove(call);
    if (ks == null) return;
    for (Object k : ks) {
      if (k instanceof String s) bySipCallId.remove(s, call);
      else if (k instanceof CallId c) byCallId.remove(c, call);
      else if (k instanceof AgentId a) byAgent.remove(a, call);
    }
  }

  private static String toTag(Request r) {
    javax.sip.header.ToHeader to = (javax.sip.header.ToHeader) r.getHeader(javax.sip.header.ToHeader.NAME);
    return to == null ? null : to.getTag();
  }

  static String callIdOf(javax.sip.message.Message m) {
    CallIdHeader h = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
    return h == null ? "" : h.getCallId();
  }
}
