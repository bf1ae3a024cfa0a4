package io.switchboard.core.testkit;

import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.calendar.Calendar;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.company.Company;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.EntityRefs;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.RecipientRef;

/**
 * Entity refs that are probes, one per entity id, so an entity test sees exactly what its entity
 * sent to whom, and answers asks by hand.
 */
public final class ProbeRefs implements EntityRefs {
  private final ActorTestKit kit;
  private final Map<String, TestProbe<?>> probes = new ConcurrentHashMap<>();

  public ProbeRefs(ActorTestKit kit) {
    this.kit = kit;
  }

  @SuppressWarnings("unchecked")
  private <T> TestProbe<T> probe(String key, Class<T> type) {
    return (TestProbe<T>) probes.computeIfAbsent(key, k -> kit.createTestProbe(type));
  }

  public TestProbe<Queue.Command> queueProbe(QueueId id) {
    return probe("queue/" + id, Queue.Command.class);
  }

  public TestProbe<Agent.Command> agentProbe(AgentId id) {
    return probe("agent/" + id, Agent.Command.class);
  }

  public TestProbe<CallSession.Command> callProbe(CallId id) {
    return probe("call/" + id, CallSession.Command.class);
  }

  public TestProbe<NumberPlan.Command> numberPlanProbe() {
    return probe("numberplan", NumberPlan.Command.class);
  }

  public TestProbe<Calendar.Command> calendarProbe(CalendarId id) {
    return probe("calendar/" + id, Calendar.Command.class);
  }

  public TestProbe<Company.Command> companyProbe(CompanyId id) {
    return probe("company/" + id, Company.Command.class);
  }

  @Override
  public RecipientRef<Company.Command> company(CompanyId id) {
    return companyProbe(id).ref();
  }

  @Override
  public RecipientRef<Queue.Command> queue(QueueId id) {
    return queueProbe(id).ref();
  }

  @Override
  public RecipientRef<Agent.Command> agent(AgentId id) {
    return agentProbe(id).ref();
  }

  @Override
  public RecipientRef<CallSession.Command> call(CallId id) {
    return callProbe(id).ref();
  }

  @Override
  public RecipientRef<NumberPlan.Command> numberPlan() {
    return numberPlanProbe().ref();
  }

  @Override
  public RecipientRef<Calendar.Command> calendar(CalendarId id) {
    return calendarProbe(id).ref();
  }
}
