package io.switchboard.sip.gateway;

import io.switchboard.core.Refusal;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentContact;
import io.switchboard.core.agent.AgentDevice;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.agent.AgentView;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallPhase;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.call.CallView;
import io.switchboard.core.call.Consultation;
import io.switchboard.core.call.EndedBy;
import io.switchboard.core.call.OfferRecord;
import io.switchboard.core.call.TransferTarget;
import io.switchboard.core.numberplan.SipAccountTarget;
import io.switchboard.core.queue.ClosedAction;
import io.switchboard.core.queue.CustomerNumberEntry;
import io.switchboard.core.queue.Menu;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.routing.Offer;
import io.switchboard.core.routing.OfferId;
import io.switchboard.sip.media.MediaDescription;
import io.switchboard.sip.media.MediaLeg;
import io.switchboard.sip.media.Negotiated;
import io.switchboard.sip.media.Sdp;
import io.switchboard.sip.media.SdpProblem;
import io.switchboard.sip.registrar.Binding;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.WarningHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One call through the gateway (a back-to-back user agent): the caller's dialog, the dialogs to
 * the agents' phones its offers ring, and the media between them. The engine's {@link
 * CallSession} decides; this carries it out and tells the engine what the people did (hung up,
 * answered the phone, declined it).
 *
 * <p>The caller is answered (200 OK) once the engine has queued the call, and hears the queue's
 * prompts and hold music from then on. An offer to an agent with a phone ({@link AgentDevice})
 * rings that phone; the agent answering it accepts the offer, and only when the engine grants
 * the call are the two legs bridged, so a phone answered a moment too late is hung up, never
 * connected to a caller someone else has.
 */
final class GatewayCall extends AbstractBehavior<GatewayCall.Command> {

  sealed interface Command extends org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  record Invited(SipEndpoint.Incoming invite) implements Command {}

  record InDialog(SipEndpoint.Incoming request) implements Command {}

  record LegAnswered(ResponseEvent event) implements Command {}

  record LegTimedOut(ClientTransaction transaction) implements Command {}

  record DialogEnded(Dialog dialog) implements Command {}

  record CallUpdate(CallView view) implements Command {}

  record AgentUpdate(AgentId agent, AgentView view, String cause) implements Command {}

  private record Arrived(CallSession.Reply reply, Throwable failure) implements Command {}

  private record Accepted(OfferId offerId, Agent.Reply reply, Throwable failure) implements Command {}

  private record PromptFinished() implements Command {}

  private record Digit(char digit) implements Command {}

  private record RingTimeout(OfferId offerId) implements Command {}

  private record MenuPromptDone(int attempt) implements Command {}

  private record Announce() implements Command {}

  private record RecordNow() implements Command {}

  private record NoAck() implements Command {}

  private record RtpCheck() implements Command {}

  private record RecordingLimit() implements Command {}

  private record PositionKnown(Queue.Reply reply, boolean first) implements Command {}

  private record MenuTimeout(int attempt) implements Command {}

  private record NumberPromptDone() implements Command {}

  private record NumberTimeout(int keys) implements Command {}

  private record Ignored() implements Command {}

  private record FetchView() implements Command {}

  /** The engine's answer to a report on consultation {@code consultId} (sent again when lost). */
  private record ConsultReported(String consultId,
      java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<CallSession.Reply>, CallSession.Command> report,
      int attempt, CallSession.Reply reply, Throwable failure) implements Command {}

  private static final Pattern NUMBER = Pattern.compile("\\+?[0-9]{2,20}");
  private static final Pattern CALLER = Pattern.compile("\\+?[0-9]{1,20}");

  enum Phase {
    /** INVITE received, the engine asked. */
    ARRIVING,
    /** Answered, hearing its control queue's IVR menu, choosing a key. */
    MENU,
    /** Answered, keying in its customer number for the queue (ACD-10). */
    CUSTOMER_NUMBER,
    /** Answered, in the queue, hearing prompts. */
    QUEUED,
    /** Bridged to an agent's phone (or answered by an agent without one). */
    CONNECTED,
    /** Hearing a last message before the gateway hangs up. */
    CLOSING,
    /** Leaving a voicemail: the prompt and beep, then recording until the caller hangs up. */
    VOICEMAIL,
    /** Not answered yet: the dialled number rings a person's SIP account (ACD-1). */
    RINGING_ACCOUNT,
    /** Transferred by its agent to a number (ANS-4): on hold while the number rings. */
    TRANSFERRING,
    DONE
  }

  enum LegState {
    CALLING,
    ANSWERED,
    CONNECTED,
    ENDED
  }

  /** The dialog to an agent's phone for one offer (or to a SIP account's phone: no agent, no login). */
  private static final class AgentLeg {
    final OfferId offerId;
    final AgentId agent;
    final String loginId;
    ClientTransaction invite;
    Dialog dialog;
    MediaLeg media;
    LegState state = LegState.CALLING;
    boolean cancelled;
    boolean seenRinging;
    /** The leg to a number an agent consults (announce transfer, ANS-4). */
    boolean consult;
    /** The version of the last SDP we sent this phone (RFC 3264 section 8: one more for each new one). */
    long sdpVersion = 1;

    AgentLeg(OfferId offerId, AgentId agent, String loginId) {
      this.offerId = offerId;
      this.agent = agent;
      this.loginId = loginId;
    }
  }

  static Behavior<Command> create(Gateway.Wiring w, CallId callId, String sipCallId) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new GatewayCall(ctx, timers, w, callId, sipCallId)));
  }

  private final Gateway.Wiring w;
  private final TimerScheduler<Command> timers;
  /** The engine's call: a new one after a transfer to a queue. */
  private CallId callId;
  private final String sipCallId;
  private final Map<OfferId, AgentLeg> legs = new LinkedHashMap<>();
  private Phase phase = Phase.ARRIVING;
  private SipEndpoint.Incoming invite;
  private Dialog callerDialog;
  private MediaLeg callerMedia;
  private Negotiated callerCodec;
  private boolean answered;
  private boolean callerGone;
  private boolean arrivalSettled;
  private AgentLeg connected;
  private CallView lastView;
  private final StringBuilder digits = new StringBuilder();
  private String dialled;
  private String callerNumber;
  private java.time.Instant invitedAt;
  /** Set when the dialled number rings a SIP account rather than enter a queue: no engine session. */
  private SipAccountTarget account;
  /** No engine call stands behind this one (a SIP account's number, or after a transfer to a number). */
  private boolean outsideEngine;
  /** Transferred to a queue: the engine's call is a new one, whose first news may have passed us. */
  private boolean transferredIn;
  private final java.util.Set<OfferId> fetchedOffers = new java.util.HashSet<>();
  private Menu menu;
  private int menuAttempt;
  /** The menu key chosen (null: no menu yet), sent again with a customer number. */
  private String menuChoice;
  /** What the engine told while the call was still arriving: replayed once it is queued. */
  private final List<Command> early = new java.util.ArrayList<>();
  private final long sdpSession = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
  /** The version of the last SDP we sent the caller (RFC 3264 section 8: one more for each new one). */
  private long callerSdpVersion = 1;

  private GatewayCall(ActorContext<Command> ctx, TimerScheduler<Command> timers, Gateway.Wiring w, CallId callId,
      String sipCallId) {
    super(ctx);
    this.w = w;
    this.timers = timers;
    this.callId = callId;
    this.sipCallId = sipCallId;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Invited.class, m -> onInvite(m.invite()))
        .onMessage(Arrived.class, this::onArrived)
        .onMessage(InDialog.class, m -> onInDialog(m.request()))
        .onMessage(LegAnswered.class, m -> onLegResponse(m.event()))
        .onMessage(LegTimedOut.class, this::onLegTimeout)
        .onMessage(DialogEnded.class, this::onDialogEnded)
        .onMessage(CallUpdate.class, m -> onCallUpdate(m.view()))
        .onMessage(AgentUpdate.class, this::onAgentUpdate)
        .onMessage(Accepted.class, this::onAccepted)
        .onMessage(PromptFinished.class, m -> onPromptFinished())
        .onMessage(Digit.class, m -> onDigit(m.digit()))
        .onMessage(RingTimeout.class, this::onRingTimeout)
        .onMessage(MenuPromptDone.class, this::onMenuPromptDone)
        .onMessage(Announce.class, m -> {
          askPosition(false);
          return this;
        })
        .onMessage(PositionKnown.class, this::onPosition)
        .onMessage(RecordNow.class, m -> onRecordNow())
        .onMessage(NoAck.class, m -> {
          if (phase == Phase.DONE) return this;
          getContext().getLog().info("call {}: no ACK for the answer; the caller is gone", callId);
          return callerLeft();
        })
        .onMessage(RecordingLimit.class, m -> onRecordingLimit())
        .onMessage(RtpCheck.class, m -> onRtpCheck())
        .onMessage(MenuTimeout.class, this::onMenuTimeout)
        .onMessage(NumberPromptDone.class, m -> {
          if (phase == Phase.CUSTOMER_NUMBER && digits.isEmpty()) numberTimer();
          return this;
        })
        .onMessage(NumberTimeout.class, m -> {
          if (phase == Phase.CUSTOMER_NUMBER && m.keys() == digits.length()) numberEntered();
          return this;
        })
        .onMessage(Ignored.class, m -> this)
        .onMessage(ConsultReported.class, this::onConsultReported)
        .onMessage(FetchView.class, m -> {
          if (phase == Phase.QUEUED) fetchView();
          return this;
        })
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, sig -> onStopped())
        .build();
  }

  // ---------------------------------------------------------------- the caller arrives

  private Behavior<Command> onInvite(SipEndpoint.Incoming in) {
    invite = in;
    invitedAt = java.time.Instant.now();
    callerDialog = in.dialog();
    Request r = in.request();
    MediaDescription offered;
    try {
      offered = Sdp.parse(body(r));
    } catch (SdpProblem ex) {
      return refuse(Response.BAD_REQUEST, "Bad SDP: " + ex.getMessage());
    }
    Optional<Negotiated> codec = Sdp.negotiate(offered, w.settings().codecs());
    if (codec.isEmpty()) return refuse(Response.NOT_ACCEPTABLE_HERE, "no codec in common (PCMU, PCMA)");
    if (mediaAddress(offered).isEmpty())
      return refuse(Response.NOT_ACCEPTABLE_HERE, "the SDP connection address must be an IP address");
    callerCodec = codec.get();
    dialled = userOf(r.getRequestURI());
    if (dialled == null || !NUMBER.matcher(dialled).matches())
      return refuse(Response.NOT_FOUND, "unknown number");
    String caller = userOf(((FromHeader) r.getHeader(FromHeader.NAME)).getAddress().getURI());
    if (caller == null || !CALLER.matcher(caller).matches()) caller = "anonymous";
    callerNumber = caller;
    try {
      callerMedia = w.media().open();
    } catch (IOException ex) {
      return refuse(Response.SERVICE_UNAVAILABLE, "no media port free");
    }
    callerMedia.remote(mediaAddress(offered).orElseThrow(), callerCodec);
    callerMedia.onDtmf(d -> getContext().getSelf().tell(new Digit(d)));
    arrive(null, null);
    return this;
  }

  /**
   * Asks the engine to take the call; {@code menuChoice} and {@code customerNumber} as {@link
   * CallSession.Arrive} has them.
   */
  private void arrive(String menuChoice, String customerNumber) {
    phase = Phase.ARRIVING;
    getContext().ask(CallSession.Reply.class, w.engine().refs().call(callId), askTimeout(),
        replyTo -> new CallSession.Arrive(dialled, callerNumber, menuChoice, customerNumber, replyTo), Arrived::new);
  }

  private Behavior<Command> onArrived(Arrived m) {
    settleArrival();
    if (m.reply() instanceof CallSession.MenuRequired required && !callerGone) return startMenu(required.menu());
    if (m.reply() instanceof CallSession.CustomerNumberRequired required && !callerGone)
      return startCustomerNumber(required.entry());
    if (m.reply() instanceof CallSession.ToSipAccount to && !callerGone && !answered)
      return ringAccount(to.entry().account());
    if (callerGone) {
      // The caller left while the engine decided; a queued call is taken out again.
      if (m.reply() instanceof CallSession.Done d && d.view() != null && d.view().phase() != CallPhase.FINISHED)
        hangupInEngine();
      return finish();
    }
    if (m.failure() != null) {
      // The session may still queue the call after our ask gave up: it is told the caller left.
      hangupInEngine();
      return refuse(Response.SERVICE_UNAVAILABLE, "the engine did not answer in time");
    }
    if (m.reply() instanceof CallSession.Refused refused) {
      Refusal f = refused.refusal();
      return switch (f.code()) {
        case NOT_FOUND, INVALID -> refuse(Response.NOT_FOUND, f.message());
        default -> refuse(Response.SERVICE_UNAVAILABLE, f.message());
      };
    }
    CallView view = ((CallSession.Done) m.reply()).view();
    lastView = view;
    if (view.phase() == CallPhase.FINISHED) return closed(view);
    if (!answered) answerCaller();
    if (!answered) {
      // The answer could not be sent (no route back to the caller): the call is taken back.
      getContext().getLog().info("call {}: the answer could not reach the caller", callId);
      hangupInEngine();
      return finish();
    }
    phase = Phase.QUEUED;
    callerMedia.play(w.settings().queuePrompts(), true, null);
    if (view.queue() != null) askPosition(true); // the queue's hot prompt, place and estimated wait
    Behavior<Command> next = onCallUpdate(view);
    List<Command> replay = List.copyOf(early);
    early.clear();
    for (Command c : replay) {
      if (phase == Phase.DONE) break;
      // Every change the engine published is at least as new as its answer to the arrival.
      if (c instanceof CallUpdate u) next = onCallUpdate(u.view());
      else if (c instanceof AgentUpdate a) next = onAgentUpdate(a);
    }
    return next;
  }

  /** The engine handled the call without a queue (closed, or overflowed to a closed action). */
  private Behavior<Command> closed(CallView view) {
    ClosedAction action = view.closedAction();
    if (action instanceof ClosedAction.Forward f && !answered) return forward(f.number());
    if (action instanceof ClosedAction.Reject && !answered) {
      // A blocked caller (ANS-15): declined, never answered.
      w.sip().reply(invite.transaction(), invite.request(), Response.DECLINE);
      return finish();
    }
    if (action instanceof ClosedAction.Voicemail box && w.voicemail() != null) return voicemail(box);
    // A night message (or the closed message, for a mailbox when this node has no voicemail).
    String prompt = action instanceof ClosedAction.NightMessage n && w.media().prompts().has(n.prompt())
        ? n.prompt() : "closed";
    if (!answered) answerCaller();
    endAgentLegs();
    phase = Phase.CLOSING;
    callerMedia.play(List.of(prompt), false, () -> getContext().getSelf().tell(new PromptFinished()));
    return this;
  }

  /** Before the answer: the caller's side (the trunk) places the forwarded call. */
  private Behavior<Command> forward(String number) {
    w.sip().reply(invite.transaction(), invite.request(), Response.MOVED_TEMPORARILY,
        resp -> resp.addHeader(w.sip().headers.createContactHeader(w.sip().addresses.createAddress(forwardUri(number)))));
    return finish();
  }

  // ---------------------------------------------------------------- a number to a SIP account (ACD-1)

  /** The leg called without an agent: a SIP account's phone, or a transfer's number. */
  private AgentLeg directLeg;

  /**
   * Rings the phone registered for the account while the caller hears ringing (180); the caller
   * is answered only when that phone answers. Not registered: at once to what the row says.
   */
  private Behavior<Command> ringAccount(SipAccountTarget target) {
    account = target;
    outsideEngine = true;
    Optional<URI> phone = target(new AgentDevice.Account(target.user()));
    if (phone.isEmpty()) {
      getContext().getLog().info("call {}: SIP account {} is not registered", callId, target.user());
      return accountUnavailable();
    }
    phase = Phase.RINGING_ACCOUNT;
    if (!placeDirectLeg(phone.get(), Duration.ofSeconds(target.forwardAfterSeconds()))) return accountUnavailable();
    w.sip().reply(invite.transaction(), invite.request(), Response.RINGING);
    return this;
  }

  /**
   * Calls {@code target} for this caller, with no agent behind it (a SIP account's phone, a
   * transfer's number); it rings at most {@code ring}. False when it could not even be called.
   */
  private boolean placeDirectLeg(URI target, Duration ring) {
    AgentLeg leg = placeLeg(target, callerNumber, ring);
    if (leg != null) directLeg = leg;
    return leg != null;
  }

  /**
   * Calls {@code target} with no agent behind the leg, From {@code from}; it rings at most
   * {@code ring}. Null when it could not even be called.
   */
  private AgentLeg placeLeg(URI target, String from, Duration ring) {
    AgentLeg leg = new AgentLeg(OfferId.random(), null, null);
    legs.put(leg.offerId, leg);
    try {
      leg.media = w.media().open();
      String sdp = Sdp.offer(w.settings().publicHost(), leg.media.localPort(), w.settings().codecs(), sdpSession, 1);
      leg.invite = w.sip().invite(target, from, null, sdp,
          sipId -> w.gateway().tell(new Gateway.OwnLeg(sipId, getContext().getSelf())));
    } catch (Exception ex) {
      getContext().getLog().warn("call {}: could not call {}: {}", callId, target, ex.toString());
      leg.state = LegState.ENDED;
      closeMedia(leg);
      return null;
    }
    timers.startSingleTimer(leg.offerId, new RingTimeout(leg.offerId), ring);
    return leg;
  }

  /** The phone or number called without an agent (busy, declined, silent): what now depends on why it was called. */
  private Behavior<Command> directLegFailed() {
    return phase == Phase.TRANSFERRING ? transferFailed() : accountUnavailable();
  }

  private boolean waitingForDirectLeg() {
    return phase == Phase.RINGING_ACCOUNT || phase == Phase.TRANSFERRING;
  }

  /** The direct leg (a SIP account's phone, a transfer's number) answered, refused, or gave no final answer. */
  private Behavior<Command> onDirectLeg(ResponseEvent e, AgentLeg leg, int code) {
    if (code < 200) return this;
    if (code >= 300) {
      timers.cancel(leg.offerId);
      boolean ours = leg.cancelled;
      leg.state = LegState.ENDED;
      closeMedia(leg);
      // Busy, declined, unreachable: forwarded at once, as when it does not answer.
      return ours || !waitingForDirectLeg() ? this : directLegFailed();
    }
    Answer answer = takeAnswer(e, leg, waitingForDirectLeg(), "phone",
        String.valueOf(leg.invite.getRequest().getRequestURI()));
    if (answer == Answer.UNUSABLE) return directLegFailed();
    if (answer != Answer.USABLE) return this;
    if (!answered) answerCaller();
    if (!answered) {
      getContext().getLog().info("call {}: the answer could not reach the caller", callId);
      stopLeg(leg);
      return finish();
    }
    return connect(leg);
  }

  /** Not registered, busy, or no answer in time: forward, voicemail, or "not available". */
  private Behavior<Command> accountUnavailable() {
    if (callerGone || phase == Phase.DONE) return finish();
    if (account.forwardTo() != null) return forward(account.forwardTo());
    if (account.voicemail() != null && w.voicemail() != null)
      return voicemail(new ClosedAction.Voicemail(account.voicemail()));
    return refuse(Response.TEMPORARILY_UNAVAILABLE, "SIP account " + account.user() + " does not answer");
  }

  // ---------------------------------------------------------------- the IVR menu

  private Behavior<Command> startMenu(Menu m) {
    menu = m;
    menuAttempt = 0;
    if (!answered) answerCaller();
    phase = Phase.MENU;
    playMenu(List.of());
    return this;
  }

  private void playMenu(List<String> before) {
    int attempt = ++menuAttempt;
    List<String> prompts = new java.util.ArrayList<>(before);
    prompts.add(w.media().prompts().has(menu.prompt()) ? menu.prompt() : "menu-example");
    callerMedia.play(prompts, false, () -> getContext().getSelf().tell(new MenuPromptDone(attempt)));
  }

  private Behavior<Command> onMenuPromptDone(MenuPromptDone m) {
    if (phase == Phase.MENU && m.attempt() == menuAttempt)
      timers.startSingleTimer("menu", new MenuTimeout(m.attempt()), menu.timeout());
    return this;
  }

  private Behavior<Command> onMenuTimeout(MenuTimeout m) {
    if (phase != Phase.MENU || m.attempt() != menuAttempt) return this;
    if (menuAttempt < menu.attempts()) playMenu(List.of());
    else choose("");
    return this;
  }

  private void menuKey(char key) {
    timers.cancel("menu");
    String k = String.valueOf(key);
    if (menu.choices().containsKey(k)) choose(k);
    else if (menuAttempt < menu.attempts()) playMenu(List.of("invalid-choice"));
    else choose("");
  }

  /** The key (or none) goes to the engine, which routes the call on. */
  private void choose(String key) {
    timers.cancel("menu");
    callerMedia.stopPlaying();
    menuChoice = key;
    arrive(key, null);
  }

  // ---------------------------------------------------------------- customer-number entry

  private CustomerNumberEntry numberEntry;

  private Behavior<Command> startCustomerNumber(CustomerNumberEntry entry) {
    numberEntry = entry;
    if (!answered) answerCaller();
    phase = Phase.CUSTOMER_NUMBER;
    digits.setLength(0);
    String prompt = w.media().prompts().has(entry.prompt()) ? entry.prompt() : "enter-customer-number";
    callerMedia.play(List.of(prompt), false, () -> getContext().getSelf().tell(new NumberPromptDone()));
    return this;
  }

  private void numberTimer() {
    timers.startSingleTimer("number", new NumberTimeout(digits.length()), numberEntry.timeout());
  }

  /** A key while entering: digits add (barge-in stops the prompt), '#' ends, '*' starts over. */
  private void numberKey(char key) {
    callerMedia.stopPlaying();
    if (key == '#') {
      numberEntered();
      return;
    }
    if (key == '*') digits.setLength(0);
    else if (Character.isDigit(key)) digits.append(key);
    if (digits.length() >= numberEntry.maxDigits()) numberEntered();
    else numberTimer();
  }

  /** What was keyed in goes to the engine; a number the queue does not take counts as none. */
  private void numberEntered() {
    timers.cancel("number");
    String number = numberEntry.accepts(digits.toString()) ? digits.toString() : "";
    digits.setLength(0);
    arrive(menuChoice, number);
  }

  // ---------------------------------------------------------------- place in the queue

  private void askPosition(boolean first) {
    if (phase != Phase.QUEUED || lastView == null || lastView.queue() == null) return;
    getContext().ask(Queue.Reply.class, w.engine().refs().queue(lastView.queue()), askTimeout(),
        replyTo -> new Queue.GetPosition(callId, replyTo), (reply, failure) -> new PositionKnown(reply, first));
  }

  /**
   * Announces the caller's place (1-20) and its estimated wait, and plays on; the first time,
   * after the welcome.
   */
  private Behavior<Command> onPosition(PositionKnown m) {
    if (phase != Phase.QUEUED || connected != null) return this;
    boolean announcing = !w.settings().announcePositionEvery().isZero();
    if (announcing) timers.startSingleTimer("announce", new Announce(), w.settings().announcePositionEvery());
    if (!(m.reply() instanceof Queue.Position p) || lastView.phase() != CallPhase.QUEUED) return this;
    List<String> announcement = new java.util.ArrayList<>();
    if (announcing && p.position() >= 1 && p.position() <= 20)
      announcement.addAll(List.of("position-intro", "position-" + p.position(), "position-outro"));
    if (announcing && p.position() >= 1 && w.settings().announceEstimatedWait())
      announcement.addAll(waitPrompts(p.estimatedWait()));
    // The hot prompt (an outage, a holiday) comes first, once, before the welcome; its first
    // milliseconds overlap the welcome that started with the answer.
    String hot = m.first() ? p.hotPrompt() : null;
    if (hot != null && !w.media().prompts().has(hot)) {
      getContext().getLog().warn("queue {}'s hot prompt '{}' is not a sound file here; not played", p.queueId(), hot);
      hot = null;
    }
    if (announcement.isEmpty() && hot == null) return this;
    List<String> queued = w.settings().queuePrompts();
    List<String> playlist = new java.util.ArrayList<>();
    if (hot != null) playlist.add(hot);
    if (m.first()) playlist.addAll(queued.subList(0, queued.size() - 1));
    playlist.addAll(announcement);
    playlist.add(queued.get(queued.size() - 1));
    callerMedia.play(playlist, true, null);
    return this;
  }

  /**
   * "The estimated waiting time is about N minutes" (to the nearest minute, 1-10), "less than one
   * minute", or "more than ten minutes"; nothing without an estimate or when nobody need wait.
   */
  static List<String> waitPrompts(Duration ewt) {
    if (ewt == null || ewt.isZero() || ewt.isNegative()) return List.of();
    if (ewt.compareTo(Duration.ofSeconds(60)) < 0) return List.of("wait-intro", "wait-less-than-minute");
    long minutes = (ewt.toSeconds() + 30) / 60;
    return List.of("wait-intro", minutes > 10 ? "wait-more-than-ten-minutes" : "minutes-" + minutes);
  }

  // ---------------------------------------------------------------- voicemail

  private ClosedAction.Voicemail mailbox;
  private java.time.Instant recordingSince;

  private Behavior<Command> voicemail(ClosedAction.Voicemail box) {
    mailbox = box;
    if (!answered) answerCaller();
    endAgentLegs();
    phase = Phase.VOICEMAIL;
    callerMedia.play(List.of("voicemail", "beep"), false, () -> getContext().getSelf().tell(new RecordNow()));
    return this;
  }

  private Behavior<Command> onRecordNow() {
    if (phase != Phase.VOICEMAIL || callerGone) return this;
    recordingSince = java.time.Instant.now();
    callerMedia.startRecording(w.settings().voicemailMaxLength());
    timers.startSingleTimer("voicemail", new RecordingLimit(), w.settings().voicemailMaxLength());
    return this;
  }

  /** The longest message allowed: thank the caller and hang up; the message is sent. */
  private Behavior<Command> onRecordingLimit() {
    if (phase != Phase.VOICEMAIL) return this;
    sendVoicemail();
    phase = Phase.CLOSING;
    callerMedia.play(List.of("goodbye"), false, () -> getContext().getSelf().tell(new PromptFinished()));
    return this;
  }

  /** Sends what was recorded (nothing if the caller left before the beep). */
  private void sendVoicemail() {
    if (recordingSince == null || !callerMedia.isRecording()) return;
    byte[] wav = callerMedia.stopRecording();
    Duration length = Duration.between(recordingSince, java.time.Instant.now());
    recordingSince = null;
    if (length.compareTo(Duration.ofSeconds(1)) < 0) {
      getContext().getLog().info("call {} hung up right after the beep: no voicemail for {}", callId, mailbox.mailbox());
      return;
    }
    CallView v = lastView;
    var message = new io.switchboard.core.voicemail.Voicemail(callId, mailbox.mailbox(), dialled, callerNumber,
        v != null && v.arrivedAt() != null ? v.arrivedAt() : invitedAt, length, wav);
    var log = getContext().getLog();
    w.voicemail().deliver(message).whenComplete((ok, failure) -> {
      if (failure != null) log.error("voicemail of call {} for {} was not sent: {}", callId, mailbox.mailbox(),
          failure.toString());
      else log.info("voicemail of call {} ({} s) sent to {}", callId, length.toSeconds(), mailbox.mailbox());
    });
  }

  private Behavior<Command> onPromptFinished() {
    if (phase == Phase.CLOSING) {
      hangUpCaller();
      return finish();
    }
    return this;
  }

  private void answerCaller() {
    String sdp = Sdp.answer(w.settings().publicHost(), callerMedia.localPort(), callerCodec, sdpSession, 1);
    answered = w.sip().reply(invite.transaction(), invite.request(), Response.OK, resp -> {
      resp.addHeader(w.sip().contact(invite.transport()));
      try {
        resp.setContent(sdp.getBytes(StandardCharsets.US_ASCII), w.sip().sdpType());
      } catch (java.text.ParseException ex) {
        throw new IllegalStateException(ex);
      }
    });
    if (callerDialog == null) callerDialog = invite.transaction().getDialog();
    // The stack resends the 200 for 64·T1 (32 s); a caller that never ACKs is gone, whatever
    // the stack then tells us or not.
    if (answered) timers.startSingleTimer("ack", new NoAck(), Duration.ofSeconds(40));
    Duration rtpTimeout = w.settings().rtpTimeout();
    if (answered && !rtpTimeout.isZero()) {
      rtpQuietSince = System.nanoTime();
      timers.startTimerAtFixedRate("rtp", new RtpCheck(), rtpTimeout.dividedBy(4));
    }
  }

  private long rtpSeen = -1;
  private long rtpQuietSince;

  /**
   * An answered caller whose RTP stopped for {@code rtp-timeout} (not holding the call) is gone
   * without a BYE: it is hung up, and the engine told it left.
   */
  private Behavior<Command> onRtpCheck() {
    if (phase == Phase.DONE || phase == Phase.CLOSING || callerGone) return this;
    long received = callerMedia.packetsReceived();
    if (received != rtpSeen || callerMedia.isHeld()) {
      rtpSeen = received;
      rtpQuietSince = System.nanoTime();
      return this;
    }
    Duration quiet = Duration.ofNanos(System.nanoTime() - rtpQuietSince);
    if (quiet.compareTo(w.settings().rtpTimeout()) < 0) return this;
    getContext().getLog().info("call {}: no RTP from the caller for {} s; hanging up", callId, quiet.toSeconds());
    boolean wasAnswered = answered && !callerGone;
    if (wasAnswered) w.sip().sendInDialog(callerDialog, Request.BYE);
    return callerLeft();
  }

  // ---------------------------------------------------------------- requests within dialogs

  private Behavior<Command> onInDialog(SipEndpoint.Incoming in) {
    Request r = in.request();

    String sipId = Gateway.callIdOf(r);
    AgentLeg leg = sipId.equals(sipCallId) ? null : legOfCallId(sipId);
    switch (r.getMethod()) {
      case Request.ACK -> {
        w.sip().countAck(in); // the stack may have let it through uncounted
        if (leg == null) timers.cancel("ack");
        return this;
      }
      case Request.CANCEL -> {
        w.sip().reply(in.transaction(), r, Response.OK);
        if (leg == null && !answered) {
          w.sip().reply(invite.transaction(), invite.request(), Response.REQUEST_TERMINATED);
          return callerLeft();
        }
        return this;
      }
      case Request.BYE -> {
        w.sip().reply(in.transaction(), r, Response.OK);
        return leg == null ? callerLeft() : agentHungUp(leg);
      }
      case Request.INFO -> {
        w.sip().reply(in.transaction(), r, Response.OK);
        if (leg == null) infoDigit(r).ifPresent(this::onDigit);
        return this;
      }
      case Request.INVITE -> {
        return reInvite(in, leg);
      }
      case Request.OPTIONS -> {
        w.sip().reply(in.transaction(), r, Response.OK, resp -> {
          for (var h : w.sip().allow()) resp.addHeader(h);
        });
        return this;
      }
      default -> {
        w.sip().reply(in.transaction(), r, Response.METHOD_NOT_ALLOWED, resp -> {
          for (var h : w.sip().allow()) resp.addHeader(h);
        });
        return this;
      }
    }
  }

  /**
   * A re-INVITE: a new offer from the same party, most often hold (sendonly/inactive) and
   * resume. Answered with our same port; a held agent leaves the caller hearing hold music.
   */
  private Behavior<Command> reInvite(SipEndpoint.Incoming in, AgentLeg leg) {
    Request r = in.request();
    MediaLeg media = leg == null ? callerMedia : leg.media;
    Dialog own = leg == null ? callerDialog : leg.dialog;
    if (own == null || in.dialog() == null || !own.getDialogId().equals(in.dialog().getDialogId())) {
      // A new INVITE reusing this call's Call-ID is not a re-INVITE of its dialog.
      w.sip().reply(in.transaction(), r, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
      return this;
    }
    if (body(r).isBlank() && media != null) {
      // A re-INVITE without an offer (a session refresh): we offer what we have; the answer in
      // the ACK changes nothing we need.
      String offer = Sdp.offer(w.settings().publicHost(), media.localPort(), w.settings().codecs(), sdpSession,
          nextSdpVersion(leg));
      w.sip().reply(in.transaction(), r, Response.OK, resp -> {
        resp.addHeader(w.sip().contact(in.transport()));
        resp.setContent(offer.getBytes(StandardCharsets.US_ASCII), w.sip().sdpType());
      });
      return this;
    }
    MediaDescription offered;
    try {
      offered = Sdp.parse(body(r));
    } catch (SdpProblem ex) {
      w.sip().reply(in.transaction(), r, Response.NOT_ACCEPTABLE_HERE);
      return this;
    }
    Optional<Negotiated> codec = Sdp.negotiate(offered, w.settings().codecs());
    if (codec.isEmpty() || media == null) {
      w.sip().reply(in.transaction(), r, Response.NOT_ACCEPTABLE_HERE);
      return this;
    }
    boolean held = offered.direction().equals("sendonly") || offered.direction().equals("inactive")
        || "0.0.0.0".equals(offered.address());
    if (!held) {
      Optional<InetSocketAddress> to = mediaAddress(offered);
      if (to.isEmpty()) {
        w.sip().reply(in.transaction(), r, Response.NOT_ACCEPTABLE_HERE);
        return this;
      }
      media.remote(to.get(), codec.get());
    }
    String sdp = Sdp.answer(w.settings().publicHost(), media.localPort(), codec.get(), sdpSession,
        nextSdpVersion(leg), Sdp.answerDirection(offered.direction()));
    w.sip().reply(in.transaction(), r, Response.OK, resp -> {
      resp.addHeader(w.sip().contact(in.transport()));
      resp.setContent(sdp.getBytes(StandardCharsets.US_ASCII), w.sip().sdpType());
    });
    if (leg != null && leg == connected && consultId != null) {
      // The agent's phone during a consultation: the consultation decides who hears whom.
    } else if (leg != null && leg == connected && callerMedia != null) {
      if (held) {
        callerMedia.unbridge();
        callerMedia.play(List.of("hold-music"), true, null);
      } else {
        callerMedia.stopPlaying();
        callerMedia.bridge(leg.media);
      }
    } else if (leg == null) {
      media.hold(held);
    }
    return this;
  }

  /** The version of a new SDP to the caller ({@code leg} null) or to an agent's phone. */
  private long nextSdpVersion(AgentLeg leg) {
    return leg == null ? ++callerSdpVersion : ++leg.sdpVersion;
  }

  /** The caller hung up (BYE, or CANCEL before the answer). */
  private Behavior<Command> callerLeft() {
    callerGone = true;
    if (phase == Phase.VOICEMAIL) sendVoicemail();
    if (phase == Phase.ARRIVING) {
      // The session takes a hang-up while it routes and writes the call abandoned with its
      // queueing, so no agent is offered a caller who left.
      hangupInEngine();
      return this;
    }
    if (phase == Phase.MENU) {
      // Hung up in the menu: the call is still counted, in its control queue, as abandoned.
      choose("");
      hangupInEngine();
      return this;
    }
    if (phase == Phase.CUSTOMER_NUMBER) {
      // Likewise while keying in the number: counted, abandoned in its queue.
      timers.cancel("number");
      arrive(menuChoice, "");
      hangupInEngine();
      return this;
    }
    if (phase == Phase.QUEUED || phase == Phase.CONNECTED) hangupInEngine();
    endAgentLegs();
    return finish();
  }

  /**
   * The stack ended a dialog we did not end: the caller never ACKed our 200 (gone, or not a real
   * caller), or an agent's phone never ACKed... either way that party is gone.
   */
  private Behavior<Command> onDialogEnded(DialogEnded m) {
    if (phase == Phase.DONE) return this;
    // Only the caller's own dialog: a request of another dialog with the call's Call-ID (a stray
    // re-INVITE answered 481) makes the stack a dialog of its own, which it ends again at once.
    Dialog d = m.dialog();
    boolean callers = d == callerDialog
        || callerDialog == null && d.getCallId().getCallId().equals(sipCallId)
        || callerDialog != null && d.getDialogId() != null && d.getDialogId().equals(callerDialog.getDialogId());
    if (callers) {
      getContext().getLog().info("call {}: the caller's dialog ended without a BYE", callId);
      return callerLeft();
    }
    for (AgentLeg leg : legs.values())
      if (leg.dialog == m.dialog() && leg.state != LegState.ENDED) return agentHungUp(leg);
    return this;
  }

  private Behavior<Command> agentHungUp(AgentLeg leg) {
    if (leg == consultLeg) return contactHungUp();
    leg.state = LegState.ENDED;
    if (leg != connected) return this;
    if (leg.agent != null) w.engine().refs().agent(leg.agent).tell(new Agent.EndCall(leg.loginId, callId, ignore()));
    // The agent left mid-consultation: the engine ends the consultation with the talk.
    if (consultLeg != null) stopLeg(consultLeg);
    hangUpCaller();
    return finish();
  }

  // ---------------------------------------------------------------- what the engine decided

  private Behavior<Command> onCallUpdate(CallView view) {
    if (phase == Phase.ARRIVING || phase == Phase.MENU || phase == Phase.CUSTOMER_NUMBER) {
      // The engine's news can overtake its answer to the arrival.
      early.add(new CallUpdate(view));
      return this;
    }
    if (outsideEngine || !callId.equals(view.callId())) return this; // an engine call this one has left
    getContext().getLog().debug("call {} ({}): engine says {} agent {} ringing {}", callId, phase, view.phase(),
        view.agent(), view.ringing());
    if (phase == Phase.DONE || phase == Phase.ARRIVING) return this;
    lastView = view;
    for (OfferRecord o : view.ringing()) {
      AgentLeg leg = legs.get(o.offerId());
      if (leg != null) leg.seenRinging = true;
      // A transferred-in call's offers may have been told before it was ours: ask the agent.
      else if (transferredIn && phase == Phase.QUEUED && fetchedOffers.add(o.offerId()))
        getContext().ask(Agent.Reply.class, w.engine().refs().agent(o.agent()), askTimeout(), Agent.GetState::new,
            (reply, failure) -> reply instanceof Agent.Done d ? new AgentUpdate(o.agent(), d.view(), "fetched")
                : new Ignored());
    }
    // Offers gone from the call (withdrawn, missed, declined, answered elsewhere): stop their phones.
    for (AgentLeg leg : List.copyOf(legs.values()))
      if (leg.state == LegState.CALLING && leg.seenRinging
          && view.ringing().stream().noneMatch(o -> o.offerId().equals(leg.offerId))
          && !(view.phase() == CallPhase.TALKING && java.util.Objects.equals(leg.agent, view.agent())))
        stopLeg(leg);
    if (view.phase() == CallPhase.TALKING && connected == null && phase == Phase.QUEUED
        && legs.values().stream().noneMatch(l -> java.util.Objects.equals(l.agent, view.agent()))) {
      // Answered by an agent without a phone of ours: nothing for the caller to hear from us.
      phase = Phase.CONNECTED;
      callerMedia.stopPlaying();
    }
    if (view.phase() == CallPhase.FINISHED && view.closedAction() != null && phase == Phase.QUEUED)
      return closed(view);
    if (view.endedBy() == EndedBy.TRANSFER && view.transferredTo() != null
        && (phase == Phase.CONNECTED || phase == Phase.QUEUED))
      return transferred(view);
    if ((view.phase() == CallPhase.WRAP_UP || view.phase() == CallPhase.FINISHED)
        && (phase == Phase.CONNECTED || phase == Phase.QUEUED)) {
      // Ended in the engine, not by anyone on our SIP legs: the agent on the desktop, or the
      // engine API's hang-up. Both legs go.
      endAgentLegs();
      hangUpCaller();
      return finish();
    }
    if (view.phase() == CallPhase.TALKING && view.agent() != null && agentPhoneGone(view.agent())) {
      // The engine gave the call to an agent whose phone of ours is no longer on it (hung up
      // before the grant came back, or the grant's answer was lost): that talk is over.
      getContext().getLog().info("call {}: agent {} has the call but its phone left; ending it", callId, view.agent());
      endTalk(view.agent());
      return finish();
    }
    if (view.phase() == CallPhase.TALKING && phase == Phase.CONNECTED) followConsultation(view.consultation());
    return this;
  }

  // ---------------------------------------------------------------- blind transfer (ANS-4)

  /**
   * The agent sent the caller on: its phone is hung up, the caller hears hold music, and is
   * queued again as the engine's new call or connected to the number through the trunk.
   */
  private Behavior<Command> transferred(CallView view) {
    if (consultLeg != null) {
      if (consultLeg.state == LegState.ANSWERED && view.transferredTo() instanceof TransferTarget.ToNumber to
          && to.number().equals(consultNumber)) return consultCompleted();
      // Not answered (or not this number): the leg goes, and the number is called as a blind transfer's.
      dropConsultLeg();
    }
    endAgentLegs();
    // The old call's phones are done with; a phone of the new call is a new leg.
    legs.values().removeIf(l -> l.state == LegState.ENDED);
    connected = null;
    callerMedia.unbridge();
    List<String> queued = w.settings().queuePrompts();
    if (view.transferredTo() instanceof TransferTarget.ToQueue && view.transferCallId() != null) {
      callId = view.transferCallId();
      w.gateway().tell(new Gateway.OwnCall(callId, getContext().getSelf()));
      lastView = null;
      phase = Phase.QUEUED;
      callerMedia.play(List.of(queued.get(queued.size() - 1)), true, null);
      // The new call's first news (its queueing, an offer) may have gone out before the router
      // knew it is ours: read it, a few times while it settles.
      transferredIn = true;
      fetchView();
      timers.startSingleTimer("fetch-view-1", new FetchView(), Duration.ofMillis(300));
      timers.startSingleTimer("fetch-view-2", new FetchView(), Duration.ofSeconds(1));
      return this;
    }
    String number = ((TransferTarget.ToNumber) view.transferredTo()).number();
    outsideEngine = true;
    phase = Phase.TRANSFERRING;
    callerMedia.play(List.of("hold-music"), true, null);
    if (w.settings().trunk() == null || !placeDirectLeg(forwardUri(number), w.settings().agentRingTimeout())) {
      getContext().getLog().warn("call {}: transfer to {} cannot be placed ({})", callId, number,
          w.settings().trunk() == null ? "no trunk configured" : "the call could not be sent");
      return transferFailed();
    }
    return this;
  }

  private void fetchView() {
    getContext().ask(CallSession.Reply.class, w.engine().refs().call(callId), askTimeout(), CallSession.GetState::new,
        (reply, failure) -> reply instanceof CallSession.Done d && d.view() != null && d.view().callId().equals(callId)
            ? new CallUpdate(d.view()) : new Ignored());
  }

  /** The number did not answer: the caller is told and hung up (a blind transfer's risk). */
  private Behavior<Command> transferFailed() {
    phase = Phase.CLOSING;
    callerMedia.play(List.of("transfer-failed"), false, () -> getContext().getSelf().tell(new PromptFinished()));
    return this;
  }

  /** We rang this agent's phone, and no leg to it is ringing, answering or connected now. */
  private boolean agentPhoneGone(AgentId agent) {
    boolean rang = false;
    for (AgentLeg l : legs.values()) {
      if (!java.util.Objects.equals(l.agent, agent)) continue;
      rang = true;
      if (l.state != LegState.ENDED && !l.cancelled) return false;
    }
    return rang;
  }

  /** Ends a talk the engine granted: the agent hangs up (wrap-up starts), so does the caller's leg. */
  private void endTalk(AgentId agent) {
    AgentLeg any = legs.values().stream().filter(l -> java.util.Objects.equals(l.agent, agent)).findFirst().orElse(null);
    if (any != null && any.loginId != null)
      w.engine().refs().agent(agent).tell(new Agent.EndCall(any.loginId, callId, ignore()));
    endAgentLegs();
    hangUpCaller();
  }

  private Behavior<Command> onAgentUpdate(AgentUpdate m) {
    if (outsideEngine) return this; // its agent let go of the caller (a transfer to a number)
    if (phase == Phase.ARRIVING || phase == Phase.MENU || phase == Phase.CUSTOMER_NUMBER) {
      early.add(m);
      return this;
    }
    if (phase != Phase.QUEUED && phase != Phase.CONNECTED) return this;
    AgentView v = m.view();
    Optional<AgentContact> mine = v.contacts().stream()
        .filter(c -> c.offer().contact().callId().equals(callId)).findFirst();
    AgentLeg existing = legs.values().stream()
        .filter(l -> java.util.Objects.equals(l.agent, m.agent()) && l.state != LegState.ENDED && !l.cancelled).findFirst().orElse(null);
    if (mine.isPresent() && mine.get().phase() == AgentContact.Phase.RESERVED && phase == Phase.QUEUED
        && existing == null && !legs.containsKey(mine.get().offer().offerId())) {
      if (v.config() != null && v.config().device() != null) ring(v, mine.get().offer());
      return this;
    }
    // The offer is gone from the agent (withdrawn, missed, declined): stop its phone.
    if (existing != null && existing.state == LegState.CALLING
        && (mine.isEmpty() || !mine.get().offer().offerId().equals(existing.offerId)))
      stopLeg(existing);
    return this;
  }

  // ---------------------------------------------------------------- announce transfer (ANS-4)

  /** The leg to the number the agent consults, while it rings or is answered; else null. */
  private AgentLeg consultLeg;
  /** The engine's consultation that leg serves (null: none), and its number. */
  private String consultId;
  private String consultNumber;
  /** Whom the agent talks to in the consultation, as the engine last said. */
  private Consultation.Party talkingTo = Consultation.Party.CONTACT;
  /** Consultations this call is done with: a view of one of them (told late) never dials it again. */
  private final java.util.Set<String> consultsDone = new java.util.HashSet<>();

  /**
   * Follows the engine's consultation of a talking call: a new one is dialled through the trunk,
   * one the engine let go of (cancelled, failed, completed elsewhere, replaced) loses its leg, and
   * a toggle moves the agent between the contact and the caller.
   */
  private void followConsultation(Consultation c) {
    if (consultId != null && (c == null || !c.consultId().equals(consultId) || c.state() == Consultation.State.FAILED))
      dropConsultLeg();
    if (c == null) return;
    if (c.state() == Consultation.State.DIALLING && consultId == null && !consultsDone.contains(c.consultId())) {
      startConsult(c);
    } else if (c.state() == Consultation.State.CONNECTED && c.consultId().equals(consultId)
        && consultLeg != null && consultLeg.state == LegState.ANSWERED && talkingTo != c.talkingTo()) {
      talkingTo = c.talkingTo();
      consultMedia();
    }
  }

  /** The caller is held and the number called through the trunk, From the number the caller dialled. */
  private void startConsult(Consultation c) {
    consultId = c.consultId();
    consultNumber = c.number();
    talkingTo = Consultation.Party.CONTACT;
    if (w.settings().trunk() == null) {
      getContext().getLog().warn("call {}: cannot consult {}: no trunk configured", callId, c.number());
      consultFailed("unreachable");
      return;
    }
    AgentLeg leg = placeLeg(forwardUri(c.number()), dialled, w.settings().agentRingTimeout());
    if (leg == null) {
      consultFailed("unreachable");
      return;
    }
    leg.consult = true;
    consultLeg = leg;
    consultMedia();
  }

  /** What became of an outgoing leg's 200 OK. */
  private enum Answer { IGNORED, UNWANTED, UNUSABLE, USABLE }

  /**
   * An outgoing leg's 200 OK: acknowledged; a retransmission or a leg no longer calling is
   * ignored; one answered as we let go of it (the CANCEL crossed the 200) or with SDP we cannot
   * use is hung up; otherwise its media is negotiated and the leg is ANSWERED.
   */
  private Answer takeAnswer(ResponseEvent e, AgentLeg leg, boolean wanted, String party, String name) {
    w.sip().ack(e);
    boolean again = e instanceof gov.nist.javax.sip.ResponseEventExt x && x.isRetransmission();
    if (again || leg.state != LegState.CALLING) return Answer.IGNORED;
    leg.dialog = e.getDialog() != null ? e.getDialog() : e.getClientTransaction().getDialog();
    if (leg.cancelled || !wanted) {
      hangUpAnswered(leg);
      return Answer.UNWANTED;
    }
    timers.cancel(leg.offerId);
    try {
      MediaDescription answer = Sdp.parse(body(e.getResponse()));
      Negotiated n = Sdp.negotiate(answer, w.settings().codecs()).orElseThrow(
          () -> new SdpProblem("the " + party + " answered with no codec we offered"));
      leg.media.remote(mediaAddress(answer).orElseThrow(
          () -> new SdpProblem("the " + party + "'s SDP address is not an IP address")), n);
    } catch (SdpProblem ex) {
      getContext().getLog().warn("call {}: {} answered with unusable SDP: {}", callId, name, ex.getMessage());
      hangUpAnswered(leg);
      return Answer.UNUSABLE;
    }
    leg.state = LegState.ANSWERED;
    return Answer.USABLE;
  }

  private void hangUpAnswered(AgentLeg leg) {
    leg.state = LegState.ENDED;
    w.sip().sendInDialog(leg.dialog, Request.BYE);
    closeMedia(leg);
  }

  /** The consulted number answered, refused, or gave no final answer. */
  private Behavior<Command> onConsultLeg(ResponseEvent e, AgentLeg leg, int code) {
    if (code < 200) return this;
    if (code >= 300) {
      timers.cancel(leg.offerId);
      boolean ours = leg.cancelled;
      leg.state = LegState.ENDED;
      closeMedia(leg);
      if (!ours && leg == consultLeg) consultFailed(failureReason(code));
      return this;
    }
    Answer answer = takeAnswer(e, leg, leg == consultLeg && phase == Phase.CONNECTED, "number",
        "consulted number " + consultNumber);
    if (answer == Answer.UNUSABLE) consultFailed("unusable media");
    if (answer != Answer.USABLE) return this;
    talkingTo = Consultation.Party.CONTACT;
    consultMedia();
    String id = consultId;
    report(id, r -> new CallSession.ConsultLegAnswered(id, r), 1);
    return this;
  }

  /** A SIP final answer as the agent reads it. */
  static String failureReason(int code) {
    return switch (code) {
      case Response.BUSY_HERE, Response.BUSY_EVERYWHERE -> "busy";
      case Response.DECLINE -> "declined";
      case Response.NOT_FOUND, Response.ADDRESS_INCOMPLETE, Response.DOES_NOT_EXIST_ANYWHERE -> "unknown number";
      case Response.REQUEST_TIMEOUT, Response.TEMPORARILY_UNAVAILABLE -> "no answer";
      default -> "unreachable (" + code + ")";
    };
  }

  /** The number did not answer: the engine is told, and the agent is back with the caller. */
  private void consultFailed(String reason) {
    String id = consultId;
    if (id == null) return;
    if (consultLeg != null && consultLeg.state != LegState.ENDED) stopLeg(consultLeg);
    consultsDone.add(id);
    consultLeg = null;
    consultId = null;
    report(id, r -> new CallSession.ConsultLegFailed(id, reason, r), 1);
    consultMedia();
  }

  /** The contact hung up: the engine is told, and the agent is back with the caller. */
  private Behavior<Command> contactHungUp() {
    AgentLeg leg = consultLeg;
    String id = consultId;
    leg.state = LegState.ENDED;
    timers.cancel(leg.offerId);
    closeMedia(leg);
    consultsDone.add(id);
    consultLeg = null;
    consultId = null;
    report(id, r -> new CallSession.ConsultLegEnded(id, r), 1);
    consultMedia();
    return this;
  }

  /** The engine let go of the consultation (cancelled, the call moved on): its leg is hung up. */
  private void dropConsultLeg() {
    if (consultLeg != null) stopLeg(consultLeg);
    if (consultId != null) consultsDone.add(consultId);
    consultLeg = null;
    consultId = null;
    consultMedia();
  }

  /**
   * The agent connected the caller with the contact and left: the agent's phone is hung up, the
   * caller bridged with the contact, and the gateway keeps the call (no engine call behind it any
   * more) until either side hangs up, as after a blind transfer to a number.
   */
  private Behavior<Command> consultCompleted() {
    AgentLeg contact = consultLeg;
    consultsDone.add(consultId);
    consultLeg = null;
    consultId = null;
    for (AgentLeg other : List.copyOf(legs.values())) if (other != contact) stopLeg(other);
    legs.values().removeIf(l -> l.state == LegState.ENDED);
    contact.state = LegState.CONNECTED;
    connected = contact;
    outsideEngine = true;
    phase = Phase.CONNECTED;
    callerMedia.bridge(contact.media);
    return this;
  }

  /**
   * Who hears whom, as the consultation stands. None: the agent and the caller. Dialling: the
   * caller hears hold music, the agent waits. Answered: the agent talks to {@link #talkingTo};
   * the other party hears hold music. An agent without a phone of ours hears nothing from here.
   */
  private void consultMedia() {
    if (callerGone || phase != Phase.CONNECTED || callerMedia == null) return;
    MediaLeg agent = connected != null && connected.state == LegState.CONNECTED ? connected.media : null;
    if (consultLeg == null) {
      if (agent != null) callerMedia.bridge(agent);
      else {
        callerMedia.unbridge();
        callerMedia.stopPlaying();
      }
    } else if (consultLeg.state != LegState.ANSWERED) {
      callerMedia.unbridge();
      holdMusic(callerMedia);
    } else if (talkingTo == Consultation.Party.CONTACT) {
      if (agent != null) agent.bridge(consultLeg.media);
      else consultLeg.media.unbridge();
      callerMedia.unbridge();
      holdMusic(callerMedia);
    } else {
      if (agent != null) agent.bridge(callerMedia);
      else {
        callerMedia.unbridge();
        callerMedia.stopPlaying();
      }
      consultLeg.media.unbridge();
      holdMusic(consultLeg.media);
    }
  }

  /** Hold music to {@code leg}, going on where it is if it already plays. */
  private static void holdMusic(MediaLeg leg) {
    if (!leg.isPlaying()) leg.play(List.of("hold-music"), true, null);
  }

  /** Tells the engine what became of a consultation's leg; an ask that got no answer is sent again. */
  private void report(String id, java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<CallSession.Reply>,
      CallSession.Command> make, int attempt) {
    getContext().ask(CallSession.Reply.class, w.engine().refs().call(callId), askTimeout(), make::apply,
        (reply, failure) -> new ConsultReported(id, make, attempt, reply, failure));
  }

  private Behavior<Command> onConsultReported(ConsultReported m) {
    if (phase == Phase.DONE) return this;
    if (m.failure() != null) {
      if (m.attempt() < 3) report(m.consultId(), m.report(), m.attempt() + 1);
      else getContext().getLog().warn("call {}: the engine did not take the news of consultation {}", callId,
          m.consultId());
      return this;
    }
    // The engine let go of the consultation meanwhile (cancelled, the call ended): so do we.
    if (m.reply() instanceof CallSession.Refused && m.consultId().equals(consultId)) dropConsultLeg();
    return this;
  }

  // ---------------------------------------------------------------- agents' phones

  private void ring(AgentView v, Offer offer) {
    Optional<URI> target = target(AgentDevice.parse(v.config().device()));
    if (target.isEmpty()) {
      // Not registered (or no trunk): the offer stays with the desktop, and runs out there if no
      // one takes it, rather than be turned down at once again and again.
      getContext().getLog().info("agent {}'s phone {} is not reachable now; the offer rings on the desktop only",
          v.agentId(), v.config().device());
      return;
    }
    AgentLeg leg = new AgentLeg(offer.offerId(), v.agentId(), v.loginId());
    legs.put(offer.offerId(), leg);
    try {
      leg.media = w.media().open();
      String sdp = Sdp.offer(w.settings().publicHost(), leg.media.localPort(), w.settings().codecs(), sdpSession, 1);
      CallView view = lastView;
      String caller = view != null && !"anonymous".equals(view.callerNumber()) ? view.callerNumber() : "anonymous";
      leg.invite = w.sip().invite(target.get(), caller, null, sdp,
          sipId -> w.gateway().tell(new Gateway.OwnLeg(sipId, getContext().getSelf())));
      Duration ring = offer.timeout() != null && offer.timeout().compareTo(w.settings().agentRingTimeout()) < 0
          ? offer.timeout().plusSeconds(1) : w.settings().agentRingTimeout();
      timers.startSingleTimer(offer.offerId(), new RingTimeout(offer.offerId()), ring);
    } catch (Exception ex) {
      getContext().getLog().warn("could not ring agent {} at {}: {}", v.agentId(), target.get(), ex.toString());
      leg.state = LegState.ENDED;
      closeMedia(leg);
      timers.cancel(offer.offerId());
      decline(leg);
    }
  }

  private Optional<URI> target(AgentDevice device) {
    try {
      if (device instanceof AgentDevice.SipUri s) return Optional.of(w.sip().parseUri(s.uri()));
      if (device instanceof AgentDevice.Account a)
        return w.registrar().reachable(a.user()).map(Binding::contactUri).map(this::uri);
      if (device instanceof AgentDevice.PhoneNumber p && w.settings().trunk() != null)
        return Optional.of(forwardUri(p.number()));
    } catch (java.text.ParseException ex) {
      getContext().getLog().warn("bad device address {}: {}", device, ex.getMessage());
    }
    return Optional.empty();
  }

  private URI uri(String s) {
    try {
      return w.sip().parseUri(s);
    } catch (java.text.ParseException ex) {
      throw new IllegalArgumentException(ex);
    }
  }

  /** A number through the trunk (sip:number@trunk-host), or a tel: URI when there is no trunk. */
  private URI forwardUri(String number) {
    try {
      if (w.settings().trunk() == null) return w.sip().parseUri("tel:" + number);
      SipURI trunk = (SipURI) w.sip().parseUri(w.settings().trunk());
      SipURI uri = w.sip().addresses.createSipURI(number, trunk.getHost());
      if (trunk.getPort() > 0) uri.setPort(trunk.getPort());
      if (trunk.getTransportParam() != null) uri.setTransportParam(trunk.getTransportParam());
      return uri;
    } catch (java.text.ParseException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private Behavior<Command> onLegResponse(ResponseEvent e) {
    Response resp = e.getResponse();
    String method = ((CSeqHeader) resp.getHeader(CSeqHeader.NAME)).getMethod();
    if (!Request.INVITE.equals(method)) return this;
    AgentLeg leg = legOfCallId(Gateway.callIdOf(resp));
    if (leg == null) return this;
    int code = resp.getStatusCode();
    if (leg.consult) return onConsultLeg(e, leg, code);
    if (leg == directLeg) return onDirectLeg(e, leg, code);
    getContext().getLog().debug("call {}: agent {} phone answered {} (leg {}, phase {})", callId, leg.agent, code,
        leg.state, phase);
    if (code < 200) return this;
    if (code < 300) {
      w.sip().ack(e);
      boolean again = e instanceof gov.nist.javax.sip.ResponseEventExt x && x.isRetransmission();
      if (again || leg.state == LegState.ANSWERED || leg.state == LegState.CONNECTED) return this; // ACKed again, nothing new
      if (leg.dialog == null) leg.dialog = e.getDialog() != null ? e.getDialog()
          : e.getClientTransaction() != null ? e.getClientTransaction().getDialog() : null;
      if (leg.state != LegState.CALLING || leg.cancelled || phase != Phase.QUEUED) {
        // Answered as we stopped it (the CANCEL crossed the 200): hang it up.
        leg.state = LegState.ENDED;
        w.sip().sendInDialog(leg.dialog, Request.BYE);
        closeMedia(leg);
        return this;
      }
      try {
        MediaDescription answer = Sdp.parse(body(resp));
        Negotiated n = Sdp.negotiate(answer, w.settings().codecs()).orElseThrow(
            () -> new SdpProblem("the phone answered with no codec we offered"));
        leg.media.remote(mediaAddress(answer).orElseThrow(
            () -> new SdpProblem("the phone's SDP address is not an IP address")), n);
      } catch (SdpProblem ex) {
        getContext().getLog().warn("agent {}'s phone answered with unusable SDP: {}", leg.agent, ex.getMessage());
        leg.state = LegState.ENDED;
        w.sip().sendInDialog(leg.dialog, Request.BYE);
        closeMedia(leg);
        decline(leg);
        return this;
      }
      leg.state = LegState.ANSWERED;
      timers.cancel(leg.offerId);
      if (lastView != null && lastView.phase() == CallPhase.TALKING && java.util.Objects.equals(leg.agent, lastView.agent()))
        return connect(leg); // the desktop accepted already
      getContext().ask(Agent.Reply.class, w.engine().refs().agent(leg.agent), askTimeout(),
          replyTo -> new Agent.AcceptOffer(leg.loginId, leg.offerId, replyTo),
          (reply, failure) -> new Accepted(leg.offerId, reply, failure));
      return this;
    }
    // Busy, rejected, unreachable: the offer is declined for this agent (unless we stopped it).
    timers.cancel(leg.offerId);
    boolean ours = leg.cancelled;
    leg.state = LegState.ENDED;
    closeMedia(leg);
    if (!ours && code != Response.REQUEST_TERMINATED) decline(leg);
    return this;
  }

  private Behavior<Command> onLegTimeout(LegTimedOut m) {
    AgentLeg leg = legOfCallId(Gateway.callIdOf(m.transaction().getRequest()));
    if (leg != null && leg.state == LegState.CALLING) {
      leg.state = LegState.ENDED;
      closeMedia(leg);
      if (leg.consult) {
        if (leg == consultLeg && !leg.cancelled) consultFailed("unreachable");
        return this;
      }
      if (leg == directLeg) return waitingForDirectLeg() && !leg.cancelled ? directLegFailed() : this;
      if (!leg.cancelled) decline(leg);
    }
    return this;
  }

  private Behavior<Command> onRingTimeout(RingTimeout m) {
    AgentLeg leg = legs.get(m.offerId());
    if (leg != null && leg.state == LegState.CALLING) {
      stopLeg(leg);
      if (leg.consult) {
        if (leg == consultLeg) consultFailed("no answer");
        return this;
      }
      if (leg == directLeg) return waitingForDirectLeg() ? directLegFailed() : this;
      decline(leg);
    }
    return this;
  }

  private Behavior<Command> onAccepted(Accepted m) {
    AgentLeg leg = legs.get(m.offerId());
    if (leg == null) return this;
    if (leg.state != LegState.ANSWERED) {
      if (m.reply() instanceof Agent.Done && phase != Phase.DONE) {
        // Granted, but the phone hung up meanwhile: the agent's talk ends at once.
        endTalk(leg.agent);
        return finish();
      }
      return this;
    }
    if (m.reply() instanceof Agent.Done && phase == Phase.QUEUED) return connect(leg);
    getContext().getLog().info("agent {} answered its phone but did not get call {}: {}", leg.agent, callId,
        m.failure() != null ? m.failure().toString() : m.reply());
    leg.state = LegState.ENDED;
    w.sip().sendInDialog(leg.dialog, Request.BYE);
    closeMedia(leg);
    return this;
  }

  private Behavior<Command> connect(AgentLeg leg) {
    leg.state = LegState.CONNECTED;
    connected = leg;
    phase = Phase.CONNECTED;
    callerMedia.stopPlaying();
    callerMedia.bridge(leg.media);
    for (AgentLeg other : List.copyOf(legs.values())) if (other != leg) stopLeg(other);
    // The agent may have consulted before its phone's grant came back here.
    if (!outsideEngine && lastView != null && lastView.phase() == CallPhase.TALKING && lastView.consultation() != null)
      followConsultation(lastView.consultation());
    return this;
  }

  /** Stops a phone that rings (CANCEL) or was answered (BYE). */
  private void stopLeg(AgentLeg leg) {
    getContext().getLog().debug("call {}: stopping agent {}'s phone ({})", callId, leg.agent, leg.state);
    timers.cancel(leg.offerId);
    if (leg.state == LegState.CALLING) {
      leg.cancelled = true;
      if (leg.invite != null) w.sip().cancel(leg.invite);
      // The 487 (or a 200 that crossed) closes it.
    } else if (leg.state == LegState.ANSWERED || leg.state == LegState.CONNECTED) {
      leg.state = LegState.ENDED;
      w.sip().sendInDialog(leg.dialog, Request.BYE);
      closeMedia(leg);
    }
  }

  private void endAgentLegs() {
    for (AgentLeg leg : List.copyOf(legs.values())) stopLeg(leg);
  }

  private void decline(AgentLeg leg) {
    if (leg.loginId == null) return;
    // Accepted on the desktop while the phone rang: nothing to decline; the agent ends the call there.
    if (lastView != null && lastView.phase() == CallPhase.TALKING && java.util.Objects.equals(leg.agent, lastView.agent())) return;
    w.engine().refs().agent(leg.agent).tell(new Agent.DeclineOffer(leg.loginId, leg.offerId, ignore()));
  }

  // ---------------------------------------------------------------- DTMF

  private Behavior<Command> onDigit(char d) {
    getContext().getLog().debug("call {} DTMF {}", callId, d);
    if (phase == Phase.MENU) menuKey(d);
    else if (phase == Phase.CUSTOMER_NUMBER) numberKey(d);
    else digits.append(d); // customer-number entry and surveys read these later
    return this;
  }

  /** SIP INFO DTMF: application/dtmf-relay ("Signal=5") or application/dtmf ("5"). */
  static Optional<Character> infoDigit(Request r) {
    ContentTypeHeader type = (ContentTypeHeader) r.getHeader(ContentTypeHeader.NAME);
    if (type == null) return Optional.empty();
    String body = body(r).trim();
    String sub = type.getContentSubType().toLowerCase(java.util.Locale.ROOT);
    String signal = null;
    if (sub.equals("dtmf-relay")) {
      for (String line : body.split("\r?\n")) {
        String[] kv = line.split("=", 2);
        if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("Signal")) signal = kv[1].trim();
      }
    } else if (sub.equals("dtmf")) {
      signal = body;
    }
    if (signal == null || signal.length() != 1 || "0123456789*#ABCDabcd".indexOf(signal.charAt(0)) < 0)
      return Optional.empty();
    return Optional.of(Character.toUpperCase(signal.charAt(0)));
  }

  // ---------------------------------------------------------------- endings

  private Behavior<Command> refuse(int code, String why) {
    if (answered) {
      // Answered already (a menu, then the second arrival failed): the caller is hung up on.
      getContext().getLog().warn("call {} ends after its answer: {}", callId, why);
      hangUpCaller();
    } else if (invite != null) {
      w.sip().reply(invite.transaction(), invite.request(), code, resp -> {
        try {
          resp.setReasonPhrase(reason(code, why));
          if (code == Response.NOT_ACCEPTABLE_HERE)
            resp.addHeader(w.sip().headers.createWarningHeader(w.settings().publicHost(),
                WarningHeader.INCOMPATIBLE_MEDIA_FORMAT, why));
          if (code == Response.SERVICE_UNAVAILABLE)
            resp.addHeader(w.sip().headers.createRetryAfterHeader((int) w.settings().retryAfter().toSeconds()));
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      });
    }
    settleArrival();
    return finish();
  }

  /** A reason phrase naming what was wrong, kept to one safe line. */
  private static String reason(int code, String why) {
    String base = switch (code) {
      case Response.NOT_FOUND -> "Not Found";
      case Response.NOT_ACCEPTABLE_HERE -> "Not Acceptable Here";
      case Response.SERVICE_UNAVAILABLE -> "Service Unavailable";
      case Response.BAD_REQUEST -> "Bad Request";
      case Response.TEMPORARILY_UNAVAILABLE -> "Temporarily Unavailable";
      default -> "Refused";
    };
    String clean = why == null ? "" : why.replaceAll("[\\r\\n\\p{Cntrl}]", " ");
    if (clean.length() > 120) clean = clean.substring(0, 120);
    return clean.isBlank() ? base : base + " (" + clean + ")";
  }

  private void hangUpCaller() {
    if (answered && !callerGone) w.sip().sendInDialog(callerDialog, Request.BYE);
    callerGone = true;
  }

  private void hangupInEngine() {
    if (outsideEngine) return; // no session in the engine stands behind the caller
    getContext().ask(CallSession.Reply.class, w.engine().refs().call(callId), askTimeout(), CallSession.Hangup::new,
        (reply, failure) -> new Ignored());
  }

  private void settleArrival() {
    if (!arrivalSettled) w.gateway().tell(new Gateway.ArrivalSettled(getContext().getSelf()));
    arrivalSettled = true;
  }

  private Behavior<Command> finish() {
    phase = Phase.DONE;
    settleArrival();
    if (callerMedia != null) callerMedia.close();
    for (AgentLeg leg : legs.values()) {
      // A phone still ringing gets its CANCEL; its final answer arrives after we are gone.
      if (leg.state == LegState.CALLING && !leg.cancelled && leg.invite != null) w.sip().cancel(leg.invite);
      // One still up (a consulted number the engine had not let go of yet) gets its BYE.
      else if (leg.state == LegState.ANSWERED || leg.state == LegState.CONNECTED) {
        leg.state = LegState.ENDED;
        w.sip().sendInDialog(leg.dialog, Request.BYE);
      }
      closeMedia(leg);
    }
    return Behaviors.stopped();
  }

  /**
   * Stopped without finishing (a failure in this actor): nothing may stay behind, not the
   * caller's line, the phones, the RTP ports, nor a call the engine thinks is waiting.
   */
  private Behavior<Command> onStopped() {
    if (phase == Phase.DONE) return this;
    getContext().getLog().error("call {} stopped in phase {} without finishing; cleaning up", callId, phase);
    if (phase != Phase.CLOSING && phase != Phase.VOICEMAIL && invite != null) hangupInEngine();
    if (answered) hangUpCaller();
    else if (invite != null) w.sip().reply(invite.transaction(), invite.request(), Response.SERVER_INTERNAL_ERROR);
    finish();
    return this;
  }

  private void closeMedia(AgentLeg leg) {
    if (leg.media != null) leg.media.close();
  }

  private AgentLeg legOfCallId(String sipId) {
    for (AgentLeg l : legs.values())
      if (l.invite != null && Gateway.callIdOf(l.invite.getRequest()).equals(sipId)) return l;
    return null;
  }

  private Duration askTimeout() {
    return w.engine().settings().askTimeout();
  }

  private <T> org.apache.pekko.actor.typed.ActorRef<T> ignore() {
    return getContext().getSystem().ignoreRef();
  }

  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  /**
   * Where a party's RTP goes: IP literals only, never a name to resolve (a flood of INVITEs with
   * made-up host names would otherwise hold threads on DNS).
   */
  static Optional<InetSocketAddress> mediaAddress(MediaDescription d) {
    String a = d.address();
    if (a == null || d.port() < 1 || d.port() > 65535) return Optional.empty();
    var v4 = IPV4.matcher(a);
    boolean literal = v4.matches() ? java.util.stream.IntStream.rangeClosed(1, 4)
        .allMatch(i -> Integer.parseInt(v4.group(i)) <= 255) : a.contains(":") && a.matches("[0-9A-Fa-f:.]+");
    if (!literal) return Optional.empty();
    try {
      return Optional.of(new InetSocketAddress(java.net.InetAddress.getByName(a), d.port()));
    } catch (java.net.UnknownHostException ex) {
      return Optional.empty();
    }
  }

  static String body(javax.sip.message.Message m) {
    byte[] raw = m.getRawContent();
    return raw == null ? "" : new String(raw, StandardCharsets.UTF_8);
  }

  static String userOf(URI uri) {
    if (uri instanceof SipURI s) return s.getUser();
    if (uri != null && "tel".equalsIgnoreCase(uri.getScheme())) {
      String t = uri.toString().substring(4);
      int semi = t.indexOf(';');
      return semi < 0 ? t : t.substring(0, semi);
    }
    return null;
  }
}
