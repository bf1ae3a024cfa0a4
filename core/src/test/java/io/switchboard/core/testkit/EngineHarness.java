package io.switchboard.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentConfig;
import io.switchboard.core.agent.AgentContact;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.agent.AgentStatus;
import io.switchboard.core.agent.AgentView;
import io.switchboard.core.agent.AnswerGroup;
import io.switchboard.core.calendar.Calendar;
import io.switchboard.core.calendar.CalendarDefinition;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.call.CallView;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.numberplan.NumberPlanEntry;
import io.switchboard.core.numberplan.SipAccountTarget;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.queue.QueueView;
import io.switchboard.core.routing.Offer;
import io.switchboard.core.routing.OfferId;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * A one-node cluster running the whole engine, for tests that need entities to really talk to
 * each other through sharding. The journal is whatever the config says (in-memory by default).
 */
public final class EngineHarness implements AutoCloseable {

  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  public final ActorTestKit kit;
  public final Engine engine;
  public final TestProbe<Notification> notifications;

  private EngineHarness(ActorTestKit kit, Engine engine, TestProbe<Notification> notifications) {
    this.kit = kit;
    this.engine = engine;
    this.notifications = notifications;
  }

  /** Cluster on a free loopback port, every message through CBOR, fast engine timings. */
  public static Config baseConfig() {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.cluster.sharding.remember-entities-store = eventsourced
        pekko.cluster.sharding.number-of-shards = 20
        pekko.actor.serialize-messages = on
        pekko.loglevel = WARNING
        pekko.coordinated-shutdown.exit-jvm = off
        pekko.actor.testkit.typed.system-shutdown-default = 30s
        switchboard.engine {
          collect-window = 60ms
          offer-grace = 2s
          decline-cooloff = 2s
          finished-linger = 2s
          retry-interval = 300ms
          ask-timeout = 3s
        }
        """);
  }

  /** Base config with the in-memory journal of the persistence testkit. */
  public static Config inMemoryConfig() {
    return baseConfig()
        .withFallback(org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin.getInstance().config())
        .withFallback(org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin.config())
        .withFallback(ConfigFactory.load());
  }

  public static EngineHarness start(String name, Config config) {
    return start(name, config, Clock.systemUTC());
  }

  /** With the engine on {@code clock} (a {@link TestClock} for days of traffic in seconds). */
  public static EngineHarness start(String name, Config config, Clock clock) {
    ActorTestKit kit = ActorTestKit.create(name, config);
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    TestProbe<Object> wait = kit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(20), () -> {
      assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
      return null;
    });
    Engine engine = Engine.start(kit.system(), clock);
    TestProbe<Notification> notifications = kit.createTestProbe(Notification.class);
    engine.notifications().tell(Topic.subscribe(notifications.ref()));
    return new EngineHarness(kit, engine, notifications);
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
  }

  // ---------------------------------------------------------------- asks

  public <Req, Res> Res ask(RecipientRef<Req> target, Function<ActorRef<Res>, Req> request) {
    CompletionStage<Res> reply = AskPattern.ask(target, request::apply, TIMEOUT, kit.scheduler());
    try {
      return reply.toCompletableFuture().get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("no reply from " + target, e);
    }
  }

  // ---------------------------------------------------------------- setup

  public void numberPlan(String answeringPoint, String company, String dialled, String queue) {
    numberPlan(answeringPoint, company, dialled, queue, 0);
  }

  public void numberPlan(String answeringPoint, String company, String dialled, String queue, int priority) {
    numberPlan(answeringPoint, company, dialled, new QueueId(queue), priority, null);
  }

  /** A dialled number that rings a SIP account (ACD-1). */
  public void numberPlan(String answeringPoint, String company, String dialled, SipAccountTarget account) {
    numberPlan(answeringPoint, company, dialled, null, 0, account);
  }

  private void numberPlan(String answeringPoint, String company, String dialled, QueueId queue, int priority,
      SipAccountTarget account) {
    var plan = engine.refs().numberPlan();
    AnsweringPointId ap = new AnsweringPointId(answeringPoint);
    CompanyId co = new CompanyId(company);
    expect(ask(plan, (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutAnsweringPoint(ap, answeringPoint, r)), NumberPlan.Done.class);
    expect(ask(plan, (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutCompany(co, company, ap, r)), NumberPlan.Done.class);
    expect(ask(plan, (ActorRef<NumberPlan.Reply> r) ->
        new NumberPlan.PutEntry(new NumberPlanEntry(dialled, ap, co, queue, priority, account), r)), NumberPlan.Done.class);
  }

  public QueueView queue(String id, QueueConfig config) {
    return expect(ask(engine.refs().queue(new QueueId(id)), (ActorRef<Queue.Reply> r) -> new Queue.Configure(config, r)),
        Queue.Done.class).view();
  }

  public void calendar(String id, CalendarDefinition definition) {
    expect(ask(engine.refs().calendar(new CalendarId(id)), (ActorRef<Calendar.Reply> r) -> new Calendar.Define(definition, r)),
        Calendar.Done.class);
  }

  public AgentView agent(String id, String name, AnswerGroup... groups) {
    return agentDo(id, r -> new Agent.Configure(AgentConfig.of(name, groups), r));
  }

  public static AnswerGroup group(String queue, int level) {
    return new AnswerGroup(new QueueId(queue), level);
  }

  // ---------------------------------------------------------------- agent actions

  /** Runs an agent command that must succeed. */
  public AgentView agentDo(String id, Function<ActorRef<Agent.Reply>, Agent.Command> command) {
    return expect(agentAsk(id, command), Agent.Done.class).view();
  }

  public Agent.Reply agentAsk(String id, Function<ActorRef<Agent.Reply>, Agent.Command> command) {
    return ask(engine.refs().agent(new AgentId(id)), command);
  }

  public AgentView login(String agent, boolean ready) {
    return agentDo(agent, r -> new Agent.Login("login-" + agent, List.of(), ready, r));
  }

  public AgentView ready(String agent) {
    return agentDo(agent, r -> new Agent.SetReady("login-" + agent, r));
  }

  public AgentView pause(String agent, String reason) {
    return agentDo(agent, r -> new Agent.Pause("login-" + agent, reason, r));
  }

  public Agent.Reply accept(String agent, OfferId offer) {
    return agentAsk(agent, r -> new Agent.AcceptOffer("login-" + agent, offer, r));
  }

  public AgentView endCall(String agent) {
    return agentDo(agent, r -> new Agent.EndCall("login-" + agent, null, r));
  }

  public AgentView agentView(String id) {
    return agentDo(id, Agent.GetState::new);
  }

  /** Waits until the agent rings, and returns the offer. */
  public Offer awaitOffer(String agent) {
    return awaitAgent(agent, v -> v.status() == AgentStatus.RESERVED).contacts().stream()
        .filter(c -> c.phase() == AgentContact.Phase.RESERVED).findFirst().orElseThrow().offer();
  }

  public AgentView awaitAgent(String agent, java.util.function.Predicate<AgentView> condition) {
    return await(() -> agentView(agent), condition, "agent " + agent);
  }

  // ---------------------------------------------------------------- calls

  public CallSession.Reply arrive(String callId, String dialled, String caller) {
    return ask(engine.refs().call(new CallId(callId)), r -> new CallSession.Arrive(dialled, caller, r));
  }

  public CallView call(String callId) {
    return expect(ask(engine.refs().call(new CallId(callId)), CallSession.GetState::new), CallSession.Done.class).view();
  }

  public CallSession.Reply hangup(String callId) {
    return ask(engine.refs().call(new CallId(callId)), CallSession.Hangup::new);
  }

  public CallView awaitCall(String callId, java.util.function.Predicate<CallView> condition) {
    return await(() -> call(callId), condition, "call " + callId);
  }

  public QueueView queueView(String id) {
    return expect(ask(engine.refs().queue(new QueueId(id)), Queue.GetState::new), Queue.Done.class).view();
  }

  // ---------------------------------------------------------------- plumbing

  public static <T> T expect(Object reply, Class<T> type) {
    assertThat(reply).as("reply").isInstanceOf(type);
    return type.cast(reply);
  }

  public <T> T await(Supplier<T> read, java.util.function.Predicate<T> condition, String what) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    T last = null;
    while (System.nanoTime() < deadline) {
      last = read.get();
      if (condition.test(last)) return last;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
  }
}
