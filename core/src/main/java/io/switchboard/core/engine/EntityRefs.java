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
import org.apache.pekko.actor.typed.RecipientRef;

/**
 * How one entity reaches another by id. In a node these are cluster-sharding entity refs; in a
 * unit test, probes.
 */
public interface EntityRefs {
  RecipientRef<Queue.Command> queue(QueueId id);

  RecipientRef<Agent.Command> agent(AgentId id);

  RecipientRef<CallSession.Command> call(CallId id);

  RecipientRef<NumberPlan.Command> numberPlan();

  RecipientRef<Calendar.Command> calendar(CalendarId id);

  RecipientRef<Company.Command> company(CompanyId id);
}
