package io.switchboard.persistence.statistics;

import static io.switchboard.core.testkit.EngineHarness.group;

import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentContact;
import io.switchboard.core.agent.AgentStatus;
import io.switchboard.core.agent.AgentView;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallPhase;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.call.Consultation;
import io.switchboard.core.call.CallView;
import io.switchboard.core.call.TransferTarget;
import io.switchboard.core.queue.ClosedAction;
import io.switchboard.core.queue.OverflowTarget;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.routing.WrapUpPolicy;
import io.switchboard.core.testkit.EngineHarness;
import io.switchboard.core.testkit.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A randomized day of traffic through the real engine on a hand-moved clock: arrivals to three
 * queues (one overflowing into another, one closing at its maximum wait), callers hanging up at
 * all sorts of waits, agents accepting, declining, letting offers ring out, pausing for various
 * reasons, talking and wrapping up, transferring and consulting numbers (announce transfer, the
 * gateway's reports sent by the day itself). What happens is whatever the engine decides; the truth test
 * only checks that the statistics agree with the journal.
 */
final class TrafficDay {
  static final List<String> AGENTS = List.of("ada", "bo", "cy", "di", "ed");
  static final List<String> PAUSE_REASONS = List.of("lunch", "meeting", "training");

  private final EngineHarness h;
  private final TestClock clock;
  private final Random random;
  private final List<String> open = new ArrayList<>();
  private int calls;
  private int transfers;
  private int consultations;

  TrafficDay(EngineHarness h, TestClock clock, long seed) {
    this.h = h;
    this.clock = clock;
    this.random = new Random(seed);
  }

  void setUp() {
    h.queue("sales", QueueConfig.named("Sales")
        .withServiceLevel(Duration.ofSeconds(20), 80, Duration.ofSeconds(5))
        .withMaxWait(Duration.ofMinutes(4), new OverflowTarget.ToQueue(new QueueId("support")))
        .withOfferTimeout(Duration.ofSeconds(30), false)
        .withWrapUp(WrapUpPolicy.agentEnded()));
    h.queue("support", QueueConfig.named("Support")
        .withServiceLevel(Duration.ofSeconds(60), 80, Duration.ofSeconds(10))
        .withMaxWait(Duration.ofMinutes(8), new OverflowTarget.Close(new ClosedAction.NightMessage("busy.wav")))
        .withOfferTimeout(Duration.ofSeconds(20), true)
        .withWrapUp(WrapUpPolicy.agentEnded()));
    h.queue("billing", QueueConfig.named("Billing")
        .withServiceLevel(Duration.ofSeconds(30), 80, Duration.ofSeconds(0))
        .withOfferTimeout(Duration.ofSeconds(30), false)
        .withWrapUp(WrapUpPolicy.agentEnded()));
    h.numberPlan("north", "acme", "0811", "sales");
    h.numberPlan("north", "acme", "0812", "support");
    h.numberPlan("south", "globex", "0821", "billing");
    h.agent("ada", "Ada", group("sales", 1), group("support", 1));
    h.agent("bo", "Bo", group("sales", 1));
    h.agent("cy", "Cy", group("support", 1), group("billing", 1));
    h.agent("di", "Di", group("billing", 1), group("sales", 2));
    h.agent("ed", "Ed", group("support", 1), group("billing", 2));
    for (String a : AGENTS) h.login(a, random.nextBoolean());
  }

  /** {@code steps} random steps, each after a random pause of the clock. */
  void run(int steps) {
    for (int i = 0; i < steps; i++) {
      clock.advance(Duration.ofMillis(500 + random.nextInt(random.nextInt(10) == 0 ? 900_000 : 120_000)));
      int roll = random.nextInt(100);
      if (roll < 30) {
        // Calls come in bunches now and then, so some wait long enough to give up.
        for (int n = random.nextInt(10) == 0 ? 4 : 1; n > 0; n--) arrive();
      } else if (roll < 45) hangUpSomeone();
      else agentsAct();
    }
  }

  /** Ends the day: nobody waits, talks or wraps up any more. */
  void finish() {
    for (int round = 0; round < 20; round++) {
      clock.advance(Duration.ofSeconds(5 + random.nextInt(60)));
      for (String c : List.copyOf(open)) {
        CallView v = h.call(c);
        if (v.phase() == CallPhase.QUEUED || v.phase() == CallPhase.OFFERED || v.phase() == CallPhase.ROUTING)
          h.hangup(c);
      }
      boolean busy = false;
      for (String a : AGENTS) {
        AgentView v = h.agentView(a);
        if (v.status() == AgentStatus.BUSY) h.agentAsk(a, r -> new Agent.EndCall("login-" + a, null, r));
        if (v.status() == AgentStatus.WRAP_UP) h.agentAsk(a, r -> new Agent.EndWrapUp("login-" + a, r));
        busy |= v.status() == AgentStatus.BUSY || v.status() == AgentStatus.WRAP_UP || v.status() == AgentStatus.RESERVED;
      }
      open.removeIf(c -> h.call(c).phase() == CallPhase.FINISHED);
      if (open.isEmpty() && !busy) break;
    }
    clock.advance(Duration.ofMinutes(10));
    for (String a : AGENTS) h.agentAsk(a, r -> new Agent.Logout("login-" + a, r));
  }

  /** A blind transfer to a queue: the caller becomes a new call there, followed like the others. */
  private void transfer(String agent, AgentView v) {
    AgentContact busy = v.contacts().stream().filter(c -> c.phase() == AgentContact.Phase.BUSY).findFirst().orElse(null);
    if (busy == null) return;
    String queue = List.of("sales", "support", "billing").get(random.nextInt(3));
    var reply = h.agentAsk(agent, r -> new Agent.Transfer("login-" + agent, null,
        new TransferTarget.ToQueue(new QueueId(queue)), r));
    if (!(reply instanceof Agent.Done)) return;
    transfers++;
    var moved = h.call(busy.offer().contact().callId().value()).transferCallId();
    h.await(() -> {
      try {
        return h.call(moved.value());
      } catch (AssertionError notYet) {
        return null;
      }
    }, x -> x != null, "the transferred call " + moved);
    open.add(moved.value());
  }

  int transfers() {
    return transfers;
  }

  /** Consultation steps taken (started, answered, failed, toggled, completed, cancelled). */
  int consultations() {
    return consultations;
  }

  /**
   * A step of an announce transfer on the agent's call: start one, or take it on as the gateway
   * and the agent might (the number answers or is busy, toggle, complete, cancel). Some are left
   * running, for a hang-up to end.
   */
  private void consult(String agent, AgentView v) {
    AgentContact busy = v.contacts().stream().filter(c -> c.phase() == AgentContact.Phase.BUSY).findFirst().orElse(null);
    if (busy == null) return;
    CallId call = busy.offer().contact().callId();
    CallView view = h.call(call.value());
    Consultation k = view.consultation();
    String login = "login-" + agent;
    Object reply;
    if (k == null || k.state() == Consultation.State.FAILED)
      reply = h.agentAsk(agent, r -> new Agent.Consult(login, null, "0709" + random.nextInt(1000), r));
    else if (k.state() == Consultation.State.DIALLING)
      reply = random.nextInt(3) > 0
          ? h.<CallSession.Command, CallSession.Reply>ask(h.engine.refs().call(call),
              r -> new CallSession.ConsultLegAnswered(k.consultId(), r))
          : h.<CallSession.Command, CallSession.Reply>ask(h.engine.refs().call(call),
              r -> new CallSession.ConsultLegFailed(k.consultId(), "busy", r));
    else {
      int roll = random.nextInt(3);
      reply = h.agentAsk(agent, r -> roll == 0 ? new Agent.Toggle(login, null, r)
          : roll == 1 ? new Agent.CompleteConsult(login, null, r) : new Agent.CancelConsult(login, null, r));
    }
    if (reply instanceof Agent.Done || reply instanceof CallSession.Done) consultations++;
  }

  int calls() {
    return calls;
  }

  private void arrive() {
    String id = "call-" + (++calls);
    String dialled = List.of("0811", "0811", "0812", "0821").get(random.nextInt(4));
    h.arrive(id, dialled, "070" + random.nextInt(1000));
    open.add(id);
  }

  private void hangUpSomeone() {
    if (open.isEmpty()) return;
    String c = open.get(random.nextInt(open.size()));
    CallView v = h.call(c);
    if (v.phase() == CallPhase.QUEUED || v.phase() == CallPhase.OFFERED) h.hangup(c);
    else if (v.phase() == CallPhase.TALKING && random.nextBoolean()) h.hangup(c);
    if (h.call(c).phase() == CallPhase.FINISHED) open.remove(c);
  }

  private void agentsAct() {
    for (String a : AGENTS) {
      AgentView v = h.agentView(a);
      String login = "login-" + a;
      int roll = random.nextInt(100);
      switch (v.status()) {
        case RESERVED -> {
          AgentContact ringing = v.contacts().stream().filter(c -> c.phase() == AgentContact.Phase.RESERVED)
              .findFirst().orElse(null);
          if (ringing == null) break;
          if (roll < 60) h.agentAsk(a, r -> new Agent.AcceptOffer(login, ringing.offer().offerId(), r));
          else if (roll < 75) h.agentAsk(a, r -> new Agent.DeclineOffer(login, ringing.offer().offerId(), r));
          // otherwise it rings on, and may time out
        }
        case BUSY -> {
          if (roll < 36) h.agentAsk(a, r -> new Agent.EndCall(login, null, r));
          else if (roll < 42) transfer(a, v);
          else if (roll < 60) consult(a, v);
        }
        case WRAP_UP -> {
          if (roll < 50) h.agentAsk(a, r -> new Agent.EndWrapUp(login, r));
        }
        case READY -> {
          if (roll < 8)
            h.agentAsk(a, r -> new Agent.Pause(login, PAUSE_REASONS.get(random.nextInt(PAUSE_REASONS.size())), r));
          else if (roll < 10) h.agentAsk(a, r -> new Agent.Logout(login, r));
        }
        case PAUSED -> {
          if (roll < 30) h.agentAsk(a, r -> new Agent.SetReady(login, r));
          else if (roll < 35)
            h.agentAsk(a, r -> new Agent.Pause(login, PAUSE_REASONS.get(random.nextInt(PAUSE_REASONS.size())), r));
        }
        case LOGGED_OUT -> {
          if (roll < 30) h.agentAsk(a, r -> new Agent.Login(login, List.of(), random.nextBoolean(), r));
        }
      }
    }
  }
}
