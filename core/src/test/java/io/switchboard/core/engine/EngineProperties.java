package io.switchboard.core.engine;

import static io.switchboard.core.testkit.EngineHarness.group;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentContact;
import io.switchboard.core.agent.AgentStatus;
import io.switchboard.core.agent.AgentView;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallOutcome;
import io.switchboard.core.call.CallPhase;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.queue.OverflowTarget;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.routing.Strategy;
import io.switchboard.core.testkit.EngineHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;

/**
 * The whole engine under random sequences of arrivals, hang-ups, logins, logouts, readies,
 * pauses, accepts, declines and ends, fired with short random pauses so the entities race. After
 * each sequence every remaining call is hung up and the run is checked: no call was ever on two
 * agents, no agent ever held more than its capacity, every call ended in exactly one terminal
 * outcome, and no agent is left holding a contact.
 */
class EngineProperties {

  static EngineHarness h;
  static PersistenceTestKit journal;
  static final AtomicInteger run = new AtomicInteger();
  static final int AGENTS = 4;

  @BeforeContainer
  static void start() {
    h = EngineHarness.start("properties", EngineHarness.inMemoryConfig());
    journal = PersistenceTestKit.create(h.kit.system());
  }

  @AfterContainer
  static void stop() {
    h.close();
  }

  sealed interface Action {}

  record Arrive(int number) implements Action {}

  record Hangup(int call) implements Action {}

  record Login(int agent) implements Action {}

  record Logout(int agent) implements Action {}

  record Ready(int agent) implements Action {}

  record Pause(int agent) implements Action {}

  record Accept(int agent) implements Action {}

  /** Every ringing agent accepts at the same moment: the race ring-all must survive. */
  record AcceptAllAtOnce() implements Action {}

  record Decline(int agent) implements Action {}

  record End(int agent) implements Action {}

  record Wait(int millis) implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> agent = Arbitraries.integers().between(0, AGENTS - 1);
    Arbitrary<Integer> call = Arbitraries.integers().between(0, 40);
    return Arbitraries.<Action>frequencyOf(
            Tuple.of(5, Arbitraries.integers().between(0, 2).map(Arrive::new)),
            Tuple.of(1, call.map(Hangup::new)),
            Tuple.of(1, agent.map(Login::new)),
            Tuple.of(1, agent.map(Logout::new)),
            Tuple.of(2, agent.map(Ready::new)),
            Tuple.of(1, agent.map(Pause::new)),
            Tuple.of(4, agent.map(Accept::new)),
            Tuple.of(3, Arbitraries.just(new AcceptAllAtOnce())),
            Tuple.of(1, agent.map(Decline::new)),
            Tuple.of(3, agent.map(End::new)),
            Tuple.of(3, Arbitraries.integers().between(0, 80).map(Wait::new)))
        .list().ofMinSize(10).ofMaxSize(50);
  }

  @Provide
  Arbitrary<Strategy> strategies() {
    return Arbitraries.of(Strategy.LONGEST_IDLE, Strategy.ROUND_ROBIN, Strategy.FEWEST_CONTACTS, Strategy.RING_ALL,
        Strategy.SKILLS);
  }

  @Property(tries = 25)
  void noCallOnTwoAgentsNoAgentOverCapacityEveryCallEndsOnce(
      @ForAll("actions") List<Action> actions, @ForAll("strategies") Strategy strategy, @ForAll boolean pauseOnMiss,
      @ForAll boolean overflow) {
    String p = "r" + run.incrementAndGet() + "-";
    String q1 = p + "q1", q2 = p + "q2";
    QueueConfig one = QueueConfig.named("One").withStrategy(strategy).withOfferTimeout(Duration.ofMillis(700), pauseOnMiss)
        .withTierDelay(strategy == Strategy.SKILLS ? Duration.ofSeconds(1) : Duration.ZERO);
    // Sometimes calls leave the first queue for the second after a short wait, racing everything.
    if (overflow) one = one.withMaxWait(Duration.ofMillis(60), new OverflowTarget.ToQueue(new QueueId(q2)));
    h.queue(q1, one);
    h.queue(q2, QueueConfig.named("Two").withOfferTimeout(Duration.ofMillis(700), pauseOnMiss));
    List<String> numbers = List.of("071" + run.get() + "1", "071" + run.get() + "2", "071" + run.get() + "3");
    h.numberPlan("ap", "acme", numbers.get(0), q1);
    h.numberPlan("ap", "acme", numbers.get(1), q2);
    h.numberPlan("ap", "vip", numbers.get(2), q1, 5);
    List<String> agents = new ArrayList<>();
    for (int i = 0; i < AGENTS; i++) {
      String a = p + "a" + i;
      agents.add(a);
      if (i == 0) h.agent(a, a, group(q1, 1));
      else if (i == 1) h.agent(a, a, group(q2, 1));
      else h.agent(a, a, group(q1, 1), group(q2, i == 2 ? 1 : 2));
    }

    // Everything the engine tells observers during the run.
    ConcurrentLinkedQueue<Notification> seen = new ConcurrentLinkedQueue<>();
    ActorRef<Notification> collector = h.kit.spawn(Behaviors.receiveMessage(n -> {
      seen.add(n);
      return Behaviors.same();
    }));
    h.engine.notifications().tell(Topic.subscribe(collector));
    sleepQuietly(100);
    for (String a : agents) h.login(a, true);

    List<String> calls = new ArrayList<>();
    for (Action action : actions) run(action, p, agents, numbers, calls);

    // With overflow on, calls still waiting get their max wait before the hang-ups race them.
    if (overflow) sleepQuietly(100);
    // Hang up what is left, end what is talking, and let every call finish.
    for (String c : calls) {
      CallPhase phase = h.call(c).phase();
      if (phase != CallPhase.FINISHED && phase != CallPhase.WRAP_UP) h.hangup(c);
    }
    for (String c : calls) {
      var done = h.awaitCall(c, v -> v.phase() == CallPhase.FINISHED);
      assertThat(done.outcome()).as(c).isIn(CallOutcome.COMPLETED, CallOutcome.ABANDONED);
      if (!overflow) assertThat(done.queue().value()).as(c).isIn(q1, q2);
    }
    for (String a : agents) h.awaitAgent(a, v -> v.contacts().isEmpty());
    // No queue keeps a contact of a finished call.
    for (String q : List.of(q1, q2)) h.await(() -> h.queueView(q).waitingCount(), n -> n == 0, "queue " + q + " empty");
    h.engine.notifications().tell(Topic.unsubscribe(collector));

    // Each call: at most one answer, exactly one terminal event, in the journal.
    for (String c : calls) {
      List<Object> events = journal.persistedInStorage("CallSession|" + c);
      assertThat(events.stream().filter(e -> e instanceof CallSession.CallAnswered)).as(c).hasSizeLessThanOrEqualTo(1);
      assertThat(events.stream().filter(e -> e instanceof CallSession.CallCompleted
          || e instanceof CallSession.CallAbandoned || e instanceof CallSession.CallClosedHandled)).as(c).hasSize(1);
    }
    // Live: never more contacts than capacity, never one call busy at two agents.
    Map<String, Set<String>> agentsOnCall = new HashMap<>();
    for (Notification n : seen) {
      if (!(n instanceof Notification.AgentChanged ac) || !ac.agentId().value().startsWith(p)) continue;
      assertThat(ac.view().contacts()).as("contacts of %s", ac.agentId()).hasSizeLessThanOrEqualTo(1);
      for (AgentContact c : ac.view().contacts())
        if (c.phase() != AgentContact.Phase.RESERVED)
          agentsOnCall.computeIfAbsent(c.offer().contact().callId().value(), k -> new HashSet<>()).add(ac.agentId().value());
    }
    agentsOnCall.forEach((call, who) -> assertThat(who).as("agents on %s", call).hasSize(1));
    long answered = calls.stream().filter(c -> h.call(c).agent() != null).count();
    Statistics.label("answered calls").collect(answered == 0 ? "0" : answered < 3 ? "1-2" : "3+");
    Statistics.label("strategy").collect(strategy);
    Statistics.label("overflowed calls").collect(
        overflow && calls.stream().anyMatch(c -> journal.persistedInStorage("CallSession|" + c).stream()
            .anyMatch(e -> e instanceof CallSession.CallOverflowed)) ? "some" : "none");
  }

  private void run(Action action, String p, List<String> agents, List<String> numbers, List<String> calls) {
    if (action instanceof Arrive a) {
      String c = p + "c" + calls.size();
      if (h.arrive(c, numbers.get(a.number()), "070") instanceof CallSession.Done) calls.add(c);
    } else if (action instanceof Hangup x && !calls.isEmpty()) {
      h.hangup(calls.get(x.call() % calls.size()));
    } else if (action instanceof Login x) {
      h.agentAsk(agents.get(x.agent()), r -> new Agent.Login("login-" + agents.get(x.agent()), List.of(), true, r));
    } else if (action instanceof Logout x) {
      h.agentAsk(agents.get(x.agent()), r -> new Agent.Logout("login-" + agents.get(x.agent()), r));
    } else if (action instanceof Ready x) {
      h.agentAsk(agents.get(x.agent()), r -> new Agent.SetReady("login-" + agents.get(x.agent()), r));
    } else if (action instanceof Pause x) {
      h.agentAsk(agents.get(x.agent()), r -> new Agent.Pause("login-" + agents.get(x.agent()), "break", r));
    } else if (action instanceof Accept x) {
      ringing(agents.get(x.agent())).ifPresent(o ->
          h.agentAsk(agents.get(x.agent()), r -> new Agent.AcceptOffer("login-" + agents.get(x.agent()), o, r)));
    } else if (action instanceof AcceptAllAtOnce) {
      List<java.util.concurrent.CompletableFuture<Agent.Reply>> accepts = new ArrayList<>();
      for (String a : agents)
        ringing(a).ifPresent(o -> accepts.add(java.util.concurrent.CompletableFuture.supplyAsync(() ->
            h.agentAsk(a, r -> new Agent.AcceptOffer("login-" + a, o, r)))));
      accepts.forEach(java.util.concurrent.CompletableFuture::join);
    } else if (action instanceof Decline x) {
      ringing(agents.get(x.agent())).ifPresent(o ->
          h.agentAsk(agents.get(x.agent()), r -> new Agent.DeclineOffer("login-" + agents.get(x.agent()), o, r)));
    } else if (action instanceof End x) {
      h.agentAsk(agents.get(x.agent()), r -> new Agent.EndCall("login-" + agents.get(x.agent()), null, r));
    } else if (action instanceof Wait w) {
      sleepQuietly(w.millis());
    }
  }

  private java.util.Optional<io.switchboard.core.routing.OfferId> ringing(String agent) {
    Agent.Reply reply = h.agentAsk(agent, Agent.GetState::new);
    if (!(reply instanceof Agent.Done d) || d.view().status() != AgentStatus.RESERVED) return java.util.Optional.empty();
    AgentView v = d.view();
    return v.contacts().stream().filter(c -> c.phase() == AgentContact.Phase.RESERVED).findFirst()
        .map(c -> c.offer().offerId());
  }

  static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
