package io.switchboard.persistence;

import static io.switchboard.core.testkit.EngineHarness.expect;
import static io.switchboard.core.testkit.EngineHarness.group;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentContact;
import io.switchboard.core.agent.AgentStatus;
import io.switchboard.core.agent.AgentView;
import io.switchboard.core.call.CallOutcome;
import io.switchboard.core.call.CallPhase;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.call.CallView;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.queue.QueueView;
import io.switchboard.core.routing.Offer;
import io.switchboard.core.testkit.EngineHarness;
import io.switchboard.persistence.testkit.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;

/**
 * Stopping a node and starting it again on the same database: waiting calls still queued in
 * order, agents in their states, an offer in flight run again, no call lost or given to two
 * agents. Run against each real database by a subclass.
 */
abstract class RestartScenarios {

  /** A fresh, empty database of the subclass's kind. */
  abstract Config database(String name);

  /** The plugin id of the read journal over the subclass's journal. */
  String readJournal() {
    return JdbcReadJournal.Identifier();
  }

  Config engineConfig(String name) {
    return TestDatabases.engineOn(database(name), EngineHarness.baseConfig());
  }

  @Test
  void waitingCallsAgentStatesAndARingingOfferSurviveARestart() {
    Config config = engineConfig("restart_state");
    String q = "support", n = "0812300";
    List<String> waiting = List.of("c2", "c3", "c4", "c5");
    try (EngineHarness h = EngineHarness.start("before-restart", config)) {
      h.queue(q, QueueConfig.named("Support").withOfferTimeout(Duration.ofSeconds(60), true));
      h.numberPlan("ap", "acme", n, q);
      h.agent("busy", "Busy", group(q, 1));
      h.agent("lunch", "Lunch", group(q, 1));
      h.agent("ringing", "Ringing", group(q, 1));
      h.login("busy", true);
      expect(h.arrive("c1", n, "0701"), CallSession.Done.class);
      expect(h.accept("busy", h.awaitOffer("busy").offerId()), Agent.Done.class);
      h.login("lunch", false);
      h.pause("lunch", "lunch");
      for (String c : waiting) {
        expect(h.arrive(c, n, "0702"), CallSession.Done.class);
        h.awaitCall(c, v -> v.phase() == CallPhase.QUEUED);
      }
      h.login("ringing", true);
      assertThat(h.awaitOffer("ringing").contact().callId().value()).isEqualTo("c2");
      h.awaitCall("c2", v -> v.phase() == CallPhase.OFFERED);
    }

    try (EngineHarness h = EngineHarness.start("after-restart", config)) {
      QueueView queue = h.queueView(q);
      assertThat(queue.waiting()).extracting(w -> w.callId().value()).containsExactlyElementsOf(waiting);
      AgentView busy = h.agentView("busy");
      assertThat(busy.status()).isEqualTo(AgentStatus.BUSY);
      assertThat(busy.contacts().get(0).offer().contact().callId().value()).isEqualTo("c1");
      AgentView lunch = h.agentView("lunch");
      assertThat(lunch.status()).isEqualTo(AgentStatus.PAUSED);
      assertThat(lunch.pauseReason()).isEqualTo("lunch");
      // The offer in flight rings again at the same agent and can be answered.
      Offer ringing = h.awaitOffer("ringing");
      assertThat(ringing.contact().callId().value()).isEqualTo("c2");
      assertThat(h.call("c1").agent().value()).isEqualTo("busy");
      expect(h.accept("ringing", ringing.offerId()), Agent.Done.class);
      assertThat(h.awaitCall("c2", v -> v.phase() == CallPhase.TALKING).agent().value()).isEqualTo("ringing");
      // Work the line off in order.
      h.endCall("busy");
      assertThat(h.awaitOffer("busy").contact().callId().value()).isEqualTo("c3");
      h.ready("lunch");
      assertThat(h.awaitOffer("lunch").contact().callId().value()).isEqualTo("c4");
    }
  }

  @Test
  void aNodeStoppedInTheMiddleOfTrafficLosesNoCallAndGivesNoneToTwoAgents() throws Exception {
    Config config = engineConfig("restart_traffic");
    String q = "traffic", n = "0812400";
    List<String> agents = List.of("t1", "t2", "t3", "t4");
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    Set<String> unanswered = ConcurrentHashMap.newKeySet();
    List<Long> arrivalMillis = new CopyOnWriteArrayList<>();

    try (EngineHarness h = EngineHarness.start("traffic-before", config)) {
      h.queue(q, QueueConfig.named("Traffic").withOfferTimeout(Duration.ofSeconds(30), false));
      h.numberPlan("ap", "acme", n, q);
      for (String a : agents) {
        h.agent(a, a, group(q, 1));
        h.login(a, true);
      }
      AtomicBoolean running = new AtomicBoolean(true);
      Thread answering = autoAnswer(h, agents, running);
      Thread arrivals = new Thread(() -> {
        for (int i = 0; running.get() && i < 400; i++) {
          String c = "t-" + i;
          try {
            long t0 = System.nanoTime();
            CallSession.Reply reply = h.arrive(c, n, "0703");
            arrivalMillis.add((System.nanoTime() - t0) / 1_000_000);
            if (reply instanceof CallSession.Done) accepted.add(c);
          } catch (AssertionError noReply) {
            unanswered.add(c);
          }
          sleep(15);
        }
      });
      arrivals.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (accepted.size() < 30 && System.nanoTime() < deadline) sleep(20);
      System.out.println("arrival round trips (ms): " + arrivalMillis);
      // Stop the node while calls arrive and agents answer.
      long t0 = System.nanoTime();
      h.kit.system().terminate();
      h.kit.system().getWhenTerminated().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
      System.out.println("terminated in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      running.set(false);
      arrivals.join(20_000);
      answering.join(20_000);
    }
    assertThat(accepted).hasSizeGreaterThanOrEqualTo(30);

    try (EngineHarness h = EngineHarness.start("traffic-after", config)) {
      AtomicBoolean running = new AtomicBoolean(true);
      Thread answering = autoAnswer(h, agents, running);
      for (String c : accepted) {
        CallView v = h.awaitCall(c, x -> x.phase() == CallPhase.FINISHED);
        assertThat(v.outcome()).as(c).isEqualTo(CallOutcome.COMPLETED);
      }
      // A call whose arrival got no answer either never existed or ends like the others.
      for (String c : unanswered) {
        if (h.ask(h.engine.refs().call(new io.switchboard.core.call.CallId(c)), CallSession.GetState::new)
            instanceof CallSession.Done)
          h.awaitCall(c, x -> x.phase() == CallPhase.FINISHED);
      }
      running.set(false);
      answering.join(20_000);

      CurrentEventsByPersistenceIdQuery journal = PersistenceQuery.get(h.kit.system())
          .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, readJournal());
      for (String c : accepted) {
        List<Object> events = journal.currentEventsByPersistenceId("CallSession|" + c, 0, Long.MAX_VALUE)
            .map(EventEnvelope::event)
            .runWith(Sink.seq(), h.kit.system())
            .toCompletableFuture().get();
        assertThat(events.stream().filter(e -> e instanceof CallSession.CallAnswered)).as(c).hasSize(1);
        assertThat(events.stream().filter(e -> e instanceof CallSession.CallCompleted
            || e instanceof CallSession.CallAbandoned || e instanceof CallSession.CallClosedHandled)).as(c).hasSize(1);
      }
      for (String a : agents) assertThat(h.agentView(a).contacts()).as(a).isEmpty();
      assertThat(h.queueView(q).waitingCount()).as("contacts left in the queue").isZero();
    }
  }

  /** Agents that accept every offer and hang up after a short talk, polling their own state. */
  static Thread autoAnswer(EngineHarness h, List<String> agents, AtomicBoolean running) {
    Map<String, Instant> busySince = new ConcurrentHashMap<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    Thread t = new Thread(() -> {
      while (running.get()) {
        for (String a : agents) {
          try {
            AgentView v = h.agentView(a);
            for (AgentContact c : new ArrayList<>(v.contacts())) {
              if (c.phase() == AgentContact.Phase.RESERVED) {
                h.accept(a, c.offer().offerId());
              } else if (c.phase() == AgentContact.Phase.BUSY) {
                Instant since = busySince.computeIfAbsent(a + c.offer().contact().callId(), k -> Instant.now());
                if (Duration.between(since, Instant.now()).toMillis() > 40) h.endCall(a);
              }
            }
          } catch (Throwable e) {
            errors.add(e);
          }
        }
        sleep(10);
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
