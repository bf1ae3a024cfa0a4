package io.switchboard.core.engine;

import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.calendar.Calendar;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.company.Company;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueId;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The distribution engine on one node: every entity type registered with cluster sharding, and
 * the topic their live changes are published on.
 */
public final class Engine {

  public static final String NOTIFICATIONS_TOPIC = "switchboard-notifications";

  private final EngineContext context;
  private final ActorRef<Topic.Command<Notification>> notifications;

  private Engine(EngineContext context, ActorRef<Topic.Command<Notification>> notifications) {
    this.context = context;
    this.notifications = notifications;
  }

  public static Engine start(ActorSystem<?> system, Clock clock) {
    EngineSettings settings = EngineSettings.from(system.settings().config());
    ActorRef<Topic.Command<Notification>> topic = system.systemActorOf(
        Topic.create(Notification.class, NOTIFICATIONS_TOPIC), "switchboard-notifications", Props.empty());
    EngineContext ctx = new EngineContext(
        new ShardedRefs(ClusterSharding.get(system)), clock, settings, n -> topic.tell(Topic.publish(n)));
    NumberPlan.init(system, ctx);
    Calendar.init(system, ctx);
    Queue.init(system, ctx);
    Agent.init(system, ctx);
    CallSession.init(system, ctx);
    Company.init(system, ctx);
    return new Engine(ctx, topic);
  }

  public EngineContext context() {
    return context;
  }

  public EntityRefs refs() {
    return context.refs();
  }

  /** Subscribe with {@code Topic.subscribe(ref)} to see every agent and call change live. */
  public ActorRef<Topic.Command<Notification>> notifications() {
    return notifications;
  }

  private record ShardedRefs(ClusterSharding sharding) implements EntityRefs {
    @Override
    public RecipientRef<Queue.Command> queue(QueueId id) {
      return sharding.entityRefFor(Queue.ENTITY_KEY, id.value());
    }

    @Override
    public RecipientRef<Agent.Command> agent(AgentId id) {
      return sharding.entityRefFor(Agent.ENTITY_KEY, id.value());
    }

    @Override
    public RecipientRef<CallSession.Command> call(CallId id) {
      return sharding.entityRefFor(CallSession.ENTITY_KEY, id.value());
    }

    @Override
    public RecipientRef<NumberPlan.Command> numberPlan() {
      return sharding.entityRefFor(NumberPlan.ENTITY_KEY, NumberPlan.CENTRE);
    }

    @Override
    public RecipientRef<Calendar.Command> calendar(CalendarId id) {
      return sharding.entityRefFor(Calendar.ENTITY_KEY, id.value());
    }

    @Override
    public RecipientRef<Company.Command> company(CompanyId id) {
      return sharding.entityRefFor(Company.ENTITY_KEY, id.value());
    }
  }
}
